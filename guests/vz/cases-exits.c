/*
 * VZ cases, guest exits (spec §3.1-§3.6, §2.4): GPSI (PRId, SRSCtl, Count with GT=0, MTC0
 * Count with GT=1, Config0 with CF=0, CACHE per CG/CGI, any CP0 access with CP0=0), GSFC
 * (Status.CU1 with SFC1=0, Status.IE with MC=1/FCD=0), WAIT, HC, GRR, RI and MFGC0 taken by the
 * guest itself, GHFC (guest exception with MC=1/FCD=0). Each checks the root state at the exit
 * (ExcCode, GExcCode, EPC, BD, BadInstr) and that the guest resumes where root sends it.
 */
#include "vz.h"

#define INSN(label) (*(const volatile u32 *)(label))
#define EMU_VALUE 0xc0ffee01u
#define WAIT_WATCHDOG_COUNTS 20000 /* 0.2 ms of Count: far more than the case needs */

/* Emulates the exiting instruction the simplest way: MFC0 gets EMU_VALUE, an MTC0 of guest
 * Status that raised GSFC is completed with MTGC0; then EPC += 4. */
static u32 gstatus_at_exit;
static int h_advance(struct rt_frame *f, const struct vz_exit *e, u32 n)
{
	(void)n;
	if (EXCCODE(e->cause) != EXC_GE)
		return VZ_FINISH;
	u32 w = e->badinstr, rt = (w >> 16) & 31;
	gstatus_at_exit = MFGC0(12, 0);
	if ((w & 0xffe007f8u) == 0x40000000u && rt != 0)
		f->gpr[rt] = EMU_VALUE;
	if (GEXCCODE(e->gctl0) == GEXC_GSFC && (w & 0xffe0ffffu) == 0x40806000u)
		MTGC0(12, 0, f->gpr[rt]);
	f->epc = e->epc + 4;
	return VZ_RESUME;
}

/* One instruction that must exit with GPSI; root advances and the guest reaches HC_DONE. */
static void gpsi(const char *c, char *entry, char *insn, u32 gc0, u32 gc0x, u32 a1)
{
	struct vz_result r;
	vz_guest_reset(GID_A);
	MTC0(12, 6, gc0);
	MTC0(11, 4, gc0x);
	vz_run(&r, (u32)entry, a1, 0, 0, h_advance);
	vz_case(c, &r);
	vz_check_exit(c, &r.ex[0], EXC_GE, GEXC_GPSI, (u32)insn, 0, INSN(insn));
	vz_check(c, "resumed", r.done && r.n == 2, 1);
	vz_case_end();
}

/* The same snippet must run without any exit. */
static void no_exit(const char *c, char *entry, u32 gc0, u32 gc0x, u32 a1)
{
	struct vz_result r;
	vz_guest_reset(GID_A);
	MTC0(12, 6, gc0);
	MTC0(11, 4, gc0x);
	vz_run(&r, (u32)entry, a1, 0, 0, h_advance);
	vz_case(c, &r);
	vz_check(c, "no-exit", r.done && r.n == 1, 1);
	vz_case_end();
}

static void gpsi_cases(void)
{
	struct vz_result r;

	vz_guest_reset(GID_A);
	vz_run(&r, (u32)g_prid, 0, 0, 0, h_advance);
	vz_case("gpsi-prid", &r);
	vz_check_exit("gpsi-prid", &r.ex[0], EXC_GE, GEXC_GPSI, (u32)g_prid_i, 0, 0x40087800u);
	vz_check("gpsi-prid", "root-exl", (r.ex[0].status & ST_EXL) != 0, 1);
	vz_check("gpsi-prid", "gm-kept", r.ex[0].gctl0 >> 31, 1);
	vz_check("gpsi-prid", "vector", r.ex[0].vector, 0x180);
	vz_check("gpsi-prid", "emulated-value", vz_done(&r)->gpr[2], EMU_VALUE);
	vz_check("gpsi-prid", "resumed", r.done && r.n == 2, 1);
	vz_case_end();

	gpsi("gpsi-srsctl", g_srsctl, g_srsctl_i, GC0_BASE, GC0X_BASE, 0);
	/* Under the watchdog: a guest WAIT the core ran natively would end as a root Int exit. */
	vz_watchdog_arm(WAIT_WATCHDOG_COUNTS);
	gpsi("gpsi-wait", g_wait, g_wait_i, GC0_BASE, GC0X_BASE, 0);
	vz_watchdog_disarm();
	gpsi("gpsi-count-gt0", g_count, g_count_i, GC0_BASE, GC0X_BASE, 0);
	gpsi("gpsi-mtc0-count-gt1", g_mtcount, g_mtcount_i, GC0_BASE | GC0_GT, GC0X_BASE, 0);
	gpsi("gpsi-config0-cf0", g_config0, g_config0_i, GC0_BASE, GC0X_BASE, 0);
	no_exit("config0-cf1", g_config0, GC0_BASE | GC0_CF, GC0X_BASE, 0);
	gpsi("gpsi-cache-index-cgi0", g_cache_idx, g_cache_idx_i, GC0_BASE | GC0_CG, GC0X_BASE, (u32)g_done);
	no_exit("cache-index-cgi1", g_cache_idx, GC0_BASE | GC0_CG, GC0X_BASE | GC0X_CGI, (u32)g_done);
	no_exit("cache-hit-cg1", g_cache_hit, GC0_BASE | GC0_CG, GC0X_BASE, (u32)g_done);
	gpsi("gpsi-cache-hit-cg0", g_cache_hit, g_cache_hit_i, GC0_BASE, GC0X_BASE, (u32)g_done);
	gpsi("gpsi-cp0-disabled", g_status, g_status_i, GC0_AT3, GC0X_BASE, 0);
	no_exit("status-read-cp0", g_status, GC0_BASE, GC0X_BASE, 0);
}

