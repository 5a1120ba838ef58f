import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { lastJsonLine, runCli } from '../helpers/run-cli';

// The conformance suite itself runs in-process in conformance.test.ts; here only the two commands'
// contracts: a JSON summary last, the exit status, and the micropython skip.

describe('npm run car:faults', () => {
  it('prints a JSON summary last with zero corrupt models, and exits 0', () => {
    const r = runCli('car-faults', ['--uploads', '40', '--seed', '4']);
    expect(r.status, r.stderr).toBe(0);
    const s = lastJsonLine(r.stdout);
    expect(s).toMatchObject({ uploads: 40, seed: 4, corrupt: 0 });
    expect((s.verified as number) + (s.keptPrevious as number)).toBe(40);
  });
});

describe('npm run car:conformance', () => {
  it('skips micropython with a clear message and exit 0 only when the binary is missing', () => {
    const r = runCli('car-conformance', ['--target', 'micropython']);
    const hasBinary = spawnSync('micropython', ['-c', 'print(1)']).status === 0;
    if (hasBinary) {
      expect(lastJsonLine(r.stdout)).toMatchObject({ target: 'micropython', failed: 0 });
    } else {
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^skipped: no micropython binary on PATH/m);
      expect(lastJsonLine(r.stdout)).toMatchObject({ target: 'micropython', skipped: true });
    }
  });
});
