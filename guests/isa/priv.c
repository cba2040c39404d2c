/* Privileged-test helpers (see priv.h): TLB writes and the user-mode page mapping. */
#include "isa.h"
#include "priv.h"

void t_tlb_write(u32 index, u32 entryhi, u32 lo0, u32 lo1, u32 pagemask)
{
	MTC0(0, 0, index);
	MTC0(10, 0, entryhi);
	MTC0(2, 0, lo0);
	MTC0(3, 0, lo1);
	MTC0(5, 0, pagemask);
	__asm__ volatile("tlbwi\n\tehb" : : : "memory");
}

void t_tlb_clear(void)
{
	u32 n = ((MFC0(16, 1) >> 25) & 0x3f) + 1;
	for (u32 i = 0; i < n; i++)
		t_tlb_write(i, 0x400 | (i << 13), 0, 0, 0); /* EHINV; distinct VPN2s */
	MTC0(10, 0, 0);
}

void t_map_user(u32 index)
{
	u32 pa = KSEG0_TO_PA(_user_start);
	t_tlb_write(index, USER_VA, ENTRYLO(pa, 3, 0, 1, 1), ENTRYLO(pa + 0x1000, 3, 0, 1, 1), 0);
}
