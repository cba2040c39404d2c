/*
 * soc-uart: UART2 in loopback (UxMODE.LPBACK) at 115200 baud (BRG = 53, BRGH = 0 at PBCLK2 =
 * 100 MHz), pic32mz-ef.md §7. Frame times come from the datasheet formula: one bit is
 * 16·(BRG+1) PBCLK2 cycles (4·(BRG+1) with BRGH = 1), a frame is start + data (+ parity) +
 * stop bits; Count ticks at 100 MHz, so one PBCLK2 cycle is one tick. Also RX data and FIFO
 * order, URXDA, overrun after 9 unread bytes (8-deep FIFO), the TX/RX/fault IFS flags per
 * UTXISEL/URXISEL, and clearing ON.
 */
#include "soc.h"

const char t_group[] = "uart";

#define U 2
#define BRG 53u
#define BIT_TICKS(brgh, brg) (((brgh) ? 4u : 16u) * ((brg) + 1u) * (COUNT_HZ / PBCLK2_HZ))
#define BIT BIT_TICKS(0, BRG)
#define FRAME (10u * BIT)
/* Polling the status register and reading Count costs a few ticks per round. */
#define SLACK 32u
/*
 * The transmitter starts on the baud generator's next bit edge, so a frame may begin up to one
 * bit time after the TXREG write.
 */
#define START_LATENCY(bit) (bit)
#define FIFO_DEPTH 8

#define STA() REG(USTA(U))

static void setup(u32 mode, u32 sta, u32 brg)
{
	REG(UMODE(U)) = 0;
	REG(USTA(U)) = 0;
	REG(UBRG(U)) = brg;
	REG(UMODE(U)) = MODE_ON | MODE_LPBACK | mode;
	REG(USTA(U)) = STA_UTXEN | STA_URXEN | sta;
	irq_clear(IRQ_U2E);
	irq_clear(IRQ_U2RX);
	irq_clear(IRQ_U2TX);
}

/* Waits for TRMT (everything sent); returns the ticks since `t0`. */
static u32 until_trmt(u32 t0)
{
	while (!(STA() & STA_TRMT) && count() - t0 < 100 * FRAME)
		;
	return count() - t0;
}

static u32 until_urxda(u32 t0)
{
	while (!(STA() & STA_URXDA) && count() - t0 < 100 * FRAME)
		;
	return count() - t0;
}

static void send(u32 byte)
{
	REG(UTXREG(U)) = byte;
}

/* One frame of `bits` at (brgh, brg): TRMT rises bits * bit after the write. */
static void frame_case(const char *name, u32 mode, u32 bits)
{
	u32 brgh = (mode & MODE_BRGH) ? 1 : 0;
	u32 bit = BIT_TICKS(brgh, BRG);
	setup(mode, 0, BRG);
	u32 t0 = count();
	send(0x55);
	u32 dt = until_trmt(t0);
	t_range(name, dt, bits * bit, bits * bit + START_LATENCY(bit) + SLACK);
	while (STA() & STA_URXDA)
		(void)REG(URXREG(U));
}

static void timing(void)
{
	setup(0, 0, BRG);
	t_eq("tx.trmt-idle", STA() & STA_TRMT, STA_TRMT);
	send(0xA5);
	t_eq("tx.trmt-low-while-sending", STA() & STA_TRMT, 0);
	until_trmt(count());

	frame_case("tx.8n1-10-bits", 0, 10);
	frame_case("tx.brgh-8n1-10-bits", MODE_BRGH, 10);
	frame_case("tx.8n2-11-bits", MODE_STSEL, 11);
	frame_case("tx.8e1-11-bits", MODE_PDSEL(1), 11);
	frame_case("tx.9n1-11-bits", MODE_PDSEL(3), 11);
}

