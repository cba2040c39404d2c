/*
 * guest2, the interrupt-driven guest (example-guests.md §2, §4, §5), built for three boards:
 *   Wi-FIRE (guest2.elf):   LD3 RB11, LD2 RD4, LD4 RG15, console UART4, RX IRQ 171
 *   DM320007 (dm320007.elf): RH0 red, RH1 yellow, RH2 green, console UART1, RX IRQ 113
 *   Olimex (olimex.elf):    RB8 green, RB9 yellow, RB10 red, console UART4, RX IRQ 171
 * The core timer (IRQ 0) and the console's RX (both priority 3, vector EBase + 0x200, EVIC in
 * multi-vector mode) interrupt the guest. The timer handler keeps a 0.1 s tick; the RX handler
 * keeps the last byte received. The main loop toggles the three LEDs in turn, one per tick, then
 * prints the symbol ('.'): each LED toggles every 0.3 s, staggered by 0.1 s, and a symbol goes
 * out every 0.3 s with "\n\r" after every 32nd. A received byte becomes the next symbol printed.
 *
 * Console: "-\n\r", then Config, Config1..Config5 and Config7 lines (under VZ the guest's own).
 * The main loop sleeps with DI; WAIT; EI: the M5150 wakes from WAIT with interrupts off
 * (Config7.WII), so no tick is lost between the test and the WAIT; tinyVP's WAIT wakes on any
 * pending, enabled interrupt of the VM.
 */
#include "guest.h"

#define TICK		US(100000)	/* 0.1 s */
#define LINE_SYMBOLS	32

struct led {
	u32 port;
	u32 mask;
};

#if defined(EX_BOARD_DM320007)
static const struct led leds[3] = { { PORT_H, 1u << 0 }, { PORT_H, 1u << 1 }, { PORT_H, 1u << 2 } };
#elif defined(EX_BOARD_EMZ64)
static const struct led leds[3] = { { PORT_B, 1u << 8 }, { PORT_B, 1u << 9 }, { PORT_B, 1u << 10 } };
#else
static const struct led leds[3] = { { PORT_B, 1u << 11 }, { PORT_D, 1u << 4 }, { PORT_G, 1u << 15 } };
#endif

static volatile u32 ticks;	/* timer handler: one per TICK */
static volatile u32 rx_symbol;	/* RX handler: last non-NUL byte, 0 once taken */
static u32 deadline;		/* Count of the next tick */

void guest_irq(void)
{
	/* Both sources share the vector: look at each. A request whose cause is gone (a stray one
	 * under tinyVP, runtime §10.8) finds nothing to do. */
	u32 c = console_take();
	if (c != 0)
		rx_symbol = c;
	irq_ack(IRQ_CONSOLE_RX);
	if (cause() & CAUSE_TI) {
		if (reached(deadline)) {
			deadline = next_deadline(deadline, TICK);
			ticks++;
		}
		set_compare(deadline);	/* clears Cause.TI */
		irq_ack(IRQ_CORE_TIMER);
	}
}

static void sleep_ticks(u32 target)
{
	irq_disable();
	while ((s32)(ticks - target) < 0)
		__asm__ volatile("wait\n\tei\n\tehb\n\tnop\n\tdi\n\tehb" : : : "memory");
	irq_enable();
}

static void print_config(void)
{
	printreg("Config  ", mfc0(16, 0));
	printreg("Config1 ", mfc0(16, 1));
	printreg("Config2 ", mfc0(16, 2));
	printreg("Config3 ", mfc0(16, 3));
	printreg("Config4 ", mfc0(16, 4));
	printreg("Config5 ", mfc0(16, 5));
	printreg("Config7 ", mfc0(16, 7));
}

int main(void)
{
	for (int i = 0; i < 3; i++) {
		CLR(LAT(leds[i].port)) = leds[i].mask;
		CLR(TRIS(leds[i].port)) = leds[i].mask;
#if defined(EX_BOARD_DM320007)
		CLR(ANSEL(leds[i].port)) = leds[i].mask;
#endif
	}
	console_init();
	puts_raw("-\n");
	print_config();

	u32 symbol = '.';
	SET(INTCON) = INTCON_MVEC;
	irq_setup(IRQ_CORE_TIMER);
	irq_setup(IRQ_CONSOLE_RX);
	deadline = count() + TICK;
	set_compare(deadline);
	irq_ack(IRQ_CORE_TIMER);
	irq_ack(IRQ_CONSOLE_RX);
	irq_unmask(IRQ_CORE_TIMER);
	irq_unmask(IRQ_CONSOLE_RX);
	irq_enable();

	u32 tick = ticks;
	for (u32 loop = 1;; loop++) {
		for (int i = 0; i < 3; i++) {
			INV(LAT(leds[i].port)) = leds[i].mask;
			sleep_ticks(++tick);
		}
		irq_disable();
		if (rx_symbol != 0) {
			symbol = rx_symbol;
			rx_symbol = 0;
		}
		irq_enable();
		putch((int)symbol);
		if (loop % LINE_SYMBOLS == 0)
			putch('\n');
	}
}
