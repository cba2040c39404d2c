/* t_user_run (see priv.h): ERET into user mode at a0; the snippet's SYSCALL or fault comes back. */
#include "isa.h"
#include "priv.h"
	.set	noreorder
	.set	noat
	.text
	.globl	t_user_run
	.ent	t_user_run
t_user_run:
	addiu	$sp, $sp, -32
	sw	$ra, 28($sp)
	sw	$s0, 24($sp)
	sw	$s1, 20($sp)
	move	$s0, $a0
	move	$s1, $a1
	la	$a0, 1f
	jal	t_expect
	nop
	move	$a1, $s1
	mtc0	$s0, $14		/* EPC = user entry */
	mfc0	$t0, $12
	ori	$t0, $t0, ST_UM | ST_EXL
	mtc0	$t0, $12
	ehb
	eret
	nop
1:	lw	$ra, 28($sp)
	lw	$s0, 24($sp)
	lw	$s1, 20($sp)
	jr	$ra
	addiu	$sp, $sp, 32
	.end	t_user_run

/*
 * Probes (see priv.h): one memory access or call that may fault. On a fault the test hook
 * resumes at the local label 1 and the probe returns PROBE_FAULT; t_exc_* describe the fault.
 */
.macro	PROBE_ENTER
	addiu	$sp, $sp, -32
	sw	$ra, 28($sp)
	sw	$s0, 24($sp)
	sw	$s1, 20($sp)
	move	$s0, $a0
	move	$s1, $a1
	la	$a0, 1f
	jal	t_expect
	nop
	li	$v0, PROBE_FAULT
.endm
.macro	PROBE_LEAVE
1:	lw	$ra, 28($sp)
	lw	$s0, 24($sp)
	lw	$s1, 20($sp)
	jr	$ra
	addiu	$sp, $sp, 32
.endm

	.globl	t_probe_load
	.ent	t_probe_load
t_probe_load:
	PROBE_ENTER
	lw	$v0, 0($s0)
	PROBE_LEAVE
	.end	t_probe_load

	.globl	t_probe_store
	.ent	t_probe_store
t_probe_store:
	PROBE_ENTER
	sw	$s1, 0($s0)
	move	$v0, $0
	PROBE_LEAVE
	.end	t_probe_store

	.globl	t_probe_call
	.ent	t_probe_call
t_probe_call:
	PROBE_ENTER
	jalr	$s0
	nop
	PROBE_LEAVE
	.end	t_probe_call

/* t_probe_load with Status.EXL=1 (interrupts are off; ERET from the hook clears EXL) */
	.globl	t_probe_load_exl
	.ent	t_probe_load_exl
t_probe_load_exl:
	PROBE_ENTER
	mfc0	$t0, $12
	ori	$t0, $t0, ST_EXL
	mtc0	$t0, $12
	ehb
	lw	$v0, 0($s0)
	mfc0	$t0, $12		/* no fault: leave EXL again */
	xori	$t0, $t0, ST_EXL
	mtc0	$t0, $12
	ehb
	PROBE_LEAVE
	.end	t_probe_load_exl

/* Position-independent snippets for mapped pages (.usertext). */
	.section .usertext, "ax"
	.globl	u_ret
u_ret:					/* a mapped function: returns 0x1234 */
	jr	$ra
	li	$v0, 0x1234
	.globl	u_load
u_load:					/* user mode: v0 = *(a1), then SYSCALL */
	lw	$v0, 0($a1)
	syscall
	.globl	u_store
u_store:				/* user mode: *(a1) = a1, then SYSCALL */
	sw	$a1, 0($a1)
	syscall
