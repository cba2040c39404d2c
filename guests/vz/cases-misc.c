/*
 * VZ cases: interrupt injection through GuestCtl2 (EIC format, GRIPL auto-clear, GHFC on
 * acceptance; spec §1.6, §5.4), a root interrupt pre-empting the guest (§3.5), the guest timer (GTOffset, guest Compare/Cause.TI; §1.8, §2.5),
 * separate root and guest LL bits (§3.7), exits from a branch delay slot (§3.6) and nested
 * root exceptions inside an exit handler (NestedEPC/NestedExc, §3.6).
 */
#include "vz.h"

#define INSN(label) (*(const volatile u32 *)(label))
#define GRIPL 5u
#define CFG3_VEIC (1u << 6)

/* Guest ready for an injected interrupt: EIC guest, IE as given, IPL `ipl`, Cause.IV=1. */
static void inject_setup(u32 gc0, u32 gc0x, u32 ie, u32 ipl)
{
	vz_guest_reset(GID_A);
	MTC0(12, 6, gc0);
	MTC0(11, 4, gc0x);
	MTGC0(16, 3, MFGC0(16, 3) | CFG3_VEIC);
	MTGC0(12, 0, ST_CU0 | ie | (ipl << 10));
	MTGC0(13, 0, CA_IV);
	MTC0(10, 5, (GRIPL << 24) | GVEC_OFF);
}

static u32 ghfc_gripl, ghfc_gcause;
static int h_inject_ghfc(struct rt_frame *f, const struct vz_exit *e, u32 n)
{
	(void)f;
	if (n != 0 || EXCCODE(e->cause) != EXC_GE || GEXCCODE(e->gctl0) != GEXC_GHFC)
		return VZ_FINISH;
	ghfc_gripl = MFC0(10, 5) >> 24;
	ghfc_gcause = MFGC0(13, 0);
	return VZ_RESUME; /* EPC unchanged: the guest vector runs next */
}

static void inject_cases(void)
{
	struct vz_result r;
	const char *c = "inject";
	inject_setup(GC0_BASE, GC0X_BASE, ST_IE, 0);
	u32 veic = (MFGC0(16, 3) >> 6) & 1;
	vz_run(&r, (u32)g_spin, 0, 0, 0, 0);
	u32 gepc = MFGC0(14, 0);
	vz_case(c, &r);
	vz_check(c, "guest-config3-veic", veic, 1);
	vz_check_hc(c, "vector", &r.ex[0], HC_GV_GVEC, (u32)g_ebase + GVEC_OFF);
	vz_check(c, "guest-ripl", RIPL(MFGC0(13, 0)), GRIPL);
	vz_check(c, "gripl-cleared", MFC0(10, 5) >> 24, 0);
	vz_check(c, "gvec-kept", MFC0(10, 5) & 0xffff, GVEC_OFF);
	vz_check(c, "guest-exl", MFGC0(12, 0) & ST_EXL, ST_EXL);
	vz_check(c, "guest-epc-in-loop", gepc >= (u32)g_spin && gepc <= (u32)g_spin_end, 1);
	vz_check(c, "exits", r.n, 1);
	vz_case_end();
	MTC0(10, 5, 0);

	c = "inject-ghfc";
	inject_setup(GC0_BASE | GC0_MC, 0, ST_IE, 0);
	ghfc_gripl = ghfc_gcause = 0xffffffffu;
	vz_run(&r, (u32)g_spin, 0, 0, 0, h_inject_ghfc);
	vz_case(c, &r);
	vz_check(c, "exccode", EXCCODE(r.ex[0].cause), EXC_GE);
	vz_check(c, "gexccode", GEXCCODE(r.ex[0].gctl0), GEXC_GHFC);
	vz_check(c, "epc-guest-vector", r.ex[0].epc, (u32)g_ebase + GVEC_OFF);
	vz_check(c, "gripl-cleared-at-exit", ghfc_gripl, 0);
	vz_check(c, "guest-ripl-at-exit", RIPL(ghfc_gcause), GRIPL);
	vz_check_hc(c, "then-vector-runs", &r.ex[1], HC_GV_GVEC, (u32)g_ebase + GVEC_OFF);
	vz_case_end();
	MTC0(10, 5, 0);

	/* Not accepted: guest IE=0, or GRIPL not above guest IPL. GRIPL stays pending. */
	static const char *const name[2] = { "inject-masked-ie", "inject-masked-ipl" };
	for (int k = 0; k < 2; k++) {
		c = name[k];
		inject_setup(GC0_BASE, GC0X_BASE, k == 0 ? 0 : ST_IE, k == 0 ? 0 : GRIPL);
		vz_run(&r, (u32)g_spin, 0, 0, 0, 0);
		vz_case(c, &r);
		vz_check_hc(c, "runs-to-done", &r.ex[0], HC_DONE, (u32)g_spin_end);
		vz_check(c, "gripl-pending", MFC0(10, 5) >> 24, GRIPL);
		vz_check(c, "guest-exl-clear", MFGC0(12, 0) & ST_EXL, 0);
		vz_case_end();
		MTC0(10, 5, 0);
	}
}

