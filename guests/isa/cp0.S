/*
 * isa-cp0, assembly part (bare metal only): SYSCALL/BREAK/trap/RI exceptions with EPC and
 * BadInstr, ERET with EXL and with ERL, DI/EI, EHB, RDHWR in kernel and user mode (HWREna),
 * user-mode CP0 access, nested exceptions (NestedEPC/NestedExc, Config5.NF) and WAIT waking
 * with Status.IE=0 (MIPS32 PRA R5; M5150 specifics from spec/mips-vz-m5150.md §6).
 */
#include "isa.h"
#include "priv.h"
	.set	noreorder
	.set	noat

/* TRAP name, insn...: a trap instruction that must raise Tr; NOTRAP: one that must not */
.macro	TRAP name, insn:vararg
	EXPECT	1f
	li	$t4, 5
	li	$t5, -3
	li	$t6, 5
	\insn
	b	2f			/* reached only if no trap was taken */
	nop
1:	CHECK_EXC \name, EXC_TR
	b	3f
	nop
2:	CHECKM	\name, t_exc_count, 1	/* fails with got=0 */
3:
.endm

.macro	NOTRAP name, insn:vararg
	EXPECT	1f
	li	$t4, 5
	li	$t5, -3
	li	$t6, 5
	\insn
1:	CHECK_NOEXC \name
.endm

.macro	LOADW reg, sym
	la	\reg, \sym
	lw	\reg, 0(\reg)
.endm

	TEST_BEGIN cp0

	/* ---- SYSCALL and BREAK: ExcCode, EPC, BadInstr = the instruction word ---- */
	EXPECT	1f
.Lsys:	syscall	0x12345
1:	CHECK_EXC syscall.exccode, EXC_SYS
	LOADW	$s0, t_exc_epc
	CHECKA	syscall.epc, $s0, .Lsys
	LOADW	$s0, t_exc_badinstr
	CHECK	syscall.badinstr, $s0, 0x0048d14c
	LOADW	$s0, t_exc_vector
	CHECK	syscall.vector-general, $s0, 0x180
	EXPECT	1f
.Lbrk:	break	7
1:	CHECK_EXC break.exccode, EXC_BP
	LOADW	$s0, t_exc_epc
	CHECKA	break.epc, $s0, .Lbrk
	LOADW	$s0, t_exc_badinstr
	CHECK	break.badinstr, $s0, 0x0007000d

	/* ---- traps (t4 = 5, t5 = -3, t6 = 5) ---- */
	TRAP	teq.taken, teq $t4, $t6
	NOTRAP	teq.not-taken, teq $t4, $t5
	TRAP	tne.taken, tne $t4, $t5
	NOTRAP	tne.not-taken, tne $t4, $t6
	TRAP	tge.taken, tge $t4, $t5
	NOTRAP	tge.not-taken, tge $t5, $t4
	TRAP	tgeu.taken, tgeu $t5, $t4
	NOTRAP	tgeu.not-taken, tgeu $t4, $t5
	TRAP	tlt.taken, tlt $t5, $t4
	NOTRAP	tlt.not-taken, tlt $t4, $t6
	TRAP	tltu.taken, tltu $t4, $t5
	NOTRAP	tltu.not-taken, tltu $t5, $t4
	TRAP	teqi.taken, teqi $t4, 5
	NOTRAP	teqi.not-taken, teqi $t4, 6
	TRAP	tnei.taken, tnei $t4, 6
	NOTRAP	tnei.not-taken, tnei $t4, 5
	TRAP	tgei.taken, tgei $t5, -3
	NOTRAP	tgei.not-taken, tgei $t5, -2
	TRAP	tgeiu.taken, tgeiu $t5, 7		/* 0xfffffffd >= 7 unsigned */
	NOTRAP	tgeiu.not-taken, tgeiu $t4, -1		/* 5 >= 0xffffffff: no */
	TRAP	tlti.taken, tlti $t5, 0
	NOTRAP	tlti.not-taken, tlti $t4, 5
	TRAP	tltiu.taken, tltiu $t4, -1		/* 5 < 0xffffffff unsigned */
	NOTRAP	tltiu.not-taken, tltiu $t5, 5
	EXPECT	1f
.Ltrap_epc:
	teq	$0, $0, 0x155
1:	LOADW	$s0, t_exc_epc
	CHECKA	teq.epc, $s0, .Ltrap_epc
	LOADW	$s0, t_exc_badinstr
	CHECK	teq.badinstr, $s0, 0x00005574

	/* ---- reserved instruction: RI with BadInstr ---- */
	EXPECT	1f
