/**
 * I/O ports A-K (pic32mz-ef.md §8): ANSEL, TRIS, PORT, LAT, ODC, CNPU, CNPD, CNCON, CNEN,
 * CNSTAT, CNNE, CNF, SRCON0/1 per port, pin levels from outputs, pulls and what the board
 * drives, and change-notification interrupts (mismatch and edge modes, IRQ 118 + port index).
 */
import type { IrqLine } from './evic.ts';
import { applyOp, RegFile, type Reg, type SfrTrace } from './regs.ts';

/** Port letters in register-block order (there is no port I). */
export const PORT_NAMES = 'ABCDEFGHJK';
export type PortName = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'J' | 'K';

/** Physical base of PORTA; port n is at GPIO_BASE + GPIO_STRIDE * n. */
export const GPIO_BASE = 0x1f860000;
export const GPIO_STRIDE = 0x100;

/** Which pins a port has and which of them are analog-capable (ANSEL reset 1). */
export interface PortPins {
  pins: number;
  /** ANSEL bits; null when the port has no ANSEL register. */
  analog: number | null;
}

/**
 * Pin sets per package: implemented pins follow the XC32 headers (EFM144 TRIS fields, the EFG100
 * RPxnR list, spec §8 for EFH064). XXX: the analog (ANSEL) sets are an approximation of the
 * datasheet pin tables, except ANSELH (bits 0, 1, 4, 5, 6, spec §8).
 */
export const PORT_PINS: Record<'EFG100' | 'EFM144' | 'EFH064', Partial<Record<PortName, PortPins>>> = {
  EFG100: {
    A: { pins: 0xc6ff, analog: 0x0623 }, B: { pins: 0xffff, analog: 0xffff }, C: { pins: 0xf01e, analog: 0x001e },
    D: { pins: 0xfe3f, analog: 0xc000 }, E: { pins: 0x03ff, analog: 0x03f0 }, F: { pins: 0x313f, analog: 0x3000 },
    G: { pins: 0xf3c3, analog: 0x83c0 },
  },
  EFM144: {
    A: { pins: 0xc6ff, analog: 0x0623 }, B: { pins: 0xffff, analog: 0xffff }, C: { pins: 0xf01e, analog: 0x001e },
    D: { pins: 0xfeff, analog: 0xc000 }, E: { pins: 0x03ff, analog: 0x03f0 }, F: { pins: 0x313f, analog: 0x3000 },
    G: { pins: 0xf3c3, analog: 0x83c0 }, H: { pins: 0xffff, analog: 0x0073 }, J: { pins: 0xffff, analog: 0x0f00 },
    K: { pins: 0x00ff, analog: null },
  },
  EFH064: {
    B: { pins: 0xffff, analog: 0xffff }, C: { pins: 0xf000, analog: null }, D: { pins: 0x0e3f, analog: null },
    E: { pins: 0x00ff, analog: 0x00f0 }, F: { pins: 0x003b, analog: null }, G: { pins: 0x03c0, analog: 0x03c0 },
  },
};

/** Level read from an input pin nobody drives and no pull holds. */
export const FLOATING_PIN_LEVEL = 0;

const CNCON_ON = 1 << 15;
const CNCON_EDGE = 1 << 11;
const CNCON_WMASK = 0xa800;

export class GpioPort {
  readonly regs: RegFile;
  /** Called after TRIS, LAT or ODC changed (what the chip drives may have changed). */
  onOutput: ((port: GpioPort) => void) | null = null;
  /** Called when pin levels changed: the changed mask and the new levels. */
  onPins: ((port: GpioPort, changed: number, levels: number) => void) | null = null;
  readonly tris: Reg;
  readonly lat: Reg;
  readonly odc: Reg;
  private readonly ansel: Reg | null;
  private readonly cnpu: Reg;
  private readonly cnpd: Reg;
  private readonly cncon: Reg;
  private readonly cnen: Reg;
  private readonly cnstat: Reg;
  private readonly cnne: Reg;
  private readonly cnf: Reg;
  /** Levels the board drives, on the pins in `extMask`. */
  private ext = 0;
  private extMask = 0;
  private levels = 0;
  /** PORT value at the last read, for mismatch change notification. */
  private latch = 0;
  private cnLevel = false;

