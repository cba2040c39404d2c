/*
 * tinyvp example guests: what they share (example-guests.md §0). PIC32MZ-EF registers reached
 * through KSEG1, the CP0 accessors, the per-board choices (console UART, LEDs, console pins) and
 * the small library in lib.c. Every guest is one image that runs both bare metal and as a tinyVP
 * VM: code in boot flash at 0x9fc00000 (guest-physical 0x1fc00000), .bss and stack in the first
 * 16 KB of RAM at 0xa0000000 (guest-physical 0).
 *
 * Board: compile with one of -DEX_BOARD_WIFIRE (default), -DEX_BOARD_DM320007, -DEX_BOARD_EMZ64.
 */
#ifndef EX_GUEST_H
#define EX_GUEST_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef signed int s32;

#define REG(pa)		(*(volatile u32 *)(0xa0000000u | (pa)))
/* SFRs with CLR/SET/INV aliases at +4/+8/+C */
#define CLR(pa)		REG((pa) + 4)
#define SET(pa)		REG((pa) + 8)
#define INV(pa)		REG((pa) + 0xc)

/* ---- System, oscillator, configuration words (pic32mz-ef.md §4, §13) ---- */
#define CFGCON		0x1f800000u
#define DEVID		0x1f800020u
#define OSCCON		0x1f801200u
#define DEVCFG3		0x1fc0ffc0u
#define DEVCFG2		0x1fc0ffc4u
#define DEVCFG1		0x1fc0ffc8u
#define DEVCFG0		0x1fc0ffccu

/* ---- EVIC (pic32mz-ef.md §6): word n of IFS/IEC, IPC per 4 IRQs, OFF per IRQ ---- */
#define INTCON		0x1f810000u
#define INTCON_MVEC	(1u << 12)
#define IFS(irq)	(0x1f810040u + 0x10u * ((irq) >> 5))
#define IEC(irq)	(0x1f8100c0u + 0x10u * ((irq) >> 5))
#define IPC(irq)	(0x1f810140u + 0x10u * ((irq) >> 2))
#define OFF(irq)	(0x1f810540u + 4u * (irq))
#define IRQ_BIT(irq)	(1u << ((irq) & 31))
#define IPC_SHIFT(irq)	(8u * ((irq) & 3))

#define IRQ_CORE_TIMER	0
#define IRQ_DMA0	134
#define IRQ_U1RX	113
#define IRQ_U4RX	171

/* Priority and vector offset every guest gives its interrupts (EBase + 0x200, as the originals). */
#define EX_IRQ_PRIORITY	3
#define EX_VECTOR_OFF	0x200

/* ---- UARTs (pic32mz-ef.md §7) ---- */
#define UART_PA(n)	(0x1f822000u + 0x200u * ((n) - 1))
#define UMODE(n)	UART_PA(n)
#define USTA(n)		(UART_PA(n) + 0x10)
#define UTXREG(n)	(UART_PA(n) + 0x20)
#define URXREG(n)	(UART_PA(n) + 0x30)
#define UBRG(n)		(UART_PA(n) + 0x40)
#define UMODE_ON	0x8000u
#define USTA_URXEN	(1u << 12)
#define USTA_UTXEN	(1u << 10)
#define USTA_TRMT	(1u << 8)
#define USTA_URXDA	(1u << 0)
/* 115200 baud from PBCLK2 = 100 MHz, BRGH = 0: ((100e6/8 + 115200)/115200/2) - 1 (§0.4). */
#define UART_BRG_115200	53

/* ---- GPIO (pic32mz-ef.md §8) and PPS (§9) ---- */
#define PORT_A 0
#define PORT_B 1
#define PORT_D 3
#define PORT_F 5
#define PORT_G 6
#define PORT_H 7
#define ANSEL(p)	(0x1f860000u + 0x100u * (p))
#define TRIS(p)		(0x1f860010u + 0x100u * (p))
#define LAT(p)		(0x1f860030u + 0x100u * (p))
#define PPS_IN(off)	(0x1f801400u + (off))			/* UxRXR and other input selectors */
#define PPS_RP(p, pin)	(0x1f801500u + 4u * (16u * (p) + (pin)))	/* RPxnR output selectors */
#define PPS_U1RXR	PPS_IN(0x68)
#define PPS_U4RXR	PPS_IN(0x80)

