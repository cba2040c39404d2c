/**
 * The three boards as data (example-guests.md §7): chipKIT Wi-FIRE, PIC32MZ EF Starter Kit
 * DM320007 with MEB-II, Olimex PIC32-EMZ64. LED and button pins, console UART and its pins,
 * chip package, oscillator and the configuration words of a board out of the box.
 */
import type { DevcfgWords } from '../soc/devcfg.ts';
import type { PortName } from '../soc/gpio.ts';
import type { Pic32mzVariant } from '../soc/pic32mz.ts';

export interface LedSpec {
  name: string;
  port: PortName;
  pin: number;
  /** Lit when the pin is driven high (else when driven low). */
  activeHigh: boolean;
  color: string;
}

export interface ButtonSpec {
  name: string;
  port: PortName;
  pin: number;
  /** Pressed pulls the pin low (else high). */
  activeLow: boolean;
  /** Level an external resistor holds when released, or null when the pin floats. */
  released: boolean | null;
}

/** A pin routed through PPS for the console, with the code a firmware writes. */
export interface PpsPin {
  port: PortName;
  pin: number;
  /** Input selector value (UxRXR) or output function code (RPxnR). */
  code: number;
}

export interface BoardSpec {
  /** Short name used on the command line. */
  shortName: 'wifire' | 'dm320007' | 'emz64';
  /** Name of the original tinyVP board file. */
  longName: string;
  title: string;
  variant: Pic32mzVariant;
  poscHz: number;
  /** UART number of the console. */
  consoleUart: number;
  consoleRx: PpsPin;
  consoleTx: PpsPin;
  leds: readonly LedSpec[];
  buttons: readonly ButtonSpec[];
  /** DEVCFG0..3 the board's part holds before an image brings its own. */
  devcfg: DevcfgWords;
}

/**
 * The chipKIT bootloader leaves the Wi-FIRE's words programmed; they are not in any tinyVP file.
 * [unverified] Taken as the DM320007 set with its 24 MHz EC /3 x50 /2 = 200 MHz clock, which is
 * what NuttX's board.h describes for the Wi-FIRE.
 */
export const WIFIRE_DEVCFG: DevcfgWords = [0xfffff7d7, 0x3f743839, 0xfff9b11a, 0xfeffffff];

export const WIFIRE: BoardSpec = {
  shortName: 'wifire',
  longName: 'DigilentChipKitWiFire',
  title: 'Digilent chipKIT Wi-FIRE',
  variant: 'EFG100',
  poscHz: 24_000_000,
  consoleUart: 4,
  consoleRx: { port: 'F', pin: 2, code: 11 },
  consoleTx: { port: 'F', pin: 8, code: 2 },
  leds: [
    { name: 'LD1', port: 'G', pin: 6, activeHigh: true, color: 'green' },
    { name: 'LD2', port: 'D', pin: 4, activeHigh: true, color: 'green' },
    { name: 'LD3', port: 'B', pin: 11, activeHigh: true, color: 'green' },
    { name: 'LD4', port: 'G', pin: 15, activeHigh: true, color: 'green' },
  ],
  // External pull-downs: the buttons read 1 when pressed.
  buttons: [
    { name: 'BTN1', port: 'A', pin: 5, activeLow: false, released: false },
    { name: 'BTN2', port: 'A', pin: 4, activeLow: false, released: false },
  ],
  devcfg: WIFIRE_DEVCFG,
};

export const DM320007: BoardSpec = {
  shortName: 'dm320007',
  longName: 'Microchip-DM320007+MEBII',
  title: 'Microchip PIC32MZ EF Starter Kit (DM320007) + MEB-II',
  // The kit carries a PIC32MZ2048EFM144 (the LEDs are on port H, which the 100-pin part lacks).
  variant: 'EFM144',
  poscHz: 24_000_000,
  consoleUart: 1,
  consoleRx: { port: 'A', pin: 14, code: 13 },
  consoleTx: { port: 'A', pin: 15, code: 1 },
  leds: [
    { name: 'LED1', port: 'H', pin: 0, activeHigh: true, color: 'red' },
    { name: 'LED2', port: 'H', pin: 2, activeHigh: true, color: 'green' },
    { name: 'LED3', port: 'H', pin: 1, activeHigh: true, color: 'yellow' },
  ],
  // Active low, no pull-ups on the board: firmware enables CNPU.
  buttons: [
    { name: 'SW1', port: 'B', pin: 12, activeLow: true, released: null },
    { name: 'SW2', port: 'B', pin: 13, activeLow: true, released: null },
    { name: 'SW3', port: 'B', pin: 14, activeLow: true, released: null },
  ],
  devcfg: [0xfffff7d7, 0x3f743839, 0xfff9b11a, 0xfeffffff],
};

export const EMZ64: BoardSpec = {
  shortName: 'emz64',
  longName: 'OlimexPic32EMZ64',
  title: 'Olimex PIC32-EMZ64',
  variant: 'EFH064',
  poscHz: 24_000_000,
  consoleUart: 4,
  consoleRx: { port: 'D', pin: 0, code: 3 },
  consoleTx: { port: 'D', pin: 4, code: 2 },
  leds: [
    { name: 'green', port: 'B', pin: 8, activeHigh: true, color: 'green' },
    { name: 'yellow', port: 'B', pin: 9, activeHigh: true, color: 'yellow' },
    { name: 'red', port: 'B', pin: 10, activeHigh: true, color: 'red' },
  ],
  // No public pin list names a button on this board.
  buttons: [],
  devcfg: [0xfffff7d3, 0x5f74fe39, 0xfff9b12a, 0xceffffff],
};

export const BOARDS: readonly BoardSpec[] = [WIFIRE, DM320007, EMZ64];

/** Board by short or long name, case-insensitively; undefined if unknown. */
export function findBoard(name: string): BoardSpec | undefined {
  const n = name.trim().toLowerCase();
  return BOARDS.find((b) => b.shortName === n || b.longName.toLowerCase() === n);
}

/** All accepted names, for help and error messages. */
export function boardNames(): string[] {
  return BOARDS.flatMap((b) => [b.shortName, b.longName]);
}
