import { beforeAll, describe, expect, it } from 'vitest';
import { ActorCritic } from '../../src/rl/policy';
import { collectRollout, startRollouts } from '../../src/rl/rollout';
import { RolloutBuffer } from '../../src/rl/rollout-buffer';
import type { Env, StepResult } from '../../src/sim/env';
import { Rng } from '../../src/sim/rng';
import { box, discrete } from '../../src/sim/spaces';
import { SyncVectorEnv } from '../../src/sim/sync-vector-env';
import { initTf } from '../helpers/tf';

/** Walks right one cell per step whatever the action; reward 1; truncated after `limit` steps. */
class Corridor implements Env {
  readonly observationSpace = box([2], -10, 10);
  readonly actionSpace = discrete(3);
  private t = 0;
  constructor(private readonly limit: number) {}
  reset() {
    this.t = 0;
    return { observation: Float32Array.from([0, 1]), info: {} };
  }
  step(): StepResult {
    this.t++;
    return { observation: Float32Array.from([this.t, 1]), reward: 1, terminated: false, truncated: this.t >= this.limit, info: {} };
  }
}

describe('collectRollout', () => {
  beforeAll(initTf);
  const gamma = 0.9;
  const setup = () => {
    const vec = new SyncVectorEnv([new Corridor(3), new Corridor(4)]);
    const policy = ActorCritic.create(vec.singleObservationSpace, vec.singleActionSpace, { hiddenSizes: [8], activation: 'tanh', seed: 1 });
    const buffer = new RolloutBuffer({ numEnvs: 2, obsSize: 2, actionSize: 1, discreteActions: true, initialSteps: 2 });
    return { vec, policy, buffer, state: startRollouts(vec, 0) };
  };

  it('bootstraps truncated steps with γ·V(final observation) and carries observations across rollouts', async () => {
    const { vec, policy, buffer, state } = setup();
    const r1 = await collectRollout(vec, policy, buffer, state, { numSteps: 5, maxSteps: 100, gamma, rng: new Rng(1) });
    expect(r1.steps).toBe(5);
    expect(r1.envSteps).toBe(10);
    expect(buffer.steps).toBe(5); // grew from a capacity of 2
    const b = buffer.flatten();
    // Env 0 truncates after step index 2 (final obs [3, 1]); env 1 after step 3 (final obs [4, 1]).
    const [v3, v4] = await policy.value(Float32Array.from([3, 1, 4, 1]), 2);
    const expectedRewards = [1, 1, 1, 1, 1 + gamma * v3, 1, 1, 1 + gamma * v4, 1, 1];
    Array.from(b.rewards).forEach((r, i) => expect(r).toBeCloseTo(expectedRewards[i], 5));
    expect(Array.from(b.dones)).toEqual([0, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
    expect(Array.from(b.observations.subarray(0, 4))).toEqual([0, 1, 0, 1]);
    expect(r1.episodes.map((e) => [e.envIndex, e.episodicLength, e.truncated])).toEqual([[0, 3, true], [1, 4, true]]);
    // After 5 steps env 0 is 2 steps into its second episode, env 1 one step.
    expect(Array.from(state.observations)).toEqual([2, 1, 1, 1]);
    const lastValues = await policy.value(state.observations, 2);
    expect(Array.from(r1.lastValues)).toEqual(Array.from(lastValues));

    const r2 = await collectRollout(vec, policy, buffer, state, { numSteps: 1, maxSteps: 100, gamma, rng: new Rng(2) });
    expect(Array.from(buffer.flatten().observations)).toEqual([2, 1, 1, 1]);
    expect(r2.episodes.map((e) => e.envIndex)).toEqual([0]);
    policy.dispose();
  });

  it('in episode mode stops on the step where the episode count is reached, or at maxSteps', async () => {
    const { vec, policy, buffer, state } = setup();
    const r = await collectRollout(vec, policy, buffer, state, { minEpisodes: 3, maxSteps: 100, gamma, rng: new Rng(1) });
    // Ends: env 0 at steps 3, 6; env 1 at step 4 → the third episode ends on step 6.
    expect(r.steps).toBe(6);
    expect(r.episodes).toHaveLength(3);
    const capped = await collectRollout(vec, policy, buffer, state, { minEpisodes: 50, maxSteps: 7, gamma, rng: new Rng(1) });
    expect(capped.steps).toBe(7);
    await expect(collectRollout(vec, policy, buffer, state, { maxSteps: 7, gamma, rng: new Rng(1) })).rejects.toThrow(/give options.numSteps or options.minEpisodes/);
    policy.dispose();
  });
});
