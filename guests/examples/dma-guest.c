/*
 * The DMA guest (example-guests.md §3): memory-to-memory copies with DMA channel 0 inside the
 * guest's DMA zone (config-dma.file: `dma = 0 0x10000 rw`, device dma0 at 0x1f811000, IRQ 134),
 * Wi-FIRE LD1, console UART4, interrupts off like guest1 (`irqpolling = 1`).
 *
 * Each round fills a 16 KB source block at physical 0x4000 with a pattern that changes per round,
 * spoils the 16 KB destination at physical 0x8000, copies it with one forced DMA cell (DCH0ECON
 * CFORCE), sleeps in WAIT until the channel's block-done or address-error interrupt (DMA0,
 * priority 3) or a timeout, checks the copy word by word, toggles LD1 and prints the symbol
 * ('#'), then sleeps until the next round, every 3 s (the original's udelay(3000000)).
 * A failed round prints "DMA err = <DCH0INT>" or "DMA bad = <address>" on its own line instead.
 * DMA addresses are physical; the zone is identity-mapped under tinyVP (GPA = RPA).
 *
 * Console: "-\n\r", DEVID, OSCCON, DEVCFG0-3, CFGCON, Config3 and Config7 lines, then one symbol
 * per round, "\n\r" after every 32nd. A received byte becomes the symbol.
 */
#include "guest.h"

#define LD1_PORT	PORT_G
#define LD1_MASK	(1u << 6)
#define PERIOD		US(3000000)	/* 3 s per round */
#define DMA_TIMEOUT	US(100000)	/* a 16 KB copy takes well under 1 ms */
#define LINE_SYMBOLS	32

#define DMA_SRC_PA	0x4000u
#define DMA_DST_PA	0x8000u
#define DMA_BYTES	0x4000u
#define DMA_WORDS	(DMA_BYTES / 4)
#define KSEG1(pa)	((volatile u32 *)(0xa0000000u | (pa)))

/* DMA controller and channel 0 (pic32mz-ef.md §11) */
#define DMACON		0x1f811000u
#define DMACON_ON	(1u << 15)
#define DCH0CON		0x1f811060u
#define DCH0ECON	0x1f811070u
#define DCH0INT		0x1f811080u
#define DCH0SSA		0x1f811090u
#define DCH0DSA		0x1f8110a0u
#define DCH0SSIZ	0x1f8110b0u
#define DCH0DSIZ	0x1f8110c0u
#define DCH0CSIZ	0x1f8110f0u
#define CON_CHBUSY	(1u << 15)
#define CON_CHEN	(1u << 7)
#define CON_CHPRI_3	3u
#define ECON_CFORCE	(1u << 7)
#define ECON_CABORT	(1u << 6)
#define INT_CHBCIF	(1u << 3)	/* block transfer complete */
#define INT_CHERIF	(1u << 0)	/* address error */
#define INT_FLAGS	0xffu
#define INT_ENABLES	0x00ff0000u
#define INT_IE(f)	((f) << 16)

static u32 symbol;

static void poll_console(void)
{
	u32 c = console_take();
	if (c != 0)
		symbol = c;
}

static u32 pattern(u32 round, u32 i)
{
	return (round * 0x9e3779b9u) ^ (i * 0x01000193u) ^ i;
}

/* One 16 KB copy; returns DCH0INT at the end (0 if neither done nor error before the timeout). */
static u32 dma_copy(void)
{
	SET(DCH0ECON) = ECON_CABORT;	/* a previous round's channel state goes */
	CLR(DCH0CON) = CON_CHEN;
	while (REG(DCH0CON) & CON_CHBUSY)
		;
	SET(DMACON) = DMACON_ON;
	REG(DCH0CON) = CON_CHPRI_3;
	REG(DCH0ECON) = 0;
	REG(DCH0SSA) = DMA_SRC_PA;
	REG(DCH0DSA) = DMA_DST_PA;
	REG(DCH0SSIZ) = DMA_BYTES;
	REG(DCH0DSIZ) = DMA_BYTES;
	REG(DCH0CSIZ) = DMA_BYTES;		/* one cell moves the whole block */
	CLR(DCH0INT) = INT_FLAGS | INT_ENABLES;
	SET(DCH0INT) = INT_IE(INT_CHBCIF | INT_CHERIF);
	irq_ack(IRQ_DMA0);
	irq_unmask(IRQ_DMA0);

	u32 timeout = count() + DMA_TIMEOUT;
	set_compare(timeout);
	irq_ack(IRQ_CORE_TIMER);
	irq_unmask(IRQ_CORE_TIMER);
	SET(DCH0CON) = CON_CHEN;
	SET(DCH0ECON) = ECON_CFORCE;
	u32 flags;
	while (!((flags = REG(DCH0INT)) & (INT_CHBCIF | INT_CHERIF)) && !reached(timeout)) {
		cpu_wait();
		poll_console();
	}
	irq_mask(IRQ_CORE_TIMER);
	irq_ack(IRQ_CORE_TIMER);
	/* The channel's request is a level: clear its flags before the EVIC flag. */
	CLR(DCH0INT) = INT_FLAGS;
	irq_mask(IRQ_DMA0);
	irq_ack(IRQ_DMA0);
	return flags & INT_FLAGS;
}

/* Address of the first word that differs, or 0 when the copy is right. */
static u32 check_copy(u32 round)
{
	volatile u32 *dst = KSEG1(DMA_DST_PA);
	for (u32 i = 0; i < DMA_WORDS; i++)
		if (dst[i] != pattern(round, i))
			return DMA_DST_PA + 4 * i;
	return 0;
}

int main(void)
{
	console_init();
	puts_raw("-\n");
	print_soc_regs();
	printreg("Config3 ", mfc0(16, 3));
	printreg("Config7 ", mfc0(16, 7));

	CLR(LAT(LD1_PORT)) = LD1_MASK;
	CLR(TRIS(LD1_PORT)) = LD1_MASK;

	SET(INTCON) = INTCON_MVEC;
	irq_setup(IRQ_CORE_TIMER);
	irq_setup(IRQ_DMA0);
	symbol = '#';

	u32 deadline = count();
	for (u32 round = 1;; round++) {
		volatile u32 *src = KSEG1(DMA_SRC_PA), *dst = KSEG1(DMA_DST_PA);
		for (u32 i = 0; i < DMA_WORDS; i++) {
			src[i] = pattern(round, i);
			dst[i] = ~pattern(round, i);
		}
		u32 flags = dma_copy();
		u32 bad = check_copy(round);
		INV(LAT(LD1_PORT)) = LD1_MASK;
		if (!(flags & INT_CHBCIF) || (flags & INT_CHERIF)) {
			putch('\n');
			printreg("DMA err ", flags);
		} else if (bad != 0) {
			putch('\n');
			printreg("DMA bad ", bad);
		} else {
			putch((int)symbol);
			if (round % LINE_SYMBOLS == 0)
				putch('\n');
		}
		deadline = next_deadline(deadline, PERIOD);
		sleep_until(deadline, poll_console);
	}
}
