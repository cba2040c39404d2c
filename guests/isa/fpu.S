/*
 * isa-fpu: the 64-bit FPU with Status.FR=1 (MIPS32 ISA Vol. II COP1/COP1X pages; FCSR layout
 * from the PRA: RM 1:0, Flags 6:2, Enables 11:7, Cause 17:12, FCC0 23, FCC1-7 31:25; IEEE 754
 * default results). Operands are chosen so that results do not depend on NaN encoding (legacy
 * vs 2008), on denormal handling, or on whether MADD-family instructions round the product
 * (all products below are exact). Bare metal enables CU1|FR itself and adds the FPE and CpU
 * exceptions; under Linux (qemu-mipsel) the kernel sets FR=1 for this fp64 program.
 */
#include "isa.h"
	.set	noreorder
	.set	noat
	.set	hardfloat

#define FCSR_CAUSE_FLAGS 0x0003f07c
#define FCSR_NOT_2008 0xfff3ffff	/* NAN2008/ABS2008 (19:18) are fixed per implementation */

/* load single / double constants through GPRs */
.macro	LS freg, bits
	li	$t0, \bits
	mtc1	$t0, \freg
.endm
.macro	LD freg, hi, lo
	li	$t0, \lo
	mtc1	$t0, \freg
	li	$t0, \hi
	mthc1	$t0, \freg
.endm
.macro	CHECKS name, freg, want
	mfc1	$s0, \freg
	CHECK	\name, $s0, \want
.endm
.macro	CHECKD name, freg, wanthi, wantlo
	mfhc1	$s0, \freg
	mfc1	$s1, \freg
	CHECK64	\name, $s0, $s1, \wanthi, \wantlo
.endm
/* FCSR cause+flags after the instructions since the last clear */
.macro	CHECK_FCSR name, want
	cfc1	$s0, $31
	li	$t0, FCSR_CAUSE_FLAGS
	and	$s0, $s0, $t0
	CHECK	\name, $s0, \want
.endm
.macro	SET_FCSR value
	li	$t0, \value
	ctc1	$t0, $31
.endm

	TEST_BEGIN fpu

#ifdef TV_BARE
	mfc0	$t0, $12
	li	$t1, 0x24000000		/* CU1 | FR */
	or	$t0, $t0, $t1
	mtc0	$t0, $12
	ehb
