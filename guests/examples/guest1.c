/*
 * guest1, the polling guest (example-guests.md §1): Wi-FIRE LD1 (RG6), console UART4.
 * Interrupts stay off (Status.IE = 0) throughout. A delay sleeps in WAIT, woken by the core
 * timer's interrupt request (IRQ 0, priority 3), which the guest never takes. Under tinyVP the
 * WAIT and the Count/Compare accesses trap and are emulated (`irqpolling = 1` in config.file).
 *
 * Console: "-\n\r", DEVID, OSCCON, DEVCFG0-3 and CFGCON lines, then the symbol ('#') once a
 * second with "\n\r" after every 32nd. Console input is not an interrupt source; it is read at
 * each wake-up, and a received byte becomes the symbol from the next print on.
 * LD1 toggles once a second. The deadlines advance by exactly one period (no drift).
 */
#include "guest.h"

#define LD1_PORT	PORT_G
#define LD1_MASK	(1u << 6)
#define PERIOD		US(1000000)	/* 1 s: one toggle and one symbol */
#define LINE_SYMBOLS	32

static u32 symbol;

static void poll_console(void)
{
	u32 c = console_take();
	if (c != 0)
		symbol = c;
}

int main(void)
{
	console_init();
	puts_raw("-\n");
	print_soc_regs();

	CLR(LAT(LD1_PORT)) = LD1_MASK;
	CLR(TRIS(LD1_PORT)) = LD1_MASK;

	SET(INTCON) = INTCON_MVEC;
	irq_setup(IRQ_CORE_TIMER);
	symbol = '#';

	u32 deadline = count() + PERIOD;
	for (u32 loop = 1;; loop++) {
		INV(LAT(LD1_PORT)) = LD1_MASK;
		sleep_until(deadline, poll_console);
		deadline = next_deadline(deadline, PERIOD);
		putch((int)symbol);
		if (loop % LINE_SYMBOLS == 0)
			putch('\n');
	}
}
