/*
 * VZ test hypervisor, root entry code: entering a guest (GuestCtl0.GM=1 + ERET, spec §1.1,
 * §3.7), the landing point when a case finishes, root probes that may fault (used inside exit
 * handlers for nested exceptions, §3.6) and a root LL/SC pair (§3.7).
 */
#include "vz.h"
	.set	noreorder
	.set	noat

	.bss
	.align	2
vz_rootctx:				/* callee-saved root registers across a guest run */
	.space	4 * 12
	.globl	vz_probe_resume
vz_probe_resume:			/* where the hook resumes a faulting probe (0: none) */
	.space	4
	.globl	vz_root_ie
vz_root_ie:				/* 1: root Status.IE=1 while the guest runs (watchdog) */
	.space	4

	.text
/*
 * vz_enter(entry, a1, a2, a3): the guest starts at `entry` (a guest virtual address) with the
 * root's GPRs, so a1..a3 arrive as given. Root EPC = entry, EXL=1 first, then GM=1 (GM with
 * EXL=0 would be guest mode at once), then ERET. Root Status.IE becomes vz_root_ie in the same
 * write as EXL (masked until the ERET). The hook ends the run by clearing GM and returning to
 * vz_return in root mode with IE=0.
 */
	.globl	vz_enter
	.ent	vz_enter
vz_enter:
	la	$t0, vz_rootctx
	sw	$s0, 0($t0)
	sw	$s1, 4($t0)
	sw	$s2, 8($t0)
	sw	$s3, 12($t0)
	sw	$s4, 16($t0)
	sw	$s5, 20($t0)
	sw	$s6, 24($t0)
	sw	$s7, 28($t0)
	sw	$fp, 32($t0)
	sw	$sp, 36($t0)
	sw	$ra, 40($t0)
	sw	$gp, 44($t0)
	mtc0	$a0, $14		/* EPC = guest entry */
	mfc0	$t1, $12
	ori	$t1, $t1, ST_EXL_BIT
	la	$t2, vz_root_ie
	lw	$t2, 0($t2)
	or	$t1, $t1, $t2
	mtc0	$t1, $12
	ehb
	mfc0	$t1, $12, 6		/* GuestCtl0.GM = 1 (root EXL=1: still root mode) */
	lui	$t2, GC0_GM_HI
	or	$t1, $t1, $t2
	mtc0	$t1, $12, 6
	ehb
	eret				/* into the guest */
	nop
	.globl	vz_return
vz_return:
	la	$t0, vz_rootctx
	lw	$s0, 0($t0)
	lw	$s1, 4($t0)
	lw	$s2, 8($t0)
	lw	$s3, 12($t0)
	lw	$s4, 16($t0)
	lw	$s5, 20($t0)
	lw	$s6, 24($t0)
	lw	$s7, 28($t0)
	lw	$fp, 32($t0)
	lw	$sp, 36($t0)
	lw	$ra, 40($t0)
	lw	$gp, 44($t0)
	jr	$ra
	nop
	.end	vz_enter

/*
 * Root probes: one instruction that may fault. The hook records the fault in vz_probe_rec and
 * resumes at the local label 1; the probe then returns PROBE_FAULT.
 */
.macro	PROBE_ARM
	la	$t0, vz_probe_resume
	la	$t1, 1f
	sw	$t1, 0($t0)
	li	$v0, PROBE_FAULT
.endm

	.globl	vz_probe_load
	.ent	vz_probe_load
vz_probe_load:				/* v0 = *(u32 *)a0 */
	PROBE_ARM
	.globl	vz_probe_load_i
vz_probe_load_i:
	lw	$v0, 0($a0)
1:	sw	$0, 0($t0)
	jr	$ra
	nop
	.end	vz_probe_load

	.globl	vz_probe_syscall
	.ent	vz_probe_syscall
vz_probe_syscall:			/* SYSCALL: always faults */
	PROBE_ARM
	.globl	vz_probe_syscall_i
vz_probe_syscall_i:
	syscall	0x42
	move	$v0, $0			/* not reached: SYSCALL always traps */
1:	sw	$0, 0($t0)
	jr	$ra
	nop
	.end	vz_probe_syscall

/* vz_root_llsc(p, v): LL *p, then SC v to it; returns the SC result (1 = stored). */
	.globl	vz_root_llsc
	.ent	vz_root_llsc
vz_root_llsc:
	ll	$t0, 0($a0)
	move	$v0, $a1
	sc	$v0, 0($a0)
	jr	$ra
	nop
	.end	vz_root_llsc
