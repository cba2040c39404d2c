/*
 * VZ cases, stage 2 (GPA -> RPA through the root TLB; spec §4.1, §4.3, §4.4, §3.6): root TLB
 * refill / invalid / modified taken from guest mode with GExcCode=GPA, BadVAddr, EntryHi.VPN2
 * and Context.BadVPN2 from the GPA (Context.PTEBase preserved), fixed by the handler and
 * retried; GPA windows at every page size from 4 KB to 256 MB; GuestID tagging of root entries.
 */
#include "vz.h"

#define INSN(label) (*(const volatile u32 *)(label))
#define ROOT_ASID 0x05u

enum { S2_REFILL, S2_INVALID, S2_MOD };
static int s2_kind;

/* Maps the faulting GPA pair onto RPA_FAULT (TLBWR for a refill, TLBWI of TLBI_TEST otherwise),
 * using the EntryHi the exception loaded; the guest retries the access. */
static int h_s2(struct rt_frame *f, const struct vz_exit *e, u32 n)
{
	(void)f;
	u32 x = EXCCODE(e->cause);
	if (n != 0 || (x != EXC_TLBL && x != EXC_TLBS && x != EXC_MOD))
		return VZ_FINISH;
	MTC0(2, 0, LO_RAM(RPA_FAULT));
	MTC0(3, 0, LO_RAM(RPA_FAULT + 0x1000));
	MTC0(5, 0, PM_4K);
	if (s2_kind == S2_REFILL) {
		__asm__ volatile("tlbwr\n\tehb" : : : "memory");
	} else {
		MTC0(0, 0, TLBI_TEST);
		__asm__ volatile("tlbwi\n\tehb" : : : "memory");
	}
	return VZ_RESUME;
}

static void s2(const char *c, int kind, int store)
{
	struct vz_result r;
	u32 gpa = GPA_FAULT + (store ? 0x1008 : 0x124);
	u32 rpa = RPA_FAULT + (gpa - GPA_FAULT);
	u32 value = 0x5e000000u | (u32)(kind << 4) | (u32)store;
	vz_guest_reset(GID_A);
	K1(rpa) = store ? 0 : value;
	if (kind == S2_INVALID)
		vz_tlb_write(TLBI_TEST, GID_A, GPA_FAULT, LO_RAM(RPA_FAULT) & ~2u, LO_RAM(RPA_FAULT + 0x1000) & ~2u, PM_4K);
	if (kind == S2_MOD)
		vz_tlb_write(TLBI_TEST, GID_A, GPA_FAULT, LO_RAM(RPA_FAULT) & ~4u, LO_RAM(RPA_FAULT + 0x1000) & ~4u, PM_4K);
	s2_kind = kind;
	MTC0(4, 0, CTX_PTEBASE);
	MTC0(10, 0, ROOT_ASID);
	char *insn = store ? g_store1_i : g_load1_i;
	vz_run(&r, (u32)(store ? g_store1 : g_load1), 0x80000000u | gpa, 0, value, h_s2);
	MTC0(10, 0, 0);
	MTC0(4, 0, 0);
	const struct vz_exit *e = &r.ex[0];
	u32 code = kind == S2_MOD ? EXC_MOD : store ? EXC_TLBS : EXC_TLBL;
	vz_case(c, &r);
	vz_check_exit(c, e, code, GEXC_GPA, (u32)insn, 0, INSN(insn));
	vz_check(c, "vector", e->vector, kind == S2_REFILL ? 0x000 : 0x180);
	vz_check(c, "badvaddr-gpa", e->badvaddr, gpa);
	vz_check(c, "entryhi-vpn2-asid", e->entryhi & 0xffffe0ffu, (gpa & 0xffffe000u) | ROOT_ASID);
	vz_check(c, "context", e->context, CTX_PTEBASE | ((gpa >> 13) << 4));
	vz_check(c, "retried", r.done && r.n == 2, 1);
	vz_check(c, "value", store ? K1(rpa) : vz_done(&r)->gpr[2], value);
	vz_case_end();
}

