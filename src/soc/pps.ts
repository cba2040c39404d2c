/**
 * Peripheral Pin Select (pic32mz-ef.md §9): the input selectors (INT1R .. REFCLKI4R) and the
 * RPxnR output selectors, with the four pin groups of the EF family and their codes. The model
 * uses it to answer "what does this pin do" (console pins, LEDs) and to route INT1-4.
 */
import { PORT_NAMES, type PortName } from './gpio.ts';
import { RegFile, type Reg, type SfrTrace } from './regs.ts';

export const PPS_BASE = 0x1f801400;
export const PPS_SIZE = 0x400;

/** A pin, as port letter and bit. */
export interface Pin {
  port: PortName;
  pin: number;
}

/** Input-selector code -> pin, for the four pin groups. '' = reserved code. */
const IN_GROUPS: readonly (readonly string[])[] = [
  ['D2', 'G8', 'F4', 'D10', 'F1', 'B9', 'B10', 'C14', 'B5', '', 'C1', 'D14', 'G1', 'A14', 'D6', ''],
  ['D3', 'G7', 'F5', 'D11', 'F0', 'B1', 'E5', 'C13', 'B3', '', 'C4', 'D15', 'G0', 'A15', 'D7', ''],
  ['D9', 'G6', 'B8', 'B15', 'D4', 'B0', 'E3', 'B7', '', 'F12', 'D12', 'F8', 'C3', 'E9', '', ''],
  ['D1', 'G9', 'B14', 'D0', '', 'B6', 'D5', 'B2', 'F3', 'F13', '', 'F2', 'C2', 'E8', '', ''],
];

/** Output-selector code -> function, for pins of the same four groups. */
const OUT_GROUPS: readonly (readonly string[])[] = [
  ['', 'U3TX', 'U4RTS', '', '', 'SDO1', 'SDO2', 'SDO3', '', 'SDO5', 'SS6', 'OC3', 'OC6', 'REFCLKO4', 'C2OUT', 'C1TX'],
  ['', 'U1TX', 'U2RTS', 'U5TX', 'U6RTS', 'SDO1', 'SDO2', 'SDO3', 'SDO4', 'SDO5', '', 'OC4', 'OC7', '', '', 'REFCLKO1'],
  ['', 'U3RTS', 'U4TX', '', 'U6TX', 'SS1', '', 'SS3', 'SS4', 'SS5', 'SDO6', 'OC5', 'OC8', '', 'C1OUT', 'REFCLKO3'],
  ['', 'U1RTS', 'U2TX', 'U5RTS', 'U6TX', '', 'SS2', '', 'SDO4', '', 'SDO6', 'OC2', 'OC1', 'OC9', '', 'C2TX'],
];

/** Input selector registers: name, offset from PPS_BASE, pin group (0..3). */
const INPUTS: readonly [string, number, number][] = [
  ['INT1', 0x04, 3], ['INT2', 0x08, 2], ['INT3', 0x0c, 0], ['INT4', 0x10, 1],
  ['T2CK', 0x18, 0], ['T3CK', 0x1c, 2], ['T4CK', 0x20, 3], ['T5CK', 0x24, 1],
  ['T6CK', 0x28, 0], ['T7CK', 0x2c, 1], ['T8CK', 0x30, 2], ['T9CK', 0x34, 3],
  ['IC1', 0x38, 3], ['IC2', 0x3c, 2], ['IC3', 0x40, 0], ['IC4', 0x44, 1], ['IC5', 0x48, 2],
  ['IC6', 0x4c, 3], ['IC7', 0x50, 0], ['IC8', 0x54, 1], ['IC9', 0x58, 2], ['OCFA', 0x60, 3],
  ['U1RX', 0x68, 0], ['U1CTS', 0x6c, 2], ['U2RX', 0x70, 2], ['U2CTS', 0x74, 0],
  ['U3RX', 0x78, 1], ['U3CTS', 0x7c, 3], ['U4RX', 0x80, 3], ['U4CTS', 0x84, 1],
  ['U5RX', 0x88, 0], ['U5CTS', 0x8c, 2], ['U6RX', 0x90, 3], ['U6CTS', 0x94, 0],
  ['SDI1', 0x9c, 0], ['SS1', 0xa0, 2], ['SDI2', 0xa8, 1], ['SS2', 0xac, 3], ['SDI3', 0xb4, 0],
  ['SS3', 0xb8, 2], ['SDI4', 0xc0, 1], ['SS4', 0xc4, 2], ['SDI5', 0xcc, 0], ['SS5', 0xd0, 2],
  ['SDI6', 0xd8, 3], ['SS6', 0xdc, 0], ['C1RX', 0xe0, 1], ['C2RX', 0xe4, 2],
  ['REFCLKI1', 0xe8, 0], ['REFCLKI3', 0xf0, 3], ['REFCLKI4', 0xf4, 1],
];