#endif
	SET_FCSR 0

	/* ---- single precision arithmetic ---- */
	LS	$f2, 0x3fc00000		/* 1.5 */
	LS	$f4, 0x40100000		/* 2.25 */
	add.s	$f6, $f2, $f4
	CHECKS	add.s, $f6, 0x40700000
	sub.s	$f6, $f2, $f4
	CHECKS	sub.s, $f6, 0xbf400000
	mul.s	$f6, $f2, $f4
	CHECKS	mul.s, $f6, 0x40580000
	LS	$f8, 0x40700000		/* 3.75 */
	div.s	$f6, $f8, $f2
	CHECKS	div.s, $f6, 0x40200000
	LS	$f8, 0x40000000		/* 2.0 */
	sqrt.s	$f6, $f8
	CHECKS	sqrt.s, $f6, 0x3fb504f3
	LS	$f8, 0xc0100000		/* -2.25 */
	abs.s	$f6, $f8
	CHECKS	abs.s, $f6, 0x40100000
	neg.s	$f6, $f2
	CHECKS	neg.s, $f6, 0xbfc00000
	mov.s	$f6, $f4
	CHECKS	mov.s, $f6, 0x40100000
	LS	$f8, 0x3f800000
	LS	$f10, 0x40400000
	div.s	$f6, $f8, $f10
	CHECKS	div.s.one-third, $f6, 0x3eaaaaab

	/* ---- double precision ---- */
	LD	$f2, 0x3fb99999, 0x9999999a	/* 0.1 */
	LD	$f4, 0x3fc99999, 0x9999999a	/* 0.2 */
	add.d	$f6, $f2, $f4
	CHECKD	add.d, $f6, 0x3fd33333, 0x33333334
	LD	$f8, 0x3ff00000, 0		/* 1.0 */
	sub.d	$f6, $f8, $f2
	CHECKD	sub.d, $f6, 0x3feccccc, 0xcccccccd
	LD	$f10, 0x40080000, 0		/* 3.0 */
	mul.d	$f6, $f2, $f10
	CHECKD	mul.d, $f6, 0x3fd33333, 0x33333334
	div.d	$f6, $f8, $f10
	CHECKD	div.d, $f6, 0x3fd55555, 0x55555555
	LD	$f12, 0x40000000, 0		/* 2.0 */
	sqrt.d	$f6, $f12
	CHECKD	sqrt.d, $f6, 0x3ff6a09e, 0x667f3bcd
	LD	$f12, 0xbfb99999, 0x9999999a	/* -0.1 */
	abs.d	$f6, $f12
	CHECKD	abs.d, $f6, 0x3fb99999, 0x9999999a
	neg.d	$f6, $f2
	CHECKD	neg.d, $f6, 0xbfb99999, 0x9999999a
	mov.d	$f6, $f4
	CHECKD	mov.d, $f6, 0x3fc99999, 0x9999999a
	/* FR=1: odd registers are separate 64-bit registers */
	LD	$f1, 0x11111111, 0x22222222
	LD	$f0, 0x33333333, 0x44444444
	CHECKD	fr1.odd-register, $f1, 0x11111111, 0x22222222
	CHECKD	fr1.even-register, $f0, 0x33333333, 0x44444444
	add.d	$f3, $f8, $f8
	CHECKD	fr1.odd-arith, $f3, 0x40000000, 0

	/* ---- multiply-add family (exact products): fd = fs*ft +/- fr ---- */
	LD	$f2, 0x3ff80000, 0		/* 1.5 */
	LD	$f4, 0x40000000, 0		/* 2.0 */
	LD	$f8, 0x3fd00000, 0		/* 0.25 */
	madd.d	$f6, $f8, $f2, $f4
	CHECKD	madd.d, $f6, 0x400a0000, 0
	msub.d	$f6, $f8, $f2, $f4
	CHECKD	msub.d, $f6, 0x40060000, 0
	nmadd.d	$f6, $f8, $f2, $f4
	CHECKD	nmadd.d, $f6, 0xc00a0000, 0
	nmsub.d	$f6, $f8, $f2, $f4
	CHECKD	nmsub.d, $f6, 0xc0060000, 0
	LS	$f2, 0x3fc00000		/* 1.5 */
	LS	$f4, 0x40000000		/* 2.0 */
	LS	$f8, 0x3e800000		/* 0.25 */
	madd.s	$f6, $f8, $f2, $f4
	CHECKS	madd.s, $f6, 0x40500000
	msub.s	$f6, $f8, $f2, $f4
	CHECKS	msub.s, $f6, 0x40300000
	nmadd.s	$f6, $f8, $f2, $f4
	CHECKS	nmadd.s, $f6, 0xc0500000
	nmsub.s	$f6, $f8, $f2, $f4
	CHECKS	nmsub.s, $f6, 0xc0300000

	/* ---- conversions (RM = round to nearest even) ---- */
	LS	$f2, 0x3fc00000
	cvt.d.s	$f6, $f2
	CHECKD	cvt.d.s, $f6, 0x3ff80000, 0
	LD	$f2, 0x3fb99999, 0x9999999a
	cvt.s.d	$f6, $f2
	CHECKS	cvt.s.d.rounds, $f6, 0x3dcccccd
	LS	$f2, 0x40200000		/* 2.5f */
	cvt.w.s	$f6, $f2
	CHECKS	cvt.w.s.half-even, $f6, 2
	LD	$f2, 0xc00c0000, 0	/* -3.5 */
	cvt.w.d	$f6, $f2
	CHECKS	cvt.w.d.half-even, $f6, 0xfffffffc
	LS	$f2, 0x402ccccd		/* 2.7f */
	trunc.w.s $f6, $f2
	CHECKS	trunc.w.s, $f6, 2
	LD	$f2, 0xc0059999, 0x9999999a	/* -2.7 */
	trunc.w.d $f6, $f2
	CHECKS	trunc.w.d, $f6, 0xfffffffe
	LD	$f2, 0x40040000, 0	/* 2.5 */
	round.w.d $f6, $f2
	CHECKS	round.w.d.half-even-down, $f6, 2
	LD	$f2, 0x400c0000, 0	/* 3.5 */
	round.w.d $f6, $f2
	CHECKS	round.w.d.half-even-up, $f6, 4
	LD	$f2, 0x4000cccc, 0xcccccccd	/* 2.1 */
	ceil.w.d $f6, $f2
	CHECKS	ceil.w.d, $f6, 3
	LD	$f2, 0xc000cccc, 0xcccccccd	/* -2.1 */
	floor.w.d $f6, $f2
	CHECKS	floor.w.d, $f6, 0xfffffffd
	ceil.w.d $f6, $f2
	CHECKS	ceil.w.d.negative, $f6, 0xfffffffe
	LS	$f2, 0xfffffffb		/* integer -5 */
	cvt.s.w	$f6, $f2
	CHECKS	cvt.s.w, $f6, 0xc0a00000
	LS	$f2, 0x7fffffff
	cvt.d.w	$f6, $f2
	CHECKD	cvt.d.w.max, $f6, 0x41dfffff, 0xffc00000
	LD	$f2, 0x42700000, 0	/* 2^40 */
	cvt.l.d	$f6, $f2
	CHECKD	cvt.l.d, $f6, 0x00000100, 0
	LD	$f2, 0x00000001, 0	/* integer 2^32 */
	cvt.d.l	$f6, $f2
	CHECKD	cvt.d.l, $f6, 0x41f00000, 0
	LD	$f2, 0xbff80000, 0	/* -1.5 */
	trunc.l.d $f6, $f2
	CHECKD	trunc.l.d, $f6, 0xffffffff, 0xffffffff
	LD	$f2, 0xffffffff, 0xfffffffd	/* integer -3 */
	cvt.s.l	$f6, $f2
	CHECKS	cvt.s.l, $f6, 0xc0400000

	/* ---- rounding modes (FCSR.RM): cvt.w.d of +/-2.5 and 1 + 2^-24 in single ---- */
	LD	$f2, 0x40040000, 0	/* 2.5 */
	LD	$f4, 0xc0040000, 0	/* -2.5 */
	LS	$f8, 0x3f800000		/* 1.0 */
	LS	$f10, 0x33800000	/* 2^-24: exactly half an ulp of 1.0 */
	LS	$f12, 0xbf800000	/* -1.0 */
	SET_FCSR 1			/* RZ */
	cvt.w.d	$f6, $f2
	CHECKS	rm.rz.pos, $f6, 2
	cvt.w.d	$f6, $f4
	CHECKS	rm.rz.neg, $f6, 0xfffffffe
	add.s	$f6, $f8, $f10
	CHECKS	rm.rz.add, $f6, 0x3f800000
	SET_FCSR 2			/* RP */
	cvt.w.d	$f6, $f2
	CHECKS	rm.rp.pos, $f6, 3
	cvt.w.d	$f6, $f4
	CHECKS	rm.rp.neg, $f6, 0xfffffffe
	add.s	$f6, $f8, $f10
	CHECKS	rm.rp.add, $f6, 0x3f800001
	SET_FCSR 3			/* RM */
	cvt.w.d	$f6, $f2
	CHECKS	rm.rm.pos, $f6, 2
	cvt.w.d	$f6, $f4
	CHECKS	rm.rm.neg, $f6, 0xfffffffd
	sub.s	$f6, $f12, $f10
	CHECKS	rm.rm.sub, $f6, 0xbf800001
	SET_FCSR 0			/* RN */
	add.s	$f6, $f8, $f10
	CHECKS	rm.rn.add-ties-even, $f6, 0x3f800000
	cvt.w.d	$f6, $f2
	CHECKS	rm.rn.pos, $f6, 2
	cfc1	$s0, $31
	li	$t0, FCSR_NOT_2008
	and	$s0, $s0, $t0
	CHECK	rm.fcsr-readback, $s0, 0x00001004	/* RM=0, inexact cause+flag from the add */
	SET_FCSR 0

	/* ---- compares and FP branches ---- */
	LD	$f2, 0x3ff00000, 0	/* 1.0 */
	LD	$f4, 0x40000000, 0	/* 2.0 */
	li	$s2, 0
	c.eq.d	$f2, $f2
	bc1t	1f
	li	$s2, 1			/* delay slot always executes */
	li	$s2, 2
