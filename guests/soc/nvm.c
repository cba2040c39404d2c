/*
 * soc-nvm: the flash controller programming program flash (XC32 NVM addresses; PIC32 FRM §52
 * sequence: NVMADDR/NVMDATA, NVMCON = WREN | NVMOP, NVMKEY = 0, 0xAA996655, 0x556699AA, then
 * NVMCONSET = WR; WR clears when done and the flash-control event IRQ 167 is flagged). Page
 * erase (16 KB), word, quad-word and row (2 KB from RAM) programming, read back through KSEG1;
 * without the key sequence or WREN nothing happens; NVMPWP write protection sets WRERR; and a
 * plain CPU store to flash changes nothing.
 */
#include "soc.h"

const char t_group[] = "nvm";

#define PAGE_BYTES 16384u
#define ROW_BYTES  2048u
#define ERASED     0xFFFFFFFFu
/* A page in the upper half of program flash, far from this program. */
#define PAGE_PA    0x1D100000u
#define FLASH(pa)  REG(0xA0000000u | (pa))
#define NVMPWP_ULOCK (1u << 31)
#define TIMEOUT    (100u * 1000u * TICKS_PER_US) /* 100 ms */

static u32 row_buf[ROW_BYTES / 4];
static u32 wr_right_after;

static void unlock_and_start(void)
{
	REG(NVMKEY) = 0;
	REG(NVMKEY) = NVMKEY_1;
	REG(NVMKEY) = NVMKEY_2;
	SET(NVMCON) = NVMCON_WR;
}

/* Runs one operation; returns NVMCON when it has finished. */
static u32 nvm_op(u32 op, u32 pa)
{
	irq_clear(IRQ_FCE);
	REG(NVMADDR) = pa;
	REG(NVMCON) = NVMCON_WREN | op;
	unlock_and_start();
	wr_right_after = REG(NVMCON) & NVMCON_WR;
	wait_flag(IRQ_FCE, TIMEOUT);
	u32 t0 = count();
	while ((REG(NVMCON) & NVMCON_WR) && count() - t0 < TIMEOUT)
		;
	u32 con = REG(NVMCON);
	CLR(NVMCON) = NVMCON_WREN;
	return con;
}

static int page_is(u32 pa, u32 want)
{
	for (u32 off = 0; off < PAGE_BYTES; off += 4)
		if (FLASH(pa + off) != want)
			return 0;
	return 1;
}

static void erase_and_program(void)
{
	u32 con = nvm_op(NVMOP_PAGE_ERASE, PAGE_PA);
	t_eq("erase.wr-set-while-running", wr_right_after, NVMCON_WR);
	t_eq("erase.done-no-error", con & (NVMCON_WR | NVMCON_WRERR | NVMCON_LVDERR), 0);
	t_eq("erase.fce-flag", irq_flag(IRQ_FCE), 1);
	t_true("erase.page-reads-erased", page_is(PAGE_PA, ERASED));

	REG(NVMDATA(0)) = 0x12345678;
	con = nvm_op(NVMOP_WORD, PAGE_PA + 0x10);
	t_eq("word.done-no-error", con & (NVMCON_WR | NVMCON_WRERR), 0);
	t_eq("word.reads-back", FLASH(PAGE_PA + 0x10), 0x12345678);
	t_eq("word.neighbours-erased", FLASH(PAGE_PA + 0x0C) & FLASH(PAGE_PA + 0x14), ERASED);

	for (u32 i = 0; i < 4; i++)
		REG(NVMDATA(i)) = 0xA0A0A0A0u + i;
	con = nvm_op(NVMOP_QUAD, PAGE_PA + 0x20);
	t_eq("quad.done-no-error", con & (NVMCON_WR | NVMCON_WRERR), 0);
	u32 ok = 1;
	for (u32 i = 0; i < 4; i++)
		ok &= FLASH(PAGE_PA + 0x20 + 4 * i) == 0xA0A0A0A0u + i;
	t_true("quad.reads-back", ok);

	volatile u32 *buf = (volatile u32 *)KSEG1(row_buf);
	for (u32 i = 0; i < ROW_BYTES / 4; i++)
		buf[i] = 0x01000193u * (i + 1);
	REG(NVMSRCADDR) = PA(row_buf);
	con = nvm_op(NVMOP_ROW, PAGE_PA + ROW_BYTES);
	t_eq("row.done-no-error", con & (NVMCON_WR | NVMCON_WRERR), 0);
	ok = 1;
	for (u32 i = 0; i < ROW_BYTES / 4; i++)
		ok &= FLASH(PAGE_PA + ROW_BYTES + 4 * i) == 0x01000193u * (i + 1);
	t_true("row.reads-back", ok);
	t_eq("row.next-row-untouched", FLASH(PAGE_PA + 2 * ROW_BYTES), ERASED);

	con = nvm_op(NVMOP_PAGE_ERASE, PAGE_PA);
	t_true("erase.clears-programmed-words", page_is(PAGE_PA, ERASED));
}

