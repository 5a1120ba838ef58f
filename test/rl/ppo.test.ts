import { beforeAll, describe, expect, it } from 'vitest';
import { PpoTrainer, type IterationMetrics } from '../../src/rl/ppo';
import type { PpoConfig } from '../../src/rl/config';
import type { Env } from '../../src/sim/env';
import { CartPoleEnv } from '../../src/sim/classic/cart-pole';
import { box } from '../../src/sim/spaces';
import { SyncVectorEnv } from '../../src/sim/sync-vector-env';
import { initTf } from '../helpers/tf';

const cartPoles = (n: number) => new SyncVectorEnv(Array.from({ length: n }, () => new CartPoleEnv()));

/** Everything but wall-clock figures. */
const comparable = (m: IterationMetrics) => ({ ...m, sps: 0, timings: null });

async function firstIteration(config: Partial<PpoConfig>) {
  const trainer = new PpoTrainer(cartPoles(4), { numEnvs: 4, numSteps: 32, minibatchSize: 32, updateEpochs: 2, ...config });
  await trainer.init();
  const metrics = await trainer.iteration();
  const weights = await trainer.policy.network.getFlatWeights();
  trainer.dispose();
  return { metrics, weights };
}

/** One step, observation [1]; reward −(a − 0.7)²: the Gaussian mean should move toward 0.7. */
class Target implements Env {
  readonly observationSpace = box([1], 0, 1);
  readonly actionSpace = box([1], -2, 2);
  reset() {
    return { observation: Float32Array.from([1]), info: {} };
  }
  step(action: number | Float32Array) {
    const a = (action as Float32Array)[0];
    return { observation: Float32Array.from([1]), reward: -((a - 0.7) ** 2), terminated: true, truncated: false, info: {} };
  }
}

describe('PpoTrainer', () => {
  beforeAll(initTf);

  it('computes gradients by hand on wasm unless told otherwise', async () => {
    const trainer = new PpoTrainer(cartPoles(2), { numEnvs: 2 });
    await trainer.init();
    expect(trainer.gradientMode).toBe('manual');
    trainer.dispose();
  });

  it('is deterministic: the same seed gives identical first-iteration metrics and weights', async () => {
    const a = await firstIteration({ seed: 7 });
    const b = await firstIteration({ seed: 7 });
    expect(comparable(b.metrics)).toEqual(comparable(a.metrics));
    expect(b.weights).toEqual(a.weights);
    expect(a.metrics.globalStep).toBe(128);
    expect(a.metrics.samples).toBe(128);
    expect(a.metrics.epochsRun).toBe(2);
    expect(Number.isFinite(a.metrics.losses.policyLoss)).toBe(true);
    const c = await firstIteration({ seed: 8 });
    expect(c.metrics.losses.valueLoss).not.toBe(a.metrics.losses.valueLoss);
  });

  it('collects DeepRacer-style episode-count rollouts, anneals the learning rate and stops early on targetKl', async () => {
    const trainer = new PpoTrainer(cartPoles(4), {
      numEnvs: 4,
      episodesPerIteration: 6,
      minibatchSize: 64,
      updateEpochs: 10,
      targetKl: 1e-6,
      annealLr: true,
      totalTimesteps: 10_000,
      learningRate: 1e-3,
    });
    await trainer.init();
    const m1 = await trainer.iteration();
    expect(m1.episodes.length).toBeGreaterThanOrEqual(6);
    expect(m1.meanEpisodicReturn).toBeCloseTo(m1.episodes.reduce((s, e) => s + e.episodicReturn, 0) / m1.episodes.length, 6);
    expect(m1.learningRate).toBe(1e-3);
    expect(m1.epochsRun).toBe(1); // any update moves the KL past 1e-6
    const m2 = await trainer.iteration();
    expect(m2.learningRate).toBeCloseTo(1e-3 * (1 - m1.globalStep / 10_000), 12);
    trainer.dispose();
  });

  it('rejects a config whose numEnvs differs from the env', () => {
    expect(() => new PpoTrainer(cartPoles(2), { numEnvs: 8 })).toThrow(/config.numEnvs is 8 but the vector env has 2 envs/);
  });

  it.each(['manual', 'autodiff'] as const)('learns a one-step continuous target with the Gaussian head (%s gradients)', async (gradientMode) => {
    const vec = new SyncVectorEnv(Array.from({ length: 8 }, () => new Target()));
    const trainer = new PpoTrainer(vec, { numEnvs: 8, numSteps: 16, minibatchSize: 32, updateEpochs: 4, learningRate: 3e-3, entropyCoef: 0, hiddenSizes: [16], seed: 3 });
    await trainer.init({ gradientMode });
    expect(trainer.gradientMode).toBe(gradientMode);
    let last: IterationMetrics | null = null;
    for (let i = 0; i < 30; i++) last = await trainer.iteration();
    const greedy = await trainer.policy.act(Float32Array.from([1]), 1, { deterministic: true });
    expect(greedy.actions[0]).toBeCloseTo(0.7, 1);
    expect(last!.meanEpisodicReturn!).toBeGreaterThan(-0.5);
    trainer.dispose();
  }, 60_000);
});
