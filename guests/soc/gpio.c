/*
 * soc-gpio: I/O ports (pic32mz-ef.md §8) on the Wi-FIRE's PIC32MZ2048EFG100: TRIS/LAT/PORT and
 * their SET/CLR/INV aliases on RE0/RE1, pulls and open drain, ANSEL turning the digital input
 * off (RE4), and change notification on RA5, where the board has button BTN1 (pull-down,
 * pressed = 1, example-guests.md §7.2). The guest cannot press the button: it asks the host
 * with a `PRESS BTN1 after=<n>us` or `RELEASE BTN1 after=<n>us` line; the host (test/soc)
 * acts that long after the line has left the UART, and the guest checks when it woke up.
 */
#include "soc.h"

const char t_group[] = "gpio";

#define RE0 (1u << 0)
#define RE1 (1u << 1)
#define RE4 (1u << 4)
#define RA5 (1u << 5)
#define EFG100_PORTE_PINS 0x03FFu
/* Console drain to wake-up: the polling loop, the WAIT wake-up and the Count reads. */
#define SLACK 40u

static void latches(void)
{
	t_eq("tris.reset-all-inputs", REG(TRIS(PE_)) & EFG100_PORTE_PINS, EFG100_PORTE_PINS);
	CLR(LAT(PE_)) = RE0 | RE1;
	CLR(TRIS(PE_)) = RE0 | RE1;
	CLR(ANSEL(PE_)) = RE0 | RE1;
	SET(LAT(PE_)) = RE0;
	t_eq("lat.set-alias", REG(LAT(PE_)) & (RE0 | RE1), RE0);
	t_eq("port.reads-driven-level", REG(PORT(PE_)) & (RE0 | RE1), RE0);
	INV(LAT(PE_)) = RE0 | RE1;
	t_eq("lat.inv-alias", REG(LAT(PE_)) & (RE0 | RE1), RE1);
	t_eq("port.follows-inv", REG(PORT(PE_)) & (RE0 | RE1), RE1);
	CLR(LAT(PE_)) = RE1;
	t_eq("lat.clr-alias", REG(LAT(PE_)) & (RE0 | RE1), 0);
	REG(PORT(PE_)) = (REG(LAT(PE_)) & ~(RE0 | RE1)) | RE1;
	t_eq("port.write-goes-to-lat", REG(LAT(PE_)) & (RE0 | RE1), RE1);
	SET(PORT(PE_)) = RE0;
	t_eq("port.set-alias-goes-to-lat", REG(LAT(PE_)) & (RE0 | RE1), RE0 | RE1);
	INV(TRIS(PE_)) = RE0;
	t_eq("tris.inv-alias", REG(TRIS(PE_)) & (RE0 | RE1), RE0);

	/* RE0 is an input now: LAT no longer reaches the pin, the pulls decide. */
	SET(CNPD(PE_)) = RE0;
	t_eq("tris.input-ignores-lat", REG(PORT(PE_)) & RE0, 0);
	CLR(CNPD(PE_)) = RE0;
	SET(CNPU(PE_)) = RE0;
	t_eq("cnpu.pulls-input-high", REG(PORT(PE_)) & RE0, RE0);
	CLR(CNPU(PE_)) = RE0;

	/* Open drain: LAT = 1 releases the pin, LAT = 0 pulls it low. */
	SET(ODC(PE_)) = RE1;
	SET(CNPD(PE_)) = RE1;
	t_eq("odc.high-released-pulldown", REG(PORT(PE_)) & RE1, 0);
	CLR(CNPD(PE_)) = RE1;
	SET(CNPU(PE_)) = RE1;
	t_eq("odc.high-released-pullup", REG(PORT(PE_)) & RE1, RE1);
	CLR(LAT(PE_)) = RE1;
	t_eq("odc.low-driven", REG(PORT(PE_)) & RE1, 0);
	CLR(CNPU(PE_)) = RE1;
	CLR(ODC(PE_)) = RE1;
	SET(TRIS(PE_)) = RE0 | RE1;

	/* An analog pin's digital input buffer is off: it reads 0 whatever the level. */
	t_eq("ansel.reset-analog", REG(ANSEL(PE_)) & RE4, RE4);
	SET(CNPU(PE_)) = RE4;
	t_eq("ansel.analog-reads-0", REG(PORT(PE_)) & RE4, 0);
	CLR(ANSEL(PE_)) = RE4;
	t_eq("ansel.digital-reads-level", REG(PORT(PE_)) & RE4, RE4);
	CLR(CNPU(PE_)) = RE4;
	SET(ANSEL(PE_)) = RE4;
}

