import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastJsonLine, REPO, runCli } from '../helpers/run-cli';

const FIXTURE = join(REPO, 'test/fixtures/models/reinvent-base-seed1');

describe('npm run evaluate on the committed fixture model', () => {
  it('reproduces the lap times recorded when the model was trained', () => {
    const r = runCli('evaluate', ['--model', FIXTURE, '--seed', '1']);
    expect(r.status, r.stderr).toBe(0);
    const summary = lastJsonLine(r.stdout);
    const recorded = JSON.parse(readFileSync(join(FIXTURE, 'raceline.json'), 'utf8')).evaluation as { lapTimeS: number }[];
    expect(summary.completedLaps).toBe(3);
    expect((summary.trials as { lapTimeS: number }[]).map((t) => t.lapTimeS)).toEqual(recorded.map((t) => t.lapTimeS));
  });

  it('says what is missing for a folder that is not a model', () => {
    const r = runCli('evaluate', ['--model', join(REPO, 'tracks')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not a Raceline model folder: raceline.json is missing/);
  });
});
