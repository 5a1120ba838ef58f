import { describe, expect, it } from 'vitest';
import { runCheck, type CheckContext } from '../../src/lessons/checks';
import { rewardCase } from '../../src/lessons/reward-cases';
import { compileJsReward } from '../../src/reward/js-reward';
import { REWARD_TEMPLATES } from '../../src/reward/examples';
import { defaultActionSpace, generateDiscreteActionSpace } from '../../src/sim/action-space';
import { shippedTrack } from '../helpers/tracks';
import type { StepCheck } from '../../src/lessons/lesson-format';

const track = shippedTrack('reinvent_base');

function ctx(over: Partial<CheckContext> = {}): CheckContext {
  return {
    driveBestProgress: 0, entropies: [], evaluations: [], modelsMade: 0, modelsSaved: 0, actionSpace: defaultActionSpace(), hyperparameters: {},
    trackName: 'reinvent_base', sensors: ['TRACK_GEOMETRY'], trainingFormat: 'time_trial', track, score: async () => [], ...over,
  };
}
const check = (text: string): StepCheck => {
  const [kind, ...args] = text.split(' ');
  return { kind: kind as StepCheck['kind'], args };
};
/** A score function running JavaScript reward code (the page runs it in the sandbox; Node compiles it directly). */
const js = (code: string): CheckContext['score'] => {
  const fn = compileJsReward(code);
  return async (params) => fn.evaluate(params).map(Number);
};
const template = (id: string): string => REWARD_TEMPLATES.find((t) => t.id === id)!.code;

describe('reward cases', () => {
  it('place the states as named: centre vs near the edges, off the road, facing backwards, slow, steering', () => {
    const centre = rewardCase(track, 'centre');
    expect(centre.better[0].params.distance_from_center).toBeLessThan(0.01);
    for (const w of centre.worse) expect(w.params.distance_from_center / w.params.track_width).toBeCloseTo(0.45, 2);
    expect(centre.worse.map((w) => w.params.is_left_of_center).sort()).toEqual([false, true]);
    expect(rewardCase(track, 'off-track').worse[0].params.is_offtrack).toBe(true);
    const back = rewardCase(track, 'reversing');
    const turn = Math.abs(((back.worse[0].params.heading - back.better[0].params.heading + 540) % 360) - 180);
    expect(turn).toBeCloseTo(180, 3);
    expect(rewardCase(track, 'standing-still').worse[0].params.speed).toBeLessThan(0.5);
    expect(rewardCase(track, 'zig-zag').worse.map((w) => Math.abs(w.params.steering_angle))).toEqual([28, 28]);
  });
});

