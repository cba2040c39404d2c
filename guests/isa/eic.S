/*
 * isa-eic: EIC-mode interrupts through the PIC32MZ EVIC (spec/pic32mz-ef.md §6; MIPS32 PRA R5
 * "External Interrupt Controller Mode", spec/mips-vz-m5150.md §5). Multi-vector mode: the
 * vector is EBase + OFFn; Cause.RIPL (17:10) holds the level; an interrupt is taken when
 * RIPL > Status.IPL ({Status[18], Status[16:10]}), IE=1, EXL=ERL=0. PRISS picks the shadow
 * set per priority: entry does PSS <- CSS, CSS <- set; ERET does CSS <- PSS. Setup: BEV=0,
 * Cause.IV=1, IntCtl.VS=1, INTCON.MVEC=1.
 * Sources: IRQ 0 core timer (prio 4, set 0), IRQ 1 core SW int 0 (prio 1, set 0), IRQ 2 core SW
 * int 1 (prio 2, set 3), IRQ 134 DMA0 (prio 3, set 1), IRQ 153 ETH (prio 5, set 2); all are
 * raised by software (Cause.IP0/IP1, IFSxSET, Compare).
 * Handlers in set 0 touch only k0/k1; handlers in shadow sets use their own registers.
 */
#include "isa.h"
#include "priv.h"
	.set	noreorder
	.set	noat

#define EVIC		0xbf810000
#define INTCON		0x000
#define PRISS		0x010
#define IFS(x)		(0x040 + 0x10 * (x))
#define IEC(x)		(0x0c0 + 0x10 * (x))
#define IPC(x)		(0x140 + 0x10 * (x))
#define OFF(n)		(0x540 + 4 * (n))
#define CLR		4
#define SET		8
#define MVEC		(1 << 12)
#define DMA0_BIT	(1 << 6)	/* IRQ 134: IFS4/IEC4 bit 6, IPC33 field 2 */
#define ETH_BIT		(1 << 25)	/* IRQ 153: IFS4/IEC4 bit 25, IPC38 field 1 */

/* store constant \val at EVIC + \off (uses t0, t1) */
.macro	EVW off, val
	li	$t1, EVIC
	li	$t0, \val
	sw	$t0, \off($t1)
.endm
/* OFFn = handler - EBase */
.macro	SETOFF n, handler
	la	$t0, \handler
	la	$t1, _ebase
	subu	$t0, $t0, $t1
	li	$t1, EVIC
	sw	$t0, OFF(\n)($t1)
.endm

/* ISR helpers, k0/k1 only */
.macro	LOG id
	la	$k0, ev_n
	lw	$k1, 0($k0)
	addiu	$k1, $k1, 1
	sw	$k1, 0($k0)
	sll	$k1, $k1, 2
	addu	$k0, $k0, $k1		/* ev_log[n-1] */
	li	$k1, \id
	sw	$k1, 0($k0)
.endm
.macro	SNAP reg, sel, sym
	mfc0	$k1, $\reg, \sel
	la	$k0, \sym
	sw	$k1, 0($k0)
.endm
.macro	INC sym
	la	$k0, \sym
	lw	$k1, 0($k0)
	addiu	$k1, $k1, 1
	sw	$k1, 0($k0)
.endm
/* spin (IE as set by the caller) until the word at \sym equals \val, at most \max rounds */
.macro	SPIN_UNTIL sym, val, max=5000
	li	$t8, \max
.Lspin\@:
	la	$t9, \sym
	lw	$t9, 0($t9)
	li	$t7, \val
	beq	$t9, $t7, .Lspun\@
	addiu	$t8, $t8, -1
	bnez	$t8, .Lspin\@
	nop
.Lspun\@:
.endm
/* t0 = field of the word at \sym: (word >> \pos) & \mask */
.macro	FIELD sym, pos, mask
	la	$t0, \sym
	lw	$t0, 0($t0)
	srl	$t0, $t0, \pos
	andi	$t0, $t0, \mask
