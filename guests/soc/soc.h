/*
 * SoC peripheral tests (guests/soc, test/soc): PIC32MZ EF register map as the tests use it
 * (addresses and bits from spec/pic32mz-ef.md, all through KSEG1), the core timer as the
 * stopwatch (CP0 Count at SYSCLK/2 = 100 MHz, §1), EVIC helpers (§6) and the case driver with
 * the `ok <group>.<case>` / `FAIL ...` / `DONE <group> pass=n fail=m` protocol.
 */
#ifndef TINYVP_SOC_H
#define TINYVP_SOC_H

#include "rt.h"

#define REG(a)    (*(volatile u32 *)(a))
#define REG16(a)  (*(volatile u16 *)(a))
/* CLR/SET/INV aliases of a register at +4/+8/+C (§3). */
#define CLR(a)    REG((a) + 4)
#define SET(a)    REG((a) + 8)
#define INV(a)    REG((a) + 12)

/* Physical address of a kseg0/kseg1 pointer; kseg1 (uncached) view of a kseg0 pointer. */
#define PA(p)     ((u32)(p) & 0x1FFFFFFFu)
#define KSEG1(p)  ((volatile void *)(PA(p) | 0xA0000000u))

/* ---- core timer (§1): Count runs at SYSCLK/2 ---- */
#define COUNT_HZ      100000000u
#define TICKS_PER_US  (COUNT_HZ / 1000000u)
/* PBCLK2 (UART) and PBCLK3 (timers) are SYSCLK/2 at reset (§5): one peripheral clock per tick. */
#define PBCLK2_HZ     100000000u
#define PBCLK3_HZ     100000000u

static inline u32 count(void)
{
	u32 v;
	__asm__ volatile("mfc0 %0, $9" : "=r"(v));
	return v;
}

static inline void set_compare(u32 v)
{
	__asm__ volatile("mtc0 %0, $11\n\tehb" : : "r"(v) : "memory");
}

static inline u32 cp0_cause(void)
{
	u32 v;
	__asm__ volatile("mfc0 %0, $13" : "=r"(v));
	return v;
}

static inline void cpu_wait(void)
{
	__asm__ volatile("wait" : : : "memory");
}

static inline void irq_on(void)
{
	__asm__ volatile("ei\n\tehb" : : : "memory");
}

static inline void irq_off(void)
{
	__asm__ volatile("di\n\tehb" : : : "memory");
}

/* Spins (no WAIT) for `ticks` of Count. */
void spin_ticks(u32 ticks);

/* ---- system configuration (§4) ---- */
#define CFGCON    0xBF800000u
#define DEVID     0xBF800020u
#define SYSKEY    0xBF800030u
#define PMD(n)    (0xBF800040u + 0x10u * ((n) - 1))
#define CFGPG     0xBF8000E0u
#define CFGCON_PMDLOCK (1u << 12)
#define SYSKEY_1  0xAA996655u
#define SYSKEY_2  0x556699AAu
#define SYSKEY_LOCK 0x33333333u
void sys_unlock(void);
void sys_lock(void);

/* ---- oscillator / reset (§5) ---- */
#define RCON      0xBF801240u
#define RSWRST    0xBF801250u
#define RCON_POR  (1u << 0)
#define RCON_BOR  (1u << 1)
#define RCON_WDTO (1u << 4)
#define RCON_DMTO (1u << 5)
#define RCON_SWR  (1u << 6)
#define RCON_EXTR (1u << 7)
#define PBDIV(n)  (0xBF801300u + 0x10u * ((n) - 1))
#define PBDIV_RDY (1u << 11)
#define OSCCON    0xBF801200u
#define RCON_IDLE  (1u << 2)
#define RCON_SLEEP (1u << 3)
#define WDTCON    0xBF800800u
#define WDT_CLEAR_KEY 0x5743u
#define DEVCFG3   0xBFC0FFC0u
#define DEVCFG2   0xBFC0FFC4u
#define DEVCFG1   0xBFC0FFC8u
#define DEVCFG0   0xBFC0FFCCu

/* ---- EVIC (§6) ---- */
#define INTCON    0xBF810000u
#define PRISS     0xBF810010u
#define INTSTAT   0xBF810020u
#define IFS(n)    (0xBF810040u + 0x10u * (n))
#define IEC(n)    (0xBF8100C0u + 0x10u * (n))
#define IPC(n)    (0xBF810140u + 0x10u * (n))
#define OFF(k)    (0xBF810540u + 4u * (k))
#define INTCON_MVEC (1u << 12)