.Lri:	.word	0xdc000000		/* opcode 0x37 (LD): reserved in MIPS32 */
1:	CHECK_EXC ri.exccode, EXC_RI
	LOADW	$s0, t_exc_epc
	CHECKA	ri.epc, $s0, .Lri
	LOADW	$s0, t_exc_badinstr
	CHECK	ri.badinstr, $s0, 0xdc000000

	/* ---- ERET ---- */
	mfc0	$s3, $12
	ori	$t0, $s3, ST_EXL
	la	$t1, 1f
	mtc0	$t1, $14
	mtc0	$t0, $12
	ehb
	eret
	li	$s2, 0xbad		/* ERET has no delay slot */
	li	$s2, 0xbad
1:	mfc0	$s0, $12
	andi	$s0, $s0, ST_EXL | ST_ERL
	CHECK	eret.exl-cleared, $s0, 0
	CHECK	eret.no-delay-slot, $s2, 0
	la	$t1, 2f
	mtc0	$t1, $14		/* EPC: wrong target */
	la	$t1, 1f
	mtc0	$t1, $30		/* ErrorEPC */
	ori	$t0, $s3, ST_ERL
	mtc0	$t0, $12
	ehb
	eret
	nop
2:	li	$s2, 0xbad
1:	mfc0	$s0, $12
	andi	$s0, $s0, ST_EXL | ST_ERL
	CHECK	eret.erl-cleared, $s0, 0
	CHECK	eret.erl-uses-errorepc, $s2, 0
	/* EXL and ERL both set: ERL wins, EXL stays */
	la	$t1, 2f
	mtc0	$t1, $14
	la	$t1, 1f
	mtc0	$t1, $30
	ori	$t0, $s3, ST_ERL | ST_EXL
	mtc0	$t0, $12
	ehb
	eret
	nop
2:	li	$s2, 0xbad
1:	mfc0	$s0, $12
	mtc0	$s3, $12
	ehb
	andi	$s0, $s0, ST_EXL | ST_ERL
	CHECK	eret.erl-before-exl, $s0, ST_EXL
	CHECK	eret.erl-before-exl-target, $s2, 0

	/* ---- DI / EI: rt gets the old Status ---- */
	mtc0	$s3, $12
	ehb
	ei	$s0
	ehb
	di	$s1
	ehb
	mfc0	$s2, $12
	andi	$t0, $s0, ST_IE
	CHECK	ei.old-status-ie0, $t0, 0
	andi	$t0, $s1, ST_IE
	CHECK	di.old-status-ie1, $t0, 1
	xor	$t0, $s0, $s1
	CHECK	ei.changes-only-ie, $t0, ST_IE
	andi	$t0, $s2, ST_IE
	CHECK	di.clears-ie, $t0, 0
	ei
	di
	ehb
	mfc0	$t0, $12
	andi	$t0, $t0, ST_IE
	CHECK	di-ei.no-operand, $t0, 0

	/* ---- RDHWR in kernel mode (always allowed) ---- */
	rdhwr	$s0, $0
	CHECK	rdhwr.cpunum, $s0, 0
	rdhwr	$s0, $3
	CHECK	rdhwr.ccres, $s0, 2		/* implementation: Count every 2 cycles */
	li	$t0, 0x5eed1234
	mtc0	$t0, $4, 2
	ehb
	rdhwr	$s0, $29
	CHECK	rdhwr.userlocal, $s0, 0x5eed1234
	rdhwr	$s0, $2
	mfc0	$s1, $9
	subu	$t0, $s1, $s0
	sltiu	$t0, $t0, 100
	CHECK	rdhwr.cc-is-count, $t0, 1

	/* ---- nested exception: EXL=1 already, EPC kept, NestedEPC/NestedExc written ---- */
	mfc0	$s3, $12
	EXPECT	1f
	la	$t0, .Lnest_marker
	mtc0	$t0, $14
	ori	$t0, $s3, ST_EXL
	mtc0	$t0, $12
	ehb
