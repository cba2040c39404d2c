/**
 * The 214 interrupt sources (vectors 0..213) of the PIC32MZ EF EVIC, with their XC32 vector
 * names (pic32mz-ef.md §6, "Full vector list"). Reserved numbers have an empty name.
 */

/** Number of vectors on the EF family. */
export const IRQ_COUNT = 214;

const names: string[] = [
  'CORE_TIMER', 'CORE_SOFTWARE_0', 'CORE_SOFTWARE_1', 'EXTERNAL_0', 'TIMER_1', 'INPUT_CAPTURE_1_ERROR',
  'INPUT_CAPTURE_1', 'OUTPUT_COMPARE_1', 'EXTERNAL_1', 'TIMER_2', 'INPUT_CAPTURE_2_ERROR', 'INPUT_CAPTURE_2',
  'OUTPUT_COMPARE_2', 'EXTERNAL_2', 'TIMER_3', 'INPUT_CAPTURE_3_ERROR', 'INPUT_CAPTURE_3', 'OUTPUT_COMPARE_3',
  'EXTERNAL_3', 'TIMER_4', 'INPUT_CAPTURE_4_ERROR', 'INPUT_CAPTURE_4', 'OUTPUT_COMPARE_4', 'EXTERNAL_4',
  'TIMER_5', 'INPUT_CAPTURE_5_ERROR', 'INPUT_CAPTURE_5', 'OUTPUT_COMPARE_5', 'TIMER_6', 'INPUT_CAPTURE_6_ERROR',
  'INPUT_CAPTURE_6', 'OUTPUT_COMPARE_6', 'TIMER_7', 'INPUT_CAPTURE_7_ERROR', 'INPUT_CAPTURE_7', 'OUTPUT_COMPARE_7',
  'TIMER_8', 'INPUT_CAPTURE_8_ERROR', 'INPUT_CAPTURE_8', 'OUTPUT_COMPARE_8', 'TIMER_9', 'INPUT_CAPTURE_9_ERROR',
  'INPUT_CAPTURE_9', 'OUTPUT_COMPARE_9', 'ADC', 'ADC_FIFO',
];
for (let i = 1; i <= 6; i++) names.push(`ADC_DC${i}`);
for (let i = 1; i <= 6; i++) names.push(`ADC_DF${i}`);
names.push('ADC_FAULT');
for (let i = 0; i <= 44; i++) names.push(`ADC_DATA${i}`);
names.push('CORE_PERF_COUNT', 'CORE_FAST_DEBUG_CHAN', 'SYSTEM_BUS_PROTECTION', 'CRYPTO', '');
names.push('SPI1_FAULT', 'SPI1_RX', 'SPI1_TX', 'UART1_FAULT', 'UART1_RX', 'UART1_TX', 'I2C1_BUS', 'I2C1_SLAVE',
  'I2C1_MASTER');
for (const p of 'ABCDEFGHJK') names.push(`CHANGE_NOTICE_${p}`);
names.push('PMP', 'PMP_ERROR', 'COMPARATOR_1', 'COMPARATOR_2', 'USB', 'USB_DMA');
for (let i = 0; i < 8; i++) names.push(`DMA${i}`);
names.push('SPI2_FAULT', 'SPI2_RX', 'SPI2_TX', 'UART2_FAULT', 'UART2_RX', 'UART2_TX', 'I2C2_BUS', 'I2C2_SLAVE',
  'I2C2_MASTER', 'CAN1', 'CAN2', 'ETHERNET', 'SPI3_FAULT', 'SPI3_RX', 'SPI3_TX', 'UART3_FAULT', 'UART3_RX',
  'UART3_TX', 'I2C3_BUS', 'I2C3_SLAVE', 'I2C3_MASTER', 'SPI4_FAULT', 'SPI4_RX', 'SPI4_TX', 'RTCC',
  'FLASH_CONTROL', 'PREFETCH', 'SQI1', 'UART4_FAULT', 'UART4_RX', 'UART4_TX', 'I2C4_BUS', 'I2C4_SLAVE',
  'I2C4_MASTER', 'SPI5_FAULT', 'SPI5_RX', 'SPI5_TX', 'UART5_FAULT', 'UART5_RX', 'UART5_TX', 'I2C5_BUS',
  'I2C5_SLAVE', 'I2C5_MASTER', 'SPI6_FAULT', 'SPI6_RX', 'SPI6_TX', 'UART6_FAULT', 'UART6_RX', 'UART6_TX', '',
  'ADC_END_OF_SCAN', 'ADC_ANALOG_READY', 'ADC_UPDATE_READY', '', 'ADC_GROUP_EARLY', '');
for (let i = 0; i <= 4; i++) names.push(`ADC${i}_EARLY`);
names.push('', '', 'ADC7_EARLY');
for (let i = 0; i <= 4; i++) names.push(`ADC${i}_WARM`);
names.push('', '', 'ADC7_WARM');

/** Vector names indexed by IRQ number; '' marks a reserved vector. */
export const IRQ_NAMES: readonly string[] = names;

if (IRQ_NAMES.length !== IRQ_COUNT) throw new Error(`IRQ table has ${IRQ_NAMES.length} entries`);

/** True if `irq` is a real source on the EF family (tinyVP `ic.h irq_available()` agrees). */
export function irqExists(irq: number): boolean {
  return irq >= 0 && irq < IRQ_COUNT && IRQ_NAMES[irq] !== '';
}

/** Fixed IRQ numbers used by the modelled peripherals. */
export const IRQ = {
  CORE_TIMER: 0,
  CORE_SW0: 1,
  CORE_SW1: 2,
  /** INT0..INT4. */
  EXTERNAL: [3, 8, 13, 18, 23] as readonly number[],
  /** Timer1..Timer9 at index 0..8. */
  TIMER: [4, 9, 14, 19, 24, 28, 32, 36, 40] as readonly number[],
  SYSTEM_BUS: 106,
  /** Change notice for port index 0..9 (A..K, no I). */
  CHANGE_NOTICE: 118,
  /** DMA channel n = DMA0 + n. */
  DMA0: 134,
  FLASH_CONTROL: 167,
  /** UART1..UART6 at index 0..5: fault, RX, TX are consecutive. */
  UART_FAULT: [112, 145, 157, 170, 179, 188] as readonly number[],
} as const;

/** Fault, RX and TX IRQ numbers of UART `n` (1..6). */
export function uartIrqs(n: number): { fault: number; rx: number; tx: number } {
  const f = IRQ.UART_FAULT[n - 1]!;
  return { fault: f, rx: f + 1, tx: f + 2 };
}

/** IRQ number for a vector name such as 'UART4_RX', or -1. */
export function irqByName(name: string): number {
  return name === '' ? -1 : IRQ_NAMES.indexOf(name.toUpperCase());
}
