/*
 * VZ test suite (guests/vz): definitions shared by the root-mode test hypervisor (C), its entry
 * code and the guest snippets (assembly). Behaviour under test: spec/mips-vz-m5150.md §1-§5.
 * Output protocol as guests/isa: `ok vz.<case>`, `FAIL vz.<case> got=.. want=..`, then
 * `DONE vz pass=<n> fail=<m>`; lines starting with `#` are diagnostics.
 */
#ifndef TINYVP_VZ_H
#define TINYVP_VZ_H

/* HYPCALL codes used by the guest snippets (10-bit field, BadInstr bits 20:11). */
#define HC_DONE        0x3ff /* snippet finished: results in the guest GPRs */
#define HC_TEST        0x155 /* the hypercall whose code the hc case reads back */
#define HC_LL          0x0aa /* ll cases: root does its own LL/SC, then resumes */
#define HC_NEST        0x0bb /* nested cases: root faults inside its exit handler */
#define HC_GV_REFILL   0x300 /* guest vectors (guest EBase + offset) report which one ran */
#define HC_GV_GENERAL  0x318
#define HC_GV_INT      0x320
#define HC_GV_GVEC     0x340

/* GuestCtl1 IDs of the two test guests. */
#define GID_A 1
#define GID_B 2

/* Offset of the injected-interrupt vector from the guest EBase (GuestCtl2.GVEC). */
#define GVEC_OFF 0x400

/* Constants in flash the page-size cases read through GPA windows (guest.S). */
#define G_CONST_A 0x600dc0de
#define G_CONST_B 0x0ddba110

/* What a root probe returns when its access faulted. */
#define PROBE_FAULT 0xdeadbeef

/* Root CP0 Status / GuestCtl0 bits the assembly needs. */
#define ST_EXL_BIT  0x00000002
#define GC0_GM_HI   0x8000  /* GuestCtl0.GM (bit 31) >> 16 */

#ifndef __ASSEMBLER__
#include "rt.h"

#define MFC0(r, s) ({ u32 _v; __asm__ volatile("mfc0 %0, $" #r ", " #s : "=r"(_v)); _v; })
#define MTC0(r, s, v) __asm__ volatile("mtc0 %0, $" #r ", " #s "\n\tehb" : : "r"((u32)(v)) : "memory")
#define MFGC0(r, s) ({ u32 _v; __asm__ volatile(".set push\n\t.set virt\n\tmfgc0 %0, $" #r ", " #s "\n\t.set pop" : "=r"(_v)); _v; })
#define MTGC0(r, s, v) __asm__ volatile(".set push\n\t.set virt\n\tmtgc0 %0, $" #r ", " #s "\n\tehb\n\t.set pop" : : "r"((u32)(v)) : "memory")
#define VZ_OP(op) __asm__ volatile(".set push\n\t.set virt\n\t" op "\n\tehb\n\t.set pop" : : : "memory")

/* Status / Cause */
#define ST_IE   0x00000001u
#define ST_EXL  0x00000002u
#define ST_ERL  0x00000004u
#define ST_BEV  0x00400000u
#define ST_CU0  0x10000000u
#define ST_CU1  0x20000000u
#define CA_BD   0x80000000u
#define CA_TI   0x40000000u
#define CA_IV   0x00800000u
#define EXCCODE(c) (((c) >> 2) & 0x1fu)
#define RIPL(c) (((c) >> 10) & 0xffu)

/* Root exception codes (spec §3.1) */
#define EXC_INT  0
#define EXC_MOD  1
#define EXC_TLBL 2
#define EXC_TLBS 3
#define EXC_SYS  8
#define EXC_RI   10
#define EXC_GE   27

/* GuestCtl0 (12,6), spec §1.3 */
#define GC0_GM    0x80000000u
#define GC0_RI    0x40000000u
#define GC0_MC    0x20000000u
#define GC0_CP0   0x10000000u
#define GC0_AT3   0x0c000000u
#define GC0_GT    0x02000000u
#define GC0_CG    0x01000000u
#define GC0_CF    0x00800000u
#define GC0_G1    0x00400000u
#define GC0_G0E   0x00080000u
#define GC0_RAD   0x00000200u
#define GC0_G2    0x00000080u
#define GC0_SFC2  0x00000002u
#define GC0_SFC1  0x00000001u
#define GEXCCODE(g) (((g) >> 2) & 0x1fu)
/* GExcCode values */
#define GEXC_GPSI 0
#define GEXC_GSFC 1
#define GEXC_HC   2
#define GEXC_GRR  3
#define GEXC_GHFC 9
#define GEXC_GPA  10

