/*
 * isa-loadstore: loads and stores on a little-endian core (MIPS32 ISA Vol. II: LB..SW with
 * sign/zero extension, LWL/LWR/SWL/SWR with their little-endian byte selection, LL/SC, SYNC,
 * PREF, CACHE). Bare metal adds the address-error exceptions (AdEL 4 / AdES 5 with BadVAddr,
 * destination and memory unchanged) and LL/SC across ERET and exceptions.
 * .Lpat holds the bytes 81 82 83 84 05 06 07 08 f1 72 f3 74 (little-endian words 0x84838281...).
 */
#include "isa.h"
	.set	noreorder
	.set	noat

	TEST_BEGIN loadstore

	la	$s0, .Lpat
	/* ---- byte loads, all offsets ---- */
	lb	$t2, 0($s0)
	CHECK	lb.0-negative, $t2, 0xffffff81
	lb	$t2, 3($s0)
	CHECK	lb.3-negative, $t2, 0xffffff84
	lb	$t2, 4($s0)
	CHECK	lb.4-positive, $t2, 0x05
	lb	$t2, 9($s0)
	CHECK	lb.9-positive, $t2, 0x72
	lbu	$t2, 1($s0)
	CHECK	lbu.1, $t2, 0x82
	lbu	$t2, 2($s0)
	CHECK	lbu.2, $t2, 0x83
	lbu	$t2, 7($s0)
	CHECK	lbu.7, $t2, 0x08
	addiu	$t1, $s0, 8
	lb	$t2, -5($t1)		/* negative offset */
	CHECK	lb.negative-offset, $t2, 0xffffff84
	/* ---- halfword loads ---- */
	lh	$t2, 0($s0)
	CHECK	lh.0, $t2, 0xffff8281
	lh	$t2, 2($s0)
	CHECK	lh.2, $t2, 0xffff8483
	lh	$t2, 4($s0)
	CHECK	lh.4-positive, $t2, 0x0605
	lh	$t2, 10($s0)
	CHECK	lh.10-positive, $t2, 0x74f3
	lh	$t2, 8($s0)
	CHECK	lh.8-negative-high-byte-pos, $t2, 0x72f1
	lhu	$t2, 0($s0)
	CHECK	lhu.0, $t2, 0x8281
	lhu	$t2, 2($s0)
	CHECK	lhu.2, $t2, 0x8483
	/* ---- word loads ---- */
	lw	$t2, 0($s0)
	CHECK	lw.0, $t2, 0x84838281
	lw	$t2, 4($s0)
	CHECK	lw.4, $t2, 0x08070605
	lw	$t2, 8($s0)
	CHECK	lw.8, $t2, 0x74f372f1
	/* a load result is usable by the very next instruction (no load delay slot) */
	lw	$t2, 4($s0)
	addiu	$t2, $t2, 1
	CHECK	lw.no-load-delay, $t2, 0x08070606
	lw	$0, 0($s0)
	move	$t2, $0
	CHECK	lw.to-zero-ignored, $t2, 0

	/* ---- stores: sb/sh at every offset ---- */
	la	$s1, .Lbuf
	li	$t0, 0x11223344
	sw	$t0, 0($s1)
	li	$t0, 0xaa
	sb	$t0, 0($s1)
	lw	$t2, 0($s1)
	CHECK	sb.0, $t2, 0x112233aa
	li	$t0, 0x1bb		/* only the low byte is stored */
	sb	$t0, 1($s1)
	lw	$t2, 0($s1)
	CHECK	sb.1, $t2, 0x1122bbaa
	li	$t0, 0xcc
	sb	$t0, 2($s1)
	lw	$t2, 0($s1)
	CHECK	sb.2, $t2, 0x11ccbbaa
	li	$t0, 0xdd
	sb	$t0, 3($s1)
	lw	$t2, 0($s1)
	CHECK	sb.3, $t2, 0xddccbbaa
	li	$t0, 0x12345678
	sh	$t0, 0($s1)
	lw	$t2, 0($s1)
	CHECK	sh.0, $t2, 0xddcc5678
	li	$t0, 0xffff9abc
	sh	$t0, 2($s1)
	lw	$t2, 0($s1)
	CHECK	sh.2, $t2, 0x9abc5678
	li	$t0, 0xfeedface
	sw	$t0, 4($s1)
	lw	$t2, 4($s1)
	CHECK	sw.4, $t2, 0xfeedface
	lbu	$t2, 4($s1)
	CHECK	sw.byte-order, $t2, 0xce
	sw	$0, 8($s1)
	lw	$t2, 8($s1)
	CHECK	sw.zero-register, $t2, 0

	/* ---- LWL/LWR, little-endian: LWL fills from the high end, LWR from the low end ---- */
	/* word at .Lpat+4 = 0x08070605 (bytes 05 06 07 08) */
	li	$t2, 0xaabbccdd
	lwl	$t2, 4($s0)
	CHECK	lwl.0, $t2, 0x05bbccdd
	li	$t2, 0xaabbccdd
	lwl	$t2, 5($s0)
	CHECK	lwl.1, $t2, 0x0605ccdd
	li	$t2, 0xaabbccdd
	lwl	$t2, 6($s0)
	CHECK	lwl.2, $t2, 0x070605dd
	li	$t2, 0xaabbccdd
	lwl	$t2, 7($s0)
	CHECK	lwl.3, $t2, 0x08070605
	li	$t2, 0xaabbccdd
	lwr	$t2, 4($s0)
	CHECK	lwr.0, $t2, 0x08070605
	li	$t2, 0xaabbccdd
	lwr	$t2, 5($s0)
	CHECK	lwr.1, $t2, 0xaa080706
	li	$t2, 0xaabbccdd
	lwr	$t2, 6($s0)
	CHECK	lwr.2, $t2, 0xaabb0807
	li	$t2, 0xaabbccdd
	lwr	$t2, 7($s0)
	CHECK	lwr.3, $t2, 0xaabbcc08
	/* the unaligned-word idiom: lwl A+3 / lwr A */
	lwl	$t2, 6($s0)
	lwr	$t2, 3($s0)
	CHECK	lwl-lwr.unaligned-3, $t2, 0x07060584
	lwl	$t2, 5($s0)
	lwr	$t2, 2($s0)
	CHECK	lwl-lwr.unaligned-2, $t2, 0x06058483
	lwr	$t2, 1($s0)
	lwl	$t2, 4($s0)
	CHECK	lwl-lwr.unaligned-1, $t2, 0x05848382

	/* SWL stores the high (k+1) bytes at offsets 0..k, SWR the low (4-k) bytes at k..3 */
	li	$t0, 0x11223344
	li	$t3, 0xa1a2a3a4
	sw	$t3, 0($s1)
	swl	$t0, 0($s1)
	lw	$t2, 0($s1)
	CHECK	swl.0, $t2, 0xa1a2a311
	sw	$t3, 0($s1)
	swl	$t0, 1($s1)
	lw	$t2, 0($s1)
	CHECK	swl.1, $t2, 0xa1a21122
	sw	$t3, 0($s1)
	swl	$t0, 2($s1)
	lw	$t2, 0($s1)
	CHECK	swl.2, $t2, 0xa1112233
	sw	$t3, 0($s1)
	swl	$t0, 3($s1)
	lw	$t2, 0($s1)
	CHECK	swl.3, $t2, 0x11223344
	sw	$t3, 0($s1)
	swr	$t0, 0($s1)
	lw	$t2, 0($s1)
	CHECK	swr.0, $t2, 0x11223344
	sw	$t3, 0($s1)
	swr	$t0, 1($s1)
	lw	$t2, 0($s1)
	CHECK	swr.1, $t2, 0x223344a4
	sw	$t3, 0($s1)
	swr	$t0, 2($s1)
	lw	$t2, 0($s1)
	CHECK	swr.2, $t2, 0x3344a3a4
	sw	$t3, 0($s1)
	swr	$t0, 3($s1)
	lw	$t2, 0($s1)
	CHECK	swr.3, $t2, 0x44a2a3a4
	/* unaligned store idiom: swl A+3 / swr A, A = buf+1 */
	sw	$0, 0($s1)
	sw	$0, 4($s1)
	li	$t0, 0xdeadbeef
	swl	$t0, 4($s1)
	swr	$t0, 1($s1)
	lw	$t2, 0($s1)
	CHECK	swl-swr.unaligned-low, $t2, 0xadbeef00
	lw	$t2, 4($s1)
	CHECK	swl-swr.unaligned-high, $t2, 0x000000de

	/* ---- LL/SC ---- */
	li	$t0, 100
	sw	$t0, 0($s1)
	ll	$t2, 0($s1)
	addiu	$t3, $t2, 5
	sc	$t3, 0($s1)
	CHECK	ll.value, $t2, 100
	CHECK	sc.success-flag, $t3, 1
	lw	$t2, 0($s1)
	CHECK	sc.success-stored, $t2, 105
	/* the usual retry loop */
	li	$s2, 0