#define GTOFF 0x40000000u

static void timer_cases(void)
{
	struct vz_result r;
	const char *c = "gtimer";
	vz_guest_reset(GID_A);
	MTC0(12, 6, GC0_BASE | GC0_GT);
	MTC0(12, 7, GTOFF);
	u32 c0 = MFC0(9, 0);
	vz_run(&r, (u32)g_count, 0, 0, 0, 0);
	u32 c1 = MFC0(9, 0);
	u32 g = vz_done(&r)->gpr[2];
	vz_case(c, &r);
	vz_check(c, "count-read-no-exit", r.done && r.n == 1, 1);
	vz_check(c, "count-is-root-plus-gtoffset", g - GTOFF - c0 <= c1 - c0, 1);

	vz_run(&r, (u32)g_timer, 0, 0, 0, 0);
	const struct vz_exit *d = vz_done(&r);
	vz_check(c, "timer-no-exit", r.done && r.n == 1, 1);
	vz_check(c, "compare-write-clears-ti", (d->gpr[3] >> 30) & 1, 0);
	vz_check(c, "match-sets-ti", (d->gpr[2] >> 30) & 1, 1);
	vz_check(c, "ti-rewrite-clears", (d->gpr[4] >> 30) & 1, 0);
	/* Root sets guest Cause.TI itself (tinyVP's synthesised timer) and a Compare write clears it. */
	MTGC0(13, 0, MFGC0(13, 0) | CA_TI);
	vz_check(c, "root-sets-guest-ti", (MFGC0(13, 0) >> 30) & 1, 1);
	MTGC0(11, 0, MFGC0(9, 0) - 1);
	vz_check(c, "root-compare-write-clears-ti", (MFGC0(13, 0) >> 30) & 1, 0);
	MTC0(12, 7, 0);
	vz_case_end();
}

static volatile u32 root_word;
static u32 root_sc;
static int h_ll(struct rt_frame *f, const struct vz_exit *e, u32 n)
{
	(void)n;
	if (!vz_is_hc(e, HC_LL))
		return VZ_FINISH;
	root_sc = vz_root_llsc(&root_word, 0x1234);
	f->epc = e->epc + 4;
	return VZ_RESUME;
}

static void ll_cases(void)
{
	struct vz_result r;
	const u32 pa = GRAM + 0x30;
	const char *c = "ll-plain";
	vz_guest_reset(GID_A);
	K1(pa) = 0;
	vz_run(&r, (u32)g_ll_plain, GVA_DATA + 0x30, 0, 0, 0);
	vz_case(c, &r);
	vz_check(c, "sc-succeeds", vz_done(&r)->gpr[2], 1);
	vz_check(c, "stored", K1(pa), 0x1111);
	vz_case_end();

	c = "ll-root-llsc-between";
	K1(pa) = 0;
	root_sc = 0;
	vz_run(&r, (u32)g_ll_hc, GVA_DATA + 0x30, 0, 0, h_ll);
	vz_case(c, &r);
	vz_check_hc(c, "exit", &r.ex[0], HC_LL, (u32)g_ll_hc_i);
	vz_check(c, "root-sc-succeeds", root_sc, 1);
	vz_check(c, "guest-sc-succeeds", vz_done(&r)->gpr[2], 1);
	vz_check(c, "stored", K1(pa), 0x5a5a);
	vz_case_end();

	c = "ll-guest-eret-clears";
	K1(pa) = 0xabc;
	vz_run(&r, (u32)g_ll_eret, GVA_DATA + 0x30, 0, 0, 0);
	vz_case(c, &r);
	vz_check(c, "no-exit", r.done && r.n == 1, 1);
	vz_check(c, "sc-fails", vz_done(&r)->gpr[2], 0);
	vz_check(c, "not-stored", K1(pa), 0xabc);
	vz_case_end();
}

