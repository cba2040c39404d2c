/*
 * isa-integer: MIPS32 Release 2 integer ALU instructions (MIPS32 ISA Vol. II instruction
 * pages: ADD..XORI, shifts and rotates, EXT/INS, WSBH/SEB/SEH, MOVN/MOVZ, CLO/CLZ).
 * Overflow traps (Ov, ExcCode 12) run on bare metal only: the destination must be unchanged.
 */
#include "isa.h"
	.set	noreorder
	.set	noat

	TEST_BEGIN integer

	/* ---- add / addu / addi / addiu ---- */
	li	$t0, 5
	li	$t1, 7
	add	$t2, $t0, $t1
	CHECK	add.basic, $t2, 12
	li	$t0, -3
	li	$t1, 1
	add	$t2, $t0, $t1
	CHECK	add.negative, $t2, 0xfffffffe
	li	$t0, 0x7fffffff
	li	$t1, 0x80000000
	add	$t2, $t0, $t1		/* mixed signs never overflow */
	CHECK	add.mixed-signs, $t2, 0xffffffff
	li	$t0, 0x7fffffff
	li	$t1, 1
	addu	$t2, $t0, $t1
	CHECK	addu.wrap-positive, $t2, 0x80000000
	li	$t0, 0xffffffff
	addu	$t2, $t0, $t1
	CHECK	addu.wrap-zero, $t2, 0
	li	$t0, 0x12345678
	addi	$t2, $t0, -0x5678
	CHECK	addi.negative-imm, $t2, 0x12340000
	li	$t0, 0
	addi	$t2, $t0, -1
	CHECK	addi.sign-extend, $t2, 0xffffffff
	li	$t0, 0xffffffff
	addiu	$t2, $t0, 1
	CHECK	addiu.wrap, $t2, 0
	li	$t0, 0x80000000
	addiu	$t2, $t0, -0x8000	/* no trap on ADDIU */
	CHECK	addiu.no-overflow-trap, $t2, 0x7fff8000
	li	$t0, 0x7fff0000
	addiu	$t2, $t0, 0x7fff
	CHECK	addiu.max-imm, $t2, 0x7fff7fff

#ifdef TV_BARE
	EXPECT	1f
	li	$s0, 0xdeadbeef
	li	$t0, 0x7fffffff
	li	$t1, 1
.Ladd_ov:
	add	$s0, $t0, $t1
1:	CHECK	add.overflow-dest-unchanged, $s0, 0xdeadbeef
	CHECK_EXC add.overflow-exccode, EXC_OV
	la	$t0, t_exc_epc
	lw	$t0, 0($t0)
	CHECKA	add.overflow-epc, $t0, .Ladd_ov

	EXPECT	1f
	li	$s0, 0x11111111
	li	$t0, 0x80000000
	li	$t1, 0xffffffff
	add	$s0, $t0, $t1
1:	CHECK	add.overflow-negative, $s0, 0x11111111
	CHECK_EXC add.overflow-negative-exccode, EXC_OV

	EXPECT	1f
	li	$s0, 0x22222222
	li	$t0, 0x7fffffff
	addi	$s0, $t0, 1
1:	CHECK	addi.overflow-dest-unchanged, $s0, 0x22222222
	CHECK_EXC addi.overflow-exccode, EXC_OV

	EXPECT	1f
	li	$s0, 0x33333333
	li	$t0, 0x80000000
	addi	$s0, $t0, -1
1:	CHECK	addi.overflow-negative, $s0, 0x33333333
	CHECK_EXC addi.overflow-negative-exccode, EXC_OV

	EXPECT	1f
	li	$s0, 0x44444444
	li	$t0, 0x80000000
	li	$t1, 1
	sub	$s0, $t0, $t1
1:	CHECK	sub.overflow-dest-unchanged, $s0, 0x44444444
	CHECK_EXC sub.overflow-exccode, EXC_OV

	EXPECT	1f
	li	$s0, 0x55555555
	li	$t0, 0x7fffffff
	li	$t1, 0xffffffff
	sub	$s0, $t0, $t1
1:	CHECK	sub.overflow-positive, $s0, 0x55555555
	CHECK_EXC sub.overflow-positive-exccode, EXC_OV