1:	CHECK	bc1t.taken, $s2, 1
	li	$s2, 0
	c.lt.d	$f4, $f2
	bc1t	1f
	nop
	li	$s2, 2
1:	CHECK	bc1t.not-taken, $s2, 2
	li	$s2, 0
	c.lt.d	$f4, $f2
	bc1f	1f
	nop
	li	$s2, 2
1:	CHECK	bc1f.taken, $s2, 0
	li	$s2, 0
	c.le.d	$f2, $f4
	bc1fl	1f
	li	$s2, 5			/* annulled: not taken */
1:	CHECK	bc1fl.not-taken-annuls, $s2, 0
	li	$s2, 0
	c.le.d	$f2, $f4
	bc1tl	1f
	li	$s2, 5			/* executed: taken */
	li	$s2, 9
1:	CHECK	bc1tl.taken-executes-slot, $s2, 5
	li	$s2, 0
	c.eq.d	$f2, $f4
	bc1tl	1f
	li	$s2, 5			/* annulled */
1:	CHECK	bc1tl.not-taken-annuls, $s2, 0
	li	$s2, 0
	c.eq.d	$f2, $f4
	bc1fl	1f
	li	$s2, 6
	li	$s2, 9
1:	CHECK	bc1fl.taken-executes-slot, $s2, 6
	/* condition codes other than 0, seen in FCSR (FCC0 bit 23, FCCn bit 24+n) */
	SET_FCSR 0
	LS	$f8, 0x3f800000
	LS	$f10, 0x40000000
	c.lt.s	$fcc3, $f8, $f10
	c.eq.s	$fcc0, $f8, $f10
	cfc1	$s0, $31
	li	$t0, FCSR_NOT_2008
	and	$s0, $s0, $t0
	CHECK	c.cc3-in-fcsr, $s0, 0x08000000
	li	$s2, 0
	bc1t	$fcc3, 1f
	nop
	li	$s2, 2
