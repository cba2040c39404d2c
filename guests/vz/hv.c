/*
 * VZ test hypervisor: runs guest snippets in guest mode and records every root exception they
 * cause (spec/mips-vz-m5150.md §1.1 guest-mode predicate, §3.6 state written on a root
 * exception from guest mode). Built on the runtime's exception hook: rt/vectors.S saves the
 * guest GPRs in a frame and calls vz_hook in root mode with EXL=1 (GuestCtl0.GM still 1).
 */
#include "vz.h"

static u32 pass, fail;

/* ---- reporting ---- */

static const char *cur_case;
static u32 case_fail0;
static const struct vz_result *last_run;

void vz_check(const char *c, const char *field, u32 got, u32 want)
{
	if (got == want) {
		pass++;
		rt_printf("ok vz.%s.%s\n", c, field);
	} else {
		fail++;
		rt_printf("FAIL vz.%s.%s got=0x%08x want=0x%08x\n", c, field, got, want);
	}
}

void vz_case(const char *c, const struct vz_result *r)
{
	cur_case = c;
	case_fail0 = fail;
	last_run = r;
}

/* Diagnostics for a case with a failed check: the exits of its last run. */
void vz_case_end(void)
{
	if (fail == case_fail0 || !last_run)
		return;
	const struct vz_result *r = last_run;
	rt_printf("# %s: %u exit(s), done=%d\n", cur_case, r->n, r->done);
	for (u32 i = 0; i < r->n && i < VZ_MAX_EXITS; i++) {
		const struct vz_exit *e = &r->ex[i];
		rt_printf("#  exit %u: vector=0x%03x cause=0x%08x epc=0x%08x badvaddr=0x%08x badinstr=0x%08x "
			  "badinstrp=0x%08x status=0x%08x guestctl0=0x%08x entryhi=0x%08x context=0x%08x\n",
			  i, e->vector, e->cause, e->epc, e->badvaddr, e->badinstr, e->badinstrp, e->status,
			  e->gctl0, e->entryhi, e->context);
	}
}

void vz_check_exit(const char *c, const struct vz_exit *e, u32 exccode, u32 gexc, u32 epc, u32 bd,
		   u32 badinstr)
{
	vz_check(c, "exccode", EXCCODE(e->cause), exccode);
	if (gexc != NO_GEXC)
		vz_check(c, "gexccode", GEXCCODE(e->gctl0), gexc);
	vz_check(c, "epc", e->epc, epc);
	vz_check(c, "bd", e->cause >> 31, bd);
	vz_check(c, "badinstr", e->badinstr, badinstr);
}

int vz_is_hc(const struct vz_exit *e, u32 code)
{
	return EXCCODE(e->cause) == EXC_GE && GEXCCODE(e->gctl0) == GEXC_HC &&
	       ((e->badinstr >> 11) & 0x3ff) == code && (e->badinstr & 0xffe007ffu) == 0x42000028u;
}

/* got = the HYPCALL code of the exit (0xffffffff when it is not a hypercall), then its EPC. */
void vz_check_hc(const char *c, const char *field, const struct vz_exit *e, u32 code, u32 epc)
{
	u32 got = 0xffffffffu;
	if (EXCCODE(e->cause) == EXC_GE && GEXCCODE(e->gctl0) == GEXC_HC)
		got = (e->badinstr >> 11) & 0x3ff;
	vz_check(c, field, got, code);
	if (epc) {
		char f2[40];
		u32 k = 0;
		for (const char *s = field; *s && k < sizeof f2 - 5; s++)
			f2[k++] = *s;
		memcpy(f2 + k, "-epc", 5);
		vz_check(c, f2, e->epc, epc);
	}
}

/* ---- running guests ---- */

static struct vz_result *run;
static vz_handler_t run_handler;
static const struct vz_exit none;

struct vz_probe vz_probe_rec;

void vz_probe_arm(void)
{
	memset(&vz_probe_rec, 0, sizeof vz_probe_rec);
}

const struct vz_exit *vz_done(const struct vz_result *r)
{
	return r->done ? &r->ex[r->n - 1] : &none;
}

