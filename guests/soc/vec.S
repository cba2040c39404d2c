/*
 * EIC vector stubs for the SoC tests (pic32mz-ef.md §6: in multi-vector mode interrupt n enters
 * at EBase + OFFn). Each stub records which stub ran in soc_vec_irq, using only k0/k1, and joins
 * the runtime's interrupt entry at EBase + 0x200 (rt/vectors.S), which saves the registers and
 * calls the exception hook (soc/lib.c).
 */
	.set	noreorder
	.set	noat

.macro	STUB name, irq
	.globl	\name
	.ent	\name
\name:
	li	$k0, \irq
	la	$k1, soc_vec_irq
	sw	$k0, 0($k1)
	la	$k0, _ebase + 0x200
	jr	$k0
	nop
	.end	\name
.endm

	.text
	.align	3
	STUB	soc_vec_t1, 4
	STUB	soc_vec_t2, 9
	STUB	soc_vec_t3, 14