1:	CHECK	bc1t.cc3, $s2, 0
	li	$s2, 0
	bc1t	$fcc0, 1f
	nop
	li	$s2, 2
1:	CHECK	bc1t.cc0-false, $s2, 2
	/* predicates with a NaN operand (0/0 gives a NaN whatever its encoding) */
	LS	$f12, 0
	div.s	$f12, $f12, $f12
	SET_FCSR 0
	c.un.s	$fcc1, $f12, $f8
	c.eq.s	$fcc2, $f12, $f12
	c.ueq.s	$fcc4, $f12, $f8
	c.ult.s	$fcc5, $f8, $f10
	c.olt.s	$fcc6, $f10, $f8
	c.f.s	$fcc7, $f8, $f8
	cfc1	$s0, $31
	srl	$s0, $s0, 25
	CHECK	c.predicates, $s0, 0x19		/* bit n-1 = FCCn: un=1, eq(NaN)=0, cc3=0, ueq=1, ult=1, olt=0, f=0 */
	SET_FCSR 0

	/* ---- conditional moves ---- */
	c.eq.s	$f8, $f8		/* FCC0 = 1 */
	li	$t1, 0x1111
	li	$s3, 0x2222
	movt	$s3, $t1, $fcc0
	CHECK	movt.gpr-taken, $s3, 0x1111
	li	$s3, 0x2222
	movf	$s3, $t1, $fcc0
	CHECK	movf.gpr-not-taken, $s3, 0x2222
	LD	$f2, 0x40080000, 0
	LD	$f6, 0x3ff00000, 0
	movt.d	$f6, $f2, $fcc0
	CHECKD	movt.d.taken, $f6, 0x40080000, 0
	LD	$f6, 0x3ff00000, 0
	movf.d	$f6, $f2, $fcc0
	CHECKD	movf.d.not-taken, $f6, 0x3ff00000, 0
	LS	$f6, 0x12345678
	movf.s	$f6, $f8, $fcc3		/* FCC3 = 0 (FCSR cleared above) */
	CHECKS	movf.s.taken, $f6, 0x3f800000
	LS	$f6, 0x12345678
	movz.s	$f6, $f8, $0
	CHECKS	movz.s.taken, $f6, 0x3f800000
	LS	$f6, 0x12345678
	li	$t1, 1
	movz.s	$f6, $f8, $t1
	CHECKS	movz.s.not-taken, $f6, 0x12345678
	LD	$f6, 0x3ff00000, 0
	movn.d	$f6, $f2, $t1
	CHECKD	movn.d.taken, $f6, 0x40080000, 0
	LD	$f6, 0x3ff00000, 0
	movn.d	$f6, $f2, $0
	CHECKD	movn.d.not-taken, $f6, 0x3ff00000, 0

	/* ---- moves between GPRs and FPRs ---- */
	li	$t1, 0xdeadbeef
	li	$t2, 0x01234567
	mtc1	$t1, $f14
	mthc1	$t2, $f14
	mfc1	$s0, $f14
	mfhc1	$s1, $f14
	CHECK	mtc1-mfc1, $s0, 0xdeadbeef
	CHECK	mthc1-mfhc1, $s1, 0x01234567
	mthc1	$t1, $f14		/* MTHC1 leaves the low word alone */
	mfc1	$s0, $f14
	CHECK	mthc1.keeps-low, $s0, 0xdeadbeef

	/* ---- FP loads and stores, base+offset and indexed ---- */
	la	$s4, .Lfdata
	lwc1	$f2, 0($s4)
	CHECKS	lwc1, $f2, 0x3fc00000
	ldc1	$f4, 8($s4)
	CHECKD	ldc1, $f4, 0x400921fb, 0x54442d18
	li	$s5, 8
	lwxc1	$f2, $s5($s4)
	CHECKS	lwxc1, $f2, 0x54442d18
	ldxc1	$f4, $s5($s4)
	CHECKD	ldxc1, $f4, 0x400921fb, 0x54442d18
	la	$s6, .Lfbuf
	LS	$f2, 0xa5a5a5a5
	swc1	$f2, 4($s6)
	lw	$s0, 4($s6)
	CHECK	swc1, $s0, 0xa5a5a5a5
	LD	$f4, 0x01020304, 0x05060708
	sdc1	$f4, 8($s6)
	lw	$s0, 8($s6)
	lw	$s1, 12($s6)
	CHECK64	sdc1, $s1, $s0, 0x01020304, 0x05060708
	li	$s5, 16
	LS	$f2, 0x5a5a5a5a
	swxc1	$f2, $s5($s6)
	lw	$s0, 16($s6)
	CHECK	swxc1, $s0, 0x5a5a5a5a
	li	$s5, 24
	LD	$f4, 0x11223344, 0x55667788
	sdxc1	$f4, $s5($s6)
	lw	$s0, 24($s6)
	lw	$s1, 28($s6)
	CHECK64	sdxc1, $s1, $s0, 0x11223344, 0x55667788

	/* ---- FCSR cause and flag bits (no enables) ---- */
	SET_FCSR 0
	LS	$f2, 0x3f800000
	LS	$f4, 0
	div.s	$f6, $f2, $f4
	CHECKS	div-by-zero.result, $f6, 0x7f800000
	CHECK_FCSR div-by-zero.fcsr, 0x00008020	/* Cause.Z | Flag.Z */
	SET_FCSR 0
	LS	$f4, 0x40400000
	div.s	$f6, $f2, $f4
	CHECK_FCSR inexact.fcsr, 0x00001004		/* Cause.I | Flag.I */
	add.s	$f6, $f2, $f2			/* exact: cause cleared, flags sticky */
	CHECK_FCSR exact.clears-cause, 0x00000004
	SET_FCSR 0
	LS	$f4, 0xbf800000
	sqrt.s	$f6, $f4
	CHECK_FCSR invalid.sqrt-negative, 0x00010040	/* Cause.V | Flag.V */
	c.un.s	$f6, $f6
	li	$s2, 0
	bc1t	1f
	nop
	li	$s2, 2
