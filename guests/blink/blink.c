/*
 * blink-<board>: a running light on the board's LEDs, one step every 250 ms of the core timer
 * (Count = 100 MHz, pic32mz-ef.md §1), sleeping in WAIT between steps; one banner line on the
 * board's console UART first. Built once per board (-DBOARD_WIFIRE, -DBOARD_DM320007,
 * -DBOARD_EMZ64); pins and console routing from example-guests.md §7 and src/board/boards.ts.
 * It sets up what real firmware must: PPS for the console pins, ANSEL off on analog-capable
 * LED pins, LAT low before TRIS makes them outputs.
 */
#include "rt.h"

#define REG(a)   (*(volatile u32 *)(a))
#define CLR(a)   REG((a) + 4)
#define SET(a)   REG((a) + 8)
#define PORTBASE(x) (0xBF860000u + 0x100u * (x))
#define ANSEL(x) (PORTBASE(x) + 0x00)
#define TRIS(x)  (PORTBASE(x) + 0x10)
#define LAT(x)   (PORTBASE(x) + 0x30)
#define UART(n)  (0xBF822000u + 0x200u * ((n) - 1))
#define UMODE(n) (UART(n) + 0x00)
#define USTA(n)  (UART(n) + 0x10)
#define UTXREG(n) (UART(n) + 0x20)
#define UBRG(n)  (UART(n) + 0x40)
#define PPS_IN(off) (0xBF801400u + (off))
#define RPnR(port, pin) (0xBF801500u + 4u * (16u * (port) + (pin)))
#define IFS0     0xBF810040u
#define IEC0     0xBF8100C0u
#define IPC0     0xBF810140u
#define U1RXR    0x68u
#define U4RXR    0x80u

enum { PA_ = 0, PB_, PC_, PD_, PE_, PF_, PG_, PH_ };

struct led {
	u8 port, pin, analog;
	const char *name;
};

#if defined(BOARD_WIFIRE)
#define TITLE "Digilent chipKIT Wi-FIRE"
#define CONSOLE 4
/* U4TX on RPF8 (RPF8R = 2), U4RX from RPF2 (U4RXR = 11). */
#define CONSOLE_TX_PORT PF_
#define CONSOLE_TX_PIN 8
#define CONSOLE_TX_CODE 2
#define CONSOLE_RXR U4RXR
#define CONSOLE_RX_CODE 11
static const struct led leds[] = {
	{PG_, 6, 1, "LD1"}, {PD_, 4, 0, "LD2"}, {PB_, 11, 1, "LD3"}, {PG_, 15, 1, "LD4"},
};
#elif defined(BOARD_DM320007)
#define TITLE "Microchip PIC32MZ EF Starter Kit (DM320007) + MEB-II"
#define CONSOLE 1
/* U1TX on RPA15 (RPA15R = 1), U1RX from RPA14 (U1RXR = 13). */
#define CONSOLE_TX_PORT PA_
#define CONSOLE_TX_PIN 15
#define CONSOLE_TX_CODE 1
#define CONSOLE_RXR U1RXR
#define CONSOLE_RX_CODE 13
static const struct led leds[] = {
	{PH_, 0, 1, "LED1"}, {PH_, 2, 0, "LED2"}, {PH_, 1, 1, "LED3"},
};
#elif defined(BOARD_EMZ64)
#define TITLE "Olimex PIC32-EMZ64"
#define CONSOLE 4
/* U4TX on RPD4 (RPD4R = 2), U4RX from RPD0 (U4RXR = 3). */
#define CONSOLE_TX_PORT PD_
#define CONSOLE_TX_PIN 4
#define CONSOLE_TX_CODE 2
#define CONSOLE_RXR U4RXR
#define CONSOLE_RX_CODE 3
static const struct led leds[] = {
	{PB_, 8, 1, "green"}, {PB_, 9, 1, "yellow"}, {PB_, 10, 1, "red"},
};
#else
#error "build with -DBOARD_WIFIRE, -DBOARD_DM320007 or -DBOARD_EMZ64"
#endif

#define NLEDS (sizeof leds / sizeof leds[0])
#define STEP_TICKS (250u * 100000u) /* 250 ms of Count */
#define BRG_115200 53               /* PBCLK2 100 MHz / (16 * 54) */
#define MODE_ON (1u << 15)
#define STA_UTXEN (1u << 10)
#define STA_URXEN (1u << 12)
#define STA_UTXBF (1u << 9)
#define STA_TRMT (1u << 8)
#define CA_IV (1u << 23)

static void putc_(char c)
{
	while (REG(USTA(CONSOLE)) & STA_UTXBF)
		;
	REG(UTXREG(CONSOLE)) = (u8)c;
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static u32 count(void)
{
	u32 v;
	__asm__ volatile("mfc0 %0, $9" : "=r"(v));
	return v;
}

static void console_init(void)
{
	REG(PPS_IN(CONSOLE_RXR)) = CONSOLE_RX_CODE;
	REG(RPnR(CONSOLE_TX_PORT, CONSOLE_TX_PIN)) = CONSOLE_TX_CODE;
	REG(UBRG(CONSOLE)) = BRG_115200;
	REG(USTA(CONSOLE)) = 0;
	REG(UMODE(CONSOLE)) = MODE_ON;
	SET(USTA(CONSOLE)) = STA_UTXEN | STA_URXEN;
}

static void leds_init(void)
{
	for (u32 i = 0; i < NLEDS; i++) {
		u32 bit = 1u << leds[i].pin;
		CLR(LAT(leds[i].port)) = bit;
		CLR(TRIS(leds[i].port)) = bit;
		if (leds[i].analog)
			CLR(ANSEL(leds[i].port)) = bit;
	}
}

/* The core timer wakes WAIT through the EVIC (IRQ 0, priority 1) with interrupts masked. */
static void timer_init(void)
{
	u32 v;
	__asm__ volatile("mfc0 %0, $12, 1" : "=r"(v));
	v = (v & ~(0x1fu << 5)) | (1u << 5);
	__asm__ volatile("mtc0 %0, $12, 1\n\tehb" : : "r"(v));
	__asm__ volatile("mfc0 %0, $13" : "=r"(v));
	__asm__ volatile("mtc0 %0, $13\n\tehb" : : "r"(v | CA_IV));
	CLR(IPC0) = 0x1f;
	SET(IPC0) = 1u << 2;
	CLR(IFS0) = 1;
	SET(IEC0) = 1;
}

static void sleep_until(u32 when)
{
	__asm__ volatile("mtc0 %0, $11\n\tehb" : : "r"(when) : "memory");
	CLR(IFS0) = 1;
	while ((s32)(count() - when) < 0)
		__asm__ volatile("wait" : : : "memory");
}

int main(void)
{
	console_init();
	leds_init();
	puts_("blink: " TITLE ":");
	for (u32 i = 0; i < NLEDS; i++) {
		putc_(' ');
		puts_(leds[i].name);
	}
	puts_(", 250 ms per step\n");
	while (!(REG(USTA(CONSOLE)) & STA_TRMT))
		;
	timer_init();
	u32 next = count() + 1000;
	for (u32 k = 0;; k++) {
		sleep_until(next);
		const struct led *prev = &leds[(k + NLEDS - 1) % NLEDS];
		const struct led *cur = &leds[k % NLEDS];
		/* The same path at every step (at the first, prev is already off). */
		CLR(LAT(prev->port)) = 1u << prev->pin;
		SET(LAT(cur->port)) = 1u << cur->pin;
		next += STEP_TICKS;
	}
}