/* Asks the host to press or release BTN1 `us` after this line; returns Count when it left. */
static u32 ask(const char *what, u32 us)
{
	rt_printf("%s BTN1 after=%uus\n", what, us);
	console_drain();
	return count();
}

static void wake_case(const char *woke, const char *when, u32 t0, u32 us)
{
	int got = wait_flag(IRQ_CNA, 3 * us * TICKS_PER_US + 100000);
	u32 dt = count() - t0;
	t_eq(woke, got, 1);
	t_range(when, dt, us * TICKS_PER_US - SLACK, us * TICKS_PER_US + SLACK);
}

static void change_notice(void)
{
	CLR(ANSEL(PA_)) = RA5;
	SET(TRIS(PA_)) = RA5;
	t_eq("btn.released-reads-0", REG(PORT(PA_)) & RA5, 0);

	/* Mismatch mode: a change since the last PORT read sets CNSTAT and the CN flag. */
	REG(CNCON(PA_)) = CNCON_ON;
	REG(CNEN(PA_)) = RA5;
	(void)REG(PORT(PA_));
	irq_clear(IRQ_CNA);
	spin_ticks(1000);
	t_eq("cn.no-flag-without-change", irq_flag(IRQ_CNA), 0);
	u32 t0 = ask("PRESS", 1000);
	wake_case("cn.press-sets-flag", "cn.press-wakes-on-time", t0, 1000);
	t_eq("cn.cnstat-bit", REG(CNSTAT(PA_)) & RA5, RA5);
	t_eq("cn.port-reads-pressed", REG(PORT(PA_)) & RA5, RA5);
	irq_clear(IRQ_CNA);
	spin_ticks(100);
	t_eq("cn.port-read-ends-mismatch", irq_flag(IRQ_CNA), 0);
	t0 = ask("RELEASE", 500);
	wake_case("cn.release-sets-flag", "cn.release-wakes-on-time", t0, 500);
	t_eq("cn.port-reads-released", REG(PORT(PA_)) & RA5, 0);
	irq_clear(IRQ_CNA);

	/* Edge mode: CNEN picks rising edges, CNNE falling ones; CNF records them. */
	REG(CNCON(PA_)) = CNCON_ON | CNCON_EDGE;
	REG(CNEN(PA_)) = RA5;
	REG(CNNE(PA_)) = RA5;
	REG(CNF(PA_)) = 0;
	irq_clear(IRQ_CNA);
	t0 = ask("PRESS", 300);
	wake_case("edge.rising-sets-flag", "edge.rising-on-time", t0, 300);
	t_eq("edge.rising-cnf", REG(CNF(PA_)) & RA5, RA5);
	CLR(CNF(PA_)) = RA5;
	irq_clear(IRQ_CNA);
	t0 = ask("RELEASE", 300);
	wake_case("edge.falling-sets-flag", "edge.falling-on-time", t0, 300);
	t_eq("edge.falling-cnf", REG(CNF(PA_)) & RA5, RA5);
	CLR(CNF(PA_)) = RA5;
	irq_clear(IRQ_CNA);

	/* Without CNNE a falling edge is not reported. */
	REG(CNNE(PA_)) = 0;
	t0 = ask("PRESS", 100);
	wake_case("edge.rising-only-sets-flag", "edge.rising-only-on-time", t0, 100);
	CLR(CNF(PA_)) = RA5;
	irq_clear(IRQ_CNA);
	ask("RELEASE", 100);
	t_eq("edge.no-falling-without-cnne", wait_flag(IRQ_CNA, 1000 * TICKS_PER_US), 0);
	t_eq("edge.no-cnf-without-cnne", REG(CNF(PA_)) & RA5, 0);
	REG(CNCON(PA_)) = 0;
	REG(CNEN(PA_)) = 0;
	irq_clear(IRQ_CNA);
}

void soc_main(void)
{
	latches();
	change_notice();
}