1:	ll	$t2, 0($s1)
	addiu	$t2, $t2, 1
	sc	$t2, 0($s1)
	beqz	$t2, 1b
	addiu	$s2, $s2, 1
	lw	$t2, 0($s1)
	CHECK	ll-sc.loop, $t2, 106
	CHECK	ll-sc.loop-once, $s2, 1

#ifdef TV_BARE
	/* ERET between LL and SC clears LLbit: SC fails, writes 0, memory unchanged */
	li	$t0, 200
	sw	$t0, 0($s1)
	ll	$t2, 0($s1)
	mfc0	$t4, $12
	ori	$t5, $t4, 0x2		/* EXL=1 so ERET returns to EPC */
	mtc0	$t5, $12
	la	$t5, 1f
	mtc0	$t5, $14
	ehb
	eret
	nop
1:	li	$t3, 201
	sc	$t3, 0($s1)
	CHECK	sc.fails-after-eret, $t3, 0
	lw	$t2, 0($s1)
	CHECK	sc.fails-after-eret-memory, $t2, 200
	/* an exception (SYSCALL, handled and returned from with ERET) between LL and SC */
	EXPECT	1f
	ll	$t2, 0($s1)
	syscall
1:	li	$t3, 202
	sc	$t3, 0($s1)
	CHECK	sc.fails-after-exception, $t3, 0
	lw	$t2, 0($s1)
	CHECK	sc.fails-after-exception-memory, $t2, 200

	/* ---- address errors ---- */
	li	$s3, 0x5555
	EXPECT	1f
	lh	$s3, 1($s0)
