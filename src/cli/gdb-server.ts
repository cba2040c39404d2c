/**
 * `tinyvp run --gdb PORT`: serves one gdb connection on a TCP port (DESIGN.md, command line)
 * and drives the machine while gdb lets it run. The protocol itself is src/debug/gdb.ts.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { GdbStub, type GdbTarget } from '../debug/gdb.ts';
import { UserError } from '../sim/errors.ts';

/** Virtual time run between looks at the socket (Ctrl-C, new packets): 1 ms. */
export const GDB_RUN_SLICE = 200_000;

export type GdbSessionEnd = 'detached' | 'killed' | 'disconnected';

export interface GdbSessionOptions {
  /** TCP port; 0 picks a free one (tests). */
  port: number;
  /** Interface to listen on (default loopback only: the stub gives full control of the machine). */
  host?: string;
  /** Told the port once listening, e.g. to print "waiting for gdb on :1234". */
  onListening?: (port: number) => void;
  /** Protocol log (each packet in and out), for debugging the stub itself. */
  log?: (line: string) => void;
}

/**
 * Waits for one gdb connection, serves it until gdb detaches or kills the target or the
 * connection drops, then closes the listening socket. After 'detached' the caller runs the
 * machine on as usual; after 'killed' it stops.
 */
export async function runGdbSession(target: GdbTarget, opts: GdbSessionOptions): Promise<GdbSessionEnd> {
  const server = createServer();
  const port = await listen(server, opts.port, opts.host ?? '127.0.0.1');
  opts.onListening?.(port);
  try {
    const socket = await accept(server);
    return await serve(target, socket, opts.log);
  } finally {
    server.close();
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(new UserError(`--gdb: cannot listen on ${host}:${port} (${e.code ?? e.message})`));
    });
    server.listen(port, host, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : port);
    });
  });
}

function accept(server: Server): Promise<Socket> {
  return new Promise((resolve) => server.once('connection', resolve));
}

function serve(target: GdbTarget, socket: Socket, log?: (line: string) => void): Promise<GdbSessionEnd> {
  socket.setNoDelay(true);
  const stub = new GdbStub(target, (bytes) => {
    if (log !== undefined && bytes !== '+') log(`-> ${bytes}`);
    socket.write(Buffer.from(bytes, 'latin1'));
  });
  return new Promise((resolve) => {
    let done = false;
    let driving = false;
    const finish = (how: GdbSessionEnd): void => {
      if (done) return;
      done = true;
      stub.close();
      socket.end();
      resolve(how);
    };
    stub.onEnd = (how) => finish(how);
    // Run in slices, yielding to the event loop so packets (and Ctrl-C) get through.
    const drive = (): void => {
      if (driving || done) return;
      driving = true;
      const step = (): void => {
        if (done || !stub.advance(GDB_RUN_SLICE)) { driving = false; return; }
        setImmediate(step);
      };
      setImmediate(step);
    };
    socket.on('data', (buf: Buffer) => {
      if (log !== undefined) log(`<- ${buf.toString('latin1')}`);
      stub.receive(buf);
      if (stub.running) drive();
    });
    socket.on('error', () => finish('disconnected'));
    socket.on('close', () => finish('disconnected'));
  });
}