/* A fetch from a GPA with no root entry: the entry point itself faults (EPC = BadVAddr's GVA). */
static void s2_fetch(void)
{
	struct vz_result r;
	vz_guest_reset(GID_A);
	vz_tlb_invalidate(TLBI_CODE);
	vz_run(&r, (u32)g_done, 0, 0, 0, 0);
	const struct vz_exit *e = &r.ex[0];
	vz_case("s2-fetch-refill", &r);
	vz_check("s2-fetch-refill", "exccode", EXCCODE(e->cause), EXC_TLBL);
	vz_check("s2-fetch-refill", "gexccode", GEXCCODE(e->gctl0), GEXC_GPA);
	vz_check("s2-fetch-refill", "vector", e->vector, 0x000);
	vz_check("s2-fetch-refill", "epc", e->epc, (u32)g_done);
	vz_check("s2-fetch-refill", "badvaddr-gpa", e->badvaddr, (u32)g_done & 0x1fffffffu);
	vz_check("s2-fetch-refill", "exits", r.n, 1);
	vz_case_end();
}

/* The page size of a PageMask value. */
static u32 page_size(u32 mask)
{
	return (mask + 0x2000u) >> 1;
}

/* Both pages backed by RAM: reads the last word of the even page, the second-last of the odd
 * page, then stores into the odd page. */
static void gpa_ram(const char *c, u32 mask, u32 gpa, u32 even, u32 odd)
{
	struct vz_result r;
	u32 s = page_size(mask);
	u32 pe = 0x5e000000u ^ s, po = 0x50000000u ^ s, ps = 0xc0de0000u ^ s;
	vz_guest_reset(GID_A);
	vz_tlb_write(TLBI_TEST, GID_A, gpa, LO_RAM(even), LO_RAM(odd), mask);
	K1(even + s - 4) = pe;
	K1(odd + s - 8) = po;
	K1(odd + 0x10) = 0;
	vz_run(&r, (u32)g_load2, 0x80000000u | (gpa + s - 4), 0x80000000u | (gpa + 2 * s - 8), 0, 0);
	vz_case(c, &r);
	vz_check(c, "no-exit", r.done && r.n == 1, 1);
	vz_check(c, "even-page", vz_done(&r)->gpr[2], pe);
	vz_check(c, "odd-page", vz_done(&r)->gpr[3], po);
	vz_run(&r, (u32)g_store1, 0x80000000u | (gpa + s + 0x10), 0, ps, 0);
	vz_check(c, "store", K1(odd + 0x10), ps);
	vz_case_end();
}

/* Even page RAM from RPA 0, odd page program flash: big pages reach both. */
static void gpa_ram_flash(const char *c, u32 mask, u32 gpa)
{
	struct vz_result r;
	u32 s = page_size(mask);
	u32 off = GRAM + 0xf00, pe = 0x3e000000u ^ s, ps = 0x3c000000u ^ s;
	vz_guest_reset(GID_A);
	vz_tlb_write(TLBI_TEST, GID_A, gpa, LO_RAM(0), LO_FLASH(FLASH_PA), mask);
	K1(off) = pe;
	K1(off + 0x10) = 0;
	vz_run(&r, (u32)g_load2, 0x80000000u | (gpa + off),
	       0x80000000u | (gpa + s + ((u32)&g_const_a - 0x9d000000u)), 0, 0);
	vz_case(c, &r);
	vz_check(c, "no-exit", r.done && r.n == 1, 1);
	vz_check(c, "even-page-ram", vz_done(&r)->gpr[2], pe);
	vz_check(c, "odd-page-flash", vz_done(&r)->gpr[3], G_CONST_A);
	vz_run(&r, (u32)g_store1, 0x80000000u | (gpa + off + 0x10), 0, ps, 0);
	vz_check(c, "store", K1(off + 0x10), ps);
	vz_case_end();
}

/* 256 MB pages: one pair covers all guest kseg0 GPAs, so it also maps the code; both pages go to
 * RPA 0x10000000, and the even page reaches flash at GPA 0x0D0xxxxx. */
static void gpa_256m(void)
{
	struct vz_result r;
	const u32 lo = ENTRYLO(0x10000000u, 3, 0, 1, 0);
	vz_guest_reset(GID_A);
	vz_tlb_invalidate(TLBI_CODE);
	vz_tlb_invalidate(TLBI_DATA);
	vz_tlb_write(TLBI_TEST, GID_A, 0, lo, lo, PM_256M);
	vz_run(&r, (u32)g_load2, 0x80000000u | (0x0d000000u + ((u32)&g_const_b - 0x9d000000u)), (u32)&g_const_a, 0, 0);
	vz_case("gpa-256m", &r);
	vz_check("gpa-256m", "no-exit", r.done && r.n == 1, 1);
	vz_check("gpa-256m", "even-page-flash", vz_done(&r)->gpr[2], G_CONST_B);
	vz_check("gpa-256m", "odd-page-flash", vz_done(&r)->gpr[3], G_CONST_A);
	vz_case_end();
}

