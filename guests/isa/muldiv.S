/*
 * isa-muldiv: the multiply/divide unit (MIPS32 ISA Vol. II: MULT, MULTU, DIV, DIVU, MFHI,
 * MFLO, MTHI, MTLO, MUL, MADD, MADDU, MSUB, MSUBU). HI/LO are read right after each operation
 * because a CHECK (a C call) may use them. DIV rounds toward zero, the remainder takes the
 * dividend's sign; INT_MIN / -1 gives the 32-bit wrapped quotient 0x80000000, remainder 0 (the
 * ISA pseudocode, no exception). Division by zero must not trap; its result is UNPREDICTABLE
 * and not checked. `div $0, rs, rt` is the raw instruction (gas adds no zero check for it).
 */
#include "isa.h"
	.set	noreorder
	.set	noat

/* MD name, op, a, b, wanthi, wantlo */
.macro	MD name, op, a, b, wanthi, wantlo
	li	$t0, \a
	li	$t1, \b
	\op	$t0, $t1
	mfhi	$s0
	mflo	$s1
	CHECK	\name\().hi, $s0, \wanthi
	CHECK	\name\().lo, $s1, \wantlo
.endm

/* DV name, op, a, b, wantquotient, wantremainder */
.macro	DV name, op, a, b, wantq, wantr
	li	$t0, \a
	li	$t1, \b
	\op	$0, $t0, $t1
	mflo	$s0
	mfhi	$s1
	CHECK	\name\().quotient, $s0, \wantq
	CHECK	\name\().remainder, $s1, \wantr
.endm

/* ACC name, op, hi0, lo0, a, b, wanthi, wantlo: HI:LO = hi0:lo0 op a*b */
.macro	ACC name, op, hi0, lo0, a, b, wanthi, wantlo
	li	$t0, \hi0
	mthi	$t0
	li	$t0, \lo0
	mtlo	$t0
	li	$t0, \a
	li	$t1, \b
	\op	$t0, $t1
	mfhi	$s0
	mflo	$s1
	CHECK	\name\().hi, $s0, \wanthi
	CHECK	\name\().lo, $s1, \wantlo
.endm

	TEST_BEGIN muldiv

	MD	mult.small, mult, 6, 7, 0, 42
	MD	mult.negative, mult, -1, 1, 0xffffffff, 0xffffffff
	MD	mult.neg-neg, mult, -3, -5, 0, 15
	MD	mult.max, mult, 0x7fffffff, 0x7fffffff, 0x3fffffff, 0x00000001
	MD	mult.min-min, mult, 0x80000000, 0x80000000, 0x40000000, 0
	MD	mult.min-max, mult, 0x80000000, 0x7fffffff, 0xc0000000, 0x80000000
	MD	multu.max, multu, 0xffffffff, 0xffffffff, 0xfffffffe, 0x00000001
	MD	multu.vs-mult, multu, 0xffffffff, 1, 0, 0xffffffff
	MD	multu.carry, multu, 0x80000000, 2, 1, 0

	DV	div.positive, div, 7, 2, 3, 1
	DV	div.neg-dividend, div, -7, 2, 0xfffffffd, 0xffffffff
	DV	div.neg-divisor, div, 7, -2, 0xfffffffd, 1
	DV	div.neg-neg, div, -7, -2, 3, 0xffffffff
	DV	div.exact, div, -100, 10, 0xfffffff6, 0
	DV	div.min-by-minus-one, div, 0x80000000, -1, 0x80000000, 0
	DV	div.min-by-one, div, 0x80000000, 1, 0x80000000, 0
	DV	div.smaller-dividend, div, 3, 7, 0, 3
	DV	divu.max-by-2, divu, 0xffffffff, 2, 0x7fffffff, 1
	DV	divu.big-divisor, divu, 0x7fffffff, 0x80000000, 0, 0x7fffffff
	DV	divu.high-bit, divu, 0x80000000, 3, 0x2aaaaaaa, 2

	/* division by zero: no exception, execution continues */
	li	$t0, 1234
	li	$s2, 0
	div	$0, $t0, $0
	divu	$0, $t0, $0
	li	$s2, 1
	mflo	$t2			/* value UNPREDICTABLE, only read */
	CHECK	div.by-zero-no-trap, $s2, 1

	/* ---- HI/LO moves ---- */
	li	$t0, 0x13579bdf
	li	$t1, 0x2468ace0
	mthi	$t0
	mtlo	$t1
	mfhi	$s0
	mflo	$s1
	CHECK	mthi-mfhi, $s0, 0x13579bdf
	CHECK	mtlo-mflo, $s1, 0x2468ace0

	/* ---- MUL (low 32 bits to a GPR; HI/LO UNPREDICTABLE afterwards, not checked) ---- */
	li	$t0, 0x12345678
	li	$t1, 0x10
	mul	$t2, $t0, $t1
	CHECK	mul.low-bits, $t2, 0x23456780
	li	$t0, -3
	li	$t1, 5
	mul	$t2, $t0, $t1
	CHECK	mul.negative, $t2, 0xfffffff1
	li	$t0, 0x10000
	mul	$t2, $t0, $t0
	CHECK	mul.overflow-discarded, $t2, 0

	/* ---- multiply-accumulate (64-bit HI:LO, carries and borrows across the halves) ---- */
	ACC	madd.carry, madd, 0, 0xffffffff, 1, 1, 1, 0
	ACC	madd.negative-product, madd, 0, 0, -1, 1, 0xffffffff, 0xffffffff
	ACC	madd.negative-plus-positive, madd, 0, 10, -2, 3, 0, 4
	ACC	madd.signed-large, madd, 0x00000001, 0x00000000, 0x80000000, 0x7fffffff, 0xc0000001, 0x80000000
	ACC	maddu.max, maddu, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x00000000
	ACC	maddu.wrap-64, maddu, 0xffffffff, 0xffffffff, 1, 1, 0, 0
	ACC	maddu.unsigned-operands, maddu, 0, 0, 0xffffffff, 2, 1, 0xfffffffe
	ACC	msub.borrow, msub, 1, 0, 1, 1, 0, 0xffffffff
	ACC	msub.negative-product, msub, 0, 0, -4, 4, 0, 16
	ACC	msub.below-zero, msub, 0, 5, 2, 3, 0xffffffff, 0xffffffff
	ACC	msubu.large, msubu, 0, 0, 0xffffffff, 2, 0xfffffffe, 0x00000002
	ACC	msubu.borrow, msubu, 2, 0, 1, 1, 1, 0xffffffff

	TEST_END
