/*
 * soc-timer: Timer1 (type A) and Timer2/3 (type B, and the 32-bit pair) from PBCLK3 = 100 MHz,
 * pic32mz-ef.md §10. The counter runs 0..PR, so the period flag TxIF comes every
 * (PR+1)·prescale PBCLK3 cycles (one Count tick each), whether or not the interrupt is enabled.
 * Then the same match taken by the CPU through the EVIC in multi-vector mode (§6): the entry is
 * EBase + OFFn, Cause.RIPL is the IPC priority, higher priorities go first.
 */
#include "soc.h"

const char t_group[] = "timer";

/* Wake-up from WAIT, the flag test and the Count read after the match. */
#define SLACK 40u
/* The first prescaled clock after ON may need up to one prescale period to line up. */
#define FIRST(p, ps) (p), ((p) + (ps) + SLACK)
/* From one match to the next the wake-up path is the same: the period exactly. */
#define NEXT(p) ((p) - 2), ((p) + 2)

/* The PBCLK3 divisor the test has set up (2 after reset). */
static u32 pb3_divisor = 2;
static const u16 ps_a[4] = {1, 8, 64, 256};
static const u16 ps_b[8] = {1, 2, 4, 8, 16, 32, 64, 256};

static int irq_of(int n)
{
	static const u8 irqs[10] = {0, IRQ_T1, IRQ_T2, IRQ_T3, IRQ_T4, IRQ_T5};
	return irqs[n];
}

static void stop(int n)
{
	REG(TCON(n)) = 0;
	irq_clear(irq_of(n));
}

/* Starts timer n with TCKPS code `ckps` and PR; returns Count just before ON. */
static u32 start(int n, u32 ckps, u32 pr)
{
	stop(n);
	REG(TMR(n)) = 0;
	REG(PR(n)) = pr;
	REG(TCON(n)) = TCKPS(ckps);
	u32 t0 = count();
	SET(TCON(n)) = TCON_ON;
	return t0;
}

/* The first and the second period of timer n at prescale code `ckps`, PR = pr. */
static void period_case(const char *first, const char *next, int n, u32 ckps, u32 pr)
{
	u32 ps = n == 1 ? ps_a[ckps] : ps_b[ckps];
	/* Count ticks per PBCLK3 cycle: SYSCLK/2 over SYSCLK/pb3_divisor. */
	u32 p = (pr + 1) * ps * pb3_divisor / 2;
	ps = ps * pb3_divisor / 2;
	int irq = irq_of(n);
	u32 t0 = start(n, ckps, pr);
	wait_flag(irq, 3 * p);
	u32 t1 = count();
	irq_clear(irq);
	wait_flag(irq, 3 * p);
	u32 t2 = count();
	stop(n);
	t_range(first, t1 - t0, FIRST(p, ps));
	t_range(next, t2 - t1, NEXT(p));
}

static void periods(void)
{
	period_case("t2.ps1-first-period", "t2.ps1-period", 2, 0, 9999);
	period_case("t2.ps8-first-period", "t2.ps8-period", 2, 3, 1249);
	period_case("t2.ps256-first-period", "t2.ps256-period", 2, 7, 390);
	period_case("t1.ps1-first-period", "t1.ps1-period", 1, 0, 4999);
	period_case("t1.ps8-first-period", "t1.ps8-period", 1, 1, 1249);
	period_case("t1.ps64-first-period", "t1.ps64-period", 1, 2, 156);
	period_case("t1.ps256-first-period", "t1.ps256-period", 1, 3, 390);
	period_case("t3.ps4-first-period", "t3.ps4-period", 3, 2, 2499);
}

/* PBCLK3 = SYSCLK / (PB3DIV.PBDIV + 1): /4 instead of /2 doubles every timer period. */
static void pbclk3(void)
{
	sys_unlock();
	u32 old = REG(PBDIV(3));
	REG(PBDIV(3)) = (old & ~0x7fu) | 3;
	sys_lock();
	u32 t0 = count();
	while (!(REG(PBDIV(3)) & PBDIV_RDY) && count() - t0 < 1000)
		;
	pb3_divisor = 4;
	period_case("pbclk3.div4-first-period", "pbclk3.div4-doubles-period", 2, 0, 4999);
	sys_unlock();
	REG(PBDIV(3)) = old;
	sys_lock();
	pb3_divisor = 2;
	period_case("pbclk3.div2-first-period-again", "pbclk3.div2-period-again", 2, 0, 4999);
}