static void refused(void)
{
	/* WR without the key sequence. */
	REG(NVMADDR) = PAGE_PA + 0x40;
	REG(NVMDATA(0)) = 0;
	REG(NVMCON) = NVMCON_WREN | NVMOP_WORD;
	SET(NVMCON) = NVMCON_WR;
	u32 wr = REG(NVMCON) & NVMCON_WR;
	spin_ticks(2000 * TICKS_PER_US);
	t_eq("lock.wr-needs-keys", wr, 0);
	t_eq("lock.no-keys-no-write", FLASH(PAGE_PA + 0x40), ERASED);

	/* Keys in the wrong order. */
	REG(NVMKEY) = 0;
	REG(NVMKEY) = NVMKEY_2;
	REG(NVMKEY) = NVMKEY_1;
	SET(NVMCON) = NVMCON_WR;
	spin_ticks(2000 * TICKS_PER_US);
	t_eq("lock.wrong-key-order-no-write", FLASH(PAGE_PA + 0x40), ERASED);

	/* Keys but WREN = 0. */
	REG(NVMCON) = NVMOP_WORD;
	unlock_and_start();
	spin_ticks(2000 * TICKS_PER_US);
	t_eq("lock.wren-needed", FLASH(PAGE_PA + 0x40), ERASED);
	REG(NVMCON) = 0;

	/* A plain store: flash is written only through the controller, and nothing traps. */
	soc_exc_reset();
	FLASH(PAGE_PA + 0x44) = 0;
	REG16(0xA0000000u | (PAGE_PA + 0x48)) = 0;
	t_eq("store.word-does-nothing", FLASH(PAGE_PA + 0x44), ERASED);
	t_eq("store.halfword-does-nothing", FLASH(PAGE_PA + 0x48), ERASED);
	t_eq("store.no-exception", soc_exc_count, 0);
}

static void protect(void)
{
	/* Program a word in the page that is about to be protected, so an erase would show. */
	const u32 prot = PAGE_PA + PAGE_BYTES;
	REG(NVMDATA(0)) = 0x0BADF00D;
	nvm_op(NVMOP_WORD, prot);
	/* PWP: memory below 0x1D000000 + PWP is protected, and the whole page holding that address. */
	REG(NVMPWP) = NVMPWP_ULOCK | ((prot + 0x10) & 0x00FFFFFFu);
	u32 con = nvm_op(NVMOP_PAGE_ERASE, prot);
	t_eq("pwp.erase-sets-wrerr", con & NVMCON_WRERR, NVMCON_WRERR);
	t_eq("pwp.page-kept", FLASH(prot), 0x0BADF00D);
	REG(NVMDATA(0)) = 0;
	con = nvm_op(NVMOP_WORD, PAGE_PA + 0x50);
	t_eq("pwp.pages-below-protected", (con & NVMCON_WRERR) | (FLASH(PAGE_PA + 0x50) != ERASED), NVMCON_WRERR);
	con = nvm_op(NVMOP_PAGE_ERASE, prot + PAGE_BYTES);
	t_eq("pwp.page-above-erasable", con & NVMCON_WRERR, 0);
	REG(NVMPWP) = NVMPWP_ULOCK;
	con = nvm_op(NVMOP_PAGE_ERASE, prot);
	t_eq("pwp.unprotected-erase-works", (con & NVMCON_WRERR) | !page_is(prot, ERASED), 0);
}

void soc_main(void)
{
	irq_off();
	erase_and_program();
	refused();
	protect();
}
