/*
 * Driver of the SoC peripheral tests: EIC setup (multi-vector mode, Cause.IV, pic32mz-ef.md §6),
 * the exception hook (interrupts go to the group's hook, other exceptions are counted and
 * skipped), WAIT-based waiting on IFS flags with the core timer as timeout, and the result lines.
 */
#include "soc.h"

static u32 counts[2];
u32 *t_counts = counts;
void (*soc_irq_hook)(int irq, struct rt_frame *f);
volatile int soc_vec_irq = -1;
volatile u32 soc_exc_count, soc_exc_cause;

#define CA_IV     (1u << 23)
#define CA_BD     (1u << 31)
#define EXC_INT   0

void soc_exc_reset(void)
{
	soc_exc_count = 0;
	soc_exc_cause = 0;
}

void spin_ticks(u32 ticks)
{
	u32 s = count();
	while (count() - s < ticks)
		;
}

void sys_unlock(void)
{
	REG(SYSKEY) = 0;
	REG(SYSKEY) = SYSKEY_1;
	REG(SYSKEY) = SYSKEY_2;
}

void sys_lock(void)
{
	REG(SYSKEY) = SYSKEY_LOCK;
}

void console_drain(void)
{
	while (!(REG(USTA(4)) & STA_TRMT))
		;
}

/* ---- EVIC ---- */
void irq_clear(int irq)
{
	CLR(IFS(irq >> 5)) = 1u << (irq & 31);
}

int irq_flag(int irq)
{
	return (REG(IFS(irq >> 5)) >> (irq & 31)) & 1;
}

void irq_enable(int irq, int on)
{
	if (on)
		SET(IEC(irq >> 5)) = 1u << (irq & 31);
	else
		CLR(IEC(irq >> 5)) = 1u << (irq & 31);
}

static int enabled(int irq)
{
	return (REG(IEC(irq >> 5)) >> (irq & 31)) & 1;
}

static int priority(int irq)
{
	return (REG(IPC(irq >> 2)) >> ((irq & 3) * 8 + 2)) & 7;
}

void irq_priority(int irq, int prio)
{
	u32 sh = (u32)(irq & 3) * 8 + 2;
	CLR(IPC(irq >> 2)) = 7u << sh;
	SET(IPC(irq >> 2)) = (u32)prio << sh;
}

int wait_flag(int irq, u32 ticks)
{
	u32 start = count();
	int had_en = enabled(irq), had_prio = priority(irq);
	if (had_prio == 0)
		irq_priority(irq, 1);
	irq_priority(IRQ_CT, 1);
	set_compare(start + ticks); /* also clears Cause.TI */
	irq_clear(IRQ_CT);
	irq_enable(IRQ_CT, 1);
	irq_enable(irq, 1);
	while (!irq_flag(irq) && count() - start < ticks)
		cpu_wait();
	irq_enable(IRQ_CT, 0);
	irq_clear(IRQ_CT);
	irq_enable(irq, had_en);
	irq_priority(irq, had_prio);
	return irq_flag(irq);
}

/* ---- results ---- */
void t_pass(const char *name)
{
	t_counts[0]++;
	rt_printf("ok %s.%s\n", t_group, name);
}

void t_fail(const char *name, const char *fmt, ...)
{
	__builtin_va_list ap;
	char buf[96];
	u32 n = 0;
	const char *p;
	/* rt_printf has no v-variant: format the few conversions used here by hand. */
	__builtin_va_start(ap, fmt);
	for (p = fmt; *p && n < sizeof buf - 12; p++) {
		if (*p != '%') {
			buf[n++] = *p;
			continue;
		}
		p++;
		u32 v = __builtin_va_arg(ap, u32);
		if (*p == 'x') {
			for (int s = 28; s >= 0; s -= 4)
				buf[n++] = "0123456789abcdef"[(v >> s) & 15];
		} else {
			char d[10];
			int k = 0;
			do {
				d[k++] = (char)('0' + v % 10);
				v /= 10;
			} while (v);
			while (k)
				buf[n++] = d[--k];
		}
	}
	__builtin_va_end(ap);
	buf[n] = 0;
	t_counts[1]++;
	rt_printf("FAIL %s.%s %s\n", t_group, name, buf);
}

void t_eq(const char *name, u32 got, u32 want)
{
	if (got == want)
		t_pass(name);
	else
		t_fail(name, "got=0x%x want=0x%x", got, want);
}

void t_range(const char *name, u32 got, u32 lo, u32 hi)
{
	if (got >= lo && got <= hi)
		t_pass(name);
	else
		t_fail(name, "got=%u want=%u..%u", got, lo, hi);
}

void t_true(const char *name, int cond)
{
	if (cond)
		t_pass(name);
	else
		t_fail(name, "got=0x%x want=0x%x", 0u, 1u);
}

void t_done(void)
{
	rt_printf("DONE %s pass=%u fail=%u\n", t_group, t_counts[0], t_counts[1]);
	console_drain();
}

u32 soc_vec_offset(void (*stub)(void))
{
	return (u32)stub - (u32)_ebase;
}

/* ---- exceptions ---- */
static void hook(struct rt_frame *f, u32 cause, u32 epc, u32 badvaddr)
{
	if (((cause >> 2) & 0x1f) == EXC_INT) {
		int irq = soc_vec_irq;
		soc_vec_irq = -1;
		if (soc_irq_hook) {
			soc_irq_hook(irq, f);
			return;
		}
		/* Nobody expected an interrupt: mask everything so that it cannot repeat. */
		for (int w = 0; w < 7; w++)
			REG(IEC(w)) = 0;
		t_fail("unexpected-interrupt", "stub=%u intstat=0x%x", (u32)irq, REG(INTSTAT));
		return;
	}
	soc_exc_count++;
	soc_exc_cause = cause;
	f->epc = epc + ((cause & CA_BD) ? 8 : 4);
	(void)badvaddr;
}

static void eic_init(void)
{
	u32 v;
	__asm__ volatile("mfc0 %0, $12, 1" : "=r"(v));
	v = (v & ~(0x1fu << 5)) | (1u << 5); /* IntCtl.VS = 1 */
	__asm__ volatile("mtc0 %0, $12, 1\n\tehb" : : "r"(v));
	v = cp0_cause() | CA_IV;
	__asm__ volatile("mtc0 %0, $13\n\tehb" : : "r"(v));
	for (int w = 0; w < 7; w++) {
		REG(IEC(w)) = 0;
		REG(IFS(w)) = 0;
	}
	REG(PRISS) = 0;
	REG(INTCON) = INTCON_MVEC;
}

int main(void)
{
	/* Results print at PBCLK2/4 = 25 Mbaud so that printing costs little virtual time. */
	rt_console_init(0, 1);
	rt_exc_hook = hook;
	eic_init();
	soc_main();
	t_done();
	return t_counts[1] != 0;
}
