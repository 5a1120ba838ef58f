import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PARAMS_KEYS } from '../../src/reward/params';
import { REPO, runCli } from '../helpers/run-cli';

describe('npm run params', () => {
  it('prints every params key for each CSV state, as the simulator computes it', () => {
    const csv = 'x,y,heading,steering_angle,speed\n3.059734,0.682655,0,10,1.5\n3.059734,0.9,90,-40,1\n';
    const r = runCli('params', ['--track', 'reinvent_base'], csv);
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2);
    for (const k of PARAMS_KEYS) expect(rows[0]).toHaveProperty(k);
    expect(rows[0].x).toBeCloseTo(3.199734, 6);
    expect(rows[0].y).toBeCloseTo(0.682655, 6);
    expect(rows[0].progress).toBeCloseTo((100 * 0.14) / 17.709, 2);
    expect(rows[0].closest_waypoints).toEqual([0, 1]);
    expect(rows[0].speed).toBe(1.5);
    expect(rows[1].steering_angle).toBe(-30); // clipped like the simulator's command
    expect(rows[1].is_left_of_center).toBe(true);
    expect(rows[1].distance_from_center).toBeCloseTo(0.9 + 0.14 - 0.6827, 3);
  });

  it('reads a DeepRacer .npy route file', () => {
    const npy = join(REPO, 'test/fixtures/tracks-npy/Oval_track.npy');
    const r = runCli('params', ['--track', npy], 'x,y,heading,steering_angle,speed\n0,0,0,0,1\n');
    expect(r.status, r.stderr).toBe(0);
    const row = JSON.parse(r.stdout.trim());
    expect(row.track_length).toBeCloseTo(19.55, 1);
    expect(row.is_offtrack).toBe(true);
  });

  it('adds the reward a Python or JavaScript function returns for each state, or its error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raceline-params-'));
    const py = join(dir, 'r.py');
    writeFileSync(py, "def reward_function(params):\n    if params['steps'] > 5:\n        return params['nope']\n    return 1.0 - params['distance_from_center']\n");
    const js = join(dir, 'r.js');
    writeFileSync(js, 'function reward_function(params) { return 1 - params.distance_from_center; }');
    const csv = 'x,y,heading,steering_angle,speed,steps\n3.059734,0.682655,0,0,1,2\n3.059734,0.682655,0,0,1,9\n';
    const a = runCli('params', ['--track', 'reinvent_base', '--reward', py], csv);
    expect(a.status, a.stderr).toBe(0);
    const [ok, bad] = a.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(ok.reward).toBeCloseTo(1 - ok.distance_from_center, 12);
    expect(bad.reward).toBeUndefined();
    expect(bad.rewardError.line).toBe(3);
    expect(bad.rewardError.message).toMatch(/KeyError: 'nope'/);
    const b = runCli('params', ['--track', 'reinvent_base', '--reward', js], csv);
    expect(JSON.parse(b.stdout.trim().split('\n')[0]).reward).toBeCloseTo(ok.reward, 12);
  });

  it('names the bad cell of malformed input', () => {
    const r = runCli('params', ['--track', 'reinvent_base'], 'x,y,heading,steering_angle,speed\n1,abc,0,0,1\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/CSV line 2: 'y' is not a number/);
  });
});
