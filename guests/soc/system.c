/*
 * soc-system: system configuration and resets (pic32mz-ef.md §4, §5, §13). DEVID of the
 * Wi-FIRE's EFG100, the SYSKEY unlock sequence guarding PMD (a disabled UART reads 0 and
 * ignores writes; back on, it is at its reset values), CFGCON.PMDLOCK and DEVCFG3.PMDL1WAY,
 * then a software reset (RSWRST) and a watchdog timeout, each restarting the program with its
 * RCON bit, and a watchdog timeout while the core sleeps in WAIT (Idle mode), which is an NMI
 * to the start-up address that resets nothing. The program runs four times (power-on, after
 * RSWRST, after the WDT reset, after the NMI) and keeps its state and the result counts in RAM,
 * which resets leave alone (soc/boot.S has the reset vector, which notes CP0 Status, and the
 * short WDT period).
 */
#include "soc.h"

const char t_group[] = "system";

struct persist {
	u32 magic;
	u32 stage;
	u32 counts[2];
	u32 marker;
	u32 wdt_period;
	u32 wdt_elapsed;
	u32 pad[9];
	u32 entry_status; /* offset 0x40: CP0 Status at 0xBFC00000, written by soc/boot.S */
};
_Static_assert(__builtin_offsetof(struct persist, entry_status) == 0x40, "soc/boot.S writes entry_status at +0x40");
/* Uncached, far above .bss and far below the stack. */
#define P ((volatile struct persist *)0xA0060000u)
#define MAGIC 0x54565359u
#define MARKER 0x1234ABCDu
#define STAGE_AFTER_RSWRST 1
#define STAGE_AFTER_WDT 2
#define STAGE_AFTER_IDLE_WDT 3
#define ST_NMI (1u << 19)

#define DEVID_MASK 0x0FFFFFFFu
#define DEVID_EFG100 0x0720E053u
#define U2MD (1u << 1)
#define DEVCFG3_PMDL1WAY (1u << 28)
#define WDTCON_ON (1u << 15)
#define RUNDIV(v) (((v) >> 8) & 0x1f)
#define DEVCFG1_WDTPS(v) (((v) >> 16) & 0x1f)
#define WDT_MS_TICKS (COUNT_HZ / 1000u)
/* The program waits for this long without clearing before it calls the timeout missing. */
#define WDT_GIVE_UP 4u
#define RCON_ALL 0x0C0002FFu

static void wdt_clear(void)
{
	REG16(WDTCON + 2) = WDT_CLEAR_KEY; /* 16-bit write to WDTCLRKEY */
}

static u32 pmd5_after_set(void)
{
	SET(PMD(5)) = U2MD;
	u32 v = REG(PMD(5)) & U2MD;
	return v;
}

