/**
 * The `tinyvp` command. Each subcommand lives in its own module and returns an exit status;
 * user mistakes are UserErrors, printed as one line `tinyvp: <file>:<line>: <message>` (exit 2).
 */
import { UserError } from '../sim/errors.ts';

export type Command = (args: string[]) => Promise<number>;

interface CommandEntry {
  summary: string;
  load: () => Promise<Command>;
}

/** Subcommands; each module is loaded only when used, so `tinyvp run` starts fast. */
const COMMANDS: Record<string, CommandEntry> = {
  run: { summary: 'boot an image (S-record, Intel HEX or ELF) on the virtual machine', load: async () => (await import('./run.ts')).runCommand },
  maps: { summary: 'extract guest segment maps (.map files) from the ELFs a config names', load: async () => (await import('./config-cmds.ts')).mapsCommand },
  build: { summary: 'build an S-record image with the guests and the system table', load: async () => (await import('./config-cmds.ts')).buildCommand },
  check: { summary: 'validate a configuration without writing anything', load: async () => (await import('./config-cmds.ts')).checkCommand },
  inspect: { summary: 'print the VMs, trees, TLB pairs and IRQ routing of an image', load: async () => (await import('./config-cmds.ts')).inspectCommand },
};

function usage(): string {
  const lines = ['usage: tinyvp <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${c.summary}`);
  lines.push('', "Run 'tinyvp <command> --help' for a command's options.");
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write('tinyvp 0.1.0\n');
    return 0;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    process.stderr.write(`tinyvp: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  try {
    return await (await entry.load())(rest);
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`tinyvp: ${e.format()}\n`);
      return 2;
    }
    throw e;
  }
}
