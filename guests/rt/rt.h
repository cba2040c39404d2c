/*
 * tinyvp guest runtime: the small freestanding library every guest links (no libc, no libgcc).
 * Two platforms share this interface: bare metal on the PIC32MZ-EF memory map (rt/start.S,
 * rt/vectors.S, rt/uart.c; see guests/README.md) and Linux o32 user mode for checking the
 * unprivileged tests under qemu-mipsel (rt/linux.S).
 */
#ifndef TINYVP_RT_H
#define TINYVP_RT_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;
typedef unsigned int size_t;

/* Console. Output is a byte stream; '\n' is sent as is (no CR). */
#ifdef TV_BARE
/* Optional: UART4 with U4BRG = brg and BRGH; without it the first output sets 115200 baud. */
void rt_console_init(u32 brg, int brgh);
#endif
void rt_putc(int c);
void rt_puts(const char *s);
/* printf subset: %s %c %d %u %x %X with optional '0' flag and width (e.g. %08x), and %%. */
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Stops the program for good: bare metal idles in a WAIT loop with interrupts off; Linux exits. */
void rt_exit(int status) __attribute__((noreturn));

/* Called by the start code after .data/.bss are set up; the return value goes to rt_exit. */
int main(void);

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/*
 * Exception frame, built by rt/vectors.S on the exception stack (bare metal only).
 * Word offsets are fixed (the assembly uses them): gpr[0..31], then the fields below.
 * gpr[26]/gpr[27] (k0/k1) are not saved and read as garbage. Everything in the frame
 * except cause, badvaddr, badinstr and vector is written back on return: a hook resumes
 * elsewhere by changing epc, and may change registers or status.
 */
struct rt_frame {
	u32 gpr[32];
	u32 hi, lo;
	u32 status;   /* CP0 Status at entry (EXL or ERL set) */
	u32 cause;    /* CP0 Cause */
	u32 epc;      /* CP0 EPC; written back to EPC before ERET */
	u32 badvaddr; /* CP0 BadVAddr */
	u32 badinstr; /* CP0 BadInstr (8,1) */
	u32 vector;   /* offset from EBase of the vector taken: 0x000, 0x100, 0x180 or 0x200 */
};
#define RT_FRAME_WORDS 40

/*
 * The exception hook: when set, every exception that reaches an EBase vector of the runtime
 * calls it with the frame (and, for convenience, Cause, EPC and BadVAddr). Unset, the runtime
 * prints the exception and stops. It runs with Status.EXL=1 in shadow set ESS (0) on the
 * exception stack (RT_EXC_STACK_TOP downwards; nested exceptions stack below their parent).
 */
typedef void (*rt_exc_hook_t)(struct rt_frame *f, u32 cause, u32 epc, u32 badvaddr);
extern rt_exc_hook_t rt_exc_hook;

/* Memory map of the bare-metal machine (kseg0 addresses). */
#define RT_FLASH_BASE       0x9D000000u /* EBase: vectors; code from +0x1000 */
#define RT_RAM_BASE         0x80000000u
#define RT_STACK_TOP        0x8007C000u /* main stack, grows down */
#define RT_EXC_STACK_TOP    0x80080000u /* top 16 KB of RAM: exception frames */

#endif