1:	CHECK	invalid.result-is-nan, $s2, 0
	SET_FCSR 0
	LS	$f4, 0x7e967699			/* 1e38 */
	mul.s	$f6, $f4, $f4
	CHECKS	overflow.result, $f6, 0x7f800000
	CHECK_FCSR overflow.fcsr, 0x00005014		/* Cause.O|I, Flag.O|I */
	/*
	 * Underflow with a zero result: IEEE default (tiny and inexact raise U and I). An FPU that
	 * traps tiny results as Unimplemented Operation (FCSR.FS=0) would differ: this expects the
	 * IEEE behaviour, as the emulator implements it.
	 */
	SET_FCSR 0
	LS	$f4, 0x0da24260			/* 1e-30 */
	mul.s	$f6, $f4, $f4
	CHECKS	underflow.result, $f6, 0
	CHECK_FCSR underflow.fcsr, 0x0000300c
	SET_FCSR 0
	LD	$f2, 0x4202a05f, 0x20000000	/* 1e10 */
	cvt.w.d	$f6, $f2
	CHECKS	cvt.w.d.invalid-result, $f6, 0x7fffffff
	CHECK_FCSR cvt.w.d.invalid-fcsr, 0x00010040
	SET_FCSR 0

#ifdef TV_BARE
	/* ---- enabled exception: Z enabled, DIV by zero -> FPE, no result, Cause.Z, no flag ---- */
	SET_FCSR 0x00000400			/* Enables.Z */
	LS	$f2, 0x3f800000
	LS	$f4, 0
	LS	$f6, 0x12345678
	EXPECT	1f
