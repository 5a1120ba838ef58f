import { describe, expect, it } from 'vitest';
import { RacingVectorEnv, type RacingEnvConfig } from '../../src/sim/racing-env';
import { RacingEnv } from '../../src/sim/racing-env-single';
import { defaultActionSpace, type ContinuousActionSpace } from '../../src/sim/action-space';
import { compileJsReward } from '../../src/reward/js-reward';
import { DEFAULT_JS_REWARD } from '../../src/reward/examples';
import type { DeepRacerParams } from '../../src/reward/params';
import type { RewardFunction } from '../../src/reward/reward-function';
import { RewardError } from '../../src/reward/reward-function';
import { Rng } from '../../src/sim/rng';
import { shippedTrack } from '../helpers/tracks';
import { purePursuit } from '../helpers/drivers';
import { checkEnv, checkVectorEnv } from '../../src/sim/env-checker';
import { evaluatePolicy } from '../../src/race/evaluate';

const continuous: ContinuousActionSpace = { type: 'continuous', steering_angle: { low: -30, high: 30 }, speed: { low: 0.5, high: 4 } };

function config(over: Partial<RacingEnvConfig> = {}): RacingEnvConfig {
  return { track: shippedTrack('reinvent_base'), actionSpace: defaultActionSpace(), reward: compileJsReward(DEFAULT_JS_REWARD.code), ...over };
}

/** A reward function that records every params it sees. */
function recordingReward(seen: DeepRacerParams[]): RewardFunction {
  return { language: 'javascript', evaluate: (batch) => batch.map((p) => (seen.push(p), 1)) };
}

function drive(env: RacingEnv, speed: number, maxSteps = 2000) {
  let { observation } = env.reset({ seed: 3 });
  for (let k = 0; k < maxSteps; k++) {
    const r = env.step(Float32Array.from(purePursuit(observation, 0, speed)));
    observation = r.observation;
    if (r.terminated || r.truncated) return r;
  }
  throw new Error('episode did not end');
}

describe('RacingVectorEnv', () => {
  it('replays bit for bit from the same seed and actions', () => {
    const run = () => {
      const env = new RacingVectorEnv(config({ numEnvs: 4, startNoise: { lateral: 0.05, heading: 0.05 } }));
      const rng = new Rng(11);
      let obs = env.reset({ seed: 5 }).observations;
      const trace: number[] = [];
      for (let k = 0; k < 400; k++) {
        const a = Int32Array.from({ length: 4 }, () => rng.int(10));
        const r = env.step(a);
        obs = r.observations;
        trace.push(...obs, ...r.rewards, ...r.terminated);
      }
      return Float64Array.from(trace);
    };
    expect(run()).toEqual(run());
  });

  it('gives reward 0 on the first step without calling the reward function, then calls it from steps = 2', () => {
    const seen: DeepRacerParams[] = [];
    const env = new RacingEnv(config({ reward: recordingReward(seen) }));
    env.reset({ seed: 1 });
    const first = env.step(1);
    expect(first.reward).toBe(0);
    expect(first.info.status).toBe('prepare');
    expect(seen.length).toBe(0);
    const second = env.step(1);
    expect(second.reward).toBe(1);
    expect(seen[0].steps).toBe(2);
  });

  it('completes a lap: terminated with lap_complete, progress 100 and a lap time of steps / 15 s', () => {
    const r = drive(new RacingEnv(config({ actionSpace: continuous })), 1);
    expect(r.terminated).toBe(true);
    expect(r.info.status).toBe('lap_complete');
    expect(r.info.progress).toBe(100);
    expect(r.info.lapTimeS).toBeCloseTo(r.info.steps! / 15, 12);
    expect(r.info.lapTimeS!).toBeGreaterThan(15);
    expect(r.info.lapTimeS!).toBeLessThan(22);
  });

  it('ends off track when all four wheels leave, and still calls the reward function on that step', () => {
    const seen: DeepRacerParams[] = [];
    const env = new RacingEnv(config({ reward: recordingReward(seen) }));
    env.reset({ seed: 1 });
    let r;
    do r = env.step(9); // 30 degrees left, 1 m/s
    while (!r.terminated && !r.truncated);
    expect(r.info.status).toBe('off_track');
    expect(seen[seen.length - 1].is_offtrack).toBe(true);
    expect(seen[seen.length - 1].all_wheels_on_track).toBe(false);
    expect(r.reward).toBe(1);
    expect(() => env.step(0)).toThrow(/call reset/);
  });

  it('ends reversed after 15 steps of falling progress', () => {
    const env = new RacingVectorEnv(config({ numEnvs: 1, autoreset: false }));
    env.reset({ seed: 1 });
    const track = env.track;
    const p = track.pointAt(6);
    env.placeCar(0, p.x, p.y, p.heading + Math.PI);
    let steps = 0;
    let r;
    do {
      r = env.step(Int32Array.of(5)); // straight ahead, 0.5 m/s: backwards along the track
      steps++;
    } while (!r.terminated[0] && steps < 100);
    expect(r.episodes[0].extra?.status).toBe('reversed');
    expect(steps).toBeLessThanOrEqual(17);
  });

  it('truncates at the step limit and hands back the final observation', () => {
    const env = new RacingVectorEnv(config({ numEnvs: 2, maxSteps: 20 }));
    env.reset({ seed: 1 });
    let r;
    for (let k = 0; k < 20; k++) r = env.step(Int32Array.of(5, 5));
    expect(Array.from(r!.truncated)).toEqual([1, 1]);
    expect(Array.from(r!.terminated)).toEqual([0, 0]);
    expect(r!.episodes.map((e) => e.extra?.status)).toEqual(['time_up', 'time_up']);
    expect(r!.finalObservations[0]).not.toBeNull();
    expect(r!.finalObservations[0]).not.toEqual(r!.observations.slice(0, r!.finalObservations[0]!.length));
  });

  it('starts each new episode 5% of the lap further on (round robin)', () => {
    const env = new RacingVectorEnv(config({ numEnvs: 1, maxSteps: 3 }));
    env.reset({ seed: 1 });
    const starts: number[] = [];
    for (let k = 0; k < 12; k++) {
      const r = env.step(Int32Array.of(5));
      for (const e of r.episodes) starts.push(e.extra?.startFraction as number);
    }
    expect(starts.length).toBe(4);
    starts.forEach((s, i) => expect(s).toBeCloseTo(0.05 * i, 12));
  });

  it('stops with a RewardError naming the line when the reward function throws mid-episode', () => {
    const reward = compileJsReward('function reward_function(params) {\n  if (params.steps === 40) {\n    throw new Error("step 40");\n  }\n  return 1;\n}');
    const env = new RacingVectorEnv(config({ numEnvs: 2, reward }));
    env.reset({ seed: 1 });
    let error: unknown;
    try {
      for (let k = 0; k < 60; k++) env.step(Int32Array.of(5, 5));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RewardError);
    expect((error as RewardError).line).toBe(3);
  });

  it('rejects a NaN reward with DeepRacer\'s rule named', () => {
    const reward = compileJsReward('function reward_function(params) { return params.steps > 3 ? NaN : 1; }');
    const env = new RacingVectorEnv(config({ reward }));
    env.reset({ seed: 1 });
    expect(() => {
      for (let k = 0; k < 10; k++) env.step(Int32Array.of(5));
    }).toThrow(/NaN/);
  });
});