/* Two guests, same GPA, different RPAs; root TLBP/TLBR see GuestIDs through GuestCtl1.RID. */
static void guestid(void)
{
	struct vz_result r;
	const char *c = "guestid";
	vz_guest_reset(GID_A);
	vz_tlb_write(TLBI_CODE_B, GID_B, FLASH_PA, LO_FLASH(FLASH_PA), LO_FLASH(FLASH_PA + 0x100000), PM_1M);
	vz_tlb_write(TLBI_TEST, GID_B, GPA_DATA, LO_RAM(GRAM + 0x2000), LO_RAM(GRAM + 0x3000), PM_4K);
	K1(GRAM + 0x10) = 0xa1a1a1a1u;
	K1(GRAM + 0x2010) = 0xb2b2b2b2u;
	vz_case(c, &r);
	for (int k = 0; k < 3; k++) {
		u32 id = k == 1 ? GID_B : GID_A;
		MTC0(10, 4, id | (id << 16));
		vz_run(&r, (u32)g_load2, GVA_DATA + 0x10, GVA_DATA + 0x10, 0, 0);
		vz_check(c, k == 0 ? "guest-a" : k == 1 ? "guest-b" : "guest-a-again", vz_done(&r)->gpr[2],
			 id == GID_A ? 0xa1a1a1a1u : 0xb2b2b2b2u);
	}
	static const u32 rid[3] = { GID_A, GID_B, 3 };
	static const u32 want[3] = { TLBI_DATA, TLBI_TEST, 0x80000000u };
	static const char *const name[3] = { "tlbp-rid-a", "tlbp-rid-b", "tlbp-rid-other-misses" };
	for (int k = 0; k < 3; k++) {
		MTC0(10, 4, rid[k] << 16);
		MTC0(10, 0, GPA_DATA);
		__asm__ volatile("tlbp\n\tehb" : : : "memory");
		u32 idx = MFC0(0, 0);
		vz_check(c, name[k], k == 2 ? idx & 0x80000000u : idx, want[k]);
	}
	MTC0(10, 4, 0);
	MTC0(0, 0, TLBI_TEST);
	__asm__ volatile("tlbr\n\tehb" : : : "memory");
	vz_check(c, "tlbr-returns-rid", (MFC0(10, 4) >> 16) & 0xff, GID_B);
	vz_check(c, "tlbr-vpn2", MFC0(10, 0) & 0xffffe000u, GPA_DATA);
	vz_check(c, "forced-global", MFC0(2, 0) & 1, 1);
	vz_check(c, "tlbr-pfn", MFC0(2, 0) & 0x03ffffc0u, (GRAM + 0x2000) >> 6);
	MTC0(10, 0, 0);
	/* Root-mode translation only sees GuestID 0 entries: kuseg GPA_DATA misses for root. */
	MTC0(10, 4, GID_A | (GID_A << 16));
	vz_probe_arm();
	vz_check(c, "root-does-not-match", vz_probe_load(GPA_DATA + 0x10), PROBE_FAULT);
	vz_check(c, "root-refill", vz_probe_rec.count << 8 | EXCCODE(vz_probe_rec.cause), 0x100 | EXC_TLBL);
	MTC0(10, 4, 0);
	vz_case_end();
}

void vz_cases_stage2(void)
{
	s2("s2-refill-load", S2_REFILL, 0);
	s2("s2-refill-store", S2_REFILL, 1);
	s2("s2-invalid-load", S2_INVALID, 0);
	s2("s2-invalid-store", S2_INVALID, 1);
	s2("s2-mod", S2_MOD, 1);
	s2_fetch();
	gpa_ram("gpa-4k", PM_4K, 0x00110000u, GRAM + 0x2000, GRAM + 0x3000);
	gpa_ram("gpa-16k", PM_16K, 0x00200000u, GRAM + 0x8000, GRAM + 0xc000);
	gpa_ram("gpa-64k", PM_64K, 0x00400000u, GRAM, GRAM + 0x10000);
	gpa_ram_flash("gpa-1m", PM_1M, 0x00600000u);
	gpa_ram_flash("gpa-16m", PM_16M, 0x02000000u);
	gpa_256m();
	guestid();
}