.Lfpe:
	div.s	$f6, $f2, $f4
1:	cfc1	$s2, $31
	SET_FCSR 0				/* clear Cause before anything else touches the FPU */
	CHECK_EXC fpe.exccode, EXC_FPE
	CHECKS	fpe.dest-unchanged, $f6, 0x12345678
	li	$t0, FCSR_CAUSE_FLAGS
	and	$s2, $s2, $t0
	CHECK	fpe.fcsr-cause, $s2, 0x00008000
	la	$t0, t_exc_epc
	lw	$t0, 0($t0)
	CHECKA	fpe.epc, $t0, .Lfpe

	/* ---- CU1 = 0: coprocessor unusable, Cause.CE = 1 ---- */
	mfc0	$s3, $12
	li	$t0, ~0x20000000
	and	$t0, $s3, $t0
	mtc0	$t0, $12
	ehb
	EXPECT	1f
.Lcpu:
	add.s	$f6, $f2, $f2
1:	mtc0	$s3, $12			/* CU1 back on */
	ehb
	CHECK_EXC cu1-off.exccode, EXC_CPU
	la	$t0, t_exc_cause
	lw	$t0, 0($t0)
	ext	$t0, $t0, 28, 2
	CHECK	cu1-off.cause-ce, $t0, 1
	la	$t0, t_exc_epc
	lw	$t0, 0($t0)
	CHECKA	cu1-off.epc, $t0, .Lcpu
	mfc0	$t0, $12
	li	$t1, ~0x20000000
	and	$t0, $t0, $t1
	mtc0	$t0, $12
	ehb
	EXPECT	1f
	mfc1	$s0, $f2			/* moves need CU1 too */
1:	mtc0	$s3, $12
	ehb
	CHECK_EXC cu1-off.mfc1, EXC_CPU
#endif

	TEST_END

	.data
	.align	3
.Lfdata:
	.word	0x3fc00000, 0
	.word	0x54442d18, 0x400921fb		/* pi, little-endian double */
	.bss
	.align	3
.Lfbuf:	.space	32
