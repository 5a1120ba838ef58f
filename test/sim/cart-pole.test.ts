import { describe, expect, it } from 'vitest';
import { cartPoleDynamics, CartPoleEnv, THETA_THRESHOLD } from '../../src/sim/classic/cart-pole';
import { checkEnv, checkVectorEnv } from '../../src/sim/env-checker';
import { SyncVectorEnv } from '../../src/sim/sync-vector-env';

describe('CartPole-v1', () => {
  it('passes the env checker', () => {
    checkEnv(new CartPoleEnv(), { seed: 42, steps: 300 });
  });

  it('steps the Euler dynamics as Gymnasium (values computed by hand from cartpole.py)', () => {
    // From rest, push right: temp = 10/1.1, θ̈ = −temp / (0.5·(4/3 − 0.1/1.1)), ẍ = temp − 0.05·θ̈/1.1.
    const a = cartPoleDynamics([0, 0, 0, 0], 1);
    expect(a[0]).toBe(0);
    expect(a[1]).toBeCloseTo(0.1951219512195122, 12);
    expect(a[2]).toBe(0);
    expect(a[3]).toBeCloseTo(-0.2926829268292683, 12);
    const b = cartPoleDynamics([0.01, -0.02, 0.03, 0.04], 0);
    [0.0096, -0.21553901710278936, 0.0308, 0.3419952237760392].forEach((v, i) => expect(b[i]).toBeCloseTo(v, 12));
    expect(THETA_THRESHOLD).toBeCloseTo((12 * Math.PI) / 180, 12); // 0.2094 rad
  });

  it('starts within ±0.05, rewards 1 per step and terminates when the pole falls', () => {
    const env = new CartPoleEnv();
    const { observation } = env.reset({ seed: 3 });
    observation.forEach((v) => expect(Math.abs(v)).toBeLessThanOrEqual(0.05));
    let steps = 0;
    let r;
    do {
      r = env.step(1); // always push right: the pole falls left within a few dozen steps
      expect(r.reward).toBe(1);
      steps++;
    } while (!r.terminated && !r.truncated);
    expect(r.terminated).toBe(true);
    expect(steps).toBeGreaterThan(5);
    expect(steps).toBeLessThan(60);
    expect(() => env.step(0)).toThrow(/call reset\(\) first/);
    expect(() => new CartPoleEnv().step(0)).toThrow(/call reset\(\) first/);
    env.reset();
    expect(() => env.step(2)).toThrow(/action must be 0 \(left\) or 1 \(right\), got 2/);
  });

  it('truncates at 500 steps', () => {
    const env = new CartPoleEnv({ maxEpisodeSteps: 500 });
    env.reset({ seed: 0 });
    // A hand-made balancing controller: push toward the side the pole leans to.
    let obs = env.reset({ seed: 0 }).observation;
    for (let t = 1; t <= 500; t++) {
      const r = env.step(obs[2] + 0.5 * obs[3] > 0 ? 1 : 0);
      obs = r.observation;
      expect(r.terminated).toBe(false);
      expect(r.truncated).toBe(t === 500);
    }
  });
});

describe('SyncVectorEnv over CartPole', () => {
  it('passes the vector env checker', () => {
    checkVectorEnv(new SyncVectorEnv(Array.from({ length: 4 }, () => new CartPoleEnv())), { seed: 1, steps: 400 });
  });

  it('seeds env i with seed + i and autoresets on the same step', () => {
    const vec = new SyncVectorEnv([new CartPoleEnv(), new CartPoleEnv()]);
    const { observations } = vec.reset({ seed: 10 });
    expect(Array.from(observations.subarray(4, 8))).toEqual(Array.from(new CartPoleEnv().reset({ seed: 11 }).observation));
    let ended = false;
    for (let t = 0; t < 100 && !ended; t++) {
      const r = vec.step(Int32Array.from([1, 0]));
      for (const ep of r.episodes) {
        ended = true;
        const fin = r.finalObservations[ep.envIndex]!;
        expect(Math.abs(fin[2]) > THETA_THRESHOLD || Math.abs(fin[0]) > 2.4).toBe(true);
        // The row already holds the next episode's first observation.
        r.observations.subarray(ep.envIndex * 4, ep.envIndex * 4 + 4).forEach((v) => expect(Math.abs(v)).toBeLessThanOrEqual(0.05));
        expect(ep.episodicReturn).toBe(ep.episodicLength);
      }
    }
    expect(ended).toBe(true);
  });
});