static void power_on(u32 rcon)
{
	t_eq("rcon.por-bor-at-power-on", rcon & (RCON_POR | RCON_BOR | RCON_SWR | RCON_WDTO), RCON_POR | RCON_BOR);
	t_eq("devid.efg100", REG(DEVID) & DEVID_MASK, DEVID_EFG100);
	u32 devid = REG(DEVID);
	REG(DEVID) = 0;
	t_eq("devid.read-only", REG(DEVID), devid);
	/* The chip reads the configuration words at reset, this program's included. */
	t_eq("wdt.rundiv-from-devcfg-at-power-on", RUNDIV(REG(WDTCON)), DEVCFG1_WDTPS(REG(DEVCFG1)));

	REG(UBRG(2)) = 53;
	t_eq("syskey.locked-pmd-write-ignored", pmd5_after_set(), 0);
	REG(SYSKEY) = SYSKEY_2;
	REG(SYSKEY) = SYSKEY_1;
	t_eq("syskey.keys-in-wrong-order-stay-locked", pmd5_after_set(), 0);
	REG(SYSKEY) = SYSKEY_1;
	REG(SYSKEY) = 0;
	REG(SYSKEY) = SYSKEY_2;
	t_eq("syskey.interrupted-sequence-stays-locked", pmd5_after_set(), 0);
	sys_unlock();
	t_eq("syskey.unlocked-pmd-write", pmd5_after_set(), U2MD);
	t_eq("pmd.uart2-regs-read-0", REG(UBRG(2)) | REG(USTA(2)) | REG(UMODE(2)), 0);
	REG(UBRG(2)) = 99;
	t_eq("pmd.uart2-writes-ignored", REG(UBRG(2)), 0);
	CLR(PMD(5)) = U2MD;
	t_eq("pmd.uart2-back-on", REG(PMD(5)) & U2MD, 0);
	t_eq("pmd.uart2-at-reset-values", (REG(UBRG(2)) << 16) | REG(USTA(2)), STA_TRMT | (1u << 4));
	REG(UBRG(2)) = 99;
	t_eq("pmd.uart2-writable-again", REG(UBRG(2)), 99);
	sys_lock();
	t_eq("syskey.relocked", pmd5_after_set(), 0);

	sys_unlock();
	REG(CFGCON) = REG(CFGCON) | CFGCON_PMDLOCK;
	t_eq("cfgcon.pmdlock-set", REG(CFGCON) & CFGCON_PMDLOCK, CFGCON_PMDLOCK);
	t_eq("cfgcon.pmdlock-blocks-pmd", pmd5_after_set(), 0);
	REG(CFGCON) = REG(CFGCON) & ~CFGCON_PMDLOCK;
	/* With DEVCFG3.PMDL1WAY the lock can be set only once until the next reset. */
	u32 one_way = REG(DEVCFG3) & DEVCFG3_PMDL1WAY;
	t_eq("cfgcon.pmdl1way", REG(CFGCON) & CFGCON_PMDLOCK, one_way ? CFGCON_PMDLOCK : 0);
	sys_lock();

	/* Without the unlock RSWRST ignores the write and reading it resets nothing. */
	SET(RSWRST) = 1;
	u32 swrst = REG(RSWRST);
	spin_ticks(10000);
	t_eq("rswrst.needs-unlock", swrst, 0);

	/* Software reset: unlock, set SWRST, read RSWRST. */
	REG(UBRG(2)) = 77;
	P->marker = MARKER;
	P->stage = STAGE_AFTER_RSWRST;
	CLR(RCON) = RCON_ALL;
	console_drain();
	sys_unlock();
	SET(RSWRST) = 1;
	(void)REG(RSWRST);
	spin_ticks(10000);
	sys_lock();
	t_fail("rswrst.resets", "got=%u want=%u", 0u, 1u);
}

static void after_rswrst(u32 rcon)
{
	t_pass("rswrst.restarts-program");
	t_eq("rswrst.rcon-swr-only", rcon & (RCON_POR | RCON_BOR | RCON_SWR | RCON_WDTO | RCON_EXTR), RCON_SWR);
	t_eq("rswrst.ram-kept", P->marker, MARKER);
	t_eq("rswrst.sfr-reset", REG(UBRG(2)), 0);
	t_eq("rswrst.pmdlock-cleared", REG(CFGCON) & CFGCON_PMDLOCK, 0);
	t_eq("rswrst.syskey-locked", pmd5_after_set(), 0);
	u32 wdtps = DEVCFG1_WDTPS(REG(DEVCFG1));
	t_eq("wdt.rundiv-from-devcfg-after-reset", RUNDIV(REG(WDTCON)), wdtps);
	t_eq("wdt.off-at-reset", REG(WDTCON) & WDTCON_ON, 0);
	if (wdtps > 6) {
		t_fail("wdt.short-period", "got=%u want=%u..%u", wdtps, 0u, 6u);
		return;
	}
	/* Period: the 1 ms LPRC tick times the 2^WDTPS postscaler. */
	u32 period = (1u << wdtps) * WDT_MS_TICKS;
	CLR(RCON) = RCON_ALL;
	SET(WDTCON) = WDTCON_ON;
	wdt_clear();
	for (int i = 0; i < 4; i++) {
		spin_ticks(period / 2);
		wdt_clear();
	}
	u32 last = count();
	t_pass("wdt.clears-keep-it-running");
	console_drain();
	P->wdt_period = period;
	P->wdt_elapsed = 0;
	P->stage = STAGE_AFTER_WDT;
	/* Busy, not in WAIT: a timeout in Sleep/Idle wakes the core instead of resetting it. */
	u32 dt;
	do {
		dt = count() - last;
		P->wdt_elapsed = dt;
	} while (dt < WDT_GIVE_UP * period);
	CLR(WDTCON) = WDTCON_ON;
	t_fail("wdt.timeout-resets", "got=%u want=%u", 0u, 1u);
}

