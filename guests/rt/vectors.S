/*
 * Exception vectors of the bare-metal runtime (MIPS32 PRA: vector offsets with Status.BEV=0,
 * spec mips-vz-m5150.md §3.8). This page is what the start code writes into EBase
 * (RT_FLASH_BASE): TLB refill +0x000, cache error +0x100, general +0x180, interrupt +0x200.
 * Each vector saves the whole register state into an rt_frame on the exception stack, calls
 * rt_exception (C), writes the frame back and returns with ERET. EIC vectors at other offsets
 * (EBase + OFFn) belong to the programs that enable them.
 */
	.set	noreorder
	.set	noat

#define FRAME_BYTES	(16 + 160)	/* o32 argument area + struct rt_frame */
#define F(n)		(16 + 4 * (n))	/* byte offset of frame word n from the new sp */
#define F_HI		F(32)
#define F_LO		F(33)
#define F_STATUS	F(34)
#define F_CAUSE		F(35)
#define F_EPC		F(36)
#define F_BADVADDR	F(37)
#define F_BADINSTR	F(38)
#define F_VECTOR	F(39)
#define EXC_STACK_TOP	0x80080000
#define EXC_STACK_SIZE	0x4000

	.section .vectors, "ax"
	.globl	_ebase
_ebase:
	/* +0x000 TLB refill (EXL=0) */
	j	rt_entry_000
	nop
	.org	0x100
	j	rt_entry_100
	nop
	.org	0x180
	j	rt_entry_180
	nop
	.org	0x200
	j	rt_entry_200
	nop
	/* Image-header words at EBase+0xF8/0xFC are a PIC32 convention not needed here. */

	.text
/*
 * Frame placement: if sp already points into the exception stack (a nested exception), the
 * new frame goes below it; otherwise it starts at the top. Only k0/k1 may be used before the
 * registers are saved.
 */
.macro	SAVE_AND_CALL vec
	lui	$k1, %hi(EXC_STACK_TOP)
	subu	$k0, $k1, $sp
	sltiu	$k0, $k0, EXC_STACK_SIZE + 1
	beqz	$k0, 1f
	nop
	move	$k1, $sp
1:	addiu	$k1, $k1, -FRAME_BYTES
	sw	$0, F(0)($k1)
	sw	$1, F(1)($k1)
	sw	$2, F(2)($k1)
	sw	$3, F(3)($k1)
	sw	$4, F(4)($k1)
	sw	$5, F(5)($k1)
	sw	$6, F(6)($k1)
	sw	$7, F(7)($k1)
	sw	$8, F(8)($k1)
	sw	$9, F(9)($k1)
	sw	$10, F(10)($k1)
	sw	$11, F(11)($k1)
	sw	$12, F(12)($k1)
	sw	$13, F(13)($k1)
	sw	$14, F(14)($k1)
	sw	$15, F(15)($k1)
	sw	$16, F(16)($k1)
	sw	$17, F(17)($k1)
	sw	$18, F(18)($k1)
	sw	$19, F(19)($k1)
	sw	$20, F(20)($k1)
	sw	$21, F(21)($k1)
	sw	$22, F(22)($k1)
	sw	$23, F(23)($k1)
	sw	$24, F(24)($k1)
	sw	$25, F(25)($k1)
	sw	$28, F(28)($k1)
	sw	$29, F(29)($k1)
	sw	$30, F(30)($k1)
	sw	$31, F(31)($k1)
	move	$sp, $k1
	mfhi	$t0
	sw	$t0, F_HI($sp)
	mflo	$t0
	sw	$t0, F_LO($sp)
	mfc0	$t0, $12		/* Status */
	sw	$t0, F_STATUS($sp)
	mfc0	$t0, $13		/* Cause */
	sw	$t0, F_CAUSE($sp)
	mfc0	$t0, $14		/* EPC */
	sw	$t0, F_EPC($sp)
	mfc0	$t0, $8			/* BadVAddr */
	sw	$t0, F_BADVADDR($sp)
	mfc0	$t0, $8, 1		/* BadInstr */
	sw	$t0, F_BADINSTR($sp)
	li	$t0, \vec
	sw	$t0, F_VECTOR($sp)
	jal	rt_exception
	addiu	$a0, $sp, 16
	b	rt_restore
	nop
.endm

	.globl	rt_entry_000
rt_entry_000:
	SAVE_AND_CALL 0x000
rt_entry_100:
	SAVE_AND_CALL 0x100
rt_entry_180:
	SAVE_AND_CALL 0x180
rt_entry_200:
	SAVE_AND_CALL 0x200

/* Writes the frame at sp back (Status, EPC, HI/LO, GPRs) and returns from the exception. */
rt_restore:
	lw	$t0, F_STATUS($sp)
	mtc0	$t0, $12
	lw	$t0, F_EPC($sp)
	mtc0	$t0, $14
	lw	$t0, F_HI($sp)
	mthi	$t0
	lw	$t0, F_LO($sp)
	mtlo	$t0
	move	$k1, $sp
	lw	$1, F(1)($k1)
	lw	$2, F(2)($k1)
	lw	$3, F(3)($k1)
	lw	$4, F(4)($k1)
	lw	$5, F(5)($k1)
	lw	$6, F(6)($k1)
	lw	$7, F(7)($k1)
	lw	$8, F(8)($k1)
	lw	$9, F(9)($k1)
	lw	$10, F(10)($k1)
	lw	$11, F(11)($k1)
	lw	$12, F(12)($k1)
	lw	$13, F(13)($k1)
	lw	$14, F(14)($k1)
	lw	$15, F(15)($k1)
	lw	$16, F(16)($k1)
	lw	$17, F(17)($k1)
	lw	$18, F(18)($k1)
	lw	$19, F(19)($k1)
	lw	$20, F(20)($k1)
	lw	$21, F(21)($k1)
	lw	$22, F(22)($k1)
	lw	$23, F(23)($k1)
	lw	$24, F(24)($k1)
	lw	$25, F(25)($k1)
	lw	$28, F(28)($k1)
	lw	$29, F(29)($k1)
	lw	$30, F(30)($k1)
	lw	$31, F(31)($k1)
	ehb				/* MTC0 EPC/Status before ERET (PRA hazard table) */
	eret
	nop				/* never executed: ERET has no delay slot */