/* A guest MTC0 Status that must exit with GSFC before the write takes effect; root completes it. */
static void gsfc(const char *c, char *entry, char *insn, u32 bit, u32 gc0, u32 gc0x)
{
	struct vz_result r;
	vz_guest_reset(GID_A);
	MTC0(12, 6, gc0);
	MTC0(11, 4, gc0x);
	vz_run(&r, (u32)entry, 0, 0, 0, h_advance);
	vz_case(c, &r);
	vz_check_exit(c, &r.ex[0], EXC_GE, GEXC_GSFC, (u32)insn, 0, INSN(insn));
	vz_check(c, "field-unchanged-at-exit", (gstatus_at_exit & bit) != 0, 0);
	vz_check(c, "completed-by-root", (vz_done(&r)->gpr[2] & bit) != 0, 1);
	vz_check(c, "resumed", r.done && r.n == 2, 1);
	vz_case_end();
}

/* ... and without the exit, the guest's own write takes effect. */
static void gsfc_none(const char *c, char *entry, u32 bit, u32 gc0, u32 gc0x)
{
	struct vz_result r;
	vz_guest_reset(GID_A);
	MTC0(12, 6, gc0);
	MTC0(11, 4, gc0x);
	vz_run(&r, (u32)entry, 0, 0, 0, h_advance);
	vz_case(c, &r);
	vz_check(c, "no-exit", r.done && r.n == 1, 1);
	vz_check(c, "written", (vz_done(&r)->gpr[2] & bit) != 0, 1);
	vz_case_end();
}

static void gsfc_cases(void)
{
	gsfc("gsfc-cu1-sfc1-0", g_cu1, g_cu1_i, ST_CU1, GC0_BASE, GC0X_BASE);
	gsfc_none("cu1-sfc1-1", g_cu1, ST_CU1, GC0_BASE | GC0_SFC1, GC0X_BASE);
	gsfc("gsfc-ie-mc1-fcd0", g_ie, g_ie_i, ST_IE, GC0_BASE | GC0_MC, 0);
	gsfc_none("ie-mc1-fcd1", g_ie, ST_IE, GC0_BASE | GC0_MC, GC0X_FCD);
}

