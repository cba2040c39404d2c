/*
 * The example guests' small library (example-guests.md §0.4-0.6): console on the board's UART
 * (polled, 8N1 at 115200, LF sent as LF CR), register dump lines, EVIC set-up, the WAIT-based
 * delay and the fault report. All SFR accesses are 32-bit words, the only size tinyVP's console
 * and interrupt-controller emulators accept (runtime §11.1, §11.2).
 */
#include "guest.h"

void console_init(void)
{
	/* Pin routing, as the board's own start-up code does (harmless if already routed). */
	REG(CONSOLE_RXR) = CONSOLE_RX_CODE;
	REG(CONSOLE_TX_RP) = CONSOLE_TX_CODE;
	REG(UBRG(CONSOLE_UART)) = UART_BRG_115200;
	REG(USTA(CONSOLE_UART)) = 0;
	REG(UMODE(CONSOLE_UART)) = UMODE_ON;
	SET(USTA(CONSOLE_UART)) = USTA_URXEN | USTA_UTXEN;
}

static void send(u32 c)
{
	while (!(REG(USTA(CONSOLE_UART)) & USTA_TRMT))
		;
	REG(UTXREG(CONSOLE_UART)) = c;
	while (!(REG(USTA(CONSOLE_UART)) & USTA_TRMT))
		;
}

void putch(int c)
{
	send((u32)c & 0xff);
	if (c == '\n')
		send('\r');
}

void puts_raw(const char *s)
{
	while (*s)
		putch(*s++);
}

void printreg(const char *name8, u32 value)
{
	static const char hex[] = "0123456789abcdef";
	puts_raw(name8);
	putch('=');
	putch(' ');
	for (int sh = 28; sh >= 0; sh -= 4)
		putch(hex[(value >> sh) & 0xf]);
	putch('\n');
}

u32 console_take(void)
{
	u32 got = 0;
	/* RXREG only while URXDA: tinyVP's console ring must not be read empty (runtime §11.1). */
	while (REG(USTA(CONSOLE_UART)) & USTA_URXDA) {
		u32 c = REG(URXREG(CONSOLE_UART)) & 0xff;
		if (c != 0)
			got = c;
	}
	return got;
}

void irq_setup(u32 irq)
{
	CLR(IPC(irq)) = 0x1fu << IPC_SHIFT(irq);
	SET(IPC(irq)) = (EX_IRQ_PRIORITY << 2) << IPC_SHIFT(irq);
	REG(OFF(irq)) = EX_VECTOR_OFF;
}

u32 next_deadline(u32 deadline, u32 period)
{
	deadline += period;
	if (reached(deadline))
		deadline = count() + period;
	return deadline;
}

void sleep_until(u32 deadline, void (*poll)(void))
{
	/* Compare first (clears Cause.TI), then the flag: a match from here on raises IFS0.CTIF. */
	set_compare(deadline);
	irq_ack(IRQ_CORE_TIMER);
	irq_unmask(IRQ_CORE_TIMER);
	/* Checking Count before each WAIT closes the race with a match just before it. */
	while (!reached(deadline)) {
		cpu_wait();
		if (poll)
			poll();
	}
	irq_mask(IRQ_CORE_TIMER);
	irq_ack(IRQ_CORE_TIMER);
}

void print_soc_regs(void)
{
	printreg("DEVID   ", REG(DEVID));
	REG(DEVID) = 0;		/* read-only on silicon; write-ignored under tinyVP (syscontroller "ris") */
	printreg("OSCCON  ", REG(OSCCON));
	printreg("DEVCFG0 ", REG(DEVCFG0));
	printreg("DEVCFG1 ", REG(DEVCFG1));
	printreg("DEVCFG2 ", REG(DEVCFG2));
	printreg("DEVCFG3 ", REG(DEVCFG3));
	printreg("CFGCON  ", REG(CFGCON));
}

__attribute__((weak)) void guest_irq(void)
{
	guest_fault(0x200, cause(), mfc0(14, 0), 0);
}

void guest_fault(u32 vector, u32 cause_v, u32 epc, u32 badvaddr)
{
	putch('\n');
	printreg("EXC vec ", vector);
	printreg("Cause   ", cause_v);
	printreg("EPC     ", epc);
	printreg("BadVAddr", badvaddr);
	for (;;)
		cpu_wait();
}
