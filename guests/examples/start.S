/*
 * Boot code and vectors of the example guests (example-guests.md §0.1-0.3), at the start of
 * boot flash: 0x9fc00000 is the chip's reset vector (0xbfc00000 is its KSEG1 view) and, with
 * EBase = 0x9fc00000, also the TLB-refill vector. Entry points:
 *   +0x000  bare-metal reset (Status.BEV=1); with BEV=0 it is a TLB refill, reported as a fault
 *   +0x020  a second entry (the address config.file names for guest2)
 *   +0x030  _start, the ELF entry (the address config-dma.file names)
 *   +0x180  general exception: reported as a fault
 *   +0x200  interrupt vector: every interrupt's OFFn is 0x200; saves the caller-saved registers
 *           and calls guest_irq()
 * _start works from the MIPS reset state and from tinyVP's initial guest state alike
 * (Status = CU0|BEV|ERL, runtime §3): it sets CP0 as §0.3, clears .bss and calls main().
 */
	.set	noreorder
	.set	noat

#define ST_CU0		0x10000000
#define ST_BEV		0x00400000
#define CAUSE_IV	0x00800000
#define INTCTL_VS_32	0x00000020
#define IRQ_FRAME	96		/* 16-byte argument area + 18 registers + HI/LO, 8-aligned */

	.section .boot, "ax"
	.globl	_ebase
_ebase:
	/* +0x000: reset (BEV=1) goes on to _start in KSEG0; a TLB refill (BEV=0) is a fault. */
	mfc0	$k0, $12
	ext	$k0, $k0, 22, 1
	beqz	$k0, fault_entry
	li	$k1, 0x000
	lui	$k0, %hi(_start)
	addiu	$k0, $k0, %lo(_start)
	jr	$k0
	nop

	.org	0x020
	b	_start
	nop

	.org	0x030
	.globl	_start
	.ent	_start
_start:
	li	$t0, ST_CU0 | ST_BEV	/* leave ERL/EXL, interrupts off, kernel mode */
	mtc0	$t0, $12
	ehb
	mtc0	$0, $9			/* Count = 0 */
	li	$t0, -1
	mtc0	$t0, $11		/* Compare = 0xffffffff: Cause.TI clear */
	la	$t0, _ebase
	mtc0	$t0, $15, 1		/* EBase, written while BEV=1 */
	li	$t0, INTCTL_VS_32
	mtc0	$t0, $12, 1		/* IntCtl */
	li	$t0, CAUSE_IV
	mtc0	$t0, $13		/* Cause: IV=1 (EIC vectors), DC=0 */
	li	$t0, ST_CU0
	mtc0	$t0, $12		/* BEV=0 */
	ehb
	la	$sp, _stack_top
	move	$fp, $0
	la	$t0, _bss_start
	la	$t1, _bss_end
1:	beq	$t0, $t1, 2f
	nop
	sw	$0, 0($t0)
	b	1b
	addiu	$t0, $t0, 4
2:	jal	main
	nop
3:	wait
	b	3b
	nop
	.end	_start

	.org	0x100
	/* +0x100: cache error (KSEG1 view of this page) */
	b	fault_entry
	li	$k1, 0x100

	.org	0x180
	/* +0x180: general exception */
	b	fault_entry
	li	$k1, 0x180

	.org	0x200
	/* +0x200: EIC interrupt vector (EBase + OFFn, OFFn = 0x200 for every guest interrupt) */
	.globl	irq_entry
irq_entry:
	addiu	$sp, $sp, -IRQ_FRAME
	sw	$1, 16($sp)
	sw	$2, 20($sp)
	sw	$3, 24($sp)
	sw	$4, 28($sp)
	sw	$5, 32($sp)
	sw	$6, 36($sp)
	sw	$7, 40($sp)
	sw	$8, 44($sp)
	sw	$9, 48($sp)
	sw	$10, 52($sp)
	sw	$11, 56($sp)
	sw	$12, 60($sp)
	sw	$13, 64($sp)
	sw	$14, 68($sp)
	sw	$15, 72($sp)
	sw	$24, 76($sp)
	sw	$25, 80($sp)
	sw	$31, 84($sp)
	mfhi	$k0
	sw	$k0, 88($sp)
	mflo	$k0
	jal	guest_irq
	sw	$k0, 92($sp)
	lw	$k0, 88($sp)
	mthi	$k0
	lw	$k0, 92($sp)
	mtlo	$k0
	lw	$1, 16($sp)
	lw	$2, 20($sp)
	lw	$3, 24($sp)
	lw	$4, 28($sp)
	lw	$5, 32($sp)
	lw	$6, 36($sp)
	lw	$7, 40($sp)
	lw	$8, 44($sp)
	lw	$9, 48($sp)
	lw	$10, 52($sp)
	lw	$11, 56($sp)
	lw	$12, 60($sp)
	lw	$13, 64($sp)
	lw	$14, 68($sp)
	lw	$15, 72($sp)
	lw	$24, 76($sp)
	lw	$25, 80($sp)
	lw	$31, 84($sp)
	addiu	$sp, $sp, IRQ_FRAME
	eret

/* k1 = vector offset. A fresh stack: the one in use may be the fault. guest_fault never returns. */
fault_entry:
	la	$sp, _stack_top
	move	$a0, $k1
	mfc0	$a1, $13
	mfc0	$a2, $14
	mfc0	$a3, $8
	jal	guest_fault
	nop
1:	wait
	b	1b
	nop