.endm

	TEST_BEGIN eic

	/* ---- EIC setup ---- */
	mfc0	$t0, $12, 1
	li	$t1, 1
	ins	$t0, $t1, 5, 5		/* IntCtl.VS = 1 (32-byte spacing) */
	mtc0	$t0, $12, 1
	mfc0	$t0, $13
	li	$t1, CA_IV
	or	$t0, $t0, $t1
	mtc0	$t0, $13
	ehb
	mfc0	$s0, $12, 1
	ext	$s0, $s0, 5, 5
	CHECK	intctl.vs, $s0, 1
	EVW	INTCON + SET, MVEC
	EVW	PRISS, (3 << 8) | (1 << 12) | (2 << 20)	/* PRI2SS=3, PRI3SS=1, PRI5SS=2 */
	EVW	IFS(0) + CLR, 7
	EVW	IFS(4) + CLR, DMA0_BIT | ETH_BIT
	EVW	IPC(0), (4 << 2) | (1 << 10) | (2 << 18)	/* CT 4, CS0 1, CS1 2 */
	EVW	IPC(33) + SET, 3 << 18			/* DMA0 3 */
	EVW	IPC(38) + SET, 5 << 10			/* ETH 5 */
	SETOFF	0, isr_ct
	SETOFF	1, isr_cs0
	SETOFF	2, isr_cs1
	SETOFF	134, isr_low
	SETOFF	153, isr_high
	li	$t1, EVIC
	lw	$s0, OFF(134)($t1)
	la	$t0, isr_low
	la	$t1, _ebase
	subu	$t0, $t0, $t1
	CHECKR	off.readback, $s0, $t0
	EVW	IEC(0) + SET, 6
	EVW	IEC(4) + SET, DMA0_BIT | ETH_BIT

	/* ---- core software interrupt 0 -> IRQ 1, vector EBase+OFF001, RIPL 1, set 0 ---- */
	mfc0	$t0, $13
	ori	$t0, $t0, 0x100		/* Cause.IP0 */
	mtc0	$t0, $13
	ehb
	li	$t1, EVIC
	lw	$s0, IFS(0)($t1)
	andi	$s0, $s0, 2
	CHECK	swint0.sets-ifs0-bit1, $s0, 2
	CHECKM	swint0.not-taken-with-ie0, ev_cs0, 0
	ei
	SPIN_UNTIL ev_cs0, 1
	di
	ehb
	CHECKM	swint0.taken, ev_cs0, 1
	FIELD	ev_cs0_cause, 10, 0xff
	CHECK	swint0.ripl, $t0, 1
	FIELD	ev_cs0_cause, 23, 1
	CHECK	swint0.cause-iv, $t0, 1
	FIELD	ev_cs0_cause, 2, 0x1f
	CHECK	swint0.exccode-int, $t0, EXC_INT
	FIELD	ev_cs0_srsctl, 0, 0xf
	CHECK	swint0.css-0, $t0, 0
	FIELD	ev_cs0_status, 1, 1
	CHECK	swint0.exl-in-handler, $t0, 1
	mfc0	$s0, $13
	andi	$s0, $s0, 0x100
	CHECK	swint0.handler-cleared-ip0, $s0, 0

	/* ---- Status.IPL masks RIPL <= IPL; the 8-bit IPL includes Status[18] ---- */
	mfc0	$s3, $12
	li	$t0, 1 << 10		/* IPL = 1 */
	or	$t0, $s3, $t0
	mtc0	$t0, $12
	ehb
	mfc0	$t0, $13
	ori	$t0, $t0, 0x100
	mtc0	$t0, $13
	ehb
	ei
	SPIN_UNTIL ev_cs0, 2, 300
	di
	ehb
	CHECKM	ipl.equal-level-masked, ev_cs0, 1
	li	$t0, 1 << 18		/* IPL = 0x80 */
	or	$t0, $s3, $t0
	mtc0	$t0, $12
	ehb
	ei
	SPIN_UNTIL ev_cs0, 2, 300
	di
	ehb
	CHECKM	ipl.bit18-masks, ev_cs0, 1
	mtc0	$s3, $12		/* IPL = 0 */
	ehb
	ei
	SPIN_UNTIL ev_cs0, 2
	di
	ehb
	CHECKM	ipl.lowered-taken, ev_cs0, 2

	/* ---- the vector follows OFFn ---- */
	SETOFF	1, isr_cs0_alt
	mfc0	$t0, $13
	ori	$t0, $t0, 0x100
	mtc0	$t0, $13
	ehb
	ei
	SPIN_UNTIL ev_cs0_alt, 1
	di
	ehb
	CHECKM	off.new-vector-used, ev_cs0_alt, 1
	CHECKM	off.old-vector-unused, ev_cs0, 2
	SETOFF	1, isr_cs0

	/* ---- WRPGPR / RDPGPR reach SRSCtl.PSS's set ---- */
	mfc0	$s3, $12, 2
	li	$t0, 3
	ins	$s3, $t0, 6, 4		/* PSS = 3 */
	mtc0	$s3, $12, 2
	ehb
	li	$t2, 0xc0ffee
	wrpgpr	$t0, $t2		/* set 3: t0 = 0xc0ffee */
	rdpgpr	$s0, $t0
	ins	$s3, $0, 6, 4		/* PSS = 0 */
	mtc0	$s3, $12, 2
	ehb
	CHECK	wrpgpr-rdpgpr.set3, $s0, 0xc0ffee
	mfc0	$s0, $12, 2
	ext	$s0, $s0, 26, 4
	CHECK	srsctl.hss, $s0, 7	/* implementation: PIC32MZ has 8 register sets */

	/* ---- nesting by priority with shadow sets ---- */
	/* DMA0 (3, set 1) raises IPL to 3, re-enables, raises ETH (5, set 2) which pre-empts it,
	 * then sets IP1 (IRQ 2, level 2, set 3), which must wait until DMA0 returns. */
	li	$s5, 0x5a5a1234		/* read by the level-3 handler with RDPGPR */
	EVW	IFS(4) + SET, DMA0_BIT
	ei
	SPIN_UNTIL ev_n, 4
	di
	ehb
	CHECKM	nest.events, ev_n, 4
	CHECKM	nest.order-1-low-enters, ev_log, 0x31
	CHECKM	nest.order-2-high-preempts, ev_log + 4, 0x51
	CHECKM	nest.order-3-low-resumes, ev_log + 8, 0x32
	CHECKM	nest.order-4-lower-level-after, ev_log + 12, 0x21
	FIELD	ev_low_cause, 10, 0xff
	CHECK	nest.low-ripl, $t0, 3
	FIELD	ev_high_cause, 10, 0xff
	CHECK	nest.high-ripl, $t0, 5
	FIELD	ev_cs1_cause, 10, 0xff
	CHECK	nest.cs1-ripl, $t0, 2
	FIELD	ev_low_srsctl, 0, 0x3cf
	CHECK	nest.low-css1-pss0, $t0, (0 << 6) | 1
	FIELD	ev_high_srsctl, 0, 0x3cf
	CHECK	nest.high-css2-pss1, $t0, (1 << 6) | 2
	FIELD	ev_high_srsctl, 18, 0xf
	CHECK	nest.high-eicss, $t0, 2
	FIELD	ev_cs1_srsctl, 0, 0x3cf
	CHECK	nest.cs1-css3-pss0, $t0, (0 << 6) | 3
	CHECKM	nest.rdpgpr-reads-interrupted-set, ev_low_rdpgpr, 0x5a5a1234
	CHECKM	nest.shadow-set-keeps-registers, ev_cs1_t0, 0xc0ffee
	mfc0	$s0, $12, 2
	andi	$s0, $s0, 0xf
	CHECK	nest.eret-restores-css0, $s0, 0
	CHECK	nest.interrupted-registers-intact, $s5, 0x5a5a1234
	li	$t1, EVIC
	lw	$s0, IFS(4)($t1)
	li	$t0, DMA0_BIT | ETH_BIT
	and	$s0, $s0, $t0
	CHECK	nest.flags-cleared, $s0, 0

	/* ---- core timer -> IRQ 0 (level 4, set 0); the handler rewrites Compare ---- */
	EVW	IFS(0) + CLR, 1
	EVW	IEC(0) + SET, 1
	mfc0	$t0, $9
	addiu	$t0, $t0, 300
	mtc0	$t0, $11
	ehb
	ei
	SPIN_UNTIL ev_ct, 1, 20000
	di
	ehb
	CHECKM	timer.taken, ev_ct, 1
	FIELD	ev_ct_cause, 30, 1
	CHECK	timer.cause-ti, $t0, 1
	FIELD	ev_ct_cause, 10, 0xff
	CHECK	timer.ripl, $t0, 4
	mfc0	$s0, $13
	srl	$s0, $s0, 30
	andi	$s0, $s0, 1
	CHECK	timer.compare-write-cleared-ti, $s0, 0

	/* ---- WAIT: the interrupt is taken after WAIT, EPC = the next instruction ---- */
	mfc0	$t0, $9
	addiu	$t0, $t0, 300
	mtc0	$t0, $11
	ehb
	ei
	wait