#define EMU_PRID 0x0001a7eeu

/* GPSI in a delay slot: root emulates the instruction and the (always taken) branch. */
static int h_bd_gpsi(struct rt_frame *f, const struct vz_exit *e, u32 n)
{
	if (n != 0 || EXCCODE(e->cause) != EXC_GE || !(e->cause & CA_BD))
		return VZ_FINISH;
	u32 b = e->badinstrp;
	if ((b >> 26) != 0x04) /* BEQ */
		return VZ_FINISH;
	f->gpr[(e->badinstr >> 16) & 31] = EMU_PRID;
	f->epc = e->epc + 4 + ((u32)(s32)(short)(b & 0xffff) << 2);
	return VZ_RESUME;
}

/* Stage-2 refill in a delay slot: map and resume at EPC (the branch runs again). */
static int h_bd_refill(struct rt_frame *f, const struct vz_exit *e, u32 n)
{
	(void)f;
	if (n != 0 || EXCCODE(e->cause) != EXC_TLBL)
		return VZ_FINISH;
	MTC0(2, 0, LO_RAM(RPA_FAULT));
	MTC0(3, 0, LO_RAM(RPA_FAULT + 0x1000));
	MTC0(5, 0, PM_4K);
	__asm__ volatile("tlbwr\n\tehb" : : : "memory");
	return VZ_RESUME;
}

static void bd_cases(void)
{
	struct vz_result r;
	const char *c = "bd-gpsi";
	vz_guest_reset(GID_A);
	vz_run(&r, (u32)g_bd_gpsi, 0, 0, 0, h_bd_gpsi);
	vz_case(c, &r);
	vz_check_exit(c, &r.ex[0], EXC_GE, GEXC_GPSI, (u32)g_bd_gpsi_b, 1, INSN(g_bd_gpsi_i));
	vz_check(c, "badinstrp", r.ex[0].badinstrp, INSN(g_bd_gpsi_b));
	vz_check(c, "resumed-at-target", r.done && r.n == 2 && vz_done(&r)->gpr[2] == 0, 1);
	vz_check(c, "emulated-value", vz_done(&r)->gpr[3], EMU_PRID);
	vz_case_end();

	c = "bd-s2-refill";
	vz_guest_reset(GID_A);
	K1(RPA_FAULT + 0x40) = 0xbd5e7000u;
	vz_run(&r, (u32)g_bd_load, 0x80000000u | (GPA_FAULT + 0x40), 0, 0, h_bd_refill);
	vz_case(c, &r);
	vz_check_exit(c, &r.ex[0], EXC_TLBL, GEXC_GPA, (u32)g_bd_load_b, 1, INSN(g_bd_load_i));
	vz_check(c, "badinstrp", r.ex[0].badinstrp, INSN(g_bd_load_b));
	vz_check(c, "badvaddr-gpa", r.ex[0].badvaddr, GPA_FAULT + 0x40);
	vz_check(c, "retried", r.done && r.n == 2 && vz_done(&r)->gpr[2] == 0, 1);
	vz_check(c, "value", vz_done(&r)->gpr[3], 0xbd5e7000u);
	vz_case_end();
}

/* A root interrupt (core timer via the EVIC) is taken in root while the guest runs with its own
 * IE=0, and leaves the guest context alone (§3.5, §5.4). */
