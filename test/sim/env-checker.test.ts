import { describe, expect, it } from 'vitest';
import type { Env, StepResult } from '../../src/sim/env';
import { CartPoleEnv } from '../../src/sim/classic/cart-pole';
import { checkEnv, checkVectorEnv } from '../../src/sim/env-checker';
import { Rng } from '../../src/sim/rng';
import { SyncVectorEnv } from '../../src/sim/sync-vector-env';

/** CartPole with one deliberate defect injected into `step`'s result. */
class Broken extends CartPoleEnv {
  constructor(private readonly defect: (r: StepResult, self: Broken) => StepResult) {
    super();
  }
  override step(action: number | Float32Array): StepResult {
    return this.defect(super.step(action), this);
  }
}

describe('checkEnv catches', () => {
  it.each<[string, (r: StepResult, self: Broken) => StepResult, RegExp]>([
    ['a NaN reward', (r) => ({ ...r, reward: NaN }), /reward must be a finite number, got NaN/],
    ['a non-boolean flag', (r) => ({ ...r, terminated: 0 as unknown as boolean }), /terminated must be a boolean/],
    ['a short observation', (r) => ({ ...r, observation: r.observation.subarray(0, 3) }), /observation has 3 entries, the observation space has 4/],
    ['an observation outside the space', (r) => ({ ...r, observation: Float32Array.from([9, 0, 0, 0]) }), /observation entry 0 = 9 is outside/],
    ['an aliased observation', (() => { const shared = new Float32Array(4); return (r: StepResult) => { shared.set(r.observation); return { ...r, observation: shared }; }; })(), /shares memory with the previous one/],
  ])('%s', (_name, defect, message) => {
    expect(() => checkEnv(new Broken(defect), { steps: 50 })).toThrow(message);
  });

  it('unseeded randomness', () => {
    const noise = new Rng(99); // a generator the seed does not reach
    const env = new Broken((r) => ({ ...r, reward: noise.uniform() }));
    expect(() => checkEnv(env, { steps: 20 })).toThrow(/diverge/);
  });

  it('an env whose state is a returned observation', () => {
    const env: Env = {
      observationSpace: new CartPoleEnv().observationSpace,
      actionSpace: new CartPoleEnv().actionSpace,
      state: new Float32Array(4),
      reset() {
        this.state = new Float32Array(4);
        return { observation: this.state, info: {} };
      },
      step(a: number | Float32Array) {
        const next = Float32Array.from(this.state);
        next[0] += (a as number) === 1 ? 0.01 : -0.01;
        if (!(Math.abs(this.state[0]) < 1)) next[0] = 0; // NaN from a scribbled state shows up here
        this.state = next;
        return { observation: next, reward: next[0], terminated: false, truncated: false, info: {} };
      },
    } as Env & { state: Float32Array };
    expect(() => checkEnv(env, { steps: 20 })).toThrow(/keeps a returned array as its state/);
  });
});

describe('checkVectorEnv catches', () => {
  it('an episode record that does not match the rewards', () => {
    const vec = new SyncVectorEnv([new CartPoleEnv(), new CartPoleEnv()]);
    const step = vec.step.bind(vec);
    vec.step = (a) => {
      const r = step(a);
      r.episodes.forEach((e) => (e.episodicReturn += 1));
      return r;
    };
    expect(() => checkVectorEnv(vec, { steps: 200 })).toThrow(/episode record says return/);
  });

  it('a missing final observation', () => {
    const vec = new SyncVectorEnv([new CartPoleEnv()]);
    const step = vec.step.bind(vec);
    vec.step = (a) => ({ ...step(a), finalObservations: [null] });
    expect(() => checkVectorEnv(vec, { steps: 200 })).toThrow(/finalObservations\[0\] must be set exactly when the episode ended/);
  });
});