.Lafter_wait:
	di
	ehb
	CHECKM	wait.interrupt-taken, ev_ct, 2
	la	$t0, ev_ct_epc
	lw	$t0, 0($t0)
	CHECKA	wait.epc-after-wait, $t0, .Lafter_wait
	EVW	IEC(0) + CLR, 7
	EVW	IEC(4) + CLR, DMA0_BIT | ETH_BIT
	EVW	INTCON + CLR, MVEC

	TEST_END

/* ---------------- handlers ---------------- */
	.align	3
isr_cs0:				/* IRQ 1, set 0 */
	INC	ev_cs0
	SNAP	13, 0, ev_cs0_cause
	SNAP	12, 2, ev_cs0_srsctl
	SNAP	12, 0, ev_cs0_status
	mfc0	$k1, $13
	ins	$k1, $0, 8, 1		/* Cause.IP0 = 0, then the EVIC flag */
	mtc0	$k1, $13
	li	$k0, EVIC
	li	$k1, 2
	sw	$k1, IFS(0) + CLR($k0)
	ehb
	eret

	.align	3
isr_cs0_alt:				/* IRQ 1 after OFF001 was changed */
	INC	ev_cs0_alt
	mfc0	$k1, $13
	ins	$k1, $0, 8, 1
	mtc0	$k1, $13
	li	$k0, EVIC
	li	$k1, 2
	sw	$k1, IFS(0) + CLR($k0)
	ehb
	eret

	.align	3
