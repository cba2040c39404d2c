/**
 * The External Interrupt Controller interface of a MIPS32r2+ core (EIC mode, Config3.VEIC=1).
 * The controller presents the highest request; the core takes it when RIPL > Status.IPL.
 */
export interface EicPort {
  /** Requested interrupt priority level, 0 when nothing is requested. */
  readonly ripl: number;
  /** Vector offset from EBase for the request (PIC32 OFFx), used in explicit-offset mode. */
  readonly offset: number;
  /** Vector number, used when the controller does not supply an offset. */
  readonly vector: number;
  /** Shadow register set for the request (SRSCtl.EICSS). */
  readonly srs: number;
  /** The core's own interrupt outputs changed: timer (Cause.TI) and software (Cause.IP1:0). */
  coreSignals(timer: boolean, sw: number): void;
}

/** Something that can tell the core its interrupt inputs changed. */
export interface IrqSink {
  irqChanged(): void;
}
