/*
 * Helpers for the privileged tests (cp0, tlb, eic; bare metal only): CP0 access, TLB entry
 * writes, and running a snippet in user mode (MIPS32 PRA: Status.UM, ERET, TLB).
 */
#ifndef TINYVP_PRIV_H
#define TINYVP_PRIV_H

#define MFC0(r, s) ({ u32 _v; __asm__ volatile("mfc0 %0, $" #r ", " #s : "=r"(_v)); _v; })
#define MTC0(r, s, v) __asm__ volatile("mtc0 %0, $" #r ", " #s "\n\tehb" : : "r"((u32)(v)) : "memory")

/* Status / Cause bits (MIPS32 PRA) */
#define ST_IE   0x00000001
#define ST_EXL  0x00000002
#define ST_ERL  0x00000004
#define ST_UM   0x00000010
#define ST_BEV  0x00400000
#define ST_FR   0x04000000
#define ST_CU1  0x20000000
#define CA_TI   0x40000000
#define CA_DC   0x08000000
#define CA_IV   0x00800000
#define CA_BD   0x80000000
#define EXCCODE(c) (((c) >> 2) & 0x1fu)

/* Virtual address where t_map_user maps the .usertext pages (user code, global entry). */
#define USER_VA 0x00400000

/* What a probe returns when its access faulted. */
#define PROBE_FAULT 0xdeadbeef

#ifndef __ASSEMBLER__
u32 t_probe_load(u32 va);
u32 t_probe_store(u32 va, u32 value);
u32 t_probe_call(u32 va);
u32 t_probe_load_exl(u32 va);
extern char u_ret[], u_load[], u_store[];
/* Runs the user-mode snippet at VA `uva` with a1 = `arg`; the snippet ends with SYSCALL or a
 * fault, which the test hook records (t_exc_*) before this returns the snippet's v0. */
u32 t_user_run(u32 uva, u32 arg);
/* Maps the .usertext pair of pages at USER_VA with TLB entry `index`. */
void t_map_user(u32 index);
/* Writes TLB entry `index`. */
void t_tlb_write(u32 index, u32 entryhi, u32 lo0, u32 lo1, u32 pagemask);
/* Marks every TLB entry invalid with EntryHi.EHINV (index 0..MMUSize-1). */
void t_tlb_clear(void);
/* User VA of a symbol placed in .usertext. */
#define USER_ADDR(sym) (USER_VA + ((u32)(sym) - (u32)_user_start))
extern char _user_start[];
/* EntryLo for a physical address: PFN | C | D | V | G */
#define ENTRYLO(pa, c, d, v, g) ((((pa) >> 12) << 6) | ((c) << 3) | ((d) << 2) | ((v) << 1) | (g))
#define KSEG0_TO_PA(va) ((u32)(va) & 0x1fffffffu)
#endif

#endif