static void after_wdt(u32 rcon)
{
	t_pass("wdt.timeout-restarts-program");
	t_eq("wdt.rcon-wdto-only", rcon & (RCON_POR | RCON_BOR | RCON_SWR | RCON_WDTO | RCON_EXTR), RCON_WDTO);
	u32 p = P->wdt_period;
	/* The LPRC that clocks the WDT is not precise: allow 20 %. */
	t_range("wdt.timeout-after-one-period", P->wdt_elapsed, p - p / 5, p + p / 5);
	t_eq("wdt.off-after-reset", REG(WDTCON) & WDTCON_ON, 0);

	/*
	 * The same timeout while the core sleeps in WAIT (OSCCON.SLPEN = 0: Idle mode) is an NMI
	 * to the start-up address, not a reset: registers and peripherals keep their state.
	 */
	REG(UBRG(2)) = 77;
	for (int w = 0; w < 7; w++)
		REG(IEC(w)) = 0;
	P->entry_status = 0;
	P->stage = STAGE_AFTER_IDLE_WDT;
	console_drain();
	CLR(RCON) = RCON_ALL;
	SET(WDTCON) = WDTCON_ON;
	wdt_clear();
	u32 t0 = count();
	/* Only the core timer may end the WAIT, long after the watchdog should have. */
	set_compare(t0 + WDT_GIVE_UP * p);
	irq_clear(IRQ_CT);
	irq_priority(IRQ_CT, 1);
	irq_enable(IRQ_CT, 1);
	while (count() - t0 < WDT_GIVE_UP * p)
		cpu_wait();
	CLR(WDTCON) = WDTCON_ON;
	irq_enable(IRQ_CT, 0);
	t_fail("wdt-idle.timeout-wakes", "got=%u want=%u", 0u, 1u);
}

static void after_idle_wdt(void)
{
	u32 on = REG(WDTCON) & WDTCON_ON;
	CLR(WDTCON) = WDTCON_ON;
	t_pass("wdt-idle.timeout-restarts-program");
	t_eq("wdt-idle.entry-is-nmi", P->entry_status & ST_NMI, ST_NMI);
	t_eq("wdt-idle.peripherals-not-reset", REG(UBRG(2)), 77);
	t_eq("wdt-idle.wdt-still-on", on, WDTCON_ON);
}

void soc_main(void)
{
	u32 rcon = REG(RCON);
	if (rcon & RCON_POR) {
		P->magic = MAGIC;
		P->counts[0] = P->counts[1] = 0;
		P->stage = 0;
		P->entry_status = 0;
		t_counts = (u32 *)P->counts;
		power_on(rcon);
		return;
	}
	if (P->magic != MAGIC) {
		t_fail("restart-without-state", "got=0x%x want=0x%x", P->magic, MAGIC);
		return;
	}
	t_counts = (u32 *)P->counts;
	if (P->stage == STAGE_AFTER_RSWRST)
		after_rswrst(rcon);
	else if (P->stage == STAGE_AFTER_WDT)
		after_wdt(rcon);
	else if (P->stage == STAGE_AFTER_IDLE_WDT)
		after_idle_wdt();
	else
		t_fail("restart-stage", "got=%u want=%u..%u", P->stage, 1u, 3u);
}