  constructor(
    /** 0..9 for A..K. */
    readonly index: number,
    readonly pins: number,
    analog: number | null,
    private readonly cn: IrqLine,
    trace: SfrTrace,
  ) {
    const name = PORT_NAMES[index]!;
    const rf = new RegFile(`PORT${name}`, GPIO_BASE + GPIO_STRIDE * index, GPIO_STRIDE, trace);
    this.regs = rf;
    const pinsChanged = (): void => this.refresh(true);
    const cnChanged = (): void => this.updateCn();
    this.ansel = analog === null ? null : rf.add({ off: 0x00, name: `ANSEL${name}`, reset: analog, wmask: analog, write: pinsChanged });
    this.tris = rf.add({ off: 0x10, name: `TRIS${name}`, reset: pins, wmask: pins, write: pinsChanged });
    rf.add({ off: 0x20, name: `PORT${name}`, raw: true, read: () => this.readPort(), write: (_r, _o, op, data, lanes) => this.writePort(op, data, lanes) });
    this.lat = rf.add({ off: 0x30, name: `LAT${name}`, wmask: pins, write: pinsChanged });
    this.odc = rf.add({ off: 0x40, name: `ODC${name}`, wmask: pins, write: pinsChanged });
    this.cnpu = rf.add({ off: 0x50, name: `CNPU${name}`, wmask: pins, write: () => this.refresh(false) });
    this.cnpd = rf.add({ off: 0x60, name: `CNPD${name}`, wmask: pins, write: () => this.refresh(false) });
    this.cncon = rf.add({ off: 0x70, name: `CNCON${name}`, wmask: CNCON_WMASK, write: () => this.cnconWritten() });
    this.cnen = rf.add({ off: 0x80, name: `CNEN${name}`, wmask: pins, write: cnChanged });
    this.cnstat = rf.add({ off: 0x90, name: `CNSTAT${name}`, wmask: pins, write: cnChanged });
    this.cnne = rf.add({ off: 0xa0, name: `CNNE${name}`, wmask: pins, write: cnChanged });
    this.cnf = rf.add({ off: 0xb0, name: `CNF${name}`, wmask: pins, write: cnChanged });
    rf.add({ off: 0xc0, name: `SRCON0${name}`, wmask: pins });
    rf.add({ off: 0xd0, name: `SRCON1${name}`, wmask: pins });
  }

  get name(): PortName {
    return PORT_NAMES[this.index] as PortName;
  }

  /** Current level of every pin of the port. */
  get pinLevels(): number {
    return this.levels;
  }

  /** Level of pin `n`. */
  level(n: number): boolean {
    return ((this.levels >>> n) & 1) === 1;
  }

  /** True if the chip drives pin `n` high (output, LAT=1, not open-drain). */
  drivesHigh(n: number): boolean {
    const b = 1 << n;
    return (this.tris.value & b) === 0 && (this.lat.value & b) !== 0 && (this.odc.value & b) === 0;
  }

  /** True if the chip drives pin `n` low (output, LAT=0). */
  drivesLow(n: number): boolean {
    const b = 1 << n;
    return (this.tris.value & b) === 0 && (this.lat.value & b) === 0;
  }

  /**
   * The board drives pin `n` to `level`, or releases it with null. The chip's own output wins
   * over an external driver on an output pin.
   */
  drive(n: number, level: boolean | null): void {
    const b = (1 << n) & this.pins;
    if (b === 0) return;
    if (level === null) this.extMask &= ~b;
    else {
      this.extMask |= b;
      this.ext = level ? this.ext | b : this.ext & ~b;
    }
    this.refresh(false);
  }

  reset(): void {
    this.regs.reset();
    this.levels = this.computeLevels();
    this.latch = this.levels;
    this.cnLevel = false;
    this.cn.set(false);
    if (this.onOutput !== null) this.onOutput(this);
  }

  /** PMD has no bit for the ports; kept for a uniform device interface. */
  setPowered(on: boolean): void {
    this.regs.powered = on;
  }

