/*
 * isa-tlb: the joint TLB and the mapped segments (MIPS32 PRA R5, "Virtual-to-Physical Address
 * Translation" and the TLB exception descriptions; M5150: 16 dual entries, 4 KB..256 MB pages,
 * RI/XI, EHINV and TLBINV/TLBINVF — spec/mips-vz-m5150.md §4.5). Vectors: refill with EXL=0 at
 * EBase+0x000, everything else at +0x180.
 * VA layout (entries never overlap): 0x10000000 buffer pair (ASID 5), 0x20000000 ASID tests,
 * 0x30000000 never mapped, 0x40000000-0x5fffffff page-size tests, 0x6xxxxxxx invalidation and
 * Random tests, kseg2 0xc0000000, kseg3 0xe0000000, USER_VA user code.
 */
#include "isa.h"
#include "priv.h"

static u32 tbuf[2048] __attribute__((aligned(8192))); /* an even/odd 4 KB page pair */

#define TLBP() __asm__ volatile("tlbp\n\tehb" : : : "memory")
#define TLBR() __asm__ volatile("tlbr\n\tehb" : : : "memory")
#define TLBWR() __asm__ volatile("tlbwr\n\tehb" : : : "memory")
#define TLBINV() __asm__ volatile(".word 0x42000003\n\tehb" : : : "memory")
#define TLBINVF() __asm__ volatile(".word 0x42000004\n\tehb" : : : "memory")
#define INDEX_P 0x80000000u
#define EHINV 0x400u
#define ASID(a) ((u32)(a) & 0xff)

static u32 probe_index(u32 entryhi)
{
	MTC0(10, 0, entryhi);
	TLBP();
	return MFC0(0, 0);
}

static void set_asid(u32 asid)
{
	MTC0(10, 0, ASID(asid));
}

/* got = count << 8 | ExcCode, for an expected single exception */
static u32 exc(void)
{
	return t_exc_count << 8 | EXCCODE(t_exc_cause);
}

#define ONE(code) (0x100u | (code))