static void counting(void)
{
	u32 t0 = start(2, 0, 0xFFFF);
	spin_ticks(5000);
	u32 v = REG(TMR(2));
	u32 dt = count() - t0;
	t_range("t2.tmr-counts-pbclk3", v, 5000 - SLACK, dt);

	/* The flag is set without the interrupt being enabled (nobody waits in WAIT here). */
	start(2, 0, 999);
	spin_ticks(1000 + SLACK);
	u32 flag = irq_flag(IRQ_T2);
	u32 tmr = REG(TMR(2));
	stop(2);
	t_eq("t2.flag-set-with-iec-off", flag, 1);
	t_range("t2.tmr-restarts-from-0", tmr, 0, 2 * SLACK);

	/* TMR runs 0..PR and never shows PR+1: at 1:256 each value lasts 256 ticks. */
	start(2, 7, 3);
	u32 seen = 0;
	u32 t1 = count();
	while (count() - t1 < 3 * 4 * 256) {
		u32 c = REG(TMR(2));
		seen |= 1u << (c < 31 ? c : 31);
	}
	stop(2);
	t_eq("t2.tmr-runs-0-to-pr", seen, 0xF);

	/* PR set below the running count: no match until TMR has rolled over at 0xFFFF. */
	start(2, 0, 9999);
	spin_ticks(5000);
	u32 c = REG(TMR(2));
	u32 tw = count();
	REG(PR(2)) = 1000;
	irq_clear(IRQ_T2);
	wait_flag(IRQ_T2, 200000);
	dt = count() - tw;
	stop(2);
	u32 want = (0xFFFF - c) + 1 + 1001;
	t_range("t2.pr-below-tmr-rolls-over", dt, want - SLACK, want + SLACK);
}

static void pair32(void)
{
	stop(2);
	stop(3);
	REG(TMR(2)) = 0;
	REG(TMR(3)) = 0;
	REG(PR(2)) = 0x869F; /* PR3:PR2 = 99999 */
	REG(PR(3)) = 0x0001;
	REG(TCON(2)) = TCON_T32;
	u32 t0 = count();
	SET(TCON(2)) = TCON_ON;
	wait_flag(IRQ_T3, 300000);
	u32 t1 = count();
	u32 t2if = irq_flag(IRQ_T2);
	irq_clear(IRQ_T3);
	wait_flag(IRQ_T3, 300000);
	u32 t2 = count();
	t_range("t32.first-period-on-t3if", t1 - t0, FIRST(100000u, 1u));
	t_eq("t32.t2if-stays-clear", t2if, 0);
	t_range("t32.period", t2 - t1, NEXT(100000u));
	REG(TCON(2)) = 0;
	irq_clear(IRQ_T3);

	/* The count carries from TMR2 into TMR3. */
	REG(TMR(2)) = 0;
	REG(TMR(3)) = 0;
	REG(PR(2)) = 0xFFFF;
	REG(PR(3)) = 0x0002;
	REG(TCON(2)) = TCON_T32;
	t0 = count();
	SET(TCON(2)) = TCON_ON;
	spin_ticks(100000);
	u32 lo = REG(TMR(2)), hi = REG(TMR(3));
	u32 dt = count() - t0;
	t_range("t32.tmr3-tmr2-count", (hi << 16) | lo, 100000 - SLACK, dt);
	REG(TCON(2)) = 0;
	irq_clear(IRQ_T3);
	irq_clear(IRQ_T2);
}

/* ---- through the EVIC to the CPU ---- */
#define LOG_MAX 8
static volatile u32 log_n;
static volatile u32 log_stub[LOG_MAX], log_ripl[LOG_MAX], log_intstat[LOG_MAX], log_time[LOG_MAX];

