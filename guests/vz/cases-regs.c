/*
 * VZ cases, root-only registers (spec §1.2-§1.8, §2.2): GuestCtl0 read-only and writable fields,
 * GuestCtl0Ext, GuestCtl1-3, GTOffset, Config3.VZ in root and guest, MFGC0/MTGC0 round trips.
 * All written with GM=0, so no guest runs here.
 */
#include "vz.h"

static void guestctl0(void)
{
	vz_case("guestctl0", 0);
	MTC0(12, 6, 0);
	u32 v = MFC0(12, 6);
	vz_check("guestctl0", "g1", (v & GC0_G1) != 0, 1);
	vz_check("guestctl0", "g0e", (v & GC0_G0E) != 0, 1);
	vz_check("guestctl0", "g2", (v & GC0_G2) != 0, 1);
	vz_check("guestctl0", "rad-zero", (v & GC0_RAD) != 0, 0);
	u32 before = v & 0x7cu;
	MTC0(12, 6, 0x7cu); /* GExcCode is hardware-written only */
	vz_check("guestctl0", "gexccode-ro", MFC0(12, 6) & 0x7cu, before);
	u32 rw = GC0_RI | GC0_MC | GC0_CP0 | GC0_AT3 | GC0_GT | GC0_CG | GC0_CF | GC0_SFC2 | GC0_SFC1;
	MTC0(12, 6, rw);
	vz_check("guestctl0", "rw-fields", MFC0(12, 6) & rw, rw);
	MTC0(12, 6, 0);
	vz_check("guestctl0", "rw-fields-clear", MFC0(12, 6) & rw, 0);
	vz_check("guestctl0", "ro-kept-after-writes", MFC0(12, 6) & (GC0_G1 | GC0_G0E | GC0_G2),
		 GC0_G1 | GC0_G0E | GC0_G2);
	vz_case_end();
}

static void others(void)
{
	vz_case("guestctl", 0);
	MTC0(11, 4, GC0X_CGI | GC0X_FCD);
	vz_check("guestctl0ext", "cgi-fcd", MFC0(11, 4) & (GC0X_CGI | GC0X_FCD), GC0X_CGI | GC0X_FCD);
	MTC0(11, 4, 0);
	vz_check("guestctl0ext", "clear", MFC0(11, 4) & (GC0X_CGI | GC0X_FCD), 0);
	/* tinyVP's VMID_ERET value: IDs need at least 3 bits (spec §1.5) */
	MTC0(10, 4, 0x00070007u);
	vz_check("guestctl1", "id-rid-3bit", MFC0(10, 4) & 0x00ff00ffu, 0x00070007u);
	MTC0(10, 4, 0);
	vz_check("guestctl1", "clear", MFC0(10, 4) & 0x00ff00ffu, 0);
	MTC0(10, 5, 0x05000400u); /* GRIPL 5, GVEC 0x400 */
	vz_check("guestctl2", "gripl-gvec", MFC0(10, 5) & 0xff00ffffu, 0x05000400u);
	MTC0(10, 5, 0);
	MTC0(10, 6, 3);
	vz_check("guestctl3", "glss", MFC0(10, 6) & 0xf, 3);
	MTC0(10, 6, 0);
	MTC0(12, 7, 0xffffffffu);
	vz_check("gtoffset", "all-32-bits", MFC0(12, 7), 0xffffffffu);
	MTC0(12, 7, 0x12345678u);
	vz_check("gtoffset", "value", MFC0(12, 7), 0x12345678u);
	MTC0(12, 7, 0);
	vz_check("config3", "vz", (MFC0(16, 3) >> 23) & 1, 1);
	vz_check("guest-config3", "vz-clear", (MFGC0(16, 3) >> 23) & 1, 0);
	vz_case_end();
}

static void mfgc0_mtgc0(void)
{
	vz_case("mtgc0", 0);
	u32 root_epc = MFC0(14, 0);
	MTGC0(14, 0, 0x9d001234u);
	vz_check("mtgc0", "guest-epc", MFGC0(14, 0), 0x9d001234u);
	vz_check("mtgc0", "root-epc-untouched", MFC0(14, 0), root_epc);
	MTGC0(31, 2, 0x11223344u);
	vz_check("mtgc0", "guest-kscratch1", MFGC0(31, 2), 0x11223344u);
	MTC0(31, 2, 0x55667788u);
	vz_check("mtgc0", "guest-kscratch1-apart", MFGC0(31, 2), 0x11223344u);
	MTGC0(15, 1, (u32)g_ebase);
	vz_check("mtgc0", "guest-ebase", MFGC0(15, 1) & 0xfffff000u, (u32)g_ebase);
	vz_check("mtgc0", "root-ebase-untouched", MFC0(15, 1) & 0xfffff000u, RT_FLASH_BASE);
	vz_case_end();
}

void vz_cases_regs(void)
{
	guestctl0();
	others();
	mfgc0_mtgc0();
}
