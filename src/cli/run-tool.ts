/** Runs one of the headless tools (`src/cli/<name>.ts`) in a child Node process, for the benchmark and the tests. */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Node's arguments that run `src/cli/<name>.ts` through tsx. */
function toolArgv(name: string, args: string[]): string[] {
  return ['--import', 'tsx', `src/cli/${name}.ts`, ...args];
}

/**
 * @param name tool file stem (`train`, `params`, `evaluate`); @param input text for its stdin.
 * @returns exit status and captured output.
 */
export function runTool(name: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, toolArgv(name, args), {
    cwd: REPO,
    input,
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `runTool` without blocking, so a benchmark can run several tools at once (one per core: training in Node is
 * single-threaded WASM).
 * @param timeoutMs the child is killed (SIGKILL) after this long; its status is then null.
 */
export function runToolAsync(name: string, args: string[], timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, toolArgv(name, args), { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

/** The last line of a tool's stdout, parsed as JSON. @throws SyntaxError when it is not JSON. */
export function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
