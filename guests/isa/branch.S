/*
 * isa-branch: branches and jumps with their delay slots (MIPS32 ISA Vol. II: BEQ..BGEZAL, J,
 * JAL, JR, JALR(.HB), the branch-likely forms). Normal branches always execute the delay slot;
 * branch-likely forms execute it only when taken. Links are PC+8 and written whether or not
 * the branch is taken. A fault in a delay slot (bare metal) reports EPC = the branch and
 * Cause.BD = 1 (MIPS32 PRA, EPC register).
 * s1 counts delay-slot executions; s2 records the path taken (1 taken, 2 fall-through).
 */
#include "isa.h"
	.set	noreorder
	.set	noat

/* BR_CASE name, insn-with-operands-and-target-1f, wantpath, wantslot */
.macro	BR name, wantpath, wantslot, op:vararg
	li	$s1, 0
	li	$s2, 0
	\op, 1f
	addiu	$s1, $s1, 1		/* delay slot */
	b	2f
	li	$s2, 2
1:	li	$s2, 1
2:	CHECK	\name\().path, $s2, \wantpath
	CHECK	\name\().slot, $s1, \wantslot
.endm

	TEST_BEGIN branch

	li	$s3, 5
	li	$s4, -3
	li	$s5, 0

	BR	beq.taken, 1, 1, beq $s3, $s3
	BR	beq.not-taken, 2, 1, beq $s3, $s4
	BR	bne.taken, 1, 1, bne $s3, $s4
	BR	bne.not-taken, 2, 1, bne $s3, $s3
	BR	blez.zero, 1, 1, blez $s5
	BR	blez.negative, 1, 1, blez $s4
	BR	blez.positive, 2, 1, blez $s3
	BR	bgtz.positive, 1, 1, bgtz $s3
	BR	bgtz.zero, 2, 1, bgtz $s5
	BR	bgtz.negative, 2, 1, bgtz $s4
	BR	bltz.negative, 1, 1, bltz $s4
	BR	bltz.zero, 2, 1, bltz $s5
	BR	bgez.zero, 1, 1, bgez $s5
	BR	bgez.positive, 1, 1, bgez $s3
	BR	bgez.negative, 2, 1, bgez $s4
	/* likely forms: delay slot annulled when not taken */
	BR	beql.taken, 1, 1, beql $s3, $s3
	BR	beql.not-taken, 2, 0, beql $s3, $s4
	BR	bnel.taken, 1, 1, bnel $s3, $s4
	BR	bnel.not-taken, 2, 0, bnel $s3, $s3
	BR	blezl.taken, 1, 1, blezl $s5
	BR	blezl.not-taken, 2, 0, blezl $s3
	BR	bgtzl.taken, 1, 1, bgtzl $s3
	BR	bgtzl.not-taken, 2, 0, bgtzl $s4
	BR	bltzl.taken, 1, 1, bltzl $s4
	BR	bltzl.not-taken, 2, 0, bltzl $s5
	BR	bgezl.taken, 1, 1, bgezl $s5
	BR	bgezl.not-taken, 2, 0, bgezl $s4

	/* ---- and-link branches: ra = branch + 8, taken or not ---- */
	li	$s1, 0
.Lbltzal_t:
	bltzal	$s4, 1f
	addiu	$s1, $s1, 1
	li	$s2, 2
	b	2f
	nop
1:	li	$s2, 1
2:	move	$s6, $ra
	CHECK	bltzal.taken.path, $s2, 1
	CHECK	bltzal.taken.slot, $s1, 1
	la	$t0, .Lbltzal_t + 8
	CHECKR	bltzal.taken.link, $s6, $t0

	li	$s1, 0
.Lbltzal_n:
	bltzal	$s3, 1f
	addiu	$s1, $s1, 1
	li	$s2, 2
	b	2f
	nop
1:	li	$s2, 1
2:	move	$s6, $ra
	CHECK	bltzal.not-taken.path, $s2, 2
	CHECK	bltzal.not-taken.slot, $s1, 1
	la	$t0, .Lbltzal_n + 8
	CHECKR	bltzal.not-taken.link, $s6, $t0

	li	$s1, 0
.Lbgezal_t:
	bgezal	$s5, 1f
	addiu	$s1, $s1, 1
	li	$s2, 2
	b	2f
	nop
1:	li	$s2, 1
2:	move	$s6, $ra
	CHECK	bgezal.taken.path, $s2, 1
	CHECK	bgezal.taken.slot, $s1, 1
	la	$t0, .Lbgezal_t + 8
	CHECKR	bgezal.taken.link, $s6, $t0

	li	$s1, 0