static void receive(void)
{
	setup(0, 0, BRG);
	t_eq("rx.idle-no-data", STA() & STA_URXDA, 0);
	u32 t0 = count();
	send(0x3C);
	u32 dt = until_urxda(t0);
	/* URXDA rises when the stop bit has been sampled (mid stop bit or at its end). */
	t_range("rx.urxda-after-one-frame", dt, FRAME - BIT, FRAME + START_LATENCY(BIT) + SLACK);
	t_eq("rx.loopback-data", REG(URXREG(U)) & 0x1ff, 0x3C);
	t_eq("rx.urxda-clear-after-read", STA() & STA_URXDA, 0);

	setup(MODE_PDSEL(3), 0, BRG);
	send(0x1A5);
	until_trmt(count());
	t_eq("rx.9-bit-data", REG(URXREG(U)) & 0x1ff, 0x1A5);

	setup(0, 0, BRG);
	for (u32 i = 0; i < 4; i++)
		send(0x61 + i);
	dt = until_trmt(count());
	t_range("rx.four-frames-back-to-back", dt, 4 * FRAME, 4 * FRAME + START_LATENCY(BIT) + SLACK);
	u32 got = 0;
	for (u32 i = 0; i < 4; i++)
		got = (got << 8) | (REG(URXREG(U)) & 0xff);
	t_eq("rx.fifo-order", got, 0x61626364);
	t_eq("rx.fifo-empty-after-reads", STA() & STA_URXDA, 0);
}

static void buffers(void)
{
	setup(0, 0, BRG);
	u32 t0 = count();
	for (u32 i = 0; i < FIFO_DEPTH - 1; i++)
		send(i);
	u32 room = STA() & STA_UTXBF;
	send(7);
	send(8);
	/* One byte in the shift register and eight in the FIFO. */
	u32 full = STA() & STA_UTXBF;
	while ((STA() & STA_UTXBF) && count() - t0 < 100 * FRAME)
		;
	u32 dt = count() - t0;
	t_eq("tx.utxbf-clear-with-room", room, 0);
	t_eq("tx.utxbf-set-when-full", full, STA_UTXBF);
	t_range("tx.utxbf-clears-after-one-frame", dt, FRAME, FRAME + START_LATENCY(BIT) + SLACK);
	until_trmt(count());
	/* Nine bytes arrived with none read: the ninth overran the 8-deep FIFO. */
	t_eq("rx.oerr-after-nine-unread", STA() & STA_OERR, STA_OERR);
	t_eq("rx.oerr-raises-fault-flag", irq_flag(IRQ_U2E), 1);
	t_eq("rx.oerr-fifo-kept", REG(URXREG(U)) & 0xff, 0);
	CLR(USTA(U)) = STA_OERR;
	t_eq("rx.oerr-cleared", STA() & STA_OERR, 0);
	t_eq("rx.oerr-clear-empties-fifo", STA() & STA_URXDA, 0);

	setup(0, 0, BRG);
	for (u32 i = 0; i < FIFO_DEPTH; i++)
		send(0x40 + i);
	until_trmt(count());
	t_eq("rx.no-oerr-with-eight", STA() & (STA_OERR | STA_URXDA), STA_URXDA);
	u32 sum = 0;
	for (u32 i = 0; i < FIFO_DEPTH; i++)
		sum += REG(URXREG(U)) & 0xff;
	t_eq("rx.eight-bytes-held", sum, 8 * 0x40 + 28);
}