#define ROOT_IRQ_COUNTS 300 /* well inside g_spin (about 3000 Count ticks) */
static u32 irq_gstatus;
static int h_root_irq(struct rt_frame *f, const struct vz_exit *e, u32 n)
{
	(void)f;
	if (n != 0 || EXCCODE(e->cause) != EXC_INT)
		return VZ_FINISH;
	irq_gstatus = MFGC0(12, 0);
	vz_watchdog_disarm(); /* source cleared: resuming with root IE=1 takes nothing */
	return VZ_RESUME;
}

static void root_irq_case(void)
{
	struct vz_result r;
	const char *c = "root-irq";
	vz_guest_reset(GID_A);
	irq_gstatus = 0xffffffffu;
	vz_watchdog_arm(ROOT_IRQ_COUNTS);
	vz_run(&r, (u32)g_spin, 0, 0, 0, h_root_irq);
	vz_watchdog_disarm();
	const struct vz_exit *e = &r.ex[0];
	vz_case(c, &r);
	vz_check(c, "exccode", EXCCODE(e->cause), EXC_INT);
	vz_check(c, "vector", e->vector, 0x200); /* EIC mode, EVIC single-vector */
	vz_check(c, "ripl", RIPL(e->cause), WATCHDOG_PRIORITY);
	vz_check(c, "epc-in-guest-loop", e->epc >= (u32)g_spin && e->epc <= (u32)g_spin_end, 1);
	vz_check(c, "gm-kept", e->gctl0 >> 31, 1);
	vz_check(c, "guest-exl-untouched", irq_gstatus & ST_EXL, 0);
	vz_check(c, "resumed-to-done", r.done && r.n == 2 && vz_done(&r)->gpr[8] == 0, 1);
	vz_case_end();
}

/* Inside the HC_NEST exit handler (root EXL=1) a root probe faults: a nested exception. */
static int nest_syscall;
static u32 nest_v, nest_epc_reg;
static int h_nest(struct rt_frame *f, const struct vz_exit *e, u32 n)
{
	(void)n;
	if (!vz_is_hc(e, HC_NEST))
		return VZ_FINISH;
	u32 g0 = MFC0(12, 6);
	MTC0(12, 6, g0 & ~GC0_GM); /* the probe's return (ERET, EXL 1->0) must stay in root mode */
	vz_probe_arm();
	nest_v = nest_syscall ? vz_probe_syscall() : vz_probe_load(0x00003000u);
	nest_epc_reg = vz_probe_rec.epc;
	MTC0(12, 0, MFC0(12, 0) | ST_EXL);
	MTC0(12, 6, g0);
	f->epc = e->epc + 4;
	return VZ_RESUME;
}

static void nested_cases(void)
{
	struct vz_result r;
	for (int k = 0; k < 2; k++) {
		const char *c = k == 0 ? "nested-tlb-refill" : "nested-syscall";
		vz_guest_reset(GID_A);
		nest_syscall = k;
		nest_v = 0;
		vz_run(&r, (u32)g_nest, 0, 0, 0, h_nest);
		const struct vz_probe *p = &vz_probe_rec;
		vz_case(c, &r);
		vz_check(c, "faulted-once", p->count, 1);
		vz_check(c, "probe-result", nest_v, PROBE_FAULT);
		vz_check(c, "exccode", EXCCODE(p->cause), k == 0 ? EXC_TLBL : EXC_SYS);
		vz_check(c, "vector-general", p->vector, 0x180);
		vz_check(c, "epc-kept", nest_epc_reg, (u32)g_nest_i);
		vz_check(c, "nestedepc", p->nestedepc, k == 0 ? (u32)vz_probe_load_i : (u32)vz_probe_syscall_i);
		vz_check(c, "nestedexc-exl", p->nestedexc & (ST_EXL | ST_ERL), ST_EXL);
		if (k == 0)
			vz_check(c, "badvaddr", p->badvaddr, 0x00003000u);
		vz_check(c, "guest-resumed", r.done && r.n == 2 && vz_done(&r)->gpr[2] == 0x600d, 1);
		vz_case_end();
	}
}

void vz_cases_misc(void)
{
	inject_cases();
	root_irq_case();
	timer_cases();
	ll_cases();
	bd_cases();
	nested_cases();
}
