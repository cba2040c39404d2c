/** Runs the `tinyvp` CLI in a child process (asynchronously: a blocking spawn starves vitest's worker RPC). */
import { spawn } from 'node:child_process';

export interface CliResult { code: number | null; stdout: string; stderr: string }

export function tinyvp(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['bin/tinyvp.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.setEncoding('latin1').on('data', (d: string) => { stdout += d; });
    p.stderr.setEncoding('latin1').on('data', (d: string) => { stderr += d; });
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
