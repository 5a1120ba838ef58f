import { describe, expect, it } from 'vitest';
import { loadTrack } from '../../src/track/node/track-files';
import { REWARD_TEMPLATES } from '../../src/reward/examples';
import { sampleStates } from '../../src/reward/sample-states';
import { checkRewardSource } from '../../src/reward/check-source';

/** The studio's reward check on JavaScript code. */
const checkReward = (code: string, t: typeof track) => checkRewardSource({ code, language: 'javascript' }, t);

const track = loadTrack('reinvent_base');
const template = (id: string): string => REWARD_TEMPLATES.find((t) => t.id === id)!.code;

/** The reward of the state whose label contains `part`. */
function rewardOf(rows: { label: string; reward: number }[], part: string): number {
  const row = rows.find((r) => r.label.includes(part));
  if (!row) throw new Error(`no state labelled '${part}' in ${rows.map((r) => r.label).join(', ')}`);
  return row.reward;
}

describe('sampleStates on re:Invent 2018', () => {
  const states = sampleStates(track);
  const byLabel = (part: string) => states.find((s) => s.label.includes(part))!.params;

  it('places the states at 20% of the lap with the asked geometry', () => {
    expect(states.length).toBeGreaterThanOrEqual(8);
    const centre = byLabel('centre line, 1 m/s');
    expect(centre.distance_from_center).toBeLessThan(1e-6);
    expect(centre.all_wheels_on_track).toBe(true);
    expect(centre.speed).toBe(1);
    expect(centre.steps).toBe(10);
    expect(centre.progress).toBeGreaterThan(0);
    expect(centre.progress).toBeLessThan(10);
    expect(centre.projection_distance / track.length).toBeCloseTo(0.2, 2);

    const left = byLabel('20% of the width left');
    expect(left.is_left_of_center).toBe(true);
    expect(left.distance_from_center / left.track_width).toBeCloseTo(0.2, 2);
    const right = byLabel('45% of the width right');
    expect(right.is_left_of_center).toBe(false);
    expect(right.distance_from_center / right.track_width).toBeCloseTo(0.45, 2);
    expect(right.all_wheels_on_track).toBe(false);

    const turned = byLabel('Heading 30°');
    expect(Math.abs(turned.heading - centre.heading)).toBeCloseTo(30, 6);
    expect(byLabel('Steering 25°').steering_angle).toBe(25);

    const off = byLabel('off the track');
    expect(off.is_offtrack).toBe(true);
    expect(off.all_wheels_on_track).toBe(false);
  });
});

describe('checkReward', () => {
  it('follow-centre-line pays 1.0 on the centre, each band its value, 1e-3 off track', async () => {
    const r = await checkReward(template('follow-center-line'), track);
    if (!r.ok) throw new Error(r.error.message);
    expect(rewardOf(r.rows, 'centre line, 1 m/s')).toBe(1);
    expect(rewardOf(r.rows, '5% of the width left')).toBe(1);
    expect(rewardOf(r.rows, '20% of the width right')).toBe(0.5);
    expect(rewardOf(r.rows, '45% of the width left')).toBe(0.1);
    expect(rewardOf(r.rows, 'off the track')).toBe(1e-3);
  });

  it('stay-inside-borders pays nothing once a wheel leaves the road', async () => {
    const r = await checkReward(template('stay-inside-borders'), track);
    if (!r.ok) throw new Error(r.error.message);
    expect(rewardOf(r.rows, 'centre line, 1 m/s')).toBe(1);
    expect(rewardOf(r.rows, '45% of the width right')).toBe(1e-3);
    expect(rewardOf(r.rows, 'off the track')).toBe(1e-3);
  });

  it('prevent-zig-zag cuts the reward for sharp steering', async () => {
    const r = await checkReward(template('prevent-zig-zag'), track);
    if (!r.ok) throw new Error(r.error.message);
    expect(rewardOf(r.rows, 'centre line, 1 m/s')).toBe(1);
    expect(rewardOf(r.rows, 'Steering 25°')).toBeCloseTo(0.8, 12);
  });

  it('reports a syntax error with its line', async () => {
    const code = 'function reward_function(params) {\n  const x = 1;\n  return x +;\n}\n';
    const r = await checkReward(code, track);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.line).toBe(3);
    expect(r.error.message).toMatch(/line 3/);
  });

  it("applies DeepRacer's rule to a NaN reward", async () => {
    const r = await checkReward('function reward_function(params) {\n  return 0 / 0;\n}\n', track);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toMatch(/NaN/);
    expect(r.error.message).toMatch(/DeepRacer stops training/);
  });

  it('names the line of a runtime error and a misspelt params key', async () => {
    const r = await checkReward('function reward_function(params) {\n  return params.progres;\n}\n', track);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.line).toBe(2);
    expect(r.error.message).toMatch(/did you mean 'progress'/);
  });

  it('reports a missing reward_function without a line', async () => {
    const r = await checkReward('function reward(params) { return 1; }', track);
    expect(r).toEqual({ ok: false, error: { message: expect.stringMatching(/no reward_function/), line: null } });
  });
});