describe('open tracks', () => {
  it('driving straight down Straight_track reaches 100% and completes it, as a lap', () => {
    const straight = { type: 'discrete' as const, actions: [{ steering_angle: 0, speed: 1, index: 0 }] };
    const env = new RacingVectorEnv(config({ track: shippedTrack('Straight_track'), actionSpace: straight }));
    env.reset({ seed: 1 });
    let last = 0;
    for (let k = 0; k < 200; k++) {
      const r = env.step(Int32Array.of(0));
      if (r.terminated[0]) {
        const ep = r.episodes[0];
        expect(ep.extra?.status).toBe('lap_complete');
        expect(ep.extra?.progress).toBe(100);
        // 5.71 m at 1 m/s and 15 steps per second, less the car's length ahead of the start line
        expect(ep.episodicLength).toBeGreaterThan(75);
        expect(ep.episodicLength).toBeLessThan(90);
        return;
      }
      expect(env.lastInfo[0].progress).toBeGreaterThanOrEqual(last);
      last = env.lastInfo[0].progress;
    }
    throw new Error(`no end of the track after 200 steps (progress ${last}%)`);
  });

  it('an evaluation that drives straight from perturbed starts completes every trial', async () => {
    const straight = { type: 'discrete' as const, actions: [{ steering_angle: 0, speed: 1, index: 0 }] };
    const policy = { act: async (_obs: Float32Array, n: number) => ({ actions: new Int32Array(n) }) };
    for (const seed of [1, 2, 3]) {
      const trials = await evaluatePolicy(policy, { track: shippedTrack('Straight_track'), actionSpace: straight, trials: 5, seed });
      expect(trials.map((t) => t.status)).toEqual(Array(5).fill('lap_complete'));
      for (const t of trials) expect(t.progress).toBe(100);
    }
  });
});

describe('env checker on the racing envs', () => {
  it('RacingEnv passes (discrete and continuous action spaces, several tracks)', () => {
    for (const name of ['reinvent_base', 'Straight_track', 'Bowtie_track']) {
      checkEnv(new RacingEnv(config({ track: shippedTrack(name) })), { seed: 3 });
      checkEnv(new RacingEnv(config({ track: shippedTrack(name), actionSpace: continuous })), { seed: 3 });
    }
    checkEnv(new RacingEnv(config({ track: shippedTrack('reinvent_base').reversed() })), { seed: 3 });
  });

  it('RacingVectorEnv passes', () => {
    checkVectorEnv(new RacingVectorEnv(config({ numEnvs: 4 })), { seed: 3 });
    checkVectorEnv(new RacingVectorEnv(config({ numEnvs: 3, actionSpace: continuous, maxSteps: 30 })), { seed: 3 });
  });
});

describe('minSpeed', () => {
  const stop = { type: 'discrete' as const, actions: [{ steering_angle: 0, speed: 0, index: 0 }] };
  it('clamps a 0 m/s command to DeepRacer’s 0.1 m/s by default, so the car creeps on', () => {
    const env = new RacingVectorEnv(config({ actionSpace: stop }));
    env.reset({ seed: 1 });
    for (let k = 0; k < 10; k++) env.step(Int32Array.of(0));
    expect(env.lastParams[0]!.speed).toBeCloseTo(0.1, 6);
    expect(env.lastInfo[0].progress).toBeGreaterThan(0);
  });
  it('with minSpeed 0 a 0 m/s command leaves the car at rest (and 15 still steps end the episode as immobilized)', () => {
    const env = new RacingVectorEnv(config({ actionSpace: stop, minSpeed: 0, autoreset: false }));
    env.reset({ seed: 1 });
    let status = '';
    for (let k = 0; k < 20 && !status.startsWith('imm'); k++) {
      env.step(Int32Array.of(0));
      status = env.lastInfo[0].status;
    }
    expect(env.lastParams[0]!.speed).toBe(0);
    expect(env.lastInfo[0].progress).toBeLessThan(0.01);
    expect(status).toBe('immobilized');
  });
});