function parsePin(s: string): Pin {
  return { port: s[0] as PortName, pin: Number(s.slice(1)) };
}

interface InputSel {
  reg: Reg;
  group: number;
}

interface OutputSel {
  reg: Reg;
  group: number;
  pin: Pin;
}

export class Pps {
  readonly regs: RegFile;
  private readonly inputs = new Map<string, InputSel>();
  /** RPxnR by port index * 16 + pin. */
  private readonly outputs = new Map<number, OutputSel>();
  /** Called when a selector changed (input routing may differ). */
  onChange: (() => void) | null = null;

  constructor(
    /** Implemented pins per port letter, so absent RP pins have no register. */
    hasPin: (port: PortName, pin: number) => boolean,
    /** CFGCON.IOLOCK: selectors are frozen while it is set. */
    locked: () => boolean,
    trace: SfrTrace,
  ) {
    const rf = new RegFile('PPS', PPS_BASE, PPS_SIZE, trace);
    this.regs = rf;
    const canWrite = (): boolean => !locked();
    const changed = (): void => this.onChange?.();
    for (const [name, off, group] of INPUTS) {
      this.inputs.set(name, { reg: rf.add({ off, name: `${name}R`, sci: false, wmask: 0xf, canWrite, write: changed }), group });
    }
    const rp: [string, number][] = [];
    IN_GROUPS.forEach((g, group) => g.forEach((p) => p !== '' && rp.push([p, group])));
    rp.sort((a, b) => key(parsePin(a[0])) - key(parsePin(b[0])));
    for (const [p, group] of rp) {
      const pin = parsePin(p);
      if (!hasPin(pin.port, pin.pin)) continue;
      const reg = rf.add({ off: 0x100 + 4 * key(pin), name: `RP${p}R`, sci: false, wmask: 0xf, canWrite, write: changed });
      this.outputs.set(key(pin), { reg, group, pin });
    }
  }

  reset(): void {
    this.regs.reset();
  }

  /** Input function names (U4RX, INT1, ...). */
  get inputNames(): string[] {
    return [...this.inputs.keys()];
  }

  /** Pin an input function is routed from, or null (reserved code, or pin absent). */
  inputPin(fn: string): Pin | null {
    const sel = this.inputs.get(fn.toUpperCase());
    if (sel === undefined) return null;
    const p = IN_GROUPS[sel.group]![sel.reg.value & 0xf]!;
    if (p === '') return null;
    const pin = parsePin(p);
    return this.outputs.has(key(pin)) ? pin : null;
  }

  /** Output function a pin carries (U4TX, ...), or null when it is plain GPIO. */
  outputFunction(port: PortName, pin: number): string | null {
    const sel = this.outputs.get(key({ port, pin }));
    if (sel === undefined) return null;
    const fn = OUT_GROUPS[sel.group]![sel.reg.value & 0xf]!;
    return fn === '' ? null : fn;
  }

  /** Pin that carries output function `fn`, or null. The first one if several do. */
  outputPin(fn: string): Pin | null {
    const want = fn.toUpperCase();
    for (const sel of this.outputs.values()) {
      if (OUT_GROUPS[sel.group]![sel.reg.value & 0xf] === want) return sel.pin;
    }
    return null;
  }

  /** Everything routed to or from a pin. */
  pinFunctions(port: PortName, pin: number): { output: string | null; inputs: string[] } {
    const inputs: string[] = [];
    for (const name of this.inputs.keys()) {
      const p = this.inputPin(name);
      if (p !== null && p.port === port && p.pin === pin) inputs.push(name);
    }
    return { output: this.outputFunction(port, pin), inputs };
  }
}

function key(p: Pin): number {
  return PORT_NAMES.indexOf(p.port) * 16 + p.pin;
}