  private readPort(): number {
    const digital = this.ansel === null ? this.pins : this.pins & ~this.ansel.value;
    const v = this.levels & digital;
    // A read ends the mismatch: CNSTAT shows changes since the last read.
    if (!(this.cncon.value & CNCON_EDGE)) {
      this.latch = this.levels;
      this.cnstat.value = 0;
      this.updateCn();
    }
    return v >>> 0;
  }

  /** Writes to PORTx go to LATx. */
  private writePort(op: number, data: number, lanes: number): void {
    this.lat.value = applyOp(this.lat.value, op, data, this.pins & lanes);
    this.refresh(true);
  }

  private computeLevels(): number {
    const out = ~this.tris.value & this.pins;
    const high = out & this.lat.value & ~this.odc.value;
    const low = out & ~this.lat.value;
    const free = this.pins & ~(high | low);
    const driven = free & this.extMask & this.ext;
    const undriven = free & ~this.extMask;
    let pulled = undriven & this.cnpu.value;
    pulled |= FLOATING_PIN_LEVEL ? undriven & ~this.cnpd.value : 0;
    return (high | driven | pulled) >>> 0;
  }

  private refresh(outputsChanged: boolean): void {
    const next = this.computeLevels();
    const changed = (next ^ this.levels) >>> 0;
    this.levels = next;
    if (outputsChanged && this.onOutput !== null) this.onOutput(this);
    if (changed === 0) return;
    const con = this.cncon.value;
    if (con & CNCON_ON) {
      if (con & CNCON_EDGE) {
        const rising = changed & next & this.cnen.value;
        const falling = changed & ~next & this.cnne.value;
        this.cnf.value = (this.cnf.value | rising | falling) >>> 0;
      } else {
        this.cnstat.value = (this.cnstat.value | ((next ^ this.latch) & this.cnen.value)) >>> 0;
      }
    }
    this.updateCn();
    if (this.onPins !== null) this.onPins(this, changed, next);
  }

  private cnconWritten(): void {
    this.latch = this.levels;
    this.updateCn();
  }

  private updateCn(): void {
    const con = this.cncon.value;
    let on = false;
    if (con & CNCON_ON) on = (con & CNCON_EDGE ? this.cnf.value : this.cnstat.value & this.cnen.value) !== 0;
    if (on && !this.cnLevel) this.cn.raise();
    this.cnLevel = on;
    this.cn.set(on);
  }
}

/** All ports of the chip; absent ports are null. */
export class Ports {
  private readonly outputListeners: ((port: GpioPort) => void)[] = [];
  private readonly pinListeners: ((port: GpioPort, changed: number, levels: number) => void)[] = [];

  constructor(readonly list: readonly (GpioPort | null)[]) {
    for (const p of list) {
      if (p === null) continue;
      p.onOutput = (port) => {
        for (const l of this.outputListeners) l(port);
      };
      p.onPins = (port, changed, levels) => {
        for (const l of this.pinListeners) l(port, changed, levels);
      };
    }
  }

  /** Port by letter, or null if the package does not have it. */
  get(name: string): GpioPort | null {
    const i = PORT_NAMES.indexOf(name.toUpperCase());
    return i < 0 || name.length !== 1 ? null : this.list[i] ?? null;
  }

  /** Watches what the chip drives (TRIS/LAT/ODC changes), e.g. for LEDs. */
  addOutputListener(l: (port: GpioPort) => void): void {
    this.outputListeners.push(l);
  }

  /** Watches pin level changes, e.g. for external interrupt routing. */
  addPinListener(l: (port: GpioPort, changed: number, levels: number) => void): void {
    this.pinListeners.push(l);
  }

  reset(): void {
    for (const p of this.list) p?.reset();
  }
}

/** Creates the ports of a package, each with its change-notice IRQ line. */
export function createPorts(
  variant: keyof typeof PORT_PINS,
  line: (irq: number) => IrqLine,
  trace: SfrTrace,
  cnIrqBase: number,
): Ports {
  const table = PORT_PINS[variant];
  const list: (GpioPort | null)[] = [];
  for (let i = 0; i < PORT_NAMES.length; i++) {
    const spec = table[PORT_NAMES[i] as PortName];
    list.push(spec === undefined ? null : new GpioPort(i, spec.pins, spec.analog, line(cnIrqBase + i), trace));
  }
  return new Ports(list);
}
