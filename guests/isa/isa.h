/*
 * Shared definitions of the self-checking instruction tests (guests/isa/). Each program prints
 * `ok <group>.<case>` or `FAIL <group>.<case> got=0x........ want=0x........` per case and then
 * `DONE <group> pass=<n> fail=<m>` (test/isa/isa.test.ts parses this).
 * Assembly tests use the macros below (.set noreorder: every delay slot is written out). A CHECK
 * calls C, so it clobbers at, v0-v1, a0-a3, t0-t9, ra and HI/LO; values that must survive a
 * check live in s0-s7.
 */
#ifndef TINYVP_ISA_H
#define TINYVP_ISA_H

/* Cause.ExcCode values (MIPS32 PRA, Cause register). */
#define EXC_INT   0
#define EXC_MOD   1
#define EXC_TLBL  2
#define EXC_TLBS  3
#define EXC_ADEL  4
#define EXC_ADES  5
#define EXC_SYS   8
#define EXC_BP    9
#define EXC_RI    10
#define EXC_CPU   11
#define EXC_OV    12
#define EXC_TR    13
#define EXC_FPE   15
#define EXC_TLBRI 19
#define EXC_TLBXI 20

#ifdef __ASSEMBLER__

/* Defines the group name and opens isa_main (called from C, saves ra, s0-s7, fp). */
.macro	TEST_BEGIN group
	.section .rodata
	.globl	t_group
t_group:
	.asciz	"\group"
	.text
	.globl	isa_main
	.ent	isa_main
isa_main:
	addiu	$sp, $sp, -64	/* 16-byte o32 argument area at 0($sp) */
	sw	$ra, 56($sp)
	sw	$fp, 52($sp)
	sw	$s7, 48($sp)
	sw	$s6, 44($sp)
	sw	$s5, 40($sp)
	sw	$s4, 36($sp)
	sw	$s3, 32($sp)
	sw	$s2, 28($sp)
	sw	$s1, 24($sp)
	sw	$s0, 20($sp)
.endm

.macro	TEST_END
	lw	$ra, 56($sp)
	lw	$fp, 52($sp)
	lw	$s7, 48($sp)
	lw	$s6, 44($sp)
	lw	$s5, 40($sp)
	lw	$s4, 36($sp)
	lw	$s3, 32($sp)
	lw	$s2, 28($sp)
	lw	$s1, 24($sp)
	lw	$s0, 20($sp)
	jr	$ra
	addiu	$sp, $sp, 64
	.end	isa_main
.endm

/* Case \name passes when register \reg equals the constant \want. */
.macro	CHECK name, reg, want
	.pushsection .rodata
.Lname\@:
	.asciz	"\name"
	.popsection
	move	$a1, \reg
	li	$a2, \want
	la	$a0, .Lname\@
	jal	t_check
	nop
.endm

/* ... when \reg equals register \wantreg. */
.macro	CHECKR name, reg, wantreg
	.pushsection .rodata
.Lname\@:
	.asciz	"\name"
	.popsection
	move	$a1, \reg
	move	$a2, \wantreg
	la	$a0, .Lname\@
	jal	t_check
	nop
.endm

/* ... when \reg equals the address of \label. */
.macro	CHECKA name, reg, label
	.pushsection .rodata
.Lname\@:
	.asciz	"\name"
	.popsection
	move	$a1, \reg
	la	$a2, \label
	la	$a0, .Lname\@
	jal	t_check
	nop
.endm

/* ... when the 64-bit value \hireg:\loreg equals \wanthi:\wantlo. */
.macro	CHECK64 name, hireg, loreg, wanthi, wantlo
	.pushsection .rodata
.Lname\@:
	.asciz	"\name"
	.align	2
.Lwant\@:
	.word	\wanthi, \wantlo
	.popsection
	move	$a1, \hireg
	move	$a2, \loreg
	la	$a3, .Lwant\@
	la	$a0, .Lname\@
	jal	t_check_d
	nop
.endm

/* ... when the word at \sym equals \want. */
.macro	CHECKM name, sym, want
	la	$t0, \sym
	lw	$t0, 0($t0)
	CHECK	\name, $t0, \want
.endm

#ifdef TV_BARE
/*
 * The next exception resumes at \label (the runtime hook records it in t_exc_*; see lib.c).
 * Clobbers the CHECK registers.
 */
.macro	EXPECT label
	la	$a0, \label
	jal	t_expect
	nop
.endm

/* Exactly one exception was taken since EXPECT, with ExcCode \code: got = count<<8 | ExcCode. */
.macro	CHECK_EXC name, code
	la	$t0, t_exc_count
	lw	$t1, 0($t0)
	la	$t0, t_exc_cause
	lw	$t2, 0($t0)
	ext	$t2, $t2, 2, 5
	sll	$t1, $t1, 8
	or	$t1, $t1, $t2
	CHECK	\name, $t1, (0x100 | \code)
.endm

/* No exception was taken since EXPECT (or since the last t_expect). */
.macro	CHECK_NOEXC name
	CHECKM	\name, t_exc_count, 0
.endm
#endif

#else /* C */

#include "rt.h"

void t_check(const char *name, u32 got, u32 want);
void t_check_d(const char *name, u32 gothi, u32 gotlo, const u32 *want);
#define T_CHECK(name, got, want) t_check(name, (u32)(got), (u32)(want))

#ifdef TV_BARE
/* Recorded by the exception hook for the first exception after t_expect(). */
extern volatile u32 t_exc_count, t_exc_cause, t_exc_epc, t_exc_badvaddr, t_exc_badinstr;
extern volatile u32 t_exc_status, t_exc_vector;
/* Resume address for the next exception: T_RETRY re-executes the faulting instruction. */
#define T_RETRY 1u
void t_expect(u32 resume);
/* Called (once) by the hook before resuming, e.g. to fix a TLB entry; cleared after use. */
extern void (*volatile t_fixup)(struct rt_frame *f);
#endif

#endif /* __ASSEMBLER__ */
#endif