/* IRQ numbers (§6, XC32 _xxx_VECTOR). */
#define IRQ_CT      0
#define IRQ_T1      4
#define IRQ_T2      9
#define IRQ_T3      14
#define IRQ_T4      19
#define IRQ_T5      24
#define IRQ_SB      106
#define IRQ_U1E     112
#define IRQ_CNA     118
#define IRQ_DMA(n)  (134 + (n))
#define IRQ_U2E     145
#define IRQ_U2RX    146
#define IRQ_U2TX    147
#define IRQ_FCE     167

void irq_clear(int irq);
int irq_flag(int irq);
void irq_enable(int irq, int on);
/* Priority (0..7) in the IRQ's IPC field; the sub-priority is left 0. */
void irq_priority(int irq, int prio);

/*
 * Sleeps in WAIT (interrupts stay masked: the core wakes on a pending request whose priority
 * beats IPL) until the IRQ's IFS flag is set or `ticks` of Count have passed. Returns the
 * flag. The IRQ is enabled at priority >= 1 only for the wait; the flag is left as it is.
 */
int wait_flag(int irq, u32 ticks);

/* ---- UARTs (§7) ---- */
#define UART(n)      (0xBF822000u + 0x200u * ((n) - 1))
#define UMODE(n)     (UART(n) + 0x00)
#define USTA(n)      (UART(n) + 0x10)
#define UTXREG(n)    (UART(n) + 0x20)
#define URXREG(n)    (UART(n) + 0x30)
#define UBRG(n)      (UART(n) + 0x40)
#define MODE_ON      (1u << 15)
#define MODE_LPBACK  (1u << 6)
#define MODE_BRGH    (1u << 3)
#define MODE_PDSEL(x) ((u32)(x) << 1)
#define MODE_STSEL   (1u << 0)
#define STA_UTXISEL(x) ((u32)(x) << 14)
#define STA_URXEN    (1u << 12)
#define STA_UTXEN    (1u << 10)
#define STA_UTXBF    (1u << 9)
#define STA_TRMT     (1u << 8)
#define STA_URXISEL(x) ((u32)(x) << 6)
#define STA_OERR     (1u << 1)
#define STA_URXDA    (1u << 0)
/* The console (UART4): waits until everything printed has left the shift register. */
void console_drain(void);

/* ---- timers (§10) ---- */
#define TCON(n)   (0xBF840000u + 0x200u * ((n) - 1))
#define TMR(n)    (TCON(n) + 0x10)
#define PR(n)     (TCON(n) + 0x20)
#define TCON_ON   (1u << 15)
#define TCON_T32  (1u << 3)
#define TCKPS(x)  ((u32)(x) << 4)

/* ---- DMA (§11) ---- */
#define DMACON    0xBF811000u
#define DMASTAT   0xBF811010u
#define DMAADDR   0xBF811020u
#define DCH(n)    (0xBF811060u + 0xC0u * (n))
#define DCHCON(n)  (DCH(n) + 0x00)
#define DCHECON(n) (DCH(n) + 0x10)
#define DCHINT(n)  (DCH(n) + 0x20)
#define DCHSSA(n)  (DCH(n) + 0x30)
#define DCHDSA(n)  (DCH(n) + 0x40)
#define DCHSSIZ(n) (DCH(n) + 0x50)
#define DCHDSIZ(n) (DCH(n) + 0x60)
#define DCHSPTR(n) (DCH(n) + 0x70)
#define DCHDPTR(n) (DCH(n) + 0x80)
#define DCHCSIZ(n) (DCH(n) + 0x90)
#define DCHCPTR(n) (DCH(n) + 0xA0)
#define DCHDAT(n)  (DCH(n) + 0xB0)
#define DMACON_ON   (1u << 15)
#define DMACON_SUSPEND (1u << 12)
#define CHBUSY      (1u << 15)
#define CHCHNS      (1u << 8)
#define CHEN        (1u << 7)
#define CHAED       (1u << 6)
#define CHCHN       (1u << 5)
#define CHAEN       (1u << 4)
#define CHEDET      (1u << 2)
#define CHAIRQ(x)   ((u32)(x) << 16)
#define CHSIRQ(x)   ((u32)(x) << 8)
#define CFORCE      (1u << 7)
#define CABORT      (1u << 6)
#define PATEN       (1u << 5)
#define SIRQEN      (1u << 4)
#define AIRQEN      (1u << 3)
#define CHSDIF      (1u << 7)
#define CHSHIF      (1u << 6)
#define CHDDIF      (1u << 5)
#define CHDHIF      (1u << 4)
#define CHBCIF      (1u << 3)
#define CHCCIF      (1u << 2)
#define CHTAIF      (1u << 1)
#define CHERIF      (1u << 0)
#define CH_IE(f)    ((f) << 16)

