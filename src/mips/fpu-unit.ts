/** The FPU (fpu.ts) packaged as the unit the core drives (cpu.ts FpuUnit). */
import type { FpuUnit } from './cpu.ts';
import { Fpu, fpuExecCop1, fpuExecCop1x } from './fpu.ts';

export class FpuUnitImpl extends Fpu implements FpuUnit {
  execCop1(gpr: Int32Array, insn: number): number {
    return fpuExecCop1(this, gpr, insn);
  }

  execCop1x(gpr: Int32Array, insn: number): number {
    return fpuExecCop1x(this, gpr, insn);
  }
}