.Lnest:	syscall
1:	mtc0	$s3, $12
	ehb
	CHECK_EXC nested.exccode, EXC_SYS
	LOADW	$s0, t_exc_epc
	CHECKA	nested.epc-unchanged, $s0, .Lnest_marker
	mfc0	$s0, $14, 2
	CHECKA	nested.nestedepc, $s0, .Lnest
	mfc0	$s0, $13, 5
	CHECK	nested.nestedexc-exl, $s0, 0x2	/* EXL (bit 1) was 1, ERL (bit 2) 0 */
	LOADW	$s0, t_exc_vector
	CHECK	nested.vector-general, $s0, 0x180

	/* ---- user mode ---- */
	jal	t_map_user
	li	$a0, 15
	la	$a0, u_syscall
	jal	user_va
	nop
	jal	t_user_run
	move	$a0, $v0
	move	$s0, $v0
	CHECK	user.runs-and-syscalls, $s0, 0x77
	CHECK_EXC user.syscall-exccode, EXC_SYS
	LOADW	$s0, t_exc_status
	andi	$s0, $s0, ST_UM | ST_EXL
	CHECK	user.status-um-at-exception, $s0, ST_UM | ST_EXL
	mfc0	$s0, $12
	andi	$s0, $s0, ST_UM
	CHECK	user.back-in-kernel, $s0, 0

	la	$a0, u_mfc0
	jal	user_va
	nop
	jal	t_user_run
	move	$a0, $v0
	CHECK_EXC user.mfc0-cpu, EXC_CPU
	LOADW	$s0, t_exc_cause
	ext	$s0, $s0, 28, 2
	CHECK	user.mfc0-cpu-ce0, $s0, 0
	la	$a0, u_di
	jal	user_va
	nop
	jal	t_user_run
	move	$a0, $v0
	CHECK_EXC user.di-cpu, EXC_CPU

	mtc0	$0, $7			/* HWREna = 0 */
	ehb
	la	$a0, u_rdhwr29
	jal	user_va
	nop
	jal	t_user_run
	move	$a0, $v0
	CHECK_EXC user.rdhwr-disabled-ri, EXC_RI
	li	$t0, 0x20000000		/* HWREna.ULR */
	mtc0	$t0, $7
	ehb
	la	$a0, u_rdhwr29
	jal	user_va
	nop
	jal	t_user_run
	move	$a0, $v0
	move	$s0, $v0
	CHECK	user.rdhwr-ulr, $s0, 0x5eed1234
	CHECK_EXC user.rdhwr-ulr-no-ri, EXC_SYS
	la	$a0, u_rdhwr2
	jal	user_va
	nop
	jal	t_user_run
	move	$a0, $v0
	CHECK_EXC user.rdhwr-cc-disabled-ri, EXC_RI
	li	$t0, 0x2000000c		/* ULR | CCRes | CC */
	mtc0	$t0, $7
	ehb
	la	$a0, u_rdhwr3
	jal	user_va
	nop
	jal	t_user_run
	move	$a0, $v0
	move	$s0, $v0
	CHECK	user.rdhwr-ccres, $s0, 2
	mtc0	$0, $7
	ehb

	jal	cp0_c_tests
	nop

#ifndef TV_MALTA	/* the QEMU Malta check has no EVIC: nothing would wake the WAIT */
	/* ---- WAIT with Status.IE=0 wakes on a pending interrupt (Config7.WII; last case) ---- */
	/* EIC mode (Cause.IV=1, IntCtl.VS=1, BEV=0): core timer -> EVIC IRQ 0 (IEC0 bit 0, IPC0
	 * bits 4:2 priority 1) -> RIPL 1 > IPL 0: pending, but not taken with IE=0 */
	mfc0	$s6, $12, 1
	move	$t0, $s6
	li	$t1, 1
	ins	$t0, $t1, 5, 5
	mtc0	$t0, $12, 1
	mfc0	$s7, $13
	li	$t0, CA_IV
	or	$t0, $s7, $t0
	mtc0	$t0, $13
	ehb
	li	$t1, 0xbf810000
	li	$t0, 1
	sw	$t0, 0x44($t1)		/* IFS0CLR */
	li	$t0, 0x1c
	sw	$t0, 0x144($t1)		/* IPC0CLR */
	li	$t0, 0x04
	sw	$t0, 0x148($t1)		/* IPC0SET: priority 1 */
	li	$t0, 1
	sw	$t0, 0xc8($t1)		/* IEC0SET */
	mfc0	$t0, $9
	addiu	$t0, $t0, 500
	mtc0	$t0, $11
	ehb
	wait
	mfc0	$s0, $13
	srl	$s0, $s0, 30
	andi	$s0, $s0, 1
	li	$t1, 0xbf810000
	li	$t0, 1
	sw	$t0, 0xc4($t1)		/* IEC0CLR */
	sw	$t0, 0x44($t1)		/* IFS0CLR */
	mfc0	$t0, $9
	mtc0	$t0, $11		/* clears TI */
	mtc0	$s7, $13		/* IV back to 0 */
	mtc0	$s6, $12, 1		/* IntCtl back */
	ehb
	CHECK	wait.wakes-with-ie0, $s0, 1
#endif

	TEST_END

/* v0 = user VA of the .usertext symbol in a0 */
user_va:
	la	$t0, _user_start
	subu	$v0, $a0, $t0
	li	$t0, USER_VA
	jr	$ra
	addu	$v0, $v0, $t0

	.section .rodata
.Lnest_marker:
	.word	0

/* user-mode snippets: position independent, end in SYSCALL */
	.section .usertext, "ax"
u_syscall:
	li	$v0, 0x77
	syscall
u_mfc0:
	mfc0	$v0, $12
	syscall
u_di:
	di
	syscall
u_rdhwr29:
	rdhwr	$v0, $29
	syscall
u_rdhwr2:
	rdhwr	$v0, $2
	syscall
u_rdhwr3:
	rdhwr	$v0, $3
	syscall
