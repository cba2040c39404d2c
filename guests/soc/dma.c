/*
 * soc-dma: the DMA controller (pic32mz-ef.md §11) moving RAM to RAM at physical addresses:
 * a forced block copy with its DCHxINT flags and the DMAn interrupt flag (only for enabled
 * flags), cells, source wrap, half flags, start and abort on an interrupt event, pattern-match
 * termination, channel chaining (with events kept while disabled), and the System Bus Arbiter
 * refusing a DMA access outside the DMA permission group's region (§12, set up as tinyVP
 * does): the access is blocked, logged in SBTxELOG1/2 and SBFLAG, and raises IRQ 106.
 */
#include "soc.h"

const char t_group[] = "dma";

#define N 256
static u8 src_buf[N] __attribute__((aligned(16)));
static u8 dst_buf[N] __attribute__((aligned(16)));
static u8 dst2_buf[N] __attribute__((aligned(16)));
/* Uncached views: the engine reads and writes memory behind the CPU's caches. */
#define SRC ((volatile u8 *)KSEG1(src_buf))
#define DST ((volatile u8 *)KSEG1(dst_buf))
#define DST2 ((volatile u8 *)KSEG1(dst2_buf))
#define TIMEOUT 200000u

static void fill(volatile u8 *p, u32 n, u32 seed)
{
	for (u32 i = 0; i < n; i++)
		p[i] = (u8)(seed + i * 7);
}

static void zero(volatile u8 *p, u32 n)
{
	for (u32 i = 0; i < n; i++)
		p[i] = 0;
}

