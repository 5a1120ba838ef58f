import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fixtureInput } from './fixture';
import { REPO } from '../helpers/run-cli';
import { runConformance, type ConformanceTarget } from '../../src/car/conformance';
import { virtualCarTarget } from '../../src/car/virtual-car';
import { processTarget } from '../../src/car/node/process-target';

const CHECKS = ['hello', 'bad-frames-ignored', 'error-replies', 'upload-float32', 'inference-float32', 'upload-int8', 'inference-int8', 'switch-back', 'bad-hash-keeps-model', 'abort', 'resume-after-cut', 'restart-keeps-model', 'telemetry'];
const hasPython = spawnSync('python3', ['-c', 'print(1)']).status === 0;
const hasNumpy = hasPython && spawnSync('python3', ['-c', 'import numpy']).status === 0;

async function expectConformant(target: ConformanceTarget): Promise<void> {
  const lines: string[] = [];
  try {
    const summary = await runConformance(target, await fixtureInput(), (l) => lines.push(l));
    const stderr = 'stderr' in target ? (target as { stderr(): string }).stderr() : '';
    expect(summary.checks.map((c) => c.name)).toEqual(CHECKS);
    expect(summary.checks.filter((c) => !c.ok), `${lines.join('\n')}\n${stderr}`).toEqual([]);
    expect(summary.skipped).toBe(0);
    // one printed line per check, in order, saying what was checked
    expect(lines.map((l) => l.slice(0, 5) + l.slice(5).trim().split(' ')[0])).toEqual(CHECKS.map((c) => `ok   ${c}`));
  } finally {
    await target.close();
  }
}

describe('car protocol conformance', () => {
  it('the virtual car passes every check', () => expectConformant(virtualCarTarget()));

  // A skipped test's title says why, so a run without Python is not mistaken for a pass.
  const pythonNote = hasNumpy ? '' : ' [skipped: python3 with numpy is missing; apt-get install -y python3 python3-numpy]';
  const python3Note = hasPython ? '' : ' [skipped: python3 is missing]';

  it.skipIf(!hasNumpy)(`the Python reference runtime (firmware/python, over TCP) passes every check${pythonNote}`, () =>
    expectConformant(processTarget({ name: 'python', command: 'python3', args: ['-m', 'raceline_car', '--state-dir', '{stateDir}', '--tcp', '127.0.0.1:0'], cwd: join(REPO, 'firmware/python'), transport: 'tcp' })),
  );

  it.skipIf(!hasPython)(`the MicroPython runtime's code, run by CPython over stdin/stdout, passes every check${python3Note}`, () =>
    expectConformant(processTarget({ name: 'micropython-cpython', command: 'python3', args: ['unix_main.py', '{stateDir}'], cwd: join(REPO, 'firmware/micropython'), transport: 'stdio' })),
  );
});