#endif

	/* ---- sub / subu ---- */
	li	$t0, 5
	li	$t1, 7
	sub	$t2, $t0, $t1
	CHECK	sub.basic, $t2, 0xfffffffe
	li	$t0, 0x80000000
	li	$t1, 0x80000000
	sub	$t2, $t0, $t1
	CHECK	sub.equal-min, $t2, 0
	li	$t0, 0
	li	$t1, 1
	subu	$t2, $t0, $t1
	CHECK	subu.wrap, $t2, 0xffffffff
	li	$t0, 0x80000000
	subu	$t2, $t0, $t1
	CHECK	subu.no-overflow-trap, $t2, 0x7fffffff

	/* ---- logical ---- */
	li	$t0, 0xf0f0f0f0
	li	$t1, 0xff00ff00
	and	$t2, $t0, $t1
	CHECK	and.basic, $t2, 0xf000f000
	or	$t2, $t0, $t1
	CHECK	or.basic, $t2, 0xfff0fff0
	xor	$t2, $t0, $t1
	CHECK	xor.basic, $t2, 0x0ff00ff0
	nor	$t2, $t0, $t1
	CHECK	nor.basic, $t2, 0x000f000f
	nor	$t2, $0, $0
	CHECK	nor.not-zero, $t2, 0xffffffff
	li	$t0, 0xffffffff
	andi	$t2, $t0, 0x8001	/* immediate is zero-extended */
	CHECK	andi.zero-extend, $t2, 0x8001
	li	$t0, 0x12340000
	ori	$t2, $t0, 0x8000
	CHECK	ori.zero-extend, $t2, 0x12348000
	li	$t0, 0xffffffff
	xori	$t2, $t0, 0xffff
	CHECK	xori.zero-extend, $t2, 0xffff0000
	lui	$t2, 0x8001
	CHECK	lui.basic, $t2, 0x80010000
	lui	$t2, 0
	CHECK	lui.zero, $t2, 0

	/* ---- set on less than ---- */
	li	$t0, -1
	li	$t1, 1
	slt	$t2, $t0, $t1
	CHECK	slt.neg-lt-pos, $t2, 1
	slt	$t2, $t1, $t0
	CHECK	slt.pos-lt-neg, $t2, 0
	slt	$t2, $t1, $t1
	CHECK	slt.equal, $t2, 0
	sltu	$t2, $t0, $t1
	CHECK	sltu.big-lt-one, $t2, 0
	sltu	$t2, $t1, $t0
	CHECK	sltu.one-lt-big, $t2, 1
	li	$t0, -5
	slti	$t2, $t0, -4
	CHECK	slti.negative, $t2, 1
	li	$t0, 0x7fffffff
	slti	$t2, $t0, -1
	CHECK	slti.max-vs-minus-one, $t2, 0
	li	$t0, 0xfffffffe
	sltiu	$t2, $t0, -1		/* -1 sign-extends to 0xffffffff, compared unsigned */
	CHECK	sltiu.sign-extended-imm, $t2, 1
	li	$t0, 5
	sltiu	$t2, $t0, -0x8000	/* 0xffff8000 */
	CHECK	sltiu.small-vs-ffff8000, $t2, 1
	li	$t0, 0x80000000
	sltiu	$t2, $t0, 0x7fff
	CHECK	sltiu.high-vs-positive, $t2, 0

	/* ---- shifts (amount mod 32 for the variable forms) ---- */
	li	$t0, 0x12345678
	sll	$t2, $t0, 4
	CHECK	sll.4, $t2, 0x23456780
	sll	$t2, $t0, 31
	CHECK	sll.31, $t2, 0
	li	$t0, 0x00000001
	sll	$t2, $t0, 31
	CHECK	sll.to-sign, $t2, 0x80000000
	li	$t0, 0x80000000
	srl	$t2, $t0, 31
	CHECK	srl.31, $t2, 1
	li	$t0, 0xf0000000
	srl	$t2, $t0, 4
	CHECK	srl.zero-fill, $t2, 0x0f000000
	sra	$t2, $t0, 4
	CHECK	sra.sign-fill, $t2, 0xff000000
	li	$t0, 0x80000000
	sra	$t2, $t0, 31
	CHECK	sra.31, $t2, 0xffffffff
	li	$t0, 0x70000000
	sra	$t2, $t0, 4
	CHECK	sra.positive, $t2, 0x07000000
	li	$t0, 0x12345678
	sra	$t2, $t0, 0
	CHECK	sra.0, $t2, 0x12345678
	li	$t0, 0x12345678
	li	$t1, 33
	sllv	$t2, $t0, $t1
	CHECK	sllv.mod32, $t2, 0x2468acf0
	li	$t1, 32
	sllv	$t2, $t0, $t1
	CHECK	sllv.32-is-0, $t2, 0x12345678
	li	$t1, 0xffffffe4
	sllv	$t2, $t0, $t1
	CHECK	sllv.low-bits-only, $t2, 0x23456780
	li	$t0, 0x80000000
	li	$t1, 35
	srlv	$t2, $t0, $t1
	CHECK	srlv.mod32, $t2, 0x10000000
	srav	$t2, $t0, $t1
	CHECK	srav.mod32, $t2, 0xf0000000
	li	$t1, 31
	srav	$t2, $t0, $t1
	CHECK	srav.31, $t2, 0xffffffff

	/* ---- rotates ---- */
	li	$t0, 0x12345678
	rotr	$t2, $t0, 4
	CHECK	rotr.4, $t2, 0x81234567
	rotr	$t2, $t0, 0
	CHECK	rotr.0, $t2, 0x12345678
	rotr	$t2, $t0, 31
	CHECK	rotr.31, $t2, 0x2468acf0
	li	$t1, 36
	rotrv	$t2, $t0, $t1
	CHECK	rotrv.mod32, $t2, 0x81234567
	li	$t1, 8
	rotrv	$t2, $t0, $t1
	CHECK	rotrv.8, $t2, 0x78123456

	/* ---- ext / ins (pos, size edges) ---- */
	li	$t0, 0x12345678
	ext	$t2, $t0, 4, 8
	CHECK	ext.mid, $t2, 0x67
	ext	$t2, $t0, 0, 32
	CHECK	ext.full, $t2, 0x12345678
	li	$t0, 0x80000000
	ext	$t2, $t0, 31, 1
	CHECK	ext.top-bit, $t2, 1
	li	$t0, 0x12345678
	ext	$t2, $t0, 16, 16
	CHECK	ext.high-half, $t2, 0x1234
	ext	$t2, $t0, 0, 1
	CHECK	ext.bit0, $t2, 0
	li	$t0, 0xffffffff
	ext	$t2, $t0, 1, 31
	CHECK	ext.pos1-size31, $t2, 0x7fffffff
	li	$t2, 0xffffffff
	ins	$t2, $0, 4, 8
	CHECK	ins.mid, $t2, 0xfffff00f
	li	$t2, 0
	li	$t0, 0xffffffff
	ins	$t2, $t0, 31, 1
	CHECK	ins.top-bit, $t2, 0x80000000
	li	$t2, 0x0f0f0f0f
	li	$t0, 0x12345678
	ins	$t2, $t0, 0, 32
	CHECK	ins.full, $t2, 0x12345678
	li	$t2, 0xaaaaaaaa
	li	$t0, 0x00000005
	ins	$t2, $t0, 0, 3
	CHECK	ins.low, $t2, 0xaaaaaaad
	li	$t2, 0x00000000
	li	$t0, 0x00abcdef
	ins	$t2, $t0, 8, 24
	CHECK	ins.pos8-size24, $t2, 0xabcdef00

	/* ---- byte / halfword manipulation ---- */
	li	$t0, 0x11223344
	wsbh	$t2, $t0
	CHECK	wsbh.basic, $t2, 0x22114433
	li	$t0, 0x00000080
	seb	$t2, $t0
	CHECK	seb.negative, $t2, 0xffffff80
	li	$t0, 0x1234567f
	seb	$t2, $t0
	CHECK	seb.positive, $t2, 0x7f
	li	$t0, 0x00008000
	seh	$t2, $t0
	CHECK	seh.negative, $t2, 0xffff8000
	li	$t0, 0xffff7fff
	seh	$t2, $t0
	CHECK	seh.positive, $t2, 0x7fff
	/* wsbh + rotr 16 is the R2 byte swap idiom */
	li	$t0, 0x11223344
	wsbh	$t2, $t0
	rotr	$t2, $t2, 16
	CHECK	wsbh.bswap-idiom, $t2, 0x44332211

	/* ---- conditional moves ---- */
	li	$t0, 0x1234
	li	$t1, 1
	li	$t2, 0x5678
	movn	$t2, $t0, $t1
	CHECK	movn.taken, $t2, 0x1234
	li	$t2, 0x5678
	movn	$t2, $t0, $0
	CHECK	movn.not-taken, $t2, 0x5678
	li	$t2, 0x5678
	movz	$t2, $t0, $0
	CHECK	movz.taken, $t2, 0x1234
	li	$t2, 0x5678
	movz	$t2, $t0, $t1
	CHECK	movz.not-taken, $t2, 0x5678

	/* ---- count leading ones / zeros ---- */
	li	$t0, 0
	clo	$t2, $t0
	CHECK	clo.zero, $t2, 0
	li	$t0, 0xffffffff
	clo	$t2, $t0
	CHECK	clo.all-ones, $t2, 32
	li	$t0, 0xf0000000
	clo	$t2, $t0
	CHECK	clo.four, $t2, 4
	li	$t0, 0
	clz	$t2, $t0
	CHECK	clz.zero, $t2, 32
	li	$t0, 0xffffffff
	clz	$t2, $t0
	CHECK	clz.all-ones, $t2, 0
	li	$t0, 1
	clz	$t2, $t0
	CHECK	clz.one, $t2, 31
	li	$t0, 0x00010000
	clz	$t2, $t0
	CHECK	clz.bit16, $t2, 15

	/* ---- $zero is hard-wired ---- */
	addiu	$0, $0, 5
	move	$t2, $0
	CHECK	zero.addiu, $t2, 0
	lui	$0, 0x1234
	or	$t2, $0, $0
	CHECK	zero.lui, $t2, 0
	li	$t0, 7
	addu	$0, $t0, $t0
	addu	$t2, $0, $0
	CHECK	zero.addu, $t2, 0

	/* ---- no-ops that must not disturb state ---- */
	li	$t2, 0x600d
	nop
	ssnop
	ehb
	CHECK	nop.ssnop-ehb, $t2, 0x600d

	TEST_END
