/*
 * Driver of the instruction tests: prints one line per case and the DONE summary, and on bare
 * metal installs the exception hook that records an expected exception and resumes where the
 * test asked (t_expect). An exception nobody expected is a failure of its own and the program
 * continues after the faulting instruction.
 */
#include "isa.h"

extern const char t_group[];
void isa_main(void);

static u32 pass, fail;
#ifdef TV_BARE
/* Where the next exception resumes (t_expect); a check ends any expectation left unused. */
static volatile u32 resume;
#define END_EXPECTATION() (resume = 0)
#else
#define END_EXPECTATION() ((void)0)
#endif

void t_check(const char *name, u32 got, u32 want)
{
	END_EXPECTATION();
	if (got == want) {
		pass++;
		rt_printf("ok %s.%s\n", t_group, name);
	} else {
		fail++;
		rt_printf("FAIL %s.%s got=0x%08x want=0x%08x\n", t_group, name, got, want);
	}
}

/* 64-bit case: want points at {high word, low word}; a failure shows the first differing word. */
void t_check_d(const char *name, u32 gothi, u32 gotlo, const u32 *want)
{
	END_EXPECTATION();
	if (gothi == want[0] && gotlo == want[1]) {
		pass++;
		rt_printf("ok %s.%s\n", t_group, name);
	} else if (gothi != want[0]) {
		fail++;
		rt_printf("FAIL %s.%s got=0x%08x want=0x%08x (high word)\n", t_group, name, gothi, want[0]);
	} else {
		fail++;
		rt_printf("FAIL %s.%s got=0x%08x want=0x%08x (low word)\n", t_group, name, gotlo, want[1]);
	}
}

#ifdef TV_BARE
volatile u32 t_exc_count, t_exc_cause, t_exc_epc, t_exc_badvaddr, t_exc_badinstr;
volatile u32 t_exc_status, t_exc_vector;
void (*volatile t_fixup)(struct rt_frame *f);

#define MAX_UNEXPECTED 8
#define ST_KSU_MASK 0x18u

void t_expect(u32 where)
{
	t_exc_count = 0;
	t_exc_cause = t_exc_epc = t_exc_badvaddr = t_exc_badinstr = 0;
	t_exc_status = t_exc_vector = 0;
	resume = where;
}

static void hook(struct rt_frame *f, u32 cause, u32 epc, u32 badvaddr)
{
	static u32 unexpected;
	if (t_exc_count++ == 0) {
		t_exc_cause = cause;
		t_exc_epc = epc;
		t_exc_badvaddr = badvaddr;
		t_exc_badinstr = f->badinstr;
		t_exc_status = f->status;
		t_exc_vector = f->vector;
	}
	if (t_fixup) {
		void (*fix)(struct rt_frame *) = t_fixup;
		t_fixup = 0;
		fix(f);
	}
	if (resume == T_RETRY) {
		resume = 0;
		return;
	}
	if (resume) {
		f->epc = resume;
		resume = 0;
		/* Resuming in kernel code after a user-mode fault: return in kernel mode. */
		if (f->epc >= 0x80000000u)
			f->status &= ~ST_KSU_MASK;
		return;
	}
	fail++;
	rt_printf("FAIL %s.unexpected-exception cause=0x%08x epc=0x%08x badvaddr=0x%08x\n",
		  t_group, cause, epc, badvaddr);
	if (++unexpected >= MAX_UNEXPECTED) {
		rt_printf("DONE %s pass=%u fail=%u\n", t_group, pass, fail);
		rt_exit(1);
	}
	f->epc = epc + ((cause & 0x80000000u) ? 8 : 4);
}
#endif

int main(void)
{
#ifdef TV_BARE
	/* The tests print a line per case: run the UART at its fastest rate (BRGH=1, BRG=0:
	 * PBCLK2/4 = 25 Mbaud) so that virtual time goes to the instructions under test. */
	rt_console_init(0, 1);
	rt_exc_hook = hook;
#endif
	isa_main();
	rt_printf("DONE %s pass=%u fail=%u\n", t_group, pass, fail);
	return fail != 0;
}