static int same(volatile u8 *a, volatile u8 *b, u32 n)
{
	for (u32 i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static int all_zero(volatile u8 *p, u32 n)
{
	for (u32 i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void chan_reset(int ch)
{
	REG(DCHCON(ch)) = 0;
	SET(DCHECON(ch)) = CABORT;
	REG(DCHECON(ch)) = 0;
	REG(DCHINT(ch)) = 0;
	irq_clear(IRQ_DMA(ch));
}

static void chan_setup(int ch, volatile u8 *from, volatile u8 *to, u32 ssiz, u32 dsiz, u32 csiz)
{
	chan_reset(ch);
	REG(DCHSSA(ch)) = PA(from);
	REG(DCHDSA(ch)) = PA(to);
	REG(DCHSSIZ(ch)) = ssiz;
	REG(DCHDSIZ(ch)) = dsiz;
	REG(DCHCSIZ(ch)) = csiz;
}

/* Polls DCHxINT until one of `mask` is set; returns the flags. */
static u32 wait_int(int ch, u32 mask)
{
	u32 t0 = count();
	while (!(REG(DCHINT(ch)) & mask) && count() - t0 < TIMEOUT)
		;
	return REG(DCHINT(ch)) & 0xff;
}

static void block_copy(void)
{
	fill(SRC, N, 3);
	zero(DST, N);
	chan_setup(0, SRC, DST, N, N, N);
	REG(DCHINT(0)) = CH_IE(CHBCIF);
	SET(DCHCON(0)) = CHEN;
	t_eq("copy.chbusy-while-enabled", REG(DCHCON(0)) & CHBUSY, CHBUSY);
	SET(DCHECON(0)) = CFORCE;
	int got = wait_flag(IRQ_DMA(0), TIMEOUT);
	t_eq("copy.dma0-ifs-set", got, 1);
	t_true("copy.data-lands", same(SRC, DST, N));
	u32 f = REG(DCHINT(0)) & 0xff;
	t_eq("copy.flags-block-cell-src-dst-done", f & (CHBCIF | CHCCIF | CHSDIF | CHDDIF), CHBCIF | CHCCIF | CHSDIF | CHDDIF);
	t_eq("copy.flags-no-error-abort", f & (CHERIF | CHTAIF), 0);
	t_eq("copy.chen-cleared-after-block", REG(DCHCON(0)) & CHEN, 0);
	CLR(DCHINT(0)) = 0xff;
	irq_clear(IRQ_DMA(0));
	t_eq("copy.ifs-stays-clear-after-flags-cleared", irq_flag(IRQ_DMA(0)), 0);

	/* Flags without their enable bits do not request the interrupt. */
	zero(DST, N);
	chan_setup(0, SRC, DST, 64, 64, 64);
	REG(DCHINT(0)) = CH_IE(CHERIF);
	SET(DCHCON(0)) = CHEN;
	SET(DCHECON(0)) = CFORCE;
	f = wait_int(0, CHBCIF);
	t_eq("copy.block-done-flag-without-enable", f & CHBCIF, CHBCIF);
	t_eq("copy.no-ifs-without-enable", irq_flag(IRQ_DMA(0)), 0);
	chan_reset(0);
}

static void cells(void)
{
	fill(SRC, N, 11);
	zero(DST, N);
	chan_setup(0, SRC, DST, N, N, 64);
	SET(DCHCON(0)) = CHEN;
	SET(DCHECON(0)) = CFORCE;
	u32 f = wait_int(0, CHCCIF);
	t_eq("cell.one-cell-per-event", f & (CHCCIF | CHBCIF), CHCCIF);
	t_eq("cell.dptr-after-one-cell", REG(DCHDPTR(0)), 64);
	t_true("cell.first-cell-moved", same(SRC, DST, 64) && all_zero(DST + 64, N - 64));
	t_eq("cell.no-half-flags-at-quarter", f & (CHSHIF | CHDHIF), 0);
	CLR(DCHINT(0)) = CHCCIF;
	SET(DCHECON(0)) = CFORCE;
	f = wait_int(0, CHCCIF);
	t_eq("cell.half-flags-at-half", f & (CHSHIF | CHDHIF), CHSHIF | CHDHIF);
	t_eq("cell.still-enabled-mid-block", REG(DCHCON(0)) & CHEN, CHEN);
	for (int i = 0; i < 2; i++) {
		CLR(DCHINT(0)) = CHCCIF;
		SET(DCHECON(0)) = CFORCE;
		f = wait_int(0, CHCCIF);
	}
	t_eq("cell.block-done-after-four-cells", f & CHBCIF, CHBCIF);
	t_true("cell.all-moved", same(SRC, DST, N));
	chan_reset(0);

	/* A source smaller than the destination is read again from its start. */
	zero(DST, N);
	chan_setup(0, SRC, DST, 4, 16, 16);
	SET(DCHCON(0)) = CHEN;
	SET(DCHECON(0)) = CFORCE;
	f = wait_int(0, CHBCIF);
	int ok = 1;
	for (int i = 0; i < 16; i++)
		ok &= DST[i] == SRC[i & 3];
	t_true("cell.source-wraps-until-dsiz", ok && DST[16] == 0);
	t_eq("cell.wrap-block-done", f & CHBCIF, CHBCIF);
	chan_reset(0);
}

static void timer4(u32 pr)
{
	REG(TCON(4)) = 0;
	REG(TMR(4)) = 0;
	REG(PR(4)) = pr;
	irq_clear(IRQ_T4);
	SET(TCON(4)) = TCON_ON;
}

static void irq_events(void)
{
	/* Start on an interrupt event: every Timer4 period match moves one 4-byte cell. */
	fill(SRC, N, 21);
	zero(DST, N);
	chan_setup(0, SRC, DST, 16, 16, 4);
	REG(DCHECON(0)) = CHSIRQ(IRQ_T4) | SIRQEN;
	SET(DCHCON(0)) = CHEN;
	u32 t0 = count();
	timer4(999);
	spin_ticks(2500);
	t_eq("sirq.two-cells-after-two-periods", REG(DCHDPTR(0)), 8);
	u32 f = wait_int(0, CHBCIF);
	u32 dt = count() - t0;
	t_eq("sirq.block-done", f & CHBCIF, CHBCIF);
	t_range("sirq.block-done-at-fourth-period", dt, 4000, 4000 + 200);
	t_true("sirq.data", same(SRC, DST, 16));
	REG(TCON(4)) = 0;
	chan_reset(0);

	/* Abort on an interrupt event: the channel stops with CHTAIF and is disabled. */
	zero(DST, N);
	chan_setup(0, SRC, DST, 64, 64, 16);
	REG(DCHECON(0)) = CHAIRQ(IRQ_T4) | AIRQEN;
	SET(DCHCON(0)) = CHEN;
	SET(DCHECON(0)) = CFORCE;
	wait_int(0, CHCCIF);
	timer4(99);
	f = wait_int(0, CHTAIF);
	REG(TCON(4)) = 0;
	t_eq("abort.chtaif", f & (CHTAIF | CHBCIF), CHTAIF);
	t_eq("abort.channel-disabled", REG(DCHCON(0)) & CHEN, 0);
	SET(DCHECON(0)) = CFORCE;
	spin_ticks(1000);
	t_true("abort.no-more-cells", all_zero(DST + 16, 48));
	chan_reset(0);
	irq_clear(IRQ_T4);

	/* Pattern match: the transfer ends after the byte equal to DCHxDAT has been written. */
	static const char text[] = "hello\rworld, after the pattern\r";
	for (u32 i = 0; i < sizeof text - 1; i++)
		SRC[i] = (u8)text[i];
	zero(DST, N);
	chan_setup(0, SRC, DST, 32, 32, 32);
	REG(DCHDAT(0)) = '\r';
	REG(DCHECON(0)) = PATEN;
	SET(DCHCON(0)) = CHEN;
	SET(DCHECON(0)) = CFORCE;
	f = wait_int(0, CHBCIF | CHTAIF);
	t_eq("pattern.block-done-flag", f & (CHBCIF | CHTAIF | CHERIF), CHBCIF);
	t_true("pattern.copied-through-match", same(SRC, DST, 6));
	t_true("pattern.nothing-after-match", all_zero(DST + 6, 26));
	t_eq("pattern.channel-disabled", REG(DCHCON(0)) & CHEN, 0);
	chan_reset(0);
}

static void chaining(void)
{
	fill(SRC, N, 5);
	zero(DST, N);
	zero(DST2, N);
	/* CH1 with CHCHNS = 0 is enabled by the end of CH0's block (the channel above it). */
	chan_setup(0, SRC, DST, 64, 64, 64);
	chan_setup(1, SRC + 64, DST2, 64, 64, 64);
	REG(DCHCON(1)) = CHCHN;
	SET(DCHCON(0)) = CHEN;
	t_eq("chain.ch1-disabled-before", REG(DCHCON(1)) & CHEN, 0);
	SET(DCHECON(0)) = CFORCE;
	wait_int(0, CHBCIF);
	t_eq("chain.ch0-end-enables-ch1", REG(DCHCON(1)) & CHEN, CHEN);
	t_true("chain.ch1-waits-for-its-start", all_zero(DST2, 64));
	SET(DCHECON(1)) = CFORCE;
	u32 f = wait_int(1, CHBCIF);
	t_eq("chain.ch1-block-done", f & CHBCIF, CHBCIF);
	t_true("chain.ch1-data", same(SRC + 64, DST2, 64));
	chan_reset(0);
	chan_reset(1);

	/* With CHAED a start while disabled is kept (CHEDET) and runs once chaining enables it. */
	zero(DST, N);
	zero(DST2, N);
	chan_setup(0, SRC, DST, 64, 64, 64);
	chan_setup(1, SRC + 128, DST2, 64, 64, 64);
	REG(DCHCON(1)) = CHCHN | CHAED;
	SET(DCHECON(1)) = CFORCE;
	spin_ticks(500);
	t_eq("chain.chaed-event-detected", REG(DCHCON(1)) & (CHEDET | CHEN), CHEDET);
	t_true("chain.chaed-no-transfer-while-disabled", all_zero(DST2, 64));
	SET(DCHCON(0)) = CHEN;
	SET(DCHECON(0)) = CFORCE;
	f = wait_int(1, CHBCIF);
	t_eq("chain.chaed-ch1-runs-when-enabled", f & CHBCIF, CHBCIF);
	t_true("chain.chaed-data", same(SRC + 128, DST2, 64) && same(SRC, DST, 64));
	chan_reset(0);
	chan_reset(1);
}

static void controller(void)
{
	/* Turning the controller off resets the channels' pointers. */
	fill(SRC, N, 13);
	zero(DST, N);
	chan_setup(0, SRC, DST, N, N, 64);
	SET(DCHCON(0)) = CHEN;
	SET(DCHECON(0)) = CFORCE;
	wait_int(0, CHCCIF);
	u32 mid = (REG(DCHSPTR(0)) << 16) | REG(DCHDPTR(0));
	CLR(DMACON) = DMACON_ON;
	SET(DMACON) = DMACON_ON;
	u32 after = (REG(DCHSPTR(0)) << 16) | REG(DCHDPTR(0));
	t_eq("dmacon.pointers-mid-block", mid, (64u << 16) | 64u);
	t_eq("dmacon.off-resets-pointers", after, 0);
	chan_reset(0);

	/* SUSPEND holds every transfer until it is cleared. */
	zero(DST, N);
	chan_setup(0, SRC, DST, 64, 64, 64);
	SET(DMACON) = DMACON_SUSPEND;
	SET(DCHCON(0)) = CHEN;
	SET(DCHECON(0)) = CFORCE;
	spin_ticks(2000);
	t_true("dmacon.suspend-holds-transfer", all_zero(DST, 64) && !(REG(DCHINT(0)) & CHBCIF));
	CLR(DMACON) = DMACON_SUSPEND;
	u32 f = wait_int(0, CHBCIF);
	t_true("dmacon.resume-runs-it", (f & CHBCIF) && same(SRC, DST, 64));
	chan_reset(0);

	/* Two channels waiting: the higher CHPRI goes first, whatever the channel number. */
	zero(DST, N);
	zero(DST2, N);
	chan_setup(0, SRC, DST, N, N, N);
	chan_setup(1, SRC, DST2, N, N, N);
	SET(DMACON) = DMACON_SUSPEND;
	REG(DCHCON(0)) = CHEN | 0;
	REG(DCHCON(1)) = CHEN | 3;
	SET(DCHECON(0)) = CFORCE;
	SET(DCHECON(1)) = CFORCE;
	CLR(DMACON) = DMACON_SUSPEND;
	wait_int(1, CHBCIF);
	u32 ch0_then = REG(DCHINT(0)) & CHBCIF;
	f = wait_int(0, CHBCIF);
	t_eq("chpri.higher-priority-first", ch0_then, 0);
	t_true("chpri.both-done", (f & CHBCIF) && same(SRC, DST, N) && same(SRC, DST2, N));
	chan_reset(0);
	chan_reset(1);

	/* CHAEN: the channel stays enabled after its block and runs it again on the next start. */
	zero(DST, N);
	chan_setup(0, SRC, DST, 32, 32, 32);
	REG(DCHCON(0)) = CHAEN | CHEN;
	SET(DCHECON(0)) = CFORCE;
	f = wait_int(0, CHBCIF);
	u32 en = REG(DCHCON(0)) & CHEN;
	fill(SRC, 32, 77);
	CLR(DCHINT(0)) = 0xff;
	SET(DCHECON(0)) = CFORCE;
	u32 f2 = wait_int(0, CHBCIF);
	t_eq("chaen.still-enabled-after-block", en | (f & CHBCIF), CHEN | CHBCIF);
	t_true("chaen.second-block-copies-again", (f2 & CHBCIF) && same(SRC, DST, 32));
	chan_reset(0);
}

/* ---- System Bus Arbiter ---- */
#define RAM_T 2               /* SBA target 2: RAM 0-256 KB */
#define DMA_GROUP 1
#define ZONE_BYTES 0x10000u   /* the DMA group's region: RAM 0-64 KB */
#define OUTSIDE_PA 0x00020000u /* in target 2 but outside the zone */
#define OUTSIDE ((volatile u8 *)(0xA0000000u | OUTSIDE_PA))
#define ELOG_CODE(v)   (((v) >> 24) & 0xf)
#define ELOG_INITID(v) (((v) >> 8) & 0xff)
#define ELOG_REGION(v) (((v) >> 4) & 0xf)
#define ELOG_CMD(v)    ((v) & 7)
#define ELOG_MULTI     (1u << 31)
#define CMD_WRITE 1
#define CMD_READ  2

static void sba_setup(void)
{
	/* tinyVP's layout for a DMA VM in group 1 with a 64 KB zone at 0 (pic32mz-ef.md §12). */
	sys_unlock();
	REG(CFGPG) = DMA_GROUP << 4;
	sys_lock();
	REG(SBTREG(RAM_T, 1)) = 0x00000038; /* base 0, SIZE 7 = 64 KB */
	REG(SBTRD(RAM_T, 1)) = 3;
	REG(SBTWR(RAM_T, 1)) = 3;
	REG(SBTRD(RAM_T, 0)) = 1; /* the rest of the bank: group 0 (CPU) only */
	REG(SBTWR(RAM_T, 0)) = 1;
	REG(SBTECON(RAM_T)) = SBT_ECON_ERRP;
	irq_clear(IRQ_SB);
}

static void sba_restore(void)
{
	REG(SBTRD(RAM_T, 0)) = 7;
	REG(SBTWR(RAM_T, 0)) = 7;
	REG(SBTREG(RAM_T, 1)) = 0;
	REG(SBTRD(RAM_T, 1)) = 7;
	REG(SBTWR(RAM_T, 1)) = 7;
	REG(SBTECON(RAM_T)) = 0;
	sys_unlock();
	REG(CFGPG) = 0;
	sys_lock();
	irq_clear(IRQ_SB);
}

static void sba(void)
{
	t_true("sba.buffers-in-dma-zone", PA(dst_buf) + N <= ZONE_BYTES && PA(src_buf) + N <= ZONE_BYTES);
	for (u32 i = 0; i < 64; i++)
		OUTSIDE[i] = 0x5A;
	fill(SRC, N, 9);
	sba_setup();
	t_eq("sba.cfgpg-dmapg", (REG(CFGPG) >> 4) & 3, DMA_GROUP);

	/* Inside the zone the group-1 engine works as before. */
	zero(DST, N);
	chan_setup(0, SRC, DST, 64, 64, 64);
	SET(DCHCON(0)) = CHEN;
	SET(DCHECON(0)) = CFORCE;
	u32 f = wait_int(0, CHBCIF | CHERIF);
	t_eq("sba.allowed-copy-in-zone", f & (CHBCIF | CHERIF), CHBCIF);
	t_eq("sba.no-log-for-allowed", REG(SBTELOG1(RAM_T)), 0);

	/* A write outside the zone is refused. */
	chan_setup(0, SRC, OUTSIDE, 64, 64, 64);
	REG(DCHINT(0)) = CH_IE(CHERIF);
	SET(DCHCON(0)) = CHEN;
	SET(DCHECON(0)) = CFORCE;
	f = wait_int(0, CHBCIF | CHERIF);
	t_eq("sba.write-blocked-address-error", f & (CHBCIF | CHERIF), CHERIF);
	int untouched = 1;
	for (u32 i = 0; i < 64; i++)
		untouched &= OUTSIDE[i] == 0x5A;
	t_true("sba.write-blocked-memory-unchanged", untouched);
	t_eq("sba.dma0-ifs-on-error", irq_flag(IRQ_DMA(0)), 1);
	t_eq("sba.dmaaddr", REG(DMAADDR), OUTSIDE_PA);
	t_eq("sba.dmastat-write-ch0", REG(DMASTAT) & 0x80000007u, 0);
	u32 e1 = REG(SBTELOG1(RAM_T));
	t_true("sba.elog1-code-set", ELOG_CODE(e1) != 0);
	t_true("sba.elog1-initid-dma-write", ELOG_INITID(e1) == 5 || ELOG_INITID(e1) == 6);
	t_eq("sba.elog1-region-0", ELOG_REGION(e1), 0);
	t_eq("sba.elog1-cmd-write", ELOG_CMD(e1), CMD_WRITE);
	t_eq("sba.elog1-single", e1 & ELOG_MULTI, 0);
	t_eq("sba.elog2-group", REG(SBTELOG2(RAM_T)) & 3, DMA_GROUP);
	t_eq("sba.sbflag-target", REG(SBFLAG) & (1u << RAM_T), 1u << RAM_T);
	t_eq("sba.irq106-flag", irq_flag(IRQ_SB), 1);

	/* Clearing the single error drops the request; the flag can then be cleared. */
	(void)REG(SBTECLRS(RAM_T));
	t_eq("sba.eclrs-clears-log", ELOG_CODE(REG(SBTELOG1(RAM_T))), 0);
	t_eq("sba.eclrs-clears-sbflag", REG(SBFLAG) & (1u << RAM_T), 0);
	irq_clear(IRQ_SB);
	t_eq("sba.irq106-stays-clear", irq_flag(IRQ_SB), 0);

	/* A read from outside the zone is refused as well; a second error before the clear is MULTI. */
	chan_setup(0, OUTSIDE, DST, 64, 64, 64);
	SET(DCHCON(0)) = CHEN;
	SET(DCHECON(0)) = CFORCE;
	f = wait_int(0, CHBCIF | CHERIF);
	t_eq("sba.read-blocked-address-error", f & (CHBCIF | CHERIF), CHERIF);
	t_eq("sba.dmastat-read", REG(DMASTAT) & 0x80000007u, 0x80000000u);
	e1 = REG(SBTELOG1(RAM_T));
	t_true("sba.elog1-initid-dma-read", ELOG_INITID(e1) == 3 || ELOG_INITID(e1) == 4);
	t_eq("sba.elog1-cmd-read", ELOG_CMD(e1), CMD_READ);
	chan_setup(0, SRC, OUTSIDE, 64, 64, 64);
	SET(DCHCON(0)) = CHEN;
	SET(DCHECON(0)) = CFORCE;
	wait_int(0, CHBCIF | CHERIF);
	t_eq("sba.second-error-sets-multi", REG(SBTELOG1(RAM_T)) & ELOG_MULTI, ELOG_MULTI);
	(void)REG(SBTECLRM(RAM_T));
	t_eq("sba.eclrm-clears-all", REG(SBTELOG1(RAM_T)), 0);

	/* The CPU (group 0) still reaches the whole bank. */
	OUTSIDE[0] = 0xC3;
	t_eq("sba.cpu-not-restricted", OUTSIDE[0], 0xC3);
	chan_reset(0);
	sba_restore();
}

void soc_main(void)
{
	REG(DMACON) = DMACON_ON;
	block_copy();
	cells();
	irq_events();
	chaining();
	controller();
	sba();
	REG(DMACON) = 0;
}
