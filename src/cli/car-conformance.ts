/**
 * `npm run car:conformance -- --target virtual|python|micropython [--model DIR]`: runs the car
 * protocol conformance suite (src/car/conformance.ts) against a car. Prints one line per check, then
 * a JSON summary line; exits 1 when a check fails.
 *
 * Targets: `virtual` — the in-memory virtual car (simulated serial link at 115200 baud);
 * `python` — firmware/python over TCP (python3 with numpy); `micropython` — firmware/micropython
 * over stdin/stdout in MicroPython's unix port (skipped, exit 0, when no `micropython` binary is on
 * PATH); `micropython-cpython` — the same MicroPython files run by python3, no numpy. A missing
 * python3 or numpy for the python targets is an error (exit 1) that says what to install.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from './args';
import { REPO } from './run-tool';
import { runConformance, type ConformanceTarget } from '../car/conformance';
import { virtualCarTarget } from '../car/virtual-car';
import { processTarget } from '../car/node/process-target';
import { conformanceInputFor } from '../car/node/model-folder';

const FIXTURE = join(REPO, 'test/fixtures/models/reinvent-base-seed1');
const TARGETS = ['virtual', 'python', 'micropython', 'micropython-cpython'];

/** The command that runs a target, or why it cannot run here. */
export function targetFor(name: string): ConformanceTarget | { skip: string } {
  const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
  switch (name) {
    case 'virtual':
      return virtualCarTarget();
    case 'python':
      if (!has('python3', ['-c', 'import numpy'])) return { skip: 'python3 with numpy is not installed (apt-get install -y python3 python3-numpy)' };
      return processTarget({ name, command: 'python3', args: ['-m', 'raceline_car', '--state-dir', '{stateDir}', '--tcp', '127.0.0.1:0'], cwd: join(REPO, 'firmware/python'), transport: 'tcp' });
    case 'micropython':
      if (!has('micropython', ['-c', 'print(1)'])) return { skip: 'no micropython binary on PATH (build the unix port: see firmware/micropython/README.md)' };
      return processTarget({ name, command: 'micropython', args: ['unix_main.py', '{stateDir}'], cwd: join(REPO, 'firmware/micropython'), transport: 'stdio' });
    case 'micropython-cpython':
      if (!has('python3', ['-c', 'print(1)'])) return { skip: 'python3 is not installed' };
      return processTarget({ name, command: 'python3', args: ['unix_main.py', '{stateDir}'], cwd: join(REPO, 'firmware/micropython'), transport: 'stdio' });
  }
  throw new Error(`unknown --target '${name}': use one of ${TARGETS.join(', ')}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { target: 'virtual', model: FIXTURE });
  if (args.help) {
    console.log(`usage: npm run car:conformance -- --target ${TARGETS.join('|')} [--model DIR]`);
    return;
  }
  const name = String(args.target);
  const target = targetFor(name);
  if ('skip' in target) {
    // Only MicroPython may be absent (it needs a build from source); a missing python3 is a failure.
    if (name !== 'micropython') throw new Error(`cannot run the ${name} target: ${target.skip}`);
    console.log(`skipped: ${target.skip}`);
    console.log(JSON.stringify({ target: name, skipped: true, reason: target.skip, passed: 0, failed: 0 }));
    return;
  }
  const input = await conformanceInputFor(String(args.model));
  try {
    const summary = await runConformance(target, input, (line) => console.log(line));
    if (summary.failed > 0 && 'stderr' in target) console.error(`${name} stderr (last lines):\n${(target as { stderr(): string }).stderr().slice(-2000)}`);
    console.log(JSON.stringify(summary));
    process.exitCode = summary.failed > 0 ? 1 : 0;
  } finally {
    await target.close();
  }
}

main().catch((e: unknown) => {
  console.error(`car:conformance: ${(e as Error).message}`);
  process.exit(1);
});
