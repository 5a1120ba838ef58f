import { describe, expect, it } from 'vitest';
import { computeGae } from '../../src/rl/gae';
import { Rng } from '../../src/sim/rng';

/** The textbook definition, independent of the recursion: A_t = Σ_k (γλ)^k δ_{t+k}, stopping at episode ends. */
function naiveGae(rewards: number[][], values: number[][], dones: number[][], lastValues: number[], gamma: number, lambda: number) {
  const T = rewards.length;
  const E = lastValues.length;
  const adv = Array.from({ length: T }, () => new Array<number>(E).fill(0));
  const valueAt = (t: number, e: number) => (t < T ? values[t][e] : lastValues[e]);
  for (let e = 0; e < E; e++) {
    for (let t = 0; t < T; t++) {
      let sum = 0;
      let weight = 1;
      for (let k = t; k < T; k++) {
        const delta = rewards[k][e] + gamma * valueAt(k + 1, e) * (1 - dones[k][e]) - values[k][e];
        sum += weight * delta;
        if (dones[k][e]) break;
        weight *= gamma * lambda;
      }
      adv[t][e] = sum;
    }
  }
  return adv;
}

describe('computeGae', () => {
  it('matches the naive double loop on random data with episode ends', () => {
    const rng = new Rng(3);
    const T = 37;
    const E = 5;
    const gamma = 0.97;
    const lambda = 0.9;
    const rewards = Array.from({ length: T }, () => Array.from({ length: E }, () => rng.normal()));
    const values = Array.from({ length: T }, () => Array.from({ length: E }, () => rng.normal()));
    const dones = Array.from({ length: T }, () => Array.from({ length: E }, () => (rng.uniform() < 0.1 ? 1 : 0)));
    dones[T - 1][0] = 1; // an episode ending on the last step: lastValues must be ignored there
    const lastValues = Array.from({ length: E }, () => rng.normal());
    const out = computeGae({
      rewards: Float32Array.from(rewards.flat()),
      values: Float32Array.from(values.flat()),
      dones: Uint8Array.from(dones.flat()),
      lastValues: Float32Array.from(lastValues),
      gamma,
      gaeLambda: lambda,
      numSteps: T,
      numEnvs: E,
    });
    const expected = naiveGae(rewards, values, dones, lastValues, gamma, lambda);
    let checkedDone = 0;
    for (let t = 0; t < T; t++) {
      for (let e = 0; e < E; e++) {
        expect(out.advantages[t * E + e]).toBeCloseTo(expected[t][e], 4);
        expect(out.returns[t * E + e]).toBeCloseTo(expected[t][e] + values[t][e], 4);
        checkedDone += dones[t][e];
      }
    }
    expect(checkedDone).toBeGreaterThan(5);
  });

  it('with λ = 1 and no ends gives discounted returns bootstrapped from lastValues', () => {
    const out = computeGae({
      rewards: Float32Array.from([1, 2, 3]),
      values: Float32Array.from([0.5, -1, 2]),
      dones: new Uint8Array(3),
      lastValues: Float32Array.from([10]),
      gamma: 0.5,
      gaeLambda: 1,
      numSteps: 3,
      numEnvs: 1,
    });
    // returns_0 = 1 + 0.5·2 + 0.25·3 + 0.125·10
    expect(out.returns[0]).toBeCloseTo(1 + 1 + 0.75 + 1.25, 6);
    expect(out.returns[2]).toBeCloseTo(3 + 5, 6);
    expect(out.advantages[1]).toBeCloseTo(2 + 0.5 * 3 + 0.25 * 10 - -1, 6);
  });

  it('throws on a size mismatch', () => {
    expect(() =>
      computeGae({ rewards: new Float32Array(4), values: new Float32Array(4), dones: new Uint8Array(4), lastValues: new Float32Array(3), gamma: 0.9, gaeLambda: 0.9, numSteps: 2, numEnvs: 2 }),
    ).toThrow(/lastValues has 3 entries, numEnvs = 2/);
  });
});