1:	CHECK	lh.misaligned-dest-unchanged, $s3, 0x5555
	CHECK_EXC lh.misaligned-exccode, EXC_ADEL
	la	$t0, t_exc_badvaddr
	lw	$t0, 0($t0)
	CHECKA	lh.misaligned-badvaddr, $t0, .Lpat + 1
	EXPECT	1f
	lhu	$s3, 3($s0)
1:	CHECK_EXC lhu.misaligned-exccode, EXC_ADEL
	EXPECT	1f
	lw	$s3, 2($s0)
1:	CHECK	lw.misaligned-dest-unchanged, $s3, 0x5555
	CHECK_EXC lw.misaligned-exccode, EXC_ADEL
	la	$t0, t_exc_badvaddr
	lw	$t0, 0($t0)
	CHECKA	lw.misaligned-badvaddr, $t0, .Lpat + 2
	EXPECT	1f
	ll	$s3, 1($s0)
1:	CHECK_EXC ll.misaligned-exccode, EXC_ADEL

	li	$t0, 0x01020304
	sw	$t0, 0($s1)
	sw	$t0, 4($s1)
	EXPECT	1f
	li	$t3, 0xffff
	sh	$t3, 1($s1)
1:	CHECK_EXC sh.misaligned-exccode, EXC_ADES
	la	$t0, t_exc_badvaddr
	lw	$t0, 0($t0)
	CHECKA	sh.misaligned-badvaddr, $t0, .Lbuf + 1
	lw	$t2, 0($s1)
	CHECK	sh.misaligned-memory-unchanged, $t2, 0x01020304
	EXPECT	1f
	li	$t3, 0xffffffff
	sw	$t3, 3($s1)
1:	CHECK_EXC sw.misaligned-exccode, EXC_ADES
	la	$t0, t_exc_badvaddr
	lw	$t0, 0($t0)
	CHECKA	sw.misaligned-badvaddr, $t0, .Lbuf + 3
	lw	$t2, 0($s1)
	CHECK	sw.misaligned-memory-unchanged-low, $t2, 0x01020304
	lw	$t2, 4($s1)
	CHECK	sw.misaligned-memory-unchanged-high, $t2, 0x01020304
	EXPECT	1f
	li	$t3, 1
	sc	$t3, 2($s1)
1:	CHECK_EXC sc.misaligned-exccode, EXC_ADES
	/* the uncached kseg1 alias reads the same memory */
	lui	$t1, 0xa000
	la	$t0, .Lpat
	ext	$t0, $t0, 0, 29
	or	$t1, $t1, $t0		/* kseg1 alias of .Lpat */
	lw	$t2, 0($t1)
	CHECK	lw.kseg1-alias, $t2, 0x84838281

	/* CACHE is privileged: a no-op on the emulated caches (no exception, no data change) */
	cache	0x15, 0($s1)		/* D-cache hit writeback-invalidate */
	cache	0x10, 0($s0)		/* I-cache hit invalidate */
	lw	$t2, 0($s1)
	CHECK	cache.no-op, $t2, 0x01020304
#endif

	/* SYNC (including the lightweight stypes) and PREF change no architectural state */
	li	$t2, 0x600d
	sync
	.word	0x0000040f		/* sync 0x10 */
	.word	0x0000008f		/* sync 0x2 */
	pref	0, 0($s0)
	pref	1, 4($s1)
	CHECK	sync-pref.no-op, $t2, 0x600d
	lw	$t2, 0($s0)
	CHECK	sync-pref.memory, $t2, 0x84838281

	TEST_END

	.data
	.align	4
.Lpat:	.byte	0x81, 0x82, 0x83, 0x84, 0x05, 0x06, 0x07, 0x08, 0xf1, 0x72, 0xf3, 0x74
	.byte	0, 0, 0, 0
	.bss
	.align	4
.Lbuf:	.space	16