/* GuestCtl0Ext (11,4), spec §1.4 */
#define GC0X_CGI  0x10u
#define GC0X_FCD  0x08u

/* The GuestCtl0 every case starts from (GM is set by vz_enter): CP0=1, AT=3, nothing trapped
 * beyond the architectural minimum (GT=CG=CF=MC=RI=SFC=0). */
#define GC0_BASE (GC0_CP0 | GC0_AT3)
/* ... and GuestCtl0Ext: field-change tracking off. */
#define GC0X_BASE GC0X_FCD

/* PageMask values (spec §4.5) */
#define PM_4K   0x00000000u
#define PM_16K  0x00006000u
#define PM_64K  0x0001e000u
#define PM_1M   0x001fe000u
#define PM_16M  0x01ffe000u
#define PM_256M 0x1fffe000u

/* EntryLo for a physical address: PFN | C | D | V | G */
#define ENTRYLO(pa, c, d, v, g) ((((u32)(pa) >> 12) << 6) | ((c) << 3) | ((d) << 2) | ((v) << 1) | (g))
#define LO_RAM(pa)   ENTRYLO(pa, 3, 1, 1, 0) /* G=0 on purpose: the hardware forces it (§4.3) */
#define LO_FLASH(pa) ENTRYLO(pa, 3, 0, 1, 0)

/*
 * Memory map of the tests. The guests run the snippets at their link addresses: guest kseg0
 * 0x9D0xxxxx is GPA 0x1D0xxxxx, which root TLB entry TLBI_CODE maps 1:1 onto program flash.
 * Guest data is RAM from RPA GRAM (kseg1 alias GRAM_K1 for the root's own accesses).
 */
#define FLASH_PA     0x1d000000u
#define GRAM         0x00040000u  /* RAM handed to guests: 0x40000-0x5ffff */
#define GRAM_K1      (0xa0000000u | GRAM)
#define K1(pa)       (*(volatile u32 *)(0xa0000000u | (u32)(pa)))
#define GPA_DATA     0x00100000u  /* 4 KB pair: GRAM+0x0000 / GRAM+0x1000 */
#define GVA_DATA     (0x80000000u | GPA_DATA)
#define GPA_FAULT    0x00300000u  /* stage-2 fault cases: unmapped or invalid */
#define RPA_FAULT    (GRAM + 0x4000u) /* ... and where the handler maps it */
/* Root TLB slots: fixed entries below VZ_WIRED, TLBWR (refill handler) above. */
#define TLBI_CODE    0
#define TLBI_CODE_B  1
#define TLBI_DATA    2
#define TLBI_TEST    3
#define TLBI_TEST_B  4
#define VZ_WIRED     8
/* Root Context.PTEBase the stage-2 cases preset (bits 31:23, must survive the refill). */
#define CTX_PTEBASE  0xab800000u

/* Guest snippets and vectors (guest.S) */
extern char g_ebase[];
extern char g_done[];
extern char g_prid[], g_prid_i[], g_srsctl[], g_srsctl_i[], g_wait[], g_wait_i[];
extern char g_count[], g_count_i[], g_mtcount[], g_mtcount_i[], g_config0[], g_config0_i[];
extern char g_cache_idx[], g_cache_idx_i[], g_cache_hit[], g_cache_hit_i[];
extern char g_status[], g_status_i[];
extern char g_cu1[], g_cu1_i[], g_ie[], g_ie_i[];
extern char g_hc[], g_hc_i[], g_ri[], g_ri_i[], g_mfgc0[], g_mfgc0_i[], g_syscall[], g_syscall_i[];
extern char g_load1[], g_load1_i[], g_store1[], g_store1_i[], g_load2[];
extern char g_tlbwi[], g_spin[], g_spin_end[], g_timer[];
extern char g_ll_hc[], g_ll_hc_i[], g_ll_eret[], g_ll_plain[];
extern char g_bd_gpsi[], g_bd_gpsi_b[], g_bd_gpsi_i[], g_bd_load[], g_bd_load_b[], g_bd_load_i[];
extern char g_nest[], g_nest_i[];
extern const u32 g_const_a, g_const_b;

