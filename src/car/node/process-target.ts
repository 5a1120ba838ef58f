/**
 * Node only: conformance targets for car runtimes running as child processes — the Python runtime
 * over TCP (one process, connections come and go, a cut is a dropped socket) and runtimes over
 * stdin/stdout (MicroPython's unix port, one process per connection, a cut is a power cut).
 * Slots live in a temporary state folder that outlives the processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { realClock } from '../clock';
import type { ByteStream } from '../stream';
import type { ConformanceTarget } from '../conformance';

/** A `ByteStream` over a Node readable/writable pair (a socket, a child's stdio). */
export class NodeByteStream implements ByteStream {
  readonly maxWriteSize = 4096;
  closed = false;
  private closeListeners: ((reason: string) => void)[] = [];

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly onCloseRequest: () => void,
  ) {
    const closed = (reason: string) => this.markClosed(reason);
    input.on('close', () => closed('the car closed the connection'));
    input.on('end', () => closed('the car closed the connection'));
    input.on('error', (e) => closed(e.message));
    output.on('error', (e) => closed(e.message));
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => this.output.write(Buffer.from(bytes), (e) => (e ? reject(e) : resolve())));
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.input.on('data', (b: Buffer) => listener(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closed) listener('closed');
    else this.closeListeners.push(listener);
  }

  close(reason = 'closed by host'): void {
    if (this.closed) return;
    this.onCloseRequest();
    this.markClosed(reason);
  }

  private markClosed(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    const l = this.closeListeners;
    this.closeListeners = [];
    setTimeout(() => l.forEach((f) => f(reason)), 0);
  }
}

export interface ProcessTargetOptions {
  name: string;
  /** Executable and arguments; `{stateDir}` in an argument is replaced by the state folder. */
  command: string;
  args: string[];
  cwd: string;
  transport: 'tcp' | 'stdio';
}

/** The child's recent stderr, for failure messages. */
export type ProcessTarget = ConformanceTarget & { stderr(): string; stateDir: string };

/**
 * @throws Error (from connect) when the process does not start or, for TCP, prints no "listening on HOST:PORT" line within 20 s.
 */
export function processTarget(o: ProcessTargetOptions): ProcessTarget {
  const stateDir = mkdtempSync(join(tmpdir(), 'raceline-car-'));
  let child: ChildProcess | null = null;
  let port: Promise<number> | null = null;
  let current: { stream: NodeByteStream; socket?: Socket } | null = null;
  let log = '';

  const start = (): ChildProcess => {
    const args = o.args.map((a) => a.replaceAll('{stateDir}', stateDir));
    // No __pycache__ folders in the repository from test runs.
    const c = spawn(o.command, args, { cwd: o.cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    c.stderr!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
    c.on('error', (e) => (log += `\nspawn failed: ${e.message}`));
    child = c;
    return c;
  };
  const stop = async () => {
    const c = child;
    child = null;
    port = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  const listening = (c: ChildProcess): Promise<number> =>
    new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${o.name}: no "listening on" line within 20 s; stderr: ${log.slice(-500)}`)), 20_000);
      c.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /listening on [^\s:]+:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      c.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${o.name} exited with ${code} before listening; stderr: ${log.slice(-500)}`));
      });
    });

  const connect = async (): Promise<ByteStream> => {
    if (o.transport === 'tcp') {
      if (!child) port = listening(start());
      const p = await port!;
      const socket = createConnection({ host: '127.0.0.1', port: p });
      socket.setNoDelay(true);
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      const stream = new NodeByteStream(socket, socket, () => socket.destroy());
      current = { stream, socket };
      return stream;
    }
    // One process per connection: closing the connection ends stdin and the process exits.
    const c = start();
    const stream = new NodeByteStream(c.stdout!, c.stdin!, () => {
      c.stdin!.end();
      if (child === c) child = null;
    });
    c.on('exit', () => stream.close('the car process exited'));
    current = { stream };
    return stream;
  };

  return {
    name: o.name,
    clock: realClock,
    stateDir,
    timeouts: { replyMs: 2000, attempts: 3, dataMs: 3000, verifyMs: 10_000 },
    connect,
    cut: () => {
      if (o.transport === 'tcp') current?.socket?.destroy();
      else void stop(); // a power cut: the process dies mid-upload
    },
    restart: async () => {
      current?.stream.close('restart');
      await stop();
    },
    close: async () => {
      current?.stream.close('suite finished');
      await stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
    stderr: () => log,
  };
}