/* ---- Board choice ---- */
#if defined(EX_BOARD_DM320007)
#define CONSOLE_UART	1
#define IRQ_CONSOLE_RX	IRQ_U1RX
/* MEB-II PICtail: U1RX <- RPA14 (code 13), U1TX -> RPA15 (code 1) */
#define CONSOLE_RXR	PPS_U1RXR
#define CONSOLE_RX_CODE	13
#define CONSOLE_TX_RP	PPS_RP(PORT_A, 15)
#define CONSOLE_TX_CODE	1
#elif defined(EX_BOARD_EMZ64)
#define CONSOLE_UART	4
#define IRQ_CONSOLE_RX	IRQ_U4RX
/* U4RX <- RD0 (code 3), U4TX -> RD4 (code 2) */
#define CONSOLE_RXR	PPS_U4RXR
#define CONSOLE_RX_CODE	3
#define CONSOLE_TX_RP	PPS_RP(PORT_D, 4)
#define CONSOLE_TX_CODE	2
#else
#define EX_BOARD_WIFIRE 1
#define CONSOLE_UART	4
#define IRQ_CONSOLE_RX	IRQ_U4RX
/* U4RX <- RPF2 (code 11), U4TX -> RPF8 (code 2); the chipKIT bootloader routes the same */
#define CONSOLE_RXR	PPS_U4RXR
#define CONSOLE_RX_CODE	11
#define CONSOLE_TX_RP	PPS_RP(PORT_F, 8)
#define CONSOLE_TX_CODE	2
#endif

/* ---- CP0 ---- */
#define C0_COUNT	9
#define C0_COMPARE	11
#define C0_CAUSE	13
#define CAUSE_TI	(1u << 30)

#define mfc0(reg, sel) ({ u32 v_; __asm__ volatile("mfc0 %0, $" #reg ", " #sel : "=r"(v_)); v_; })
#define mtc0(reg, sel, v) __asm__ volatile("mtc0 %z0, $" #reg ", " #sel "\n\tehb" : : "Jr"((u32)(v)) : "memory")

static inline u32 count(void) { return mfc0(9, 0); }
static inline u32 cause(void) { return mfc0(13, 0); }
static inline void set_compare(u32 v) { mtc0(11, 0, v); }
static inline void cpu_wait(void) { __asm__ volatile("wait" : : : "memory"); }
static inline void irq_disable(void) { __asm__ volatile("di\n\tehb" : : : "memory"); }
static inline void irq_enable(void) { __asm__ volatile("ei\n\tehb" : : : "memory"); }

/* CP0 Count runs at SYSCLK/2 = 100 MHz on all three boards (§0.5, §7.5). */
#define COUNT_PER_US	100u
#define US(n)		((u32)(n) * COUNT_PER_US)

/* ---- lib.c ---- */
void console_init(void);
void putch(int c);			/* '\n' goes out as "\n\r" (§0.4) */
void puts_raw(const char *s);
void printreg(const char *name8, u32 value);	/* "<name8>= xxxxxxxx\n\r" */
/* Takes every byte the console holds; the last non-NUL one is returned, 0 if none. */
u32 console_take(void);

/* Interrupt number set up at priority EX_IRQ_PRIORITY with vector EBase + EX_VECTOR_OFF. */
void irq_setup(u32 irq);
static inline void irq_unmask(u32 irq) { SET(IEC(irq)) = IRQ_BIT(irq); }
static inline void irq_mask(u32 irq) { CLR(IEC(irq)) = IRQ_BIT(irq); }
static inline void irq_ack(u32 irq) { CLR(IFS(irq)) = IRQ_BIT(irq); }
static inline int irq_flag(u32 irq) { return (REG(IFS(irq)) & IRQ_BIT(irq)) != 0; }

/* Has Count reached `t` (modulo 2^32)? */
static inline int reached(u32 t) { return (s32)(count() - t) >= 0; }
/* Next deadline one period on; if that is already past (a guest held up for over a period), restart from now. */
u32 next_deadline(u32 deadline, u32 period);

/*
 * Interrupts off, sleeps in WAIT until Count reaches `deadline`; the core-timer request (IRQ 0,
 * enabled only for the delay) wakes it, and `poll` (may be null) runs after every wake-up.
 */
void sleep_until(u32 deadline, void (*poll)(void));

/* Called from the interrupt vector (EBase + 0x200); the default reports an unexpected interrupt. */
void guest_irq(void);
/* Called from the exception vectors; prints the exception and stops. */
void guest_fault(u32 vector, u32 cause, u32 epc, u32 badvaddr) __attribute__((noreturn));

/* Boot-time register dump lines shared by guest1 and the DMA guest. */
void print_soc_regs(void);

#endif