/* Root entry code (enter.S) */
void vz_enter(u32 entry, u32 a1, u32 a2, u32 a3);
extern char vz_return[];
u32 vz_probe_load(u32 va);
u32 vz_probe_syscall(void);
extern char vz_probe_load_i[], vz_probe_syscall_i[];
u32 vz_root_llsc(volatile u32 *p, u32 v);
extern u32 vz_probe_resume;
extern u32 vz_root_ie;

/* ---- the test hypervisor (hv.c) ---- */

/* Root state captured at one exit (exception taken while a guest ran). */
struct vz_exit {
	u32 vector;                  /* root vector offset: 0x000 refill, 0x180 general, ... */
	u32 cause, epc, badvaddr;
	u32 badinstr, badinstrp;
	u32 status, gctl0, entryhi, context;
	u32 gpr[32];                 /* guest GPRs (k0/k1 not saved) */
};

#define VZ_MAX_EXITS 6
struct vz_result {
	u32 n;                       /* exits taken (the last one ends the run) */
	struct vz_exit ex[VZ_MAX_EXITS];
	int done;                    /* ended with HYPCALL HC_DONE */
};

/* Decides what happens after exit number n (0-based): resume the guest (after changing f,
 * e.g. f->epc += 4) or finish the run. HC_DONE always finishes before a handler is asked. */
#define VZ_RESUME 0
#define VZ_FINISH 1
typedef int (*vz_handler_t)(struct rt_frame *f, const struct vz_exit *e, u32 n);

/* Runs a guest snippet at `entry` with a1..a3 preset; GuestCtl0 (GM clear) etc. set up first. */
void vz_run(struct vz_result *r, u32 entry, u32 a1, u32 a2, u32 a3, vz_handler_t h);
/* The exit that ended the run with HC_DONE, or a zeroed record. */
const struct vz_exit *vz_done(const struct vz_result *r);

/* Record of the last fault a root probe took. */
struct vz_probe {
	u32 count, vector, cause, epc, badvaddr, status, nestedepc, nestedexc;
};
extern struct vz_probe vz_probe_rec;
void vz_probe_arm(void);

/*
 * Watchdog: the root core timer (EVIC IRQ 0) interrupts the next guest runs after `counts`
 * Count ticks, with root Status.IE=1 while a guest runs, so a guest that never exits ends as a
 * root Int exit. Disarm clears and masks it again.
 */
#define WATCHDOG_PRIORITY 1 /* EVIC priority = root Cause.RIPL of the watchdog interrupt */
void vz_watchdog_arm(u32 counts);
void vz_watchdog_disarm(void);

/* Fresh guest `gid`: GuestCtl*, root TLB (code + data entries), guest CP0 basics. */
void vz_guest_reset(u32 gid);
/* Root TLB entry `index` for GuestID `rid` (0: a root entry). */
void vz_tlb_write(u32 index, u32 rid, u32 entryhi, u32 lo0, u32 lo1, u32 pagemask);
void vz_tlb_invalidate(u32 index);
/* Guest TLB entry `index` written by root with TLBGWI for GuestID `rid`. */
void vz_gtlb_write(u32 index, u32 rid, u32 entryhi, u32 lo0, u32 lo1, u32 pagemask);
void vz_gtlb_clear(u32 rid);

/* Checks and reporting: "<c>.<field>" */
void vz_check(const char *c, const char *field, u32 got, u32 want);
/* ExcCode, GExcCode (when gexc is not NO_GEXC), EPC, Cause.BD, BadInstr of one exit. */
#define NO_GEXC 0xffu
void vz_check_exit(const char *c, const struct vz_exit *e, u32 exccode, u32 gexc, u32 epc, u32 bd, u32 badinstr);
/* The exit is HYPCALL `code`: ExcCode=GE, GExcCode=HC and the code from BadInstr. */
int vz_is_hc(const struct vz_exit *e, u32 code);
void vz_check_hc(const char *c, const char *field, const struct vz_exit *e, u32 code, u32 epc);
/* Opens a case (for the diagnostics printed if one of its checks fails). */
void vz_case(const char *c, const struct vz_result *r);
void vz_case_end(void);

/* Case groups (cases-*.c) */
void vz_cases_regs(void);
void vz_cases_exits(void);
void vz_cases_stage2(void);
void vz_cases_tlb(void);
void vz_cases_misc(void);
#endif

#endif
