/*
 * Bare-metal start code (MIPS32 PRA reset state; PIC32MZ-EF memory map, pic32mz-ef.md §2).
 * Entered at the ELF entry with the reset CP0 state (BEV=1, ERL=1, kernel mode, interrupts off).
 * Leaves ERL, sets Config0.K0 = 3, points EBase at the vector page (written while BEV=1, as the
 * PRA requires), clears BEV, sets up the stack, copies .data from flash, clears .bss, enables
 * the FPU when built with RT_FPU, and calls main(); rt_exit idles afterwards.
 */
	.set	noreorder
	.set	noat

#define ST_CU1		0x20000000
#define ST_FR		0x04000000
#define ST_BEV		0x00400000

	.section .text.start, "ax"
	.globl	_start
	.ent	_start
_start:
	li	$t0, ST_BEV		/* BEV=1, ERL=EXL=IE=0, kernel mode */
	mtc0	$t0, $12
	ehb
	mfc0	$t0, $16		/* Config0.K0 (2:0) = 3: cacheable kseg0 */
	li	$t1, 3
	ins	$t0, $t1, 0, 3
	mtc0	$t0, $16
	la	$t0, _ebase
	mtc0	$t0, $15, 1		/* EBase, while BEV=1 */
	mtc0	$0, $13			/* Cause: IV=0, software interrupts clear */
	ehb
#ifdef RT_FPU
	li	$t0, ST_CU1 | ST_FR	/* BEV=0, FPU usable with 64-bit registers */
#else
	li	$t0, 0			/* BEV=0 */
#endif
	mtc0	$t0, $12
	ehb
#ifdef RT_FPU
	ctc1	$0, $31			/* FCSR: round to nearest, no enables, flags clear */
#endif
	li	$sp, 0x8007C000		/* RT_STACK_TOP */
	move	$fp, $0
	/* .data: copy [_data_start, _data_end) from its load address in flash */
	la	$t0, _data_load
	la	$t1, _data_start
	la	$t2, _data_end
1:	beq	$t1, $t2, 2f
	nop
	lw	$t3, 0($t0)
	addiu	$t0, $t0, 4
	sw	$t3, 0($t1)
	b	1b
	addiu	$t1, $t1, 4
2:	la	$t1, _bss_start
	la	$t2, _bss_end
3:	beq	$t1, $t2, 4f
	nop
	sw	$0, 0($t1)
	b	3b
	addiu	$t1, $t1, 4
4:	jal	main
	nop
	jal	rt_exit
	move	$a0, $v0
	.end	_start

/* rt_exit: interrupts off, then WAIT forever (the M5150 wakes WAIT even with IE=0). */
	.text
	.globl	rt_exit
	.ent	rt_exit
rt_exit:
	di
	ehb
#ifdef TV_MALTA
	jal	rt_board_reset
	nop
#endif
1:	wait
	b	1b
	nop
	.end	rt_exit
