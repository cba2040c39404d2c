/*
 * VZ test suite, guest side: the guest exception vector page and the snippets the cases run in
 * guest kernel mode (spec/mips-vz-m5150.md §3, §4). The guests execute this code at its link
 * address (guest kseg0 0x9D0xxxxx = GPA 0x1D0xxxxx, mapped 1:1 by the root TLB). A snippet
 * takes its inputs in a1..a3, leaves results in v0, v1, a0, t0-t3 and ends with HYPCALL
 * HC_DONE. A label <snippet>_i marks the instruction a case expects to exit or fault.
 */
#include "vz.h"
	.set	noreorder
	.set	noat
	.set	virt

/* Guest vectors (guest EBase = g_ebase, BEV=0): each reports itself with a hypercall; root
 * reads the guest state with MFGC0 (the root EPC at the exit tells which vector ran). */
	.section .text.vzguest, "ax"
	.balign	4096
	.globl	g_ebase
g_ebase:
	hypcall	HC_GV_REFILL		/* +0x000 guest TLB refill */
	.org	0x180
	hypcall	HC_GV_GENERAL		/* +0x180 general exception */
	.org	0x200
	hypcall	HC_GV_INT		/* +0x200 interrupt, IV=1 */
	.org	GVEC_OFF
	hypcall	HC_GV_GVEC		/* +GVEC: the injected interrupt (GuestCtl2.GVEC) */
	.org	0x500

.macro	SNIPPET name
	.globl	\name
\name:
.endm
.macro	AT name
	.globl	\name
\name:
.endm
.macro	DONE
	hypcall	HC_DONE
.endm

SNIPPET g_done
	DONE

/* ---- GPSI (§3.2) ---- */
SNIPPET g_prid				/* t0 = PRId (emulated by root), v0 = t0 */
AT g_prid_i
	mfc0	$t0, $15, 0
	move	$v0, $t0
	DONE
SNIPPET g_srsctl
	move	$t0, $0
AT g_srsctl_i
	mtc0	$t0, $12, 2
	DONE
SNIPPET g_wait
AT g_wait_i
	wait
	DONE
SNIPPET g_count				/* v0 = Count: GPSI with GT=0, root Count + GTOffset with GT=1 */
AT g_count_i
	mfc0	$v0, $9
	DONE
SNIPPET g_mtcount
AT g_mtcount_i
	mtc0	$0, $9
	DONE
SNIPPET g_config0			/* write Config0 back unchanged */
	mfc0	$t0, $16, 0
AT g_config0_i
	mtc0	$t0, $16, 0
	DONE
SNIPPET g_cache_idx			/* Index Invalidate I at a1 */
AT g_cache_idx_i
	cache	0x00, 0($a1)
	DONE
SNIPPET g_cache_hit			/* Hit Invalidate I at a1 */
AT g_cache_hit_i
	cache	0x10, 0($a1)
	DONE
SNIPPET g_status			/* v0 = Status: GPSI when GuestCtl0.CP0=0 */
AT g_status_i
	mfc0	$v0, $12
	DONE

/* ---- GSFC (§3.3): v0 = Status read back after the write ---- */
SNIPPET g_cu1				/* Status.CU1 0 -> 1 */
	mfc0	$t0, $12
	lui	$t1, 0x2000
	or	$t0, $t0, $t1
AT g_cu1_i
	mtc0	$t0, $12
	ehb
	mfc0	$v0, $12
	DONE
SNIPPET g_ie				/* Status.IE 0 -> 1 */
	mfc0	$t0, $12
	ori	$t0, $t0, 1
AT g_ie_i
	mtc0	$t0, $12
	ehb
	mfc0	$v0, $12
	DONE

/* ---- HC, GRR, guest RI, guest syscall (§2.4, §3.4, §3.5) ---- */
SNIPPET g_hc
	move	$v0, $0
AT g_hc_i
	hypcall	HC_TEST
	li	$v0, 0x600d		/* reached when root advanced EPC by 4 */
	DONE
SNIPPET g_ri
	move	$v0, $0
AT g_ri_i
	.word	0xdc000000		/* opcode 0x37: reserved in MIPS32 */
	li	$v0, 0x600d
	DONE
SNIPPET g_mfgc0				/* VZ instructions are reserved in guest mode (§1.2) */
AT g_mfgc0_i
	mfgc0	$v0, $12, 0
	DONE