void tlb_c_tests(void)
{
	u32 pa = KSEG0_TO_PA(tbuf);
	u32 lo0 = ENTRYLO(pa, 3, 1, 1, 0), lo1 = ENTRYLO(pa + 0x1000, 3, 1, 1, 0);

	t_tlb_clear();
	MTC0(6, 0, 0); /* Wired */
	MTC0(5, 1, 0); /* PageGrain */

	/* ---- TLBP miss, TLBWI/TLBR round trip, TLBP hit ---- */
	T_CHECK("tlbp.miss-sets-p", probe_index(0x10000000u | 5) & INDEX_P, INDEX_P);
	t_tlb_write(3, 0x10000000u | 5, lo0, lo1, 0);
	MTC0(0, 0, 3);
	MTC0(10, 0, 0);
	MTC0(2, 0, 0);
	MTC0(3, 0, 0);
	TLBR();
	T_CHECK("tlbr.entryhi", MFC0(10, 0), 0x10000000u | 5);
	T_CHECK("tlbr.entrylo0", MFC0(2, 0), lo0);
	T_CHECK("tlbr.entrylo1", MFC0(3, 0), lo1);
	T_CHECK("tlbr.pagemask", MFC0(5, 0), 0);
	T_CHECK("tlbp.hit-index", probe_index(0x10000000u | 5), 3);
	T_CHECK("tlbp.other-asid-miss", probe_index(0x10000000u | 6) & INDEX_P, INDEX_P);

	/* ---- mapped kuseg: loads and stores reach the physical page pair ---- */
	set_asid(5);
	tbuf[0] = 0x11111111u;
	tbuf[1024] = 0x22222222u;
	T_CHECK("kuseg.load-even-page", t_probe_load(0x10000000u), 0x11111111u);
	T_CHECK("kuseg.load-odd-page", t_probe_load(0x10001000u), 0x22222222u);
	T_CHECK("kuseg.store", t_probe_store(0x10000008u, 0x33333333u), 0);
	T_CHECK("kuseg.store-reaches-ram", ((volatile u32 *)tbuf)[2], 0x33333333u);

	/* ---- kseg2 and kseg3 are mapped in kernel mode too ---- */
	t_tlb_write(1, 0xc0000000u, lo0 | 1, lo1 | 1, 0);
	t_tlb_write(2, 0xe0000000u, lo0 | 1, lo1 | 1, 0);
	T_CHECK("kseg2.load", t_probe_load(0xc0001000u), 0x22222222u);
	T_CHECK("kseg3.load", t_probe_load(0xe0000008u), 0x33333333u);
	MTC0(0, 0, 1);
	TLBR();
	T_CHECK("tlbr.global-bit", MFC0(2, 0) & MFC0(3, 0) & 1, 1);

	/* ---- ASID match and the global bit ---- */
	t_tlb_write(4, 0x20000000u | 7, lo0, lo1, 0);
	set_asid(7);
	T_CHECK("asid.match-hits", t_probe_load(0x20000000u), 0x11111111u);
	set_asid(8);
	T_CHECK("asid.mismatch-misses", t_probe_load(0x20000000u), PROBE_FAULT);
	T_CHECK("asid.mismatch-refill", exc(), ONE(EXC_TLBL));
	T_CHECK("asid.mismatch-vector", t_exc_vector, 0x000);
	t_tlb_write(4, 0x20000000u | 7, lo0 | 1, lo1 | 1, 0);
	set_asid(8);
	T_CHECK("asid.global-ignores-asid", t_probe_load(0x20000000u), 0x11111111u);

	/* ---- TLB refill (EXL=0): vector +0x000, BadVAddr, Context.BadVPN2, EntryHi ---- */
	MTC0(4, 0, 0xff800000u); /* Context.PTEBase (software field) */
	set_asid(9);
	T_CHECK("refill.load-faults", t_probe_load(0x30001234u), PROBE_FAULT);
	T_CHECK("refill.load-exccode", exc(), ONE(EXC_TLBL));
	T_CHECK("refill.vector", t_exc_vector, 0x000);
	T_CHECK("refill.badvaddr", t_exc_badvaddr, 0x30001234u);
	T_CHECK("refill.context", MFC0(4, 0), 0xff800000u | ((0x30001234u >> 13) << 4));
	T_CHECK("refill.entryhi", MFC0(10, 0), 0x30000000u | 9);
	T_CHECK("refill.store-faults", t_probe_store(0x3000a000u, 1), PROBE_FAULT);
	T_CHECK("refill.store-exccode", exc(), ONE(EXC_TLBS));
	T_CHECK("refill.store-vector", t_exc_vector, 0x000);
	T_CHECK("refill.store-badvaddr", t_exc_badvaddr, 0x3000a000u);
	T_CHECK("refill.store-context", MFC0(4, 0), 0xff800000u | ((0x3000a000u >> 13) << 4));
	/* refill with EXL=1 goes to the general vector and leaves EPC alone */
	MTC0(14, 0, 0x9d00beefu);
	T_CHECK("refill-exl1.faults", t_probe_load_exl(0x30002000u), PROBE_FAULT);
	T_CHECK("refill-exl1.exccode", exc(), ONE(EXC_TLBL));
	T_CHECK("refill-exl1.vector", t_exc_vector, 0x180);
	T_CHECK("refill-exl1.epc-unchanged", t_exc_epc, 0x9d00beefu);
	MTC0(4, 0, 0);

	/* ---- TLB invalid (V=0) and modified (D=0): general vector ---- */
	t_tlb_write(3, 0x10000000u | 5, lo0 & ~2u, lo1 & ~4u, 0); /* even invalid, odd clean */
	set_asid(5);
	T_CHECK("invalid.load-faults", t_probe_load(0x10000010u), PROBE_FAULT);
	T_CHECK("invalid.load-exccode", exc(), ONE(EXC_TLBL));
	T_CHECK("invalid.load-vector", t_exc_vector, 0x180);
	T_CHECK("invalid.load-badvaddr", t_exc_badvaddr, 0x10000010u);
	T_CHECK("invalid.store-faults", t_probe_store(0x10000010u, 5), PROBE_FAULT);
	T_CHECK("invalid.store-exccode", exc(), ONE(EXC_TLBS));
	T_CHECK("invalid.store-vector", t_exc_vector, 0x180);
	T_CHECK("modified.load-works", t_probe_load(0x10001000u), 0x22222222u);
	T_CHECK("modified.store-faults", t_probe_store(0x10001004u, 5), PROBE_FAULT);
	T_CHECK("modified.exccode", exc(), ONE(EXC_MOD));
	T_CHECK("modified.vector", t_exc_vector, 0x180);
	T_CHECK("modified.badvaddr", t_exc_badvaddr, 0x10001004u);
	T_CHECK("modified.memory-unchanged", tbuf[1025], 0);
	T_CHECK("modified.entryhi-vpn2", MFC0(10, 0), 0x10000000u | 5);
	t_tlb_write(3, 0x10000000u | 5, lo0, lo1, 0);

	/* ---- page sizes 4 KB..256 MB: even and odd halves, offset bits below the size ---- */
	static const u32 masks[] = { 0x0, 0x6000, 0x1e000, 0x7e000, 0x1fe000, 0x7fe000,
				     0x1ffe000, 0x7ffe000, 0x1fffe000 };
	static const char *const names[][3] = {
		{ "pagesize.4k.even", "pagesize.4k.odd", "pagesize.4k.pagemask" },
		{ "pagesize.16k.even", "pagesize.16k.odd", "pagesize.16k.pagemask" },
		{ "pagesize.64k.even", "pagesize.64k.odd", "pagesize.64k.pagemask" },
		{ "pagesize.256k.even", "pagesize.256k.odd", "pagesize.256k.pagemask" },
		{ "pagesize.1m.even", "pagesize.1m.odd", "pagesize.1m.pagemask" },
		{ "pagesize.4m.even", "pagesize.4m.odd", "pagesize.4m.pagemask" },
		{ "pagesize.16m.even", "pagesize.16m.odd", "pagesize.16m.pagemask" },
		{ "pagesize.64m.even", "pagesize.64m.odd", "pagesize.64m.pagemask" },
		{ "pagesize.256m.even", "pagesize.256m.odd", "pagesize.256m.pagemask" },
	};
	u32 marker_pa = KSEG0_TO_PA(&tbuf[300]);
	tbuf[300] = 0x5a5a0000u;
	for (u32 i = 0; i < sizeof masks / sizeof masks[0]; i++) {
		u32 size = (masks[i] + 0x2000u) >> 1; /* bytes per page */
		u32 base = marker_pa & ~(size - 1);
		u32 off = marker_pa - base;
		t_tlb_write(5, 0x40000000u, ENTRYLO(base, 3, 1, 1, 1), ENTRYLO(base, 3, 1, 1, 1), masks[i]);
		tbuf[300] = 0x5a5a0000u | i;
		T_CHECK(names[i][0], t_probe_load(0x40000000u + off), 0x5a5a0000u | i);
		T_CHECK(names[i][1], t_probe_load(0x40000000u + size + off), 0x5a5a0000u | i);
		MTC0(0, 0, 5);
		TLBR();
		T_CHECK(names[i][2], MFC0(5, 0), masks[i]);
	}
	t_tlb_write(5, 0x40000000u | EHINV, 0, 0, 0);
	MTC0(5, 0, 0);

	/* ---- RI / XI with PageGrain.RIE|XIE|IEC: TLBRI (19) and TLBXI (20) ---- */
	MTC0(5, 1, 0xc8000000u);
	T_CHECK("pagegrain.rie-xie-iec", MFC0(5, 1) & 0xc8000000u, 0xc8000000u);
	u32 code_pa = KSEG0_TO_PA(_user_start);
	u32 ret_off = (u32)u_ret - (u32)_user_start;
	t_tlb_write(6, 0x60000000u, ENTRYLO(pa, 3, 1, 1, 1) | 0x80000000u,
		    ENTRYLO(code_pa, 3, 0, 1, 1) | 0x40000000u, 0);
	MTC0(0, 0, 6);
	TLBR();
	T_CHECK("tlbr.ri-bit", MFC0(2, 0) >> 30, 2);
	T_CHECK("tlbr.xi-bit", MFC0(3, 0) >> 30, 1);
	T_CHECK("ri.load-faults", t_probe_load(0x60000000u), PROBE_FAULT);
	T_CHECK("ri.exccode", exc(), ONE(EXC_TLBRI));
	T_CHECK("ri.vector", t_exc_vector, 0x180);
	T_CHECK("ri.badvaddr", t_exc_badvaddr, 0x60000000u);
	T_CHECK("ri.store-allowed", t_probe_store(0x6000000cu, 0x77), 0);
	T_CHECK("ri.store-reached-ram", tbuf[3], 0x77);
	T_CHECK("xi.load-allowed", t_probe_load(0x60001000u + ret_off), *(volatile u32 *)u_ret);
	T_CHECK("xi.fetch-faults", t_probe_call(0x60001000u + ret_off), PROBE_FAULT);
	T_CHECK("xi.exccode", exc(), ONE(EXC_TLBXI));
	T_CHECK("xi.epc", t_exc_epc, 0x60001000u + ret_off);
	T_CHECK("xi.badvaddr", t_exc_badvaddr, 0x60001000u + ret_off);
	t_tlb_write(6, 0x60000000u, ENTRYLO(pa, 3, 1, 1, 1), ENTRYLO(code_pa, 3, 0, 1, 1), 0);
	T_CHECK("xi.clear-fetch-works", t_probe_call(0x60001000u + ret_off), 0x1234);
	MTC0(5, 1, 0x80000000u); /* RIE without IEC: the violation reports as TLBL */
	t_tlb_write(6, 0x60000000u, ENTRYLO(pa, 3, 1, 1, 1) | 0x80000000u, 0, 0);
	T_CHECK("ri.no-iec-faults", t_probe_load(0x60000000u), PROBE_FAULT);
	T_CHECK("ri.no-iec-exccode-tlbl", exc(), ONE(EXC_TLBL));
	MTC0(5, 1, 0);

	/* ---- EHINV invalidates one entry ---- */
	t_tlb_write(6, 0x60000000u, ENTRYLO(pa, 3, 1, 1, 1), 0, 0);
	T_CHECK("ehinv.before", t_probe_load(0x60000000u), 0x11111111u);
	t_tlb_write(6, 0x60000000u | EHINV, ENTRYLO(pa, 3, 1, 1, 1), 0, 0);
	T_CHECK("ehinv.tlbp-misses", probe_index(0x60000000u) & INDEX_P, INDEX_P);
	T_CHECK("ehinv.access-refills", t_probe_load(0x60000000u), PROBE_FAULT);
	T_CHECK("ehinv.refill-vector", t_exc_vector, 0x000);

	/* ---- TLBINV: non-global entries of EntryHi.ASID; TLBINVF: everything ---- */
	t_tlb_write(7, 0x62000000u | 0x21, lo0, lo1, 0);
	t_tlb_write(8, 0x64000000u | 0x22, lo0, lo1, 0);
	t_tlb_write(9, 0x66000000u | 0x21, lo0 | 1, lo1 | 1, 0);
	MTC0(10, 0, 0x21);
	TLBINV();
	T_CHECK("tlbinv.matching-asid-gone", probe_index(0x62000000u | 0x21) & INDEX_P, INDEX_P);
	T_CHECK("tlbinv.other-asid-kept", probe_index(0x64000000u | 0x22), 8);
	T_CHECK("tlbinv.global-kept", probe_index(0x66000000u | 0x21), 9);
	MTC0(6, 0, 10); /* wired entries are flushed too */
	TLBINVF();
	MTC0(6, 0, 0);
	T_CHECK("tlbinvf.other-asid-gone", probe_index(0x64000000u | 0x22) & INDEX_P, INDEX_P);
	T_CHECK("tlbinvf.global-gone", probe_index(0x66000000u) & INDEX_P, INDEX_P);
	T_CHECK("tlbinvf.kseg2-gone", probe_index(0xc0000000u) & INDEX_P, INDEX_P);
	set_asid(0);
	T_CHECK("tlbinvf.access-refills", t_probe_load(0xc0000000u), PROBE_FAULT);

	/* ---- Wired / Random: TLBWR only picks indices in [Wired, top] ---- */
	u32 top = (MFC0(16, 1) >> 25) & 0x3f; /* 15 on the M5150 (config1.mmusize case) */
	t_tlb_clear();
	for (u32 i = 0; i < 4; i++)
		t_tlb_write(i, 0x68000000u + (i << 13), lo0 | 1, lo1 | 1, 0);
	MTC0(6, 0, 4);
	T_CHECK("wired.readback", MFC0(6, 0), 4);
	u32 in_range = 1;
	for (u32 i = 0; i < 64; i++) {
		u32 r = MFC0(1, 0);
		if (r < 4 || r > top)
			in_range = 0;
	}
	T_CHECK("random.in-wired-range", in_range, 1);
	u32 wr_ok = 1;
	for (u32 i = 0; i < 40; i++) {
		MTC0(10, 0, 0x6a000000u + (i << 13));
		MTC0(2, 0, lo0 | 1);
		MTC0(3, 0, lo1 | 1);
		MTC0(5, 0, 0);
		TLBWR();
		u32 at = probe_index(0x6a000000u + (i << 13));
		if ((at & INDEX_P) || at < 4 || at > top)
			wr_ok = 0;
	}
	T_CHECK("tlbwr.lands-above-wired", wr_ok, 1);
	u32 kept = 1;
	for (u32 i = 0; i < 4; i++)
		if (probe_index(0x68000000u + (i << 13)) != i)
			kept = 0;
	T_CHECK("wired.entries-survive-tlbwr", kept, 1);
	MTC0(6, 0, 0);

	/* ---- user mode: kuseg mapped access works, kernel segments are AdEL/AdES ---- */
	t_tlb_clear();
	t_map_user(15);
	t_tlb_write(3, 0x10000000u | 5, lo0, lo1, 0);
	set_asid(5);
	tbuf[0] = 0x600dda7au;
	T_CHECK("user.mapped-load", t_user_run(USER_ADDR(u_load), 0x10000000u), 0x600dda7au);
	T_CHECK("user.mapped-load-then-syscall", exc(), ONE(EXC_SYS));
	t_user_run(USER_ADDR(u_load), 0x80000000u);
	T_CHECK("user.kseg0-load-adel", exc(), ONE(EXC_ADEL));
	T_CHECK("user.kseg0-load-badvaddr", t_exc_badvaddr, 0x80000000u);
	T_CHECK("user.kseg0-load-epc", t_exc_epc, USER_ADDR(u_load));
	t_user_run(USER_ADDR(u_load), 0xbf822610u);
	T_CHECK("user.kseg1-load-adel", exc(), ONE(EXC_ADEL));
	t_user_run(USER_ADDR(u_store), 0xa0000100u);
	T_CHECK("user.kseg1-store-ades", exc(), ONE(EXC_ADES));
	T_CHECK("user.kseg1-store-badvaddr", t_exc_badvaddr, 0xa0000100u);
	t_user_run(USER_ADDR(u_load), 0xc0000000u);
	T_CHECK("user.kseg2-load-adel", exc(), ONE(EXC_ADEL));
	t_tlb_clear();
	set_asid(0);
}
