/*
 * soc-system: what the chip needs to restart the program. The reset vector (0xBFC00000, the
 * lower boot alias, pic32mz-ef.md §1-2), shared by resets and NMIs, notes CP0 Status (NMI/SR
 * tell them apart) for soc/system.c and jumps to _start; and the configuration words DEVCFG3..0
 * at 0xBFC0FFC0 (§2, §5) that the chip reads at every reset: the Wi-FIRE's words
 * (src/board/boards.ts) with DEVCFG1.WDTPS = 3, a 2^3 ms = 8 ms watchdog period.
 */
	.set	noreorder
	.set	noat

/* struct persist.entry_status in soc/system.c (uncached RAM, kept across resets) */
#define ENTRY_STATUS	0xA0060040

	.section .bootreset, "ax"
	.globl	soc_reset_vector
	.ent	soc_reset_vector
soc_reset_vector:
	mfc0	$k0, $12
	li	$k1, ENTRY_STATUS
	sw	$k0, 0($k1)
	la	$t0, _start
	jr	$t0
	nop
	.end	soc_reset_vector

#define WIFIRE_DEVCFG0	0xFFFFF7D7
#define WIFIRE_DEVCFG1	0x3F743839
#define WIFIRE_DEVCFG2	0xFFF9B11A
#define WIFIRE_DEVCFG3	0xFEFFFFFF
#define WDTPS_MASK	(0x1F << 16)
#define SOC_WDTPS	3

	.section .devcfg, "a"
	.globl	soc_devcfg
soc_devcfg:
	.word	WIFIRE_DEVCFG3
	.word	WIFIRE_DEVCFG2
	.word	(WIFIRE_DEVCFG1 & ~WDTPS_MASK) | (SOC_WDTPS << 16)
	.word	WIFIRE_DEVCFG0