describe('runCheck', () => {
  it('reward-prefers-centre passes the centre-line example and fails a flat reward, saying what to use', async () => {
    expect((await runCheck(check('reward-prefers-centre'), ctx({ score: js(template('follow-center-line')) }))).passed).toBe(true);
    const flat = await runCheck(check('reward-prefers-centre'), ctx({ score: js('function reward_function(params) { return 1.0; }') }));
    expect(flat.passed).toBe(false);
    expect(flat.message).toMatch(/pays 1 near the (left|right) edge.*distance_from_center/);
  });

  it('reward-penalises tells which behaviour the function still pays for', async () => {
    const centre = js(template('follow-center-line'));
    const still = await runCheck(check('reward-penalises standing-still'), ctx({ score: centre }));
    expect(still.passed).toBe(false);
    expect(still.message).toMatch(/almost stopped.*params\['speed'\]/);
    expect((await runCheck(check('reward-penalises zig-zag'), ctx({ score: js(template('prevent-zig-zag')) }))).passed).toBe(true);
    expect((await runCheck(check('reward-penalises zig-zag'), ctx({ score: centre }))).passed).toBe(false);
    expect((await runCheck(check('reward-penalises off-track'), ctx({ score: js(template('stay-inside-borders')) }))).passed).toBe(true);
    expect((await runCheck(check('reward-penalises reversing'), ctx({ score: centre }))).passed).toBe(false);
  });

  it('a reward function that fails makes the check fail with its error', async () => {
    const r = await runCheck(check('reward-prefers-centre'), ctx({ score: async () => Promise.reject(new Error("line 2: 'progres' is not a key of params")) }));
    expect(r).toEqual({ passed: false, message: expect.stringMatching(/Your reward function failed: line 2: 'progres'.*Reward tab/) });
  });

  it('entropy-below reads the latest training point', async () => {
    expect((await runCheck(check('entropy-below 1'), ctx())).message).toMatch(/no training chart yet/);
    expect((await runCheck(check('entropy-below 1'), ctx({ entropies: [2.3, 0.8] }))).passed).toBe(true);
    const high = await runCheck(check('entropy-below 1'), ctx({ entropies: [0.8, 1.2] }));
    expect(high.passed).toBe(false);
    expect(high.message).toMatch(/1\.2, not below 1.*lower the Entropy/);
  });

  it('evaluation-lap and compared-models read the evaluations seen', async () => {
    const noLap = { modelId: 'a', trials: [{ lapTimeS: null, progress: 62 }] };
    const lap = { modelId: 'b', trials: [{ lapTimeS: 14.2, progress: 100 }, { lapTimeS: 13.5, progress: 100 }] };
    expect((await runCheck(check('evaluation-lap'), ctx())).message).toMatch(/No evaluation yet/);
    expect((await runCheck(check('evaluation-lap'), ctx({ evaluations: [noLap] }))).message).toMatch(/62% of the lap.*Train longer/);
    expect((await runCheck(check('evaluation-lap'), ctx({ evaluations: [noLap, lap] }))).message).toMatch(/13\.50 s/);
    expect((await runCheck(check('compared-models'), ctx({ evaluations: [lap, lap] }))).passed).toBe(false);
    expect((await runCheck(check('compared-models'), ctx({ evaluations: [noLap, lap] }))).passed).toBe(true);
  });

  it('judges the studio settings: action space, hyperparameters, track, race type, keyboard drive, models', async () => {
    expect((await runCheck(check('action-space-size 15'), ctx()))).toEqual({ passed: false, message: expect.stringMatching(/has 10 actions; make a discrete one with 15/) });
    expect((await runCheck(check('action-space-size 15'), ctx({ actionSpace: generateDiscreteActionSpace(30, 5, 1, 3) }))).passed).toBe(true);
    expect((await runCheck(check('action-space-type continuous'), ctx())).passed).toBe(false);
    expect((await runCheck(check('hyperparameter-changed gamma'), ctx({ hyperparameters: { gamma: 0.999 } }))).passed).toBe(false);
    expect((await runCheck(check('hyperparameter-changed gamma'), ctx({ hyperparameters: { gamma: 0.99 } }))).passed).toBe(true);
    expect((await runCheck(check('track-selected Oval_track'), ctx())).passed).toBe(false);
    expect((await runCheck(check('training-format object_avoidance'), ctx({ trainingFormat: 'object_avoidance' }))).passed).toBe(true);
    expect((await runCheck(check('drove-with-keyboard 5'), ctx({ driveBestProgress: 3 }))).message).toMatch(/3% of a lap so far; drive at least 5%/);
    expect((await runCheck(check('drove-with-keyboard 5'), ctx({ driveBestProgress: 7 }))).passed).toBe(true);
    expect((await runCheck(check('models-saved 1'), ctx({ modelsSaved: 0 }))).passed).toBe(false);
    expect((await runCheck(check('sensors-include LIDAR'), ctx()))).toEqual({ passed: false, message: expect.stringMatching(/TRACK_GEOMETRY; add LIDAR in the Sensors tab/) });
    expect((await runCheck(check('sensors-include LIDAR'), ctx({ sensors: ['FRONT_FACING_CAMERA', 'LIDAR'] }))).passed).toBe(true);
    expect((await runCheck(check('trained-model'), ctx({ modelsMade: 1 }))).passed).toBe(true);
  });
});
