import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { categoricalLogProb } from '../../src/rl/distributions';
import { ActorCritic } from '../../src/rl/policy';
import { Rng } from '../../src/sim/rng';
import { box, discrete } from '../../src/sim/spaces';
import { initTf } from '../helpers/tf';

const obsSpace = box([6], -5, 5);
const observations = (n: number) => {
  const rng = new Rng(4);
  return Float32Array.from({ length: n * 6 }, () => rng.normal());
};

describe('ActorCritic', () => {
  beforeAll(initTf);

  it('discrete: greedy actions are the argmax of the logits, values match value()', async () => {
    const policy = ActorCritic.create(obsSpace, discrete(5), { hiddenSizes: [16, 16], activation: 'tanh', seed: 2 });
    // Scale the logits layer up so the argmax is not a near-tie at init.
    const weights = await policy.network.getWeights();
    weights.filter((w) => w.name.startsWith('policy/logits')).forEach((w) => w.data.forEach((v, i) => (w.data[i] = v * 300)));
    policy.network.setWeights(weights);
    const obs = observations(7);
    const act = await policy.act(obs, 7, { deterministic: true });
    const logits = tf.tidy(() => policy.network.predict(tf.tensor2d(obs, [7, 6])).logits!.arraySync());
    expect(act.actions).toBeInstanceOf(Int32Array);
    logits.forEach((row, i) => {
      expect(act.actions[i]).toBe(row.indexOf(Math.max(...row)));
      expect(act.logProbs[i]).toBeCloseTo(categoricalLogProb(row, 0, 5, act.actions[i]), 5);
    });
    expect(Array.from(act.values)).toEqual(Array.from(await policy.value(obs, 7)));
    policy.dispose();
  });

  it('sampling is reproducible from the rng and its log-probs match the tf side', async () => {
    const policy = ActorCritic.create(obsSpace, discrete(5), { hiddenSizes: [16], activation: 'relu', seed: 3 });
    const obs = observations(32);
    const a = await policy.act(obs, 32, { rng: new Rng(9) });
    const b = await policy.act(obs, 32, { rng: new Rng(9) });
    expect(Array.from(b.actions)).toEqual(Array.from(a.actions));
    expect(new Set(a.actions).size).toBeGreaterThan(1); // near-uniform policy at init: several actions drawn
    const tfSide = tf.tidy(() => Array.from(policy.evaluateActions(tf.tensor2d(obs, [32, 6]), tf.tensor1d(a.actions as Int32Array, 'int32')).logProbs.dataSync()));
    tfSide.forEach((lp, i) => expect(lp).toBeCloseTo(a.logProbs[i], 5));
    await expect(policy.act(obs, 32)).rejects.toThrow(/pass options.rng to sample, or deterministic: true/);
    await expect(policy.act(obs, 31, { deterministic: true })).rejects.toThrow(/192 values, expected 31 × 6/);
    policy.dispose();
  });

  it('Gaussian: samples are unclipped, greedy actions are the mean, log-probs agree with the tf side', async () => {
    const policy = ActorCritic.create(obsSpace, box([2], -1, 1), { hiddenSizes: [8], activation: 'tanh', seed: 4 });
    const weights = await policy.network.getWeights();
    weights.find((w) => w.name === 'policy/log_std')!.data.set([1, 1]); // std e ≈ 2.7: many samples leave [-1, 1]
    policy.network.setWeights(weights);
    const obs = observations(50);
    const a = await policy.act(obs, 50, { rng: new Rng(1) });
    expect(a.actions).toBeInstanceOf(Float32Array);
    expect(a.actions).toHaveLength(100);
    expect(Array.from(a.actions).some((x) => Math.abs(x) > 1)).toBe(true);
    const tfSide = tf.tidy(() => Array.from(policy.evaluateActions(tf.tensor2d(obs, [50, 6]), tf.tensor2d(a.actions as Float32Array, [50, 2])).logProbs.dataSync()));
    tfSide.forEach((lp, i) => expect(lp).toBeCloseTo(a.logProbs[i], 4));
    const greedy = await policy.act(obs, 50, { deterministic: true });
    const mean = tf.tidy(() => Array.from(policy.network.predict(tf.tensor2d(obs, [50, 6])).mean!.dataSync()));
    expect(Array.from(greedy.actions)).toEqual(mean);
    policy.dispose();
  });
});