SNIPPET g_syscall
AT g_syscall_i
	syscall	0x77
	DONE

/* ---- memory ---- */
SNIPPET g_load1				/* v0 = *a1 */
AT g_load1_i
	lw	$v0, 0($a1)
	DONE
SNIPPET g_store1			/* *a1 = a3 */
AT g_store1_i
	sw	$a3, 0($a1)
	DONE
SNIPPET g_load2				/* v0 = *a1, v1 = *a2 */
	lw	$v0, 0($a1)
	lw	$v1, 0($a2)
	DONE
/* Guest TLBWI of index 0 (EntryHi a1, EntryLo0 a2, EntryLo1 a3, 4 KB), then v0 = *(a1 + 0x10). */
SNIPPET g_tlbwi
	mtc0	$0, $0
	mtc0	$a1, $10
	mtc0	$a2, $2
	mtc0	$a3, $3
	mtc0	$0, $5
	ehb
	tlbwi
	ehb
	lw	$v0, 0x10($a1)
	DONE

/* ---- interrupts, timer ---- */
SNIPPET g_spin				/* a bounded loop: t0 = iterations left */
	li	$t0, 2000
1:	addiu	$t0, $t0, -1
	bnez	$t0, 1b
	nop
AT g_spin_end
	DONE
/*
 * Guest Compare = Count + 200 (GT=1); v1 = Cause right after the write; spin until Cause.TI
 * (v0 = that Cause, t1 = spins left); then Compare = Count - 1 and a0 = Cause after it.
 */
SNIPPET g_timer
	mfc0	$t0, $9
	addiu	$t0, $t0, 200
	mtc0	$t0, $11
	ehb
	mfc0	$v1, $13
	li	$t1, 100000
1:	mfc0	$v0, $13
	ext	$t2, $v0, 30, 1
	bnez	$t2, 2f
	nop
	addiu	$t1, $t1, -1
	bnez	$t1, 1b
	nop
2:	mfc0	$t0, $9
	addiu	$t0, $t0, -1
	mtc0	$t0, $11
	ehb
	mfc0	$a0, $13
	DONE

/* ---- LL bits (§3.7): v0 = SC result ---- */
SNIPPET g_ll_hc				/* LL, exit to root (which does its own LL/SC), SC */
	ll	$t0, 0($a1)
AT g_ll_hc_i
	hypcall	HC_LL
	li	$t3, 0x5a5a
	sc	$t3, 0($a1)
	move	$v0, $t3
	DONE
SNIPPET g_ll_eret			/* LL, guest ERET (EXL=ERL=0: PC = guest EPC), SC */
	ll	$t0, 0($a1)
	la	$t4, 1f
	mtc0	$t4, $14
	ehb
	eret
	li	$v0, 0xbad		/* not reached: ERET has no delay slot */
1:	li	$t3, 0x7777
	sc	$t3, 0($a1)
	move	$v0, $t3
	DONE
SNIPPET g_ll_plain			/* LL, SC: the control case */
	ll	$t0, 0($a1)
	li	$t3, 0x1111
	sc	$t3, 0($a1)
	move	$v0, $t3
	DONE

/* ---- exits from a branch delay slot (§3.6): v0 = 0xbad if the fall-through ran ---- */
SNIPPET g_bd_gpsi			/* v1 = the PRId root emulated in the delay slot */
	move	$v0, $0
AT g_bd_gpsi_b
	beq	$0, $0, 1f
AT g_bd_gpsi_i
	mfc0	$t0, $15, 0
	li	$v0, 0xbad
	DONE
1:	move	$v1, $t0
	DONE
SNIPPET g_bd_load			/* stage-2 fault in the delay slot; v1 = *a1 */
	move	$v0, $0
AT g_bd_load_b
	beq	$0, $0, 1f
AT g_bd_load_i
	lw	$v1, 0($a1)
	li	$v0, 0xbad
	DONE
1:	DONE

/* ---- nested exceptions: root faults while handling this exit ---- */
SNIPPET g_nest
	move	$v0, $0
AT g_nest_i
	hypcall	HC_NEST
	li	$v0, 0x600d
	DONE

/* Constants the page-size cases read through flash-backed GPA windows. */
	.section .rodata
	.align	2
	.globl	g_const_a, g_const_b
g_const_a:
	.word	G_CONST_A
g_const_b:
	.word	G_CONST_B