isr_cs1:				/* IRQ 2, level 2, shadow set 3 */
	la	$t1, ev_cs1_t0
	sw	$t0, 0($t1)		/* set 3's t0, written by WRPGPR earlier */
	LOG	0x21
	SNAP	13, 0, ev_cs1_cause
	SNAP	12, 2, ev_cs1_srsctl
	mfc0	$k1, $13
	ins	$k1, $0, 9, 1		/* Cause.IP1 = 0 */
	mtc0	$k1, $13
	li	$k0, EVIC
	li	$k1, 4
	sw	$k1, IFS(0) + CLR($k0)
	ehb
	eret

	.align	3
isr_low:				/* IRQ 134 DMA0, level 3, shadow set 1 */
	mfc0	$t6, $13		/* RIPL first, before the request changes */
	LOG	0x31
	SNAP	13, 0, ev_low_cause
	SNAP	12, 2, ev_low_srsctl
	rdpgpr	$t1, $s5		/* the interrupted set's s5 */
	la	$t0, ev_low_rdpgpr
	sw	$t1, 0($t0)
	li	$t0, EVIC
	li	$t1, DMA0_BIT
	sw	$t1, IFS(4) + CLR($t0)
	mfc0	$t8, $14		/* keep EPC, Status and SRSCtl (PSS) in this set's */
	mfc0	$t9, $12		/* registers: the nested entry/ERET changes PSS */
	mfc0	$t7, $12, 2
	ext	$t0, $t6, 10, 7		/* RIPL at entry (< 128) */
	move	$t2, $t9
	ins	$t2, $t0, 10, 7		/* IPL = RIPL */
	ins	$t2, $0, 1, 1		/* EXL = 0 */
	ori	$t2, $t2, ST_IE
	mtc0	$t2, $12
	ehb
	li	$t0, EVIC
	li	$t1, ETH_BIT
	sw	$t1, IFS(4) + SET($t0)	/* level 5: pre-empts this handler */
	li	$t3, 5000
1:	la	$t4, ev_high_done
	lw	$t4, 0($t4)
	bnez	$t4, 2f
	addiu	$t3, $t3, -1
	bnez	$t3, 1b
	nop
2:	mfc0	$t0, $13
	ori	$t0, $t0, 0x200		/* Cause.IP1: level 2, must wait for our ERET */
	mtc0	$t0, $13
	ehb
	li	$t3, 300
1:	addiu	$t3, $t3, -1
	bnez	$t3, 1b
	nop
	LOG	0x32
	di
	mtc0	$t9, $12		/* EXL = 1 again, IPL back */
	mtc0	$t8, $14
	mtc0	$t7, $12, 2		/* PSS = the interrupted set again */
	ehb
	eret

	.align	3
isr_high:				/* IRQ 153 ETH, level 5, shadow set 2 */
	LOG	0x51
	SNAP	13, 0, ev_high_cause
	SNAP	12, 2, ev_high_srsctl
	li	$t0, EVIC
	li	$t1, ETH_BIT
	sw	$t1, IFS(4) + CLR($t0)
	la	$t0, ev_high_done
	li	$t1, 1
	sw	$t1, 0($t0)
	eret

	.align	3
isr_ct:					/* IRQ 0 core timer, level 4, set 0 */
	INC	ev_ct
	SNAP	13, 0, ev_ct_cause
	SNAP	14, 0, ev_ct_epc
	mfc0	$k1, $9
	mtc0	$k1, $11		/* Compare write clears Cause.TI */
	li	$k0, EVIC
	li	$k1, 1
	sw	$k1, IFS(0) + CLR($k0)
	ehb
	eret

	.bss
	.align	2
ev_n:		.word	0
ev_log:		.space	32
ev_cs0:		.word	0
ev_cs0_alt:	.word	0
ev_cs0_cause:	.word	0
ev_cs0_srsctl:	.word	0
ev_cs0_status:	.word	0
ev_cs1_cause:	.word	0
ev_cs1_srsctl:	.word	0
ev_cs1_t0:	.word	0
ev_low_cause:	.word	0
ev_low_srsctl:	.word	0
ev_low_rdpgpr:	.word	0
ev_high_cause:	.word	0
ev_high_srsctl:	.word	0
ev_high_done:	.word	0
ev_ct:		.word	0
ev_ct_cause:	.word	0
ev_ct_epc:	.word	0
