import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastJsonLine, runCli } from '../helpers/run-cli';
import { templatesFor } from '../../src/reward/examples';

describe('npm run train (learning gate on the real re:Invent 2018 track)', () => {
  it('trains from scratch with the defaults until 3 of 3 evaluation trials lap, and saves a DeepRacer-style model', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'raceline-train-')), 'model');
    const r = runCli('train', ['--track', 'reinvent_base', '--stop-on-lap', '--seed', '2', '--minutes', '5', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.some((l) => /^iter +1 \|/.test(l))).toBe(true);
    const summary = lastJsonLine(r.stdout);
    expect(summary.stoppedOnLap).toBe(true);
    expect(summary.completedLaps).toBe(3);
    const trials = summary.trials as { progress: number; lapTimeS: number | null }[];
    expect(trials).toHaveLength(3);
    for (const t of trials) {
      expect(t.progress).toBe(100);
      expect(t.lapTimeS).toBeGreaterThan(5);
    }
    expect(summary.envSteps).toBeGreaterThan(0);
    expect(typeof summary.trainSeconds).toBe('number');
    for (const f of ['model.json', 'weights.bin', 'model_metadata.json', 'hyperparameters.json', 'reward_function.js', 'raceline.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const meta = JSON.parse(readFileSync(join(out, 'model_metadata.json'), 'utf8'));
    expect(meta.action_space_type).toBe('discrete');
    expect(meta.training_algorithm).toBe('clipped_ppo');
    expect(meta.action_space).toHaveLength(10);
    const hp = JSON.parse(readFileSync(join(out, 'hyperparameters.json'), 'utf8'));
    expect(hp).toMatchObject({ batch_size: 64, num_epochs: 10, lr: 0.0003, beta_entropy: 0.01, discount_factor: 0.999, loss_type: 'huber', num_episodes_between_training: 20 });
  });

  it('--preset race trains the racing setup until it laps and reports the lap against the limit', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'raceline-race-')), 'model');
    const r = runCli('train', ['--preset', 'race', '--stop-on-lap', '--seed', '1', '--minutes', '5', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const summary = lastJsonLine(r.stdout);
    expect(summary.completedLaps).toBe(3);
    expect(summary.limitLapTimeS).toBeCloseTo(4.84, 1);
    expect(summary.meanRatioToLimit as number).toBeCloseTo((summary.meanLapTimeS as number) / (summary.limitLapTimeS as number), 9);
    const meta = JSON.parse(readFileSync(join(out, 'model_metadata.json'), 'utf8'));
    expect(meta.action_space).toHaveLength(15);
    expect(Math.max(...meta.action_space.map((a: { speed: number }) => a.speed))).toBe(4);
    expect(readFileSync(join(out, 'reward_function.js'), 'utf8')).toMatch(/10000 \/ params\.steps/);
    // The preset's discount factor, the other hyperparameters DeepRacer's; a flag still wins over the preset.
    const hp = JSON.parse(readFileSync(join(out, 'hyperparameters.json'), 'utf8'));
    expect(hp).toMatchObject({ discount_factor: 0.97, batch_size: 64, lr: 0.0003, beta_entropy: 0.01 });
    const flagged = join(out, 'flagged');
    expect(runCli('train', ['--preset', 'race', '--discount-factor', '0.99', '--minutes', '0.001', '--out', flagged, '--quiet']).status).toBe(0);
    expect(JSON.parse(readFileSync(join(flagged, 'hyperparameters.json'), 'utf8')).discount_factor).toBe(0.99);
    expect(runCli('train', ['--preset', 'rally', '--minutes', '1', '--out', join(out, 'x')]).stderr).toMatch(/unknown preset 'rally'/);
  });

  it('stops with the reward function\'s error and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raceline-bad-'));
    const file = join(dir, 'bad.js');
    writeFileSync(file, 'function reward_function(params) {\n  if (params.steps > 30) {\n    return params.nope.x;\n  }\n  return 1;\n}\n');
    const r = runCli('train', ['--reward', file, '--minutes', '1', '--out', join(dir, 'm')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/training stopped: reward_function line 3: .*'nope' is not a key of params/);
    expect(existsSync(join(dir, 'm'))).toBe(false);
  });

  it('trains with a Python reward function until it laps, and keeps it as reward_function.py', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raceline-py-'));
    const file = join(dir, 'reward.py');
    writeFileSync(file, templatesFor('python')[0].code);
    const out = join(dir, 'model');
    const r = runCli('train', ['--reward', file, '--stop-on-lap', '--seed', '1', '--minutes', '5', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const summary = lastJsonLine(r.stdout);
    expect(summary.completedLaps).toBe(3);
    expect(readFileSync(join(out, 'reward_function.py'), 'utf8')).toBe(templatesFor('python')[0].code);
    expect(JSON.parse(readFileSync(join(out, 'raceline.json'), 'utf8')).rewardLanguage).toBe('python');
  });

  it('trains with a sensor list (--sensors) and keeps it: model_metadata.json names it, npm run evaluate drives with it', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'raceline-sensors-')), 'model');
    const r = runCli('train', ['--sensors', 'SECTOR_LIDAR', '--minutes', '0.01', '--cars', '2', '--num-episodes-between-training', '2', '--num-epochs', '1', '--eval-trials', '1', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout).sensors).toEqual(['SECTOR_LIDAR']);
    const meta = JSON.parse(readFileSync(join(out, 'model_metadata.json'), 'utf8'));
    expect(meta.sensor).toEqual(['SECTOR_LIDAR']);
    expect(meta.neural_network).toBe('RACELINE_MLP');
    // DeepRacer's LiDAR embedder (dense 256, 256) and the 512 middleware, in both towers
    const spec = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(JSON.stringify(spec)).toContain('"vectorDense":[256,256]');
    const e = runCli('evaluate', ['--model', out, '--trials', '1']);
    expect(e.status, e.stderr).toBe(0);
    expect(lastJsonLine(e.stdout).trials).toHaveLength(1);

    const bad = runCli('train', ['--sensors', 'FRONT_FACING_CAMERA,STEREO_CAMERAS', '--out', join(out, '..', 'bad')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/train: sensors: choose one camera kind/);
  });

  it('rejects an unknown track with the list of shipped ones', () => {
    const r = runCli('train', ['--track', 'reinvent_bse']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unknown track 'reinvent_bse'.*reinvent_base/);
  });
});
