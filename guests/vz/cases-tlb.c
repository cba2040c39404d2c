/*
 * VZ cases, the guest TLB (stage 1; spec §2.3, §4.1-§4.3): the guest kernel's own TLBWI with
 * GuestCtl0.AT=3 and a kuseg access through it, a guest TLB refill taken by the guest at its
 * EBase+0, a guest TLB invalid at EBase+0x180, and the root-side TLBGWI/TLBGP/TLBGR/TLBGINVF
 * with GuestIDs from GuestCtl1.RID.
 */
#include "vz.h"

#define GLO(gpa) ENTRYLO(gpa, 3, 1, 1, 1)

static void guest_tlbwi(void)
{
	struct vz_result r;
	const char *c = "guest-tlbwi";
	vz_guest_reset(GID_A);
	vz_gtlb_clear(GID_A);
	K1(GRAM + 0x10) = 0x7157a000u;
	vz_run(&r, (u32)g_tlbwi, 0x00010000u, GLO(GPA_DATA), GLO(GPA_DATA + 0x1000), 0);
	vz_case(c, &r);
	vz_check(c, "no-exit", r.done && r.n == 1, 1);
	vz_check(c, "kuseg-load", vz_done(&r)->gpr[2], 0x7157a000u);
	/* Root reads the entry back: TLBGR also returns its GuestID (= GuestCtl1.ID) in RID. */
	MTGC0(0, 0, 0);
	MTGC0(10, 0, 0);
	MTGC0(2, 0, 0);
	MTC0(10, 4, GID_A);
	VZ_OP("tlbgr");
	vz_check(c, "tlbgr-entryhi", MFGC0(10, 0) & 0xffffe000u, 0x00010000u);
	vz_check(c, "tlbgr-entrylo0", MFGC0(2, 0), GLO(GPA_DATA));
	vz_check(c, "tlbgr-rid", (MFC0(10, 4) >> 16) & 0xff, GID_A);
	vz_case_end();
}

static void guest_refill(void)
{
	struct vz_result r;
	const char *c = "guest-tlb-refill";
	vz_guest_reset(GID_A);
	vz_gtlb_clear(GID_A);
	vz_run(&r, (u32)g_load1, 0x00020010u, 0, 0, 0);
	vz_case(c, &r);
	vz_check_hc(c, "first-exit", &r.ex[0], HC_GV_REFILL, (u32)g_ebase);
	vz_check(c, "guest-exccode", EXCCODE(MFGC0(13, 0)), EXC_TLBL);
	vz_check(c, "guest-badvaddr", MFGC0(8, 0), 0x00020010u);
	vz_check(c, "guest-epc", MFGC0(14, 0), (u32)g_load1_i);
	vz_check(c, "guest-entryhi-vpn2", MFGC0(10, 0) & 0xffffe000u, 0x00020000u);
	vz_check(c, "guest-exl", MFGC0(12, 0) & ST_EXL, ST_EXL);
	vz_case_end();

	c = "guest-tlb-invalid";
	vz_guest_reset(GID_A);
	vz_gtlb_clear(GID_A);
	vz_gtlb_write(2, GID_A, 0x00030000u, GLO(GPA_DATA) & ~2u, GLO(GPA_DATA + 0x1000) & ~2u, 0);
	vz_run(&r, (u32)g_store1, 0x00031000u, 0, 1, 0);
	vz_case(c, &r);
	vz_check_hc(c, "first-exit", &r.ex[0], HC_GV_GENERAL, (u32)g_ebase + 0x180);
	vz_check(c, "guest-exccode", EXCCODE(MFGC0(13, 0)), EXC_TLBS);
	vz_check(c, "guest-badvaddr", MFGC0(8, 0), 0x00031000u);
	vz_check(c, "guest-epc", MFGC0(14, 0), (u32)g_store1_i);
	vz_case_end();
}

static void root_guest_tlb_ops(void)
{
	struct vz_result r;
	const char *c = "tlbgwi";
	vz_guest_reset(GID_A);
	vz_gtlb_clear(GID_A);
	vz_gtlb_write(1, GID_A, 0x00050000u, GLO(GPA_DATA), GLO(GPA_DATA + 0x1000), 0);
	K1(GRAM + 0x1020) = 0x9e57b00cu;
	vz_run(&r, (u32)g_load1, 0x00051020u, 0, 0, 0);
	vz_case(c, &r);
	vz_check(c, "no-exit", r.done && r.n == 1, 1);
	vz_check(c, "guest-load", vz_done(&r)->gpr[2], 0x9e57b00cu);
	vz_case_end();

	/* Guest B's accesses do not see guest A's guest-TLB entry: a guest refill in B. */
	c = "guest-tlb-guestid";
	vz_guest_reset(GID_B);
	vz_run(&r, (u32)g_load1, 0x00051020u, 0, 0, 0);
	vz_case(c, &r);
	vz_check_hc(c, "first-exit", &r.ex[0], HC_GV_REFILL, (u32)g_ebase);
	vz_case_end();

	c = "tlbgp";
	vz_case(c, 0);
	MTC0(10, 4, GID_A << 16);
	MTGC0(10, 0, 0x00050000u);
	VZ_OP("tlbgp");
	vz_check(c, "hit-index", MFGC0(0, 0), 1);
	MTGC0(10, 0, 0x00070000u);
	VZ_OP("tlbgp");
	vz_check(c, "miss-p", MFGC0(0, 0) >> 31, 1);
	MTC0(10, 4, GID_B << 16);
	MTGC0(10, 0, 0x00050000u);
	VZ_OP("tlbgp");
	vz_check(c, "other-rid-misses", MFGC0(0, 0) >> 31, 1);
	vz_case_end();

	c = "tlbgr";
	vz_case(c, 0);
	MTGC0(0, 0, 1);
	MTGC0(2, 0, 0);
	MTGC0(3, 0, 0);
	MTC0(10, 4, 0);
	VZ_OP("tlbgr");
	vz_check(c, "entrylo0", MFGC0(2, 0), GLO(GPA_DATA));
	vz_check(c, "entrylo1", MFGC0(3, 0), GLO(GPA_DATA + 0x1000));
	vz_check(c, "rid", (MFC0(10, 4) >> 16) & 0xff, GID_A);
	vz_case_end();

	c = "tlbginvf";
	MTC0(10, 4, GID_A << 16);
	VZ_OP("tlbginvf");
	MTGC0(10, 0, 0x00050000u);
	VZ_OP("tlbgp");
	vz_case(c, 0);
	vz_check(c, "probe-misses", MFGC0(0, 0) >> 31, 1);
	vz_guest_reset(GID_A);
	vz_run(&r, (u32)g_load1, 0x00051020u, 0, 0, 0);
	vz_case(c, &r);
	vz_check_hc(c, "guest-refills", &r.ex[0], HC_GV_REFILL, (u32)g_ebase);
	vz_case_end();
}

void vz_cases_tlb(void)
{
	guest_tlbwi();
	guest_refill();
	root_guest_tlb_ops();
}