.Lbgezal_n:
	bgezal	$s4, 1f
	addiu	$s1, $s1, 1
	li	$s2, 2
	b	2f
	nop
1:	li	$s2, 1
2:	move	$s6, $ra
	CHECK	bgezal.not-taken.path, $s2, 2
	CHECK	bgezal.not-taken.slot, $s1, 1
	la	$t0, .Lbgezal_n + 8
	CHECKR	bgezal.not-taken.link, $s6, $t0

	li	$s1, 0
.Lbltzall_t:
	bltzall	$s4, 1f
	addiu	$s1, $s1, 1
	li	$s2, 2
	b	2f
	nop
1:	li	$s2, 1
2:	move	$s6, $ra
	CHECK	bltzall.taken.path, $s2, 1
	CHECK	bltzall.taken.slot, $s1, 1
	la	$t0, .Lbltzall_t + 8
	CHECKR	bltzall.taken.link, $s6, $t0

	li	$s1, 0
.Lbltzall_n:
	bltzall	$s3, 1f
	addiu	$s1, $s1, 1
	li	$s2, 2
	b	2f
	nop
1:	li	$s2, 1
2:	move	$s6, $ra
	CHECK	bltzall.not-taken.path, $s2, 2
	CHECK	bltzall.not-taken.slot, $s1, 0
	la	$t0, .Lbltzall_n + 8
	CHECKR	bltzall.not-taken.link, $s6, $t0

	li	$s1, 0
.Lbgezall_t:
	bgezall	$s3, 1f
	addiu	$s1, $s1, 1
	li	$s2, 2
	b	2f
	nop
1:	li	$s2, 1
2:	move	$s6, $ra
	CHECK	bgezall.taken.path, $s2, 1
	CHECK	bgezall.taken.slot, $s1, 1
	la	$t0, .Lbgezall_t + 8
	CHECKR	bgezall.taken.link, $s6, $t0

	li	$s1, 0
.Lbgezall_n:
	bgezall	$s4, 1f
	addiu	$s1, $s1, 1
	li	$s2, 2
	b	2f
	nop
1:	li	$s2, 1
2:	move	$s6, $ra
	CHECK	bgezall.not-taken.path, $s2, 2
	CHECK	bgezall.not-taken.slot, $s1, 0
	la	$t0, .Lbgezall_n + 8
	CHECKR	bgezall.not-taken.link, $s6, $t0

	/* bal = bgezal $zero */
	li	$s1, 0
.Lbal:
	bal	1f
	addiu	$s1, $s1, 1
	li	$s2, 2
	b	2f
	nop
1:	li	$s2, 1
2:	move	$s6, $ra
	CHECK	bal.path, $s2, 1
	CHECK	bal.slot, $s1, 1
	la	$t0, .Lbal + 8
	CHECKR	bal.link, $s6, $t0

	/* ---- jumps ---- */
	li	$s1, 0
	li	$s2, 2
	j	1f
	addiu	$s1, $s1, 1
	li	$s2, 3
1:	CHECK	j.path, $s2, 2
	CHECK	j.slot, $s1, 1

	li	$s1, 0
.Ljal:
	jal	.Lsub_ret_s2
	addiu	$s1, $s1, 1
	CHECK	jal.called, $s2, 0x5a
	CHECK	jal.slot, $s1, 1
	la	$t0, .Ljal + 8
	CHECKR	jal.link, $s6, $t0

	/* the link is visible to the delay-slot instruction */
.Ljal_slot:
	jal	.Lsub_ret
	move	$s7, $ra
	la	$t0, .Ljal_slot + 8
	CHECKR	jal.link-in-delay-slot, $s7, $t0

	li	$s1, 0
	la	$t1, 1f
	li	$s2, 2
	jr	$t1
	addiu	$s1, $s1, 1
	li	$s2, 3
1:	CHECK	jr.path, $s2, 2
	CHECK	jr.slot, $s1, 1

	li	$s1, 0
	la	$t1, .Lsub_ret_s2
.Ljalr:
	jalr	$t1
	addiu	$s1, $s1, 1
	CHECK	jalr.called, $s2, 0x5a
	CHECK	jalr.slot, $s1, 1
	la	$t0, .Ljalr + 8
	CHECKR	jalr.link-ra, $s6, $t0

	/* jalr rd, rs: link into rd, ra untouched */
	li	$ra, 0x1234
	la	$t1, 1f
.Ljalr_rd:
	jalr	$s7, $t1
	nop
	li	$s7, 0			/* skipped */