void vz_run(struct vz_result *r, u32 entry, u32 a1, u32 a2, u32 a3, vz_handler_t h)
{
	memset(r, 0, sizeof *r);
	last_run = r;
	run = r;
	run_handler = h;
	vz_enter(entry, a1, a2, a3);
	run = 0;
}

/* Ends the run: GM off, and the hook's ERET lands in root code (vz_return) with IE=0. */
static void finish(struct rt_frame *f)
{
	MTC0(12, 6, MFC0(12, 6) & ~GC0_GM);
	f->epc = (u32)vz_return;
	f->status &= ~ST_IE;
}

/* PIC32MZ EVIC (pic32mz-ef.md §6): core timer = IRQ 0, IFS0/IEC0 bit 0, IPC0 bits 4:2; root in
 * EIC mode (Cause.IV=1, IntCtl.VS=1) with the EVIC in single-vector mode: EBase+0x200. */
#define EVIC_IFS0CLR (*(volatile u32 *)0xbf810044u)
#define EVIC_IEC0CLR (*(volatile u32 *)0xbf8100c4u)
#define EVIC_IEC0SET (*(volatile u32 *)0xbf8100c8u)
#define EVIC_IPC0    (*(volatile u32 *)0xbf810140u)

void vz_watchdog_arm(u32 counts)
{
	EVIC_IPC0 = (EVIC_IPC0 & ~0x1fu) | (WATCHDOG_PRIORITY << 2);
	MTC0(12, 1, 0x20);
	MTC0(13, 0, MFC0(13, 0) | CA_IV);
	MTC0(11, 0, MFC0(9, 0) + counts); /* also clears Cause.TI */
	EVIC_IFS0CLR = 1;
	EVIC_IEC0SET = 1;
	vz_root_ie = ST_IE;
}

void vz_watchdog_disarm(void)
{
	vz_root_ie = 0;
	EVIC_IEC0CLR = 1;
	MTC0(11, 0, MFC0(9, 0) - 1);
	EVIC_IFS0CLR = 1;
	MTC0(13, 0, MFC0(13, 0) & ~CA_IV);
	MTC0(12, 1, 0);
}

#define MAX_UNEXPECTED 8

static void vz_hook(struct rt_frame *f, u32 cause, u32 epc, u32 badvaddr)
{
	static u32 unexpected;

	if (vz_probe_resume) {
		/* A root probe faulted (possibly nested inside an exit handler). */
		struct vz_probe *p = &vz_probe_rec;
		p->count++;
		p->vector = f->vector;
		p->cause = cause;
		p->epc = epc;
		p->badvaddr = badvaddr;
		p->status = f->status;
		p->nestedepc = MFC0(14, 2);
		p->nestedexc = MFC0(13, 5);
		f->epc = vz_probe_resume;
		vz_probe_resume = 0;
		return;
	}
	if (run) {
		struct vz_result *r = run;
		u32 n = r->n++;
		struct vz_exit *e = &r->ex[n < VZ_MAX_EXITS ? n : VZ_MAX_EXITS - 1];
		e->vector = f->vector;
		e->cause = cause;
		e->epc = epc;
		e->badvaddr = badvaddr;
		e->badinstr = f->badinstr;
		e->badinstrp = MFC0(8, 2);
		e->status = f->status;
		e->gctl0 = MFC0(12, 6);
		e->entryhi = MFC0(10, 0);
		e->context = MFC0(4, 0);
		memcpy(e->gpr, f->gpr, sizeof e->gpr);
		int act = VZ_FINISH;
		if (vz_is_hc(e, HC_DONE))
			r->done = 1;
		else if (n + 1 < VZ_MAX_EXITS && run_handler)
			act = run_handler(f, e, n);
		if (act == VZ_FINISH) {
			run = 0;
			finish(f);
		}
		return;
	}
	fail++;
	rt_printf("FAIL vz.unexpected-exception cause=0x%08x epc=0x%08x badvaddr=0x%08x\n", cause, epc, badvaddr);
	if (++unexpected >= MAX_UNEXPECTED) {
		rt_printf("DONE vz pass=%u fail=%u\n", pass, fail);
		rt_exit(1);
	}
	f->epc = epc + ((cause & CA_BD) ? 8 : 4);
}

/* ---- TLBs ---- */

