/*
 * Bare-metal platform part of the runtime: the UART4 console (pic32mz-ef.md §7) and the C side
 * of the exception vectors (rt/vectors.S).
 */
#include "rt.h"

#ifdef TV_MALTA
/*
 * Validation-only variant (guests/build.sh, not in prebuilt/): the same programs on QEMU's Malta
 * board, whose console is a 16550 at ISA port 0x3F8; rt_exit asks the board for a soft reset.
 */
#define MALTA_THR (*(volatile u8 *)0xB80003F8u)
#define MALTA_LSR (*(volatile u8 *)0xB80003FDu)
#define MALTA_SOFTRES (*(volatile u32 *)0xBF000500u)

void rt_console_init(u32 brg, int brgh)
{
	(void)brg;
	(void)brgh;
}

void rt_putc(int c)
{
	while (!(MALTA_LSR & 0x20))
		;
	MALTA_THR = (u8)c;
}

void rt_board_reset(void)
{
	MALTA_SOFTRES = 0x42;
}
#else
#define U4_BASE   0xBF822600u
#define U4MODE    (*(volatile u32 *)(U4_BASE + 0x00))
#define U4STA     (*(volatile u32 *)(U4_BASE + 0x10))
#define U4TXREG   (*(volatile u32 *)(U4_BASE + 0x20))
#define U4BRG     (*(volatile u32 *)(U4_BASE + 0x40))
#define MODE_ON   (1u << 15)
#define STA_URXEN (1u << 12)
#define STA_UTXEN (1u << 10)
#define STA_UTXBF (1u << 9)
#define BRG_115200_AT_100MHZ 53 /* BRGH=0: 100 MHz / (16 * 54) = 115741 baud */

#define MODE_BRGH (1u << 3)

static int console_ready;

void rt_console_init(u32 brg, int brgh)
{
	U4BRG = brg;
	U4MODE = MODE_ON | (brgh ? MODE_BRGH : 0);
	U4STA = STA_UTXEN | STA_URXEN;
	console_ready = 1;
}

void rt_putc(int c)
{
	if (!console_ready)
		rt_console_init(BRG_115200_AT_100MHZ, 0);
	while (U4STA & STA_UTXBF)
		;
	U4TXREG = (u32)(u8)c;
}

void rt_board_reset(void)
{
}
#endif

rt_exc_hook_t rt_exc_hook;

/* Called by rt/vectors.S with the frame it built; returns to let the frame be restored. */
void rt_exception(struct rt_frame *f)
{
	if (rt_exc_hook) {
		rt_exc_hook(f, f->cause, f->epc, f->badvaddr);
		return;
	}
	rt_printf("EXCEPTION vector=0x%03x cause=0x%08x epc=0x%08x badvaddr=0x%08x\n",
		  f->vector, f->cause, f->epc, f->badvaddr);
	rt_exit(1);
}