/* HYPCALL with a code, GRR, and the reserved-instruction cases the guest handles itself. */
static void hc_grr_cases(void)
{
	struct vz_result r;

	vz_guest_reset(GID_A);
	vz_run(&r, (u32)g_hc, 0, 0, 0, h_advance);
	vz_case("hc", &r);
	vz_check_exit("hc", &r.ex[0], EXC_GE, GEXC_HC, (u32)g_hc_i, 0, 0x42000028u | (HC_TEST << 11));
	vz_check("hc", "code-from-badinstr", (r.ex[0].badinstr >> 11) & 0x3ff, HC_TEST);
	vz_check("hc", "resumed-after", vz_done(&r)->gpr[2], 0x600d);
	vz_check("hc", "exits", r.n, 2);
	vz_case_end();

	vz_guest_reset(GID_A);
	MTC0(12, 6, GC0_BASE | GC0_RI);
	vz_run(&r, (u32)g_ri, 0, 0, 0, h_advance);
	vz_case("grr", &r);
	vz_check_exit("grr", &r.ex[0], EXC_GE, GEXC_GRR, (u32)g_ri_i, 0, 0xdc000000u);
	vz_check("grr", "resumed-after", vz_done(&r)->gpr[2], 0x600d);
	vz_case_end();

	/* RI=0: the guest takes RI at its own general vector; root sees only that vector's HYPCALL. */
	vz_guest_reset(GID_A);
	vz_run(&r, (u32)g_ri, 0, 0, 0, 0);
	vz_case("ri-in-guest", &r);
	vz_check_hc("ri-in-guest", "first-exit", &r.ex[0], HC_GV_GENERAL, (u32)g_ebase + 0x180);
	vz_check("ri-in-guest", "guest-exccode", EXCCODE(MFGC0(13, 0)), EXC_RI);
	vz_check("ri-in-guest", "guest-epc", MFGC0(14, 0), (u32)g_ri_i);
	vz_check("ri-in-guest", "guest-badinstr", MFGC0(8, 1), 0xdc000000u);
	vz_check("ri-in-guest", "guest-exl", MFGC0(12, 0) & ST_EXL, ST_EXL);
	vz_case_end();

	vz_guest_reset(GID_A);
	vz_run(&r, (u32)g_mfgc0, 0, 0, 0, 0);
	vz_case("mfgc0-in-guest", &r);
	vz_check_hc("mfgc0-in-guest", "first-exit", &r.ex[0], HC_GV_GENERAL, (u32)g_ebase + 0x180);
	vz_check("mfgc0-in-guest", "guest-exccode", EXCCODE(MFGC0(13, 0)), EXC_RI);
	vz_check("mfgc0-in-guest", "guest-epc", MFGC0(14, 0), (u32)g_mfgc0_i);
	vz_check("mfgc0-in-guest", "guest-badinstr", MFGC0(8, 1), 0x40626000u); /* mfgc0 v0, $12, 0 (§2.2) */
	vz_case_end();

	vz_guest_reset(GID_A);
	vz_run(&r, (u32)g_syscall, 0, 0, 0, 0);
	vz_case("syscall-in-guest", &r);
	vz_check_hc("syscall-in-guest", "first-exit", &r.ex[0], HC_GV_GENERAL, (u32)g_ebase + 0x180);
	vz_check("syscall-in-guest", "guest-exccode", EXCCODE(MFGC0(13, 0)), EXC_SYS);
	vz_check("syscall-in-guest", "guest-epc", MFGC0(14, 0), (u32)g_syscall_i);
	vz_case_end();
}

/* GHFC: the exit comes after the guest entered its exception; root resumes at EPC unchanged. */
static u32 ghfc_gstatus, ghfc_gcause, ghfc_gepc;
static int h_ghfc(struct rt_frame *f, const struct vz_exit *e, u32 n)
{
	(void)f;
	if (n != 0 || EXCCODE(e->cause) != EXC_GE || GEXCCODE(e->gctl0) != GEXC_GHFC)
		return VZ_FINISH;
	ghfc_gstatus = MFGC0(12, 0);
	ghfc_gcause = MFGC0(13, 0);
	ghfc_gepc = MFGC0(14, 0);
	return VZ_RESUME;
}

static void ghfc_cases(void)
{
	struct vz_result r;
	vz_guest_reset(GID_A);
	MTC0(12, 6, GC0_BASE | GC0_MC);
	MTC0(11, 4, 0);
	ghfc_gstatus = ghfc_gcause = ghfc_gepc = 0;
	vz_run(&r, (u32)g_syscall, 0, 0, 0, h_ghfc);
	vz_case("ghfc", &r);
	vz_check("ghfc", "exccode", EXCCODE(r.ex[0].cause), EXC_GE);
	vz_check("ghfc", "gexccode", GEXCCODE(r.ex[0].gctl0), GEXC_GHFC);
	vz_check("ghfc", "epc-guest-vector", r.ex[0].epc, (u32)g_ebase + 0x180);
	vz_check("ghfc", "bd", r.ex[0].cause >> 31, 0);
	vz_check("ghfc", "guest-exl-set", ghfc_gstatus & ST_EXL, ST_EXL);
	vz_check("ghfc", "guest-exccode", EXCCODE(ghfc_gcause), EXC_SYS);
	vz_check("ghfc", "guest-epc", ghfc_gepc, (u32)g_syscall_i);
	vz_check_hc("ghfc", "then-vector-runs", &r.ex[1], HC_GV_GENERAL, (u32)g_ebase + 0x180);
	vz_case_end();
}

void vz_cases_exits(void)
{
	gpsi_cases();
	gsfc_cases();
	hc_grr_cases();
	ghfc_cases();
}