void vz_tlb_write(u32 index, u32 rid, u32 entryhi, u32 lo0, u32 lo1, u32 pagemask)
{
	u32 g1 = MFC0(10, 4);
	MTC0(10, 4, (g1 & ~0x00ff0000u) | (rid << 16));
	MTC0(0, 0, index);
	MTC0(10, 0, entryhi);
	MTC0(2, 0, lo0);
	MTC0(3, 0, lo1);
	MTC0(5, 0, pagemask);
	__asm__ volatile("tlbwi\n\tehb" : : : "memory");
	MTC0(10, 4, g1);
	MTC0(10, 0, 0);
	MTC0(5, 0, 0);
}

/* EHINV (spec §4.5) with a VPN2 no test uses, as a root entry. */
void vz_tlb_invalidate(u32 index)
{
	vz_tlb_write(index, 0, 0xc0000000u | 0x400 | (index << 13), 0, 0, 0);
}

void vz_gtlb_write(u32 index, u32 rid, u32 entryhi, u32 lo0, u32 lo1, u32 pagemask)
{
	u32 g1 = MFC0(10, 4);
	MTC0(10, 4, (g1 & ~0x00ff0000u) | (rid << 16));
	MTGC0(0, 0, index);
	MTGC0(10, 0, entryhi);
	MTGC0(2, 0, lo0);
	MTGC0(3, 0, lo1);
	MTGC0(5, 0, pagemask);
	VZ_OP("tlbgwi");
	MTC0(10, 4, g1);
}

/* Every guest TLB entry gets a kseg0 VPN2 (never looked up: kseg0 is unmapped) and V=0. */
void vz_gtlb_clear(u32 rid)
{
	u32 n = ((MFGC0(16, 1) >> 25) & 0x3f) + 1;
	for (u32 i = 0; i < n; i++)
		vz_gtlb_write(i, rid, 0x80000000u | (i << 13), 0, 0, 0);
	MTGC0(10, 0, 0);
}

/* ---- per-case guest set-up ---- */

void vz_guest_reset(u32 gid)
{
	MTC0(12, 6, GC0_BASE);
	MTC0(11, 4, GC0X_BASE);
	MTC0(10, 4, gid | (gid << 16));
	MTC0(10, 5, 0);
	MTC0(10, 6, 0);
	MTC0(12, 7, 0);
	MTC0(4, 0, 0);
	MTC0(10, 0, 0);
	u32 n = ((MFC0(16, 1) >> 25) & 0x3f) + 1;
	for (u32 i = 0; i < n; i++)
		vz_tlb_invalidate(i);
	MTC0(6, 0, VZ_WIRED);
	/* Guest kseg0 code: GPA 0x1D000000-0x1D1FFFFF -> flash, two 1 MB pages. */
	vz_tlb_write(TLBI_CODE, gid, FLASH_PA, LO_FLASH(FLASH_PA), LO_FLASH(FLASH_PA + 0x100000), PM_1M);
	/* Guest data: GPA_DATA 4 KB pair -> GRAM, GRAM+0x1000. */
	vz_tlb_write(TLBI_DATA, gid, GPA_DATA, LO_RAM(GRAM), LO_RAM(GRAM + 0x1000), PM_4K);
	/* Guest CP0: kernel mode, EXL=ERL=BEV=0, interrupts off, vectors at g_ebase. */
	MTGC0(12, 0, ST_CU0);
	MTGC0(13, 0, 0);
	MTGC0(15, 1, (u32)g_ebase);
	MTGC0(14, 0, 0);
	MTGC0(12, 1, 0);
	MTGC0(12, 2, 0);
	MTGC0(6, 0, 0);
	MTGC0(5, 0, 0);
	MTGC0(10, 0, 0);
	MTGC0(4, 0, 0);
}

int main(void)
{
	/* One line per check: the UART at its fastest rate (BRGH=1, BRG=0: 25 Mbaud). */
	rt_console_init(0, 1);
	rt_exc_hook = vz_hook;
	vz_cases_regs();
	vz_cases_exits();
	vz_cases_stage2();
	vz_cases_tlb();
	vz_cases_misc();
	MTC0(12, 6, 0);
	MTC0(10, 4, 0);
	rt_printf("DONE vz pass=%u fail=%u\n", pass, fail);
	return fail != 0;
}
