import { describe, expect, it } from 'vitest';
import { PendulumEnv, angleNormalize } from '../../src/sim/classic/pendulum';

describe('Pendulum-v1', () => {
  it('follows Gymnasium’s dynamics and cost for one step from a known state', () => {
    const env = new PendulumEnv();
    env.reset({ seed: 1 });
    // Put the rod at θ = 0.5 rad, θ̇ = 0.2 through the private state, as Gymnasium's `env.unwrapped.state = ...`.
    Object.assign(env as unknown as { theta: number; thetaDot: number }, { theta: 0.5, thetaDot: 0.2 });
    const r = env.step(Float32Array.from([5])); // clipped to 2
    const thDot = 0.2 + 15 * Math.sin(0.5) * 0.05 + 3 * 2 * 0.05;
    expect(r.reward).toBeCloseTo(-(0.25 + 0.1 * 0.04 + 0.001 * 4), 12);
    expect(r.observation[2]).toBeCloseTo(thDot, 6);
    expect(r.observation[0]).toBeCloseTo(Math.cos(0.5 + thDot * 0.05), 6);
  });

  it('truncates after 200 steps, never terminates, and refuses a step after the end', () => {
    const env = new PendulumEnv();
    env.reset({ seed: 2 });
    for (let k = 1; k <= 200; k++) {
      const r = env.step(0);
      expect(r.terminated).toBe(false);
      expect(r.truncated).toBe(k === 200);
    }
    expect(() => env.step(0)).toThrow(/call reset\(\) first/);
  });

  it('wraps angles into [−π, π)', () => {
    expect(angleNormalize(Math.PI)).toBeCloseTo(-Math.PI, 12);
    expect(angleNormalize(3 * Math.PI + 0.1)).toBeCloseTo(-Math.PI + 0.1, 12);
    expect(angleNormalize(-0.3)).toBeCloseTo(-0.3, 12);
  });
});
