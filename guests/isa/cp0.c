/*
 * isa-cp0, C part: identification and configuration registers, Status/Cause/EPC/EBase fields,
 * Count/Compare, UserLocal, KScratch (MIPS32 PRA R5 CP0 chapter; M5150 values from
 * spec/mips-vz-m5150.md §6, marked "implementation" where they are not architectural).
 */
#include "isa.h"
#include "priv.h"

#define EVIC_IFS0CLR (*(volatile u32 *)0xBF810044u)

static u32 count_delta_after(u32 loops)
{
	u32 c0 = MFC0(9, 0);
	__asm__ volatile(
		".set push\n\t.set noreorder\n"
		"1:\taddiu %0, %0, -1\n\tbnez %0, 1b\n\tnop\n\t.set pop"
		: "+r"(loops));
	return MFC0(9, 0) - c0;
}

void cp0_c_tests(void)
{
	/* ---- identification ---- */
	T_CHECK("prid.company-and-processor", MFC0(15, 0) & 0xffffff00u, 0x0001a700u); /* M5150 */
	u32 c0 = MFC0(16, 0), c1 = MFC0(16, 1), c2 = MFC0(16, 2), c3 = MFC0(16, 3);
	u32 c4 = MFC0(16, 4), c5 = MFC0(16, 5), c7 = MFC0(16, 7);
	(void)MFC0(16, 6);
	T_CHECK("config0.m", c0 >> 31, 1);
	T_CHECK("config0.be-at-ar-mt", (c0 >> 7) & 0x1ff, 0x009); /* LE, MIPS32, Release 2+, TLB */
	T_CHECK("config0.k0-written-by-start", c0 & 7, 3);
	T_CHECK("config1.m", c1 >> 31, 1);
	T_CHECK("config1.mmusize-minus-1", (c1 >> 25) & 0x3f, 15);
	T_CHECK("config1.fp", c1 & 1, 1);
	T_CHECK("config2.m", c2 >> 31, 1);
	T_CHECK("config3.m", c3 >> 31, 1);
	T_CHECK("config3.vz", (c3 >> 23) & 1, 1);
	T_CHECK("config3.veic", (c3 >> 6) & 1, 1);
	T_CHECK("config3.ulri", (c3 >> 13) & 1, 1);
	T_CHECK("config3.rxi", (c3 >> 12) & 1, 1);
	T_CHECK("config3.bi", (c3 >> 26) & 1, 1);
	T_CHECK("config4.m", c4 >> 31, 1);
	T_CHECK("config4.kscrexist-2-3", (c4 >> 16) & 0x0c, 0x0c);
	T_CHECK("config4.ie", (c4 >> 29) & 3, 2); /* implementation: EHINV + TLBINV/TLBINVF */
	T_CHECK("config5.nf", c5 & 1, 1);
	T_CHECK("config7.wii", c7 >> 31, 1); /* implementation: WAIT wakes with IE=0 */

	/* ---- Status ---- */
	u32 st = MFC0(12, 0);
	T_CHECK("status.after-start", st & (ST_BEV | ST_ERL | ST_EXL | ST_IE | 0x18), 0);
	MTC0(12, 0, st | 0x0007fc00u); /* IPL bits 18, 16:10 and CEE 17: storage with IE=0 */
	T_CHECK("status.ipl-writable", MFC0(12, 0) & 0x0005fc00u, 0x0005fc00u);
	MTC0(12, 0, st | ST_FR);
	T_CHECK("status.fr-writable", (MFC0(12, 0) >> 26) & 1, 1);
	MTC0(12, 0, st & ~ST_FR);
	T_CHECK("status.fr-clear", (MFC0(12, 0) >> 26) & 1, 0);
	MTC0(12, 0, st);

	/* ---- Cause: software interrupt bits and IV are writable ---- */
	u32 ca = MFC0(13, 0);
	MTC0(13, 0, ca | 0x300 | CA_IV);
	T_CHECK("cause.ip1-ip0-writable", MFC0(13, 0) & 0x300, 0x300);
	T_CHECK("cause.iv-writable", (MFC0(13, 0) >> 23) & 1, 1);
	MTC0(13, 0, ca & ~(0x300u | CA_IV));
	T_CHECK("cause.ip-clear", MFC0(13, 0) & 0x300, 0);
	EVIC_IFS0CLR = 6; /* the EVIC latched IRQ 1/2 from IP0/IP1 */

	/* ---- EPC / ErrorEPC ---- */
	MTC0(14, 0, 0x9d001234u);
	T_CHECK("epc.read-write", MFC0(14, 0), 0x9d001234u);
	MTC0(30, 0, 0x9d005678u);
	T_CHECK("errorepc.read-write", MFC0(30, 0), 0x9d005678u);

	/* ---- EBase: 31:30 fixed 10, 29:12 writable, 11:10 zero (no WG), CPUNum 0 ---- */
	u32 ebase = MFC0(15, 1);
	MTC0(12, 0, st | ST_BEV);
	MTC0(15, 1, 0x9d0010ffu | 0x3ff);
	T_CHECK("ebase.low-bits-ignored", MFC0(15, 1), 0x9d001000u);
	MTC0(15, 1, 0x5d002000u);
	T_CHECK("ebase.top-bits-fixed", MFC0(15, 1), 0x9d002000u);
	MTC0(15, 1, ebase);
	T_CHECK("ebase.restored", MFC0(15, 1), ebase);
	MTC0(12, 0, st);

	/* ---- Count ---- */
	u32 d = count_delta_after(1000);
	T_CHECK("count.advances", d > 0 && d < 100000, 1);
	/* the tinyvp timing model: 1 instruction per cycle, Count every 2 cycles (3000 insns) */
	T_CHECK("count.half-instruction-rate", d >= 1450 && d <= 1560, 1);
	MTC0(9, 0, 0x10000000u);
	u32 c = MFC0(9, 0);
	T_CHECK("count.writable", c >= 0x10000000u && c < 0x10001000u, 1);
	MTC0(13, 0, MFC0(13, 0) | CA_DC);
	u32 a = MFC0(9, 0);
	count_delta_after(100);
	T_CHECK("count.cause-dc-stops", MFC0(9, 0) - a, 0);
	MTC0(13, 0, MFC0(13, 0) & ~CA_DC);
	T_CHECK("count.cause-dc-clear-runs", count_delta_after(100) > 0, 1);

	/* ---- Count/Compare timer: TI set on match, cleared by writing Compare ---- */
	/* (no console output in between: printing takes virtual time) */
	MTC0(11, 0, MFC0(9, 0) + 2000);
	u32 ti_after_write = MFC0(13, 0) >> 30 & 1;
	u32 spins = 0;
	while (!(MFC0(13, 0) & CA_TI) && spins < 100000)
		spins++;
	u32 ti_after_match = MFC0(13, 0) >> 30 & 1;
	MTC0(11, 0, MFC0(9, 0) - 1);
	u32 ti_after_rewrite = MFC0(13, 0) >> 30 & 1;
	T_CHECK("compare.write-clears-ti", ti_after_write, 0);
	T_CHECK("compare.match-sets-ti", ti_after_match, 1);
	T_CHECK("compare.ti-not-early", spins > 10, 1);
	T_CHECK("compare.write-clears-ti-again", ti_after_rewrite, 0);
	EVIC_IFS0CLR = 1; /* core timer flag in the EVIC (IRQ 0) */

	/* ---- UserLocal, KScratch ---- */
	MTC0(4, 2, 0xabcd1234u);
	T_CHECK("userlocal.read-write", MFC0(4, 2), 0xabcd1234u);
	MTC0(31, 2, 0x11112222u);
	MTC0(31, 3, 0x33334444u);
	T_CHECK("kscratch1.read-write", MFC0(31, 2), 0x11112222u);
	T_CHECK("kscratch2.read-write", MFC0(31, 3), 0x33334444u);
}