static void on_irq(int stub, struct rt_frame *f)
{
	u32 t = count();
	u32 n = log_n;
	if (n < LOG_MAX) {
		log_stub[n] = (u32)stub;
		log_ripl[n] = (f->cause >> 10) & 0xff;
		log_intstat[n] = REG(INTSTAT);
		log_time[n] = t;
	}
	log_n = n + 1;
	if (stub == IRQ_T1 || stub == IRQ_T2 || stub == IRQ_T3) {
		int tn = stub == IRQ_T1 ? 1 : stub == IRQ_T2 ? 2 : 3;
		CLR(TCON(tn)) = TCON_ON;
		irq_clear(stub);
		return;
	}
	for (int w = 0; w < 7; w++)
		REG(IEC(w)) = 0;
}

static void wait_log(u32 n, u32 ticks)
{
	u32 t0 = count();
	/* Spins rather than WAITs: with IE = 1 nothing else may end a WAIT if the interrupt never comes. */
	while (log_n < n && count() - t0 < ticks)
		;
}

static void evic(void)
{
	soc_irq_hook = on_irq;
	log_n = 0;
	REG(OFF(IRQ_T1)) = soc_vec_offset(soc_vec_t1);
	REG(OFF(IRQ_T2)) = soc_vec_offset(soc_vec_t2);
	REG(OFF(IRQ_T3)) = soc_vec_offset(soc_vec_t3);
	t_eq("evic.off-readback", REG(OFF(IRQ_T2)), soc_vec_offset(soc_vec_t2));
	irq_priority(IRQ_T1, 2);
	irq_priority(IRQ_T2, 5);
	irq_priority(IRQ_T3, 3);
	irq_enable(IRQ_T2, 1);

	/* Timer2 period match, taken with IE = 1 at EBase + OFF009. */
	u32 t0 = start(2, 0, 19999);
	irq_on();
	wait_log(1, 100000);
	irq_off();
	t_eq("evic.t2-taken-once", log_n, 1);
	t_eq("evic.t2-vector-ebase-plus-off009", log_stub[0], IRQ_T2);
	t_eq("evic.t2-cause-ripl", log_ripl[0], 5);
	t_eq("evic.t2-intstat-sirq", log_intstat[0] & 0xff, IRQ_T2);
	/* Exception entry, the runtime's register save and the hook come on top of the period. */
	t_range("evic.t2-entry-after-period", log_time[0] - t0, 20000, 20000 + 400);

	/* Nothing is taken while IE = 0, however long the flag is pending. */
	log_n = 0;
	SET(IFS(0)) = 1u << IRQ_T2;
	spin_ticks(2000);
	t_eq("evic.not-taken-with-ie0", log_n, 0);

	/* Three pending at once: priority 5 (T2), then 3 (T3), then 2 (T1), each at its own OFFn. */
	irq_enable(IRQ_T1, 1);
	irq_enable(IRQ_T3, 1);
	SET(IFS(0)) = (1u << IRQ_T1) | (1u << IRQ_T3);
	irq_on();
	wait_log(3, 10000);
	irq_off();
	t_eq("evic.three-taken", log_n, 3);
	t_eq("evic.priority-order", (log_stub[0] << 16) | (log_stub[1] << 8) | log_stub[2],
	     (IRQ_T2 << 16) | (IRQ_T3 << 8) | IRQ_T1);
	t_eq("evic.ripl-per-priority", (log_ripl[0] << 16) | (log_ripl[1] << 8) | log_ripl[2], 0x050302);

	/* Timer3 and Timer1 period matches at their own vectors. */
	log_n = 0;
	t0 = start(3, 0, 2999);
	irq_on();
	wait_log(1, 100000);
	irq_off();
	t_eq("evic.t3-vector-ebase-plus-off014", log_stub[0], IRQ_T3);
	t_range("evic.t3-entry-after-period", log_time[0] - t0, 3000, 3000 + 400);
	log_n = 0;
	t0 = start(1, 1, 999);
	irq_on();
	wait_log(1, 100000);
	irq_off();
	t_eq("evic.t1-vector-ebase-plus-off004", log_stub[0], IRQ_T1);
	t_range("evic.t1-entry-after-period", log_time[0] - t0, 8000, 8000 + 8 + 400);

	for (int n = 1; n <= 3; n++)
		stop(n);
	irq_enable(IRQ_T1, 0);
	irq_enable(IRQ_T2, 0);
	irq_enable(IRQ_T3, 0);
	soc_irq_hook = 0;
}

void soc_main(void)
{
	periods();
	pbclk3();
	counting();
	pair32();
	evic();
}
