/* isa-tlb: the cases are in tlb.c (C with CP0/TLB inline assembly and the probes of priv.S). */
#include "isa.h"
	.set	noreorder
	TEST_BEGIN tlb
	jal	tlb_c_tests
	nop
	TEST_END