/* ---- I/O ports (§8): A=0 .. K=9, no I ---- */
#define PORTBASE(x) (0xBF860000u + 0x100u * (x))
#define ANSEL(x)  (PORTBASE(x) + 0x00)
#define TRIS(x)   (PORTBASE(x) + 0x10)
#define PORT(x)   (PORTBASE(x) + 0x20)
#define LAT(x)    (PORTBASE(x) + 0x30)
#define ODC(x)    (PORTBASE(x) + 0x40)
#define CNPU(x)   (PORTBASE(x) + 0x50)
#define CNPD(x)   (PORTBASE(x) + 0x60)
#define CNCON(x)  (PORTBASE(x) + 0x70)
#define CNEN(x)   (PORTBASE(x) + 0x80)
#define CNSTAT(x) (PORTBASE(x) + 0x90)
#define CNNE(x)   (PORTBASE(x) + 0xA0)
#define CNF(x)    (PORTBASE(x) + 0xB0)
#define CNCON_ON   (1u << 15)
#define CNCON_EDGE (1u << 11)
enum { PA_ = 0, PB_, PC_, PD_, PE_, PF_, PG_, PH_, PJ_, PK_ };

/* ---- flash controller (XC32 addresses; PIC32 FRM §52 sequence) ---- */
#define NVMCON     0xBF800600u
#define NVMKEY     0xBF800610u
#define NVMADDR    0xBF800620u
#define NVMDATA(i) (0xBF800630u + 0x10u * (i))
#define NVMSRCADDR 0xBF800670u
#define NVMPWP     0xBF800680u
#define NVMCON_WR     (1u << 15)
#define NVMCON_WREN   (1u << 14)
#define NVMCON_WRERR  (1u << 13)
#define NVMCON_LVDERR (1u << 12)
#define NVMOP_WORD    0x1u
#define NVMOP_QUAD    0x2u
#define NVMOP_ROW     0x3u
#define NVMOP_PAGE_ERASE 0x4u
#define NVMKEY_1   0xAA996655u
#define NVMKEY_2   0x556699AAu

/* ---- System Bus Arbiter (§12) ---- */
#define SBT(x)         (0xBF8F8000u + 0x400u * (x))
#define SBTELOG1(x)    (SBT(x) + 0x20)
#define SBTELOG2(x)    (SBT(x) + 0x24)
#define SBTECON(x)     (SBT(x) + 0x28)
#define SBTECLRS(x)    (SBT(x) + 0x30)
#define SBTECLRM(x)    (SBT(x) + 0x38)
#define SBTREG(x, y)   (SBT(x) + 0x40 + 0x20 * (y))
#define SBTRD(x, y)    (SBT(x) + 0x50 + 0x20 * (y))
#define SBTWR(x, y)    (SBT(x) + 0x58 + 0x20 * (y))
#define SBFLAG         0xBF8F0510u
#define SBT_ECON_ERRP  (1u << 24)

/* ---- PPS (§9) ---- */
#define PPS_IN(off)    (0xBF801400u + (off))
#define RPnR(port, pin) (0xBF801500u + 4u * (16u * (port) + (pin)))

/* ---- the case driver (soc/lib.c) ---- */
extern const char t_group[];
/* Runs the group's cases (each group file defines it). */
void soc_main(void);
/* Interrupt hook of a group: `irq` is the vector stub that was entered (-1: none). */
extern void (*soc_irq_hook)(int irq, struct rt_frame *f);
/* Exceptions that were not interrupts since the last soc_exc_reset() (they are skipped). */
extern volatile u32 soc_exc_count;
extern volatile u32 soc_exc_cause;
void soc_exc_reset(void);

void t_pass(const char *name);
void t_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* want == got */
void t_eq(const char *name, u32 got, u32 want);
/* lo <= got <= hi, reported in decimal (times) */
void t_range(const char *name, u32 got, u32 lo, u32 hi);
void t_true(const char *name, int cond);
/* Pass/fail counts carried across resets (system group); otherwise counted here. */
extern u32 *t_counts;
/* Prints the DONE line. */
void t_done(void);

/* Vector stubs (soc/vec.S): EBase-relative entry that records its IRQ and joins EBase+0x200. */
extern const char _ebase[];
void soc_vec_t1(void);
void soc_vec_t2(void);
void soc_vec_t3(void);
u32 soc_vec_offset(void (*stub)(void));

#endif
