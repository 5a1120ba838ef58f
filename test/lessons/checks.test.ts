import { describe, expect, it } from 'vitest';
import { runCheck, type CheckContext, type SeenEvaluation } from '../../src/lessons/checks';
import { rewardCase } from '../../src/lessons/reward-cases';
import { compileJsReward } from '../../src/reward/js-reward';
import { REWARD_TEMPLATES } from '../../src/reward/examples';
import { defaultActionSpace, generateDiscreteActionSpace } from '../../src/sim/action-space';
import { shippedTrack } from '../helpers/tracks';
import { limitLap } from '../../src/race/limit-lap';
import type { StepCheck } from '../../src/lessons/lesson-format';
import { HYPERPARAMETER_FIELDS } from '../../src/ui/hyperparameter-fields';

const track = shippedTrack('reinvent_base');

function ctx(over: Partial<CheckContext> = {}): CheckContext {
  return {
    driveBestProgress: 0, entropies: [], evaluations: [], modelsMade: 0, trainedRewards: [], modelsSaved: 0, actionSpace: defaultActionSpace(), hyperparameters: {},
    trackName: 'reinvent_base', sensors: ['TRACK_GEOMETRY'], trainingFormat: 'time_trial', track, score: async () => [], limitLap: async () => null, ...over,
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
/** A score function that runs the source it is given (a trained model's reward) or else `editor`'s code. */
const sources = (editor: string): CheckContext['score'] => async (params, source) => compileJsReward(source?.code ?? editor).evaluate(params).map(Number);

/** Issue 15's quoted wrong answers, in JavaScript: pay most off the track, or only when wheels are off the road. */
const PAYS_OFF_TRACK = `function reward_function(params) {
  if (params.is_offtrack) return 1000.0;
  const d = params.distance_from_center / params.track_width;
  return d <= 0.1 ? 1.0 : d <= 0.25 ? 0.5 : d <= 0.5 ? 0.1 : 1e-3;
}`;
const PAYS_WHEELS_OFF = 'function reward_function(params) { if (params.all_wheels_on_track) return 0.0; return 1.0; }';
const PAYS_EDGE = 'function reward_function(params) { return 1e-3 + params.distance_from_center / params.track_width; }';

describe('reward cases', () => {
  it('place the states as named: centre vs near the edges and off the road, facing backwards, slow, steering', () => {
    const centre = rewardCase(track, 'centre');
    expect(centre.better[0].params.distance_from_center).toBeLessThan(0.01);
    const [left, right, offLeft, offRight] = centre.worse;
    for (const w of [left, right]) {
      expect(w.params.distance_from_center / w.params.track_width).toBeCloseTo(0.45, 2);
      expect(w.params.is_offtrack).toBe(false);
    }
    expect([left, right].map((w) => w.params.is_left_of_center)).toEqual([true, false]);
    for (const w of [offLeft, offRight]) expect(w.params.is_offtrack && !w.params.all_wheels_on_track).toBe(true);
    expect([offLeft, offRight].map((w) => w.params.is_left_of_center)).toEqual([true, false]);
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

  it('reward-prefers-centre rejects rewards that pay more off the track or at the edge, saying what it saw', async () => {
    const off = await runCheck(check('reward-prefers-centre'), ctx({ score: js(PAYS_OFF_TRACK) }));
    expect(off).toEqual({ passed: false, message: expect.stringMatching(/pays 1000 off the track on the (left|right), which is not less than the 1 it pays on the centre line.*is_offtrack/) });
    expect((await runCheck(check('reward-prefers-centre'), ctx({ score: js(PAYS_WHEELS_OFF) }))).passed).toBe(false);
    expect((await runCheck(check('reward-prefers-centre'), ctx({ score: js(PAYS_EDGE) }))).message).toMatch(/near the left edge/);
    const pass = await runCheck(check('reward-prefers-centre'), ctx({ score: js(template('follow-center-line')) }));
    expect(pass.message).toBe(
      'Your reward function pays 1 on the centre line, heading along the track at 2 m/s, more than it pays near the left edge (45% of the width from the centre) (0.1), near the right edge (45% of the width from the centre) (0.1), off the track on the left (0.001), off the track on the right (0.001).',
    );
  });

  it("trained-with-reward runs the trained model's own reward, not the editor's", async () => {
    const good = { code: template('follow-center-line'), language: 'javascript' as const };
    const bad = { code: PAYS_WHEELS_OFF, language: 'javascript' as const };
    expect((await runCheck(check('trained-with-reward centre'), ctx())).message).toMatch(/No model was trained/);
    const r = await runCheck(check('trained-with-reward centre'), ctx({ modelsMade: 1, trainedRewards: [bad], score: sources(template('follow-center-line')) }));
    expect(r).toEqual({ passed: false, message: expect.stringMatching(/^The model you trained learned from a reward function that does not prefer the centre line.*off the track.*Train again/) });
    expect((await runCheck(check('trained-with-reward centre'), ctx({ modelsMade: 2, trainedRewards: [bad, good], score: sources(PAYS_WHEELS_OFF) }))).passed).toBe(true);
  });

  it('evaluation-near-centre judges how the model drove, not only that it lapped', async () => {
    const trial = (lapTimeS: number | null, centreOffset: number | null) => ({ lapTimeS, progress: lapTimeS === null ? 40 : 100, centreOffset });
    expect((await runCheck(check('evaluation-near-centre 0.5'), ctx())).message).toMatch(/No evaluation yet/);
    expect((await runCheck(check('evaluation-near-centre 0.5'), ctx({ evaluations: [{ modelId: 'a', trials: [trial(null, 0.1)] }] }))).message).toMatch(/No evaluation trial completed a lap/);
    const edge = await runCheck(check('evaluation-near-centre 0.5'), ctx({ evaluations: [{ modelId: 'a', trials: [trial(38.8, 0.82), trial(38.9, 0.8)] }] }));
    expect(edge).toEqual({ passed: false, message: expect.stringMatching(/lapped, but on average 80% of the way from the centre line to the border \(this step asks at most 50%\)/) });
    expect((await runCheck(check('evaluation-near-centre 0.5'), ctx({ evaluations: [{ modelId: 'a', trials: [trial(30.1, 0.3)] }] }))).message).toMatch(/lapped in 30\.10 s, on average 30%/);
    expect((await runCheck(check('evaluation-near-centre 0.5'), ctx({ evaluations: [{ modelId: 'a', trials: [trial(30.1, null)] }] }))).message).toMatch(/Evaluate the model once more/);
  });

  it('compare-trails passes when the new model keeps right and another model did not', async () => {
    const seen = (modelId: string, leftShares: (number | null)[], modelName?: string) => ({ modelId, ...(modelName ? { modelName } : {}), trials: leftShares.map((leftShare) => ({ lapTimeS: 30, progress: 100, leftShare })) });
    const centre = seen('a', [0.89, 0.9], 'centre');
    const right = seen('b', [0.2, 0.25], 'right side');
    const run = (evaluations: ReturnType<typeof seen>[]) => runCheck(check('compare-trails right 0.6'), ctx({ evaluations }));
    expect((await run([])).message).toMatch(/No evaluation yet/);
    expect((await run([centre, centre])).message).toMatch(/Only one model \("centre"\) was evaluated/);
    expect(await run([centre, right])).toEqual({ passed: true, message: expect.stringMatching(/^"right side" drove right of the centre line 78% of the time, "centre" 10%\. Two rewards/) });
    // The centre model again on the left, the newest in the middle: the newest did not keep right.
    const middle = await run([centre, seen('c', [0.55])]);
    expect(middle).toEqual({ passed: false, message: expect.stringMatching(/drove right of the centre line 45% .*asks for at least 60%.*is_left_of_center/) });
    // Two right-side models: the comparison is with the one that drove least on the right, here the centre model.
    expect((await run([centre, seen('d', [0.3]), right])).passed).toBe(true);
    expect((await run([seen('d', [0.3]), right])).message).toMatch(/Both kept to the right/);
    expect((await run([centre, seen('e', [null])])).message).toMatch(/Evaluate both models once more/);
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

  it('entropy-below with an iteration count waits for enough of the chart (2 iterations at 2.274 is not settling)', async () => {
    const early = await runCheck(check('entropy-below 2.3 20'), ctx({ entropies: [2.3, 2.274] }));
    expect(early).toEqual({ passed: false, message: expect.stringMatching(/has 2 iterations; it needs at least 20/) });
    expect((await runCheck(check('entropy-below 2 20'), ctx({ entropies: Array.from({ length: 20 }, (_, i) => 2.3 - i * 0.02) }))).passed).toBe(true);
  });

  it('hyperparameter-is passes only the value the step asks for, naming the field as the form does', async () => {
    const want = check('hyperparameter-is entropyCoef 0.005');
    for (const wrong of [0.5, 0.02]) {
      expect(await runCheck(want, ctx({ hyperparameters: { entropyCoef: wrong } }))).toEqual({ passed: false, message: `Entropy is ${wrong}; this step asks for 0.005. Set Entropy to 0.005 in the Hyperparameters tab.` });
    }
    expect((await runCheck(want, ctx())).message).toBe('Entropy is 0.01 (the default); this step asks for 0.005. Set Entropy to 0.005 in the Hyperparameters tab.');
    expect(await runCheck(want, ctx({ hyperparameters: { entropyCoef: 0.005 } }))).toEqual({ passed: true, message: 'Entropy is 0.005, as the step asks.' });
    for (const wrong of [0.5, 1]) expect((await runCheck(check('hyperparameter-is gamma 0.99'), ctx({ hyperparameters: { gamma: wrong } }))).message).toMatch(/^Discount factor is/);
    expect((await runCheck(check('hyperparameter-is gamma 0.99'), ctx({ hyperparameters: { gamma: 0.99 } }))).passed).toBe(true);
    expect((await runCheck(check('hyperparameter-changed learningRate'), ctx())).message).toMatch(/^Learning rate is still its default/);
  });

  it("names every hyperparameter field with the form's own label (one table, HYPERPARAMETER_LABELS)", async () => {
    expect(HYPERPARAMETER_FIELDS.map((f) => f.label)).toContain('Parallel cars');
    for (const f of HYPERPARAMETER_FIELDS) {
      const message = (await runCheck(check(`hyperparameter-changed ${f.field}`), ctx())).message;
      expect(message, f.field).toBe(`${f.label} is still its default, ${String(f.default)}; change it in the Hyperparameters tab.`);
    }
    expect((await runCheck(check('hyperparameter-is numEnvs 4'), ctx({ hyperparameters: { numEnvs: 2 } }))).message).toMatch(/^Parallel cars is 2; this step asks for 4\. Set Parallel cars to 4/);
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

  it('evaluation-near-limit judges the mean of complete laps against the limit of the model\'s track', async () => {
    // The real limit lap of re:Invent 2018 (4.84 s), computed the way the page's limit-lap worker does.
    const limit = limitLap(track);
    const limitOf: CheckContext['limitLap'] = async (id) => (id === 'gone' ? null : { lapTimeS: limit.lapTimeS, trackName: 're:Invent 2018' });
    const trials = (...t: (number | null)[]) => t.map((lapTimeS) => ({ lapTimeS, progress: lapTimeS === null ? 80 : 100 }));
    const slow = { modelId: 'slow', modelName: 'slow', trials: trials(9.9, 10.1, 10.0) };
    const lucky = { modelId: 'lucky', trials: trials(5.0, null, 5.0) };
    const fast = { modelId: 'fast', modelName: 'racer', trials: trials(6.9, 7.0, 7.1) };
    const run = (evaluations: SeenEvaluation[], limitLap = limitOf) => runCheck(check('evaluation-near-limit 1.5'), ctx({ evaluations, limitLap }));
    expect((await run([])).message).toMatch(/^No evaluation yet\. Press Racing setup/);
    expect((await run([lucky])).message).toMatch(/No evaluation in this lesson lapped in every trial/);
    const r = await run([slow, lucky]);
    expect(r.passed).toBe(false);
    expect(r.message).toMatch(new RegExp(`'slow' lapped re:Invent 2018 in 10\\.00 s on average \\(3 trials\\) against the car's ${limit.lapTimeS.toFixed(2).replace('.', '\\.')} s limit lap: ${(10 / limit.lapTimeS).toFixed(2).replace('.', '\\.')}×; this step asks for 1\\.5× or less`));
    const ok = await run([slow, fast]);
    expect(ok).toEqual({ passed: true, message: expect.stringMatching(/^'racer' lapped re:Invent 2018 in 7\.00 s .* 1\.\d\d×, within the 1\.5× this step asks\.$/) });
    expect((await run([{ ...fast, modelId: 'gone' }])).message).toMatch(/no longer in My models/);
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