1:	move	$s6, $ra
	la	$t0, .Ljalr_rd + 8
	CHECKR	jalr.link-rd, $s7, $t0
	CHECK	jalr.rd-leaves-ra, $s6, 0x1234

	/* hazard-barrier forms behave like the plain jumps */
	li	$s1, 0
	la	$t1, 1f
	li	$s2, 2
	jr.hb	$t1
	addiu	$s1, $s1, 1
	li	$s2, 3
1:	CHECK	jr.hb.path, $s2, 2
	CHECK	jr.hb.slot, $s1, 1

	li	$s1, 0
	la	$t1, .Lsub_ret_s2
.Ljalr_hb:
	jalr.hb	$t1
	addiu	$s1, $s1, 1
	CHECK	jalr.hb.called, $s2, 0x5a
	CHECK	jalr.hb.slot, $s1, 1
	la	$t0, .Ljalr_hb + 8
	CHECKR	jalr.hb.link, $s6, $t0

	/* ---- delay-slot effects ---- */
	/* the compare uses the register value before the delay slot writes it */
	li	$s3, 5
	li	$s4, 5
	li	$s2, 2
	beq	$s3, $s4, 1f
	addiu	$s3, $s3, 1
	li	$s2, 3
1:	CHECK	slot.writes-source.path, $s2, 2
	CHECK	slot.writes-source.value, $s3, 6
	/* jr uses the target before the delay slot overwrites the register */
	la	$t1, 1f
	li	$s2, 2
	jr	$t1
	move	$t1, $0
	li	$s2, 3
1:	CHECK	slot.jr-target-overwritten, $s2, 2
	/* a load in the delay slot completes; its value is usable at the target */
	la	$t1, .Lword
	li	$s3, 0
	b	1f
	lw	$s3, 0($t1)
	li	$s3, 0
1:	CHECK	slot.load, $s3, 0xcafef00d
	/* a not-taken likely branch annuls a load */
	li	$s3, 0x77
	beql	$0, $t1, 1f
	lw	$s3, 0($t1)
1:	CHECK	slot.likely-annuls-load, $s3, 0x77

	/* backward branch loop */
	li	$s3, 0
	li	$s4, 10
1:	addiu	$s4, $s4, -1
	bnez	$s4, 1b
	addiu	$s3, $s3, 2
	CHECK	loop.backward, $s3, 20

#ifdef TV_BARE
	/* a fault in the delay slot: EPC = the branch, Cause.BD = 1 */
	EXPECT	1f
	la	$t1, .Lword
	li	$s3, 0x99
.Lbd_branch:
	beq	$0, $0, 1f
	lw	$s3, 1($t1)		/* misaligned: AdEL */
1:	CHECK	bd-fault.dest-unchanged, $s3, 0x99
	CHECK_EXC bd-fault.exccode, EXC_ADEL
	la	$t0, t_exc_epc
	lw	$t0, 0($t0)
	CHECKA	bd-fault.epc-is-branch, $t0, .Lbd_branch
	la	$t0, t_exc_cause
	lw	$t0, 0($t0)
	srl	$t0, $t0, 31
	CHECK	bd-fault.cause-bd, $t0, 1
	la	$t0, t_exc_badvaddr
	lw	$t0, 0($t0)
	CHECKA	bd-fault.badvaddr, $t0, .Lword + 1

	/* a fault not in a delay slot: Cause.BD = 0 */
	EXPECT	1f
.Lnobd:
	lw	$s3, 2($t1)
1:	CHECK_EXC nobd-fault.exccode, EXC_ADEL
	la	$t0, t_exc_cause
	lw	$t0, 0($t0)
	srl	$t0, $t0, 31
	CHECK	nobd-fault.cause-bd, $t0, 0
	la	$t0, t_exc_epc
	lw	$t0, 0($t0)
	CHECKA	nobd-fault.epc, $t0, .Lnobd

	/* jr to a misaligned address: AdEL on fetch, EPC = BadVAddr = the target */
	EXPECT	1f
	la	$t1, 2f + 2
	jr	$t1
	nop
2:	nop
	nop
1:	CHECK_EXC jr.misaligned-target.exccode, EXC_ADEL
	la	$t0, t_exc_badvaddr
	lw	$t0, 0($t0)
	CHECKA	jr.misaligned-target.badvaddr, $t0, 2b + 2
#endif

	TEST_END

/* leaf helpers: return with ra in s6, s2 = 0x5a */
.Lsub_ret_s2:
	move	$s6, $ra
	jr	$ra
	li	$s2, 0x5a
.Lsub_ret:
	jr	$ra
	nop

	.data
	.align	2
.Lword:	.word	0xcafef00d