static void tx_flags(void)
{
	u32 t0, dt, before, trmt;

	/* UTXISEL = 00: a flag whenever a slot frees up; none while the FIFO is full. */
	setup(0, STA_UTXISEL(0), BRG);
	t0 = count();
	for (u32 i = 0; i <= FIFO_DEPTH; i++)
		send(i);
	irq_clear(IRQ_U2TX);
	before = irq_flag(IRQ_U2TX);
	wait_flag(IRQ_U2TX, 4 * FRAME);
	dt = count() - t0;
	t_eq("txif.utxisel0-none-while-full", before, 0);
	t_range("txif.utxisel0-slot-free-after-one-frame", dt, FRAME, FRAME + START_LATENCY(BIT) + SLACK);

	/* UTXISEL = 10: when the last byte has moved into the shift register. */
	setup(0, STA_UTXISEL(2), BRG);
	t0 = count();
	send(1);
	send(2);
	send(3);
	irq_clear(IRQ_U2TX);
	before = irq_flag(IRQ_U2TX);
	wait_flag(IRQ_U2TX, 8 * FRAME);
	dt = count() - t0;
	trmt = STA() & STA_TRMT;
	t_eq("txif.utxisel2-none-while-queued", before, 0);
	t_range("txif.utxisel2-buffer-empty-after-two-frames", dt, 2 * FRAME, 2 * FRAME + START_LATENCY(BIT) + SLACK);
	t_eq("txif.utxisel2-still-shifting", trmt, 0);

	/* UTXISEL = 01: when everything, shift register included, has gone. */
	setup(0, STA_UTXISEL(1), BRG);
	t0 = count();
	send(1);
	send(2);
	irq_clear(IRQ_U2TX);
	before = irq_flag(IRQ_U2TX);
	wait_flag(IRQ_U2TX, 8 * FRAME);
	dt = count() - t0;
	trmt = STA() & STA_TRMT;
	t_eq("txif.utxisel1-none-while-sending", before, 0);
	t_range("txif.utxisel1-all-sent-after-two-frames", dt, 2 * FRAME, 2 * FRAME + START_LATENCY(BIT) + SLACK);
	t_eq("txif.utxisel1-trmt-set", trmt, STA_TRMT);
}

/* URXISEL: the RX flag rises at 1, 4 (half of 8) or 6 (three quarters) characters. */
static void rx_level(const char *below, const char *at, u32 sel, u32 level)
{
	setup(0, STA_URXISEL(sel), BRG);
	for (u32 i = 0; i < level - 1; i++)
		send(i);
	until_trmt(count());
	irq_clear(IRQ_U2RX);
	t_eq(below, irq_flag(IRQ_U2RX), 0);
	send(level - 1);
	until_trmt(count());
	t_eq(at, irq_flag(IRQ_U2RX), 1);
}

static void rx_flags(void)
{
	setup(0, STA_URXISEL(0), BRG);
	u32 before = irq_flag(IRQ_U2RX);
	u32 t0 = count();
	send(0x11);
	wait_flag(IRQ_U2RX, 4 * FRAME);
	u32 dt = count() - t0;
	t_eq("rxif.urxisel0-none-when-empty", before, 0);
	t_range("rxif.urxisel0-one-char-after-one-frame", dt, FRAME - BIT, FRAME + START_LATENCY(BIT) + SLACK);
	rx_level("rxif.urxisel1-none-at-three", "rxif.urxisel1-at-four", 1, 4);
	rx_level("rxif.urxisel2-none-at-five", "rxif.urxisel2-at-six", 2, 6);
}

static void off(void)
{
	setup(0, 0, BRG);
	send(1);
	send(2);
	send(3);
	spin_ticks(BIT * 3);
	CLR(UMODE(U)) = MODE_ON;
	t_eq("on0.buffers-reset-trmt", STA() & (STA_TRMT | STA_UTXBF), STA_TRMT);
	t_eq("on0.rx-empty", STA() & STA_URXDA, 0);
	t_eq("on0.brg-kept", REG(UBRG(U)), BRG);
	SET(UMODE(U)) = MODE_ON;
	spin_ticks(4 * FRAME);
	t_eq("on0.aborted-bytes-not-sent", STA() & (STA_URXDA | STA_TRMT), STA_TRMT);
	setup(0, 0, BRG);
}

void soc_main(void)
{
	timing();
	receive();
	buffers();
	tx_flags();
	rx_flags();
	off();
	REG(UMODE(U)) = 0;
}
