import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  argmax,
  categoricalEntropy,
  categoricalLogProb,
  categoricalStats,
  gaussianEntropy,
  gaussianLogProb,
  gaussianStats,
  sampleCategorical,
  sampleGaussian,
} from '../../src/rl/distributions';
import { Rng } from '../../src/sim/rng';
import { initTf } from '../helpers/tf';

describe('categorical (JS side)', () => {
  const logits = Float32Array.from([9, 9, 1, 2, 3]); // row at offset 2: probabilities ∝ e^1, e^2, e^3
  const z = Math.exp(1) + Math.exp(2) + Math.exp(3);

  it('log-probabilities and entropy match the softmax by hand', () => {
    expect(categoricalLogProb(logits, 2, 3, 2)).toBeCloseTo(3 - Math.log(z), 6);
    const p = [1, 2, 3].map((l) => Math.exp(l) / z);
    expect(categoricalEntropy(logits, 2, 3)).toBeCloseTo(-p.reduce((a, q) => a + q * Math.log(q), 0), 6);
    expect(argmax(logits, 2, 3)).toBe(2);
  });

  it('samples with the softmax frequencies and returns the matching log-probability', () => {
    const rng = new Rng(11);
    const counts = [0, 0, 0];
    const scratch = new Float64Array(3);
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const s = sampleCategorical(logits, 2, 3, rng, scratch);
      counts[s.action]++;
      expect(s.logProb).toBeCloseTo(categoricalLogProb(logits, 2, 3, s.action), 6);
    }
    [1, 2, 3].forEach((l, k) => expect(counts[k] / n).toBeCloseTo(Math.exp(l) / z, 1));
  });
});

describe('diagonal Gaussian (JS side)', () => {
  it('log-density and entropy match the closed forms', () => {
    const mean = [0.5, -1];
    const logStd = [Math.log(2), 0];
    const x = [1.5, 0];
    // N(1.5; 0.5, 2²) · N(0; −1, 1): −½(0.5²) − log 2 − ½log2π  −½(1²) − 0 − ½log2π
    const expected = -0.125 - Math.log(2) - 0.5 - Math.log(2 * Math.PI);
    expect(gaussianLogProb(x, 0, mean, 0, logStd, 0, 2)).toBeCloseTo(expected, 6);
    expect(gaussianEntropy(logStd, 0, 2)).toBeCloseTo(Math.log(2) + 1 + Math.log(2 * Math.PI), 6);
  });

  it('samples have the given mean and std, unclipped', () => {
    const rng = new Rng(5);
    const out = new Float32Array(2);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const lp = sampleGaussian([3, 0], 0, [Math.log(0.5), 0], 0, 2, rng, out, 0);
      expect(lp).toBeCloseTo(gaussianLogProb(out, 0, [3, 0], 0, [Math.log(0.5), 0], 0, 2), 5);
      s += out[0];
      s2 += out[0] * out[0];
    }
    expect(s / n).toBeCloseTo(3, 1);
    expect(Math.sqrt(s2 / n - (s / n) ** 2)).toBeCloseTo(0.5, 1);
  });
});

describe('tf side agrees with the JS side', () => {
  beforeAll(initTf);

  it('categoricalStats', () => {
    const rows = [
      [0.1, -0.3, 2],
      [1, 1, 1],
    ];
    const actions = [2, 0];
    const { lp, ent } = tf.tidy(() => {
      const s = categoricalStats(tf.tensor2d(rows), tf.tensor1d(actions, 'int32'));
      return { lp: Array.from(s.logProbs.dataSync()), ent: Array.from(s.entropy.dataSync()) };
    });
    rows.forEach((r, i) => {
      expect(lp[i]).toBeCloseTo(categoricalLogProb(r, 0, 3, actions[i]), 5);
      expect(ent[i]).toBeCloseTo(categoricalEntropy(r, 0, 3), 5);
    });
  });

  it('gaussianStats', () => {
    const mean = [
      [0, 1],
      [2, -2],
    ];
    const logStd = [-0.5, 0.3];
    const actions = [
      [0.3, 0.2],
      [1.5, -4],
    ];
    const { lp, ent } = tf.tidy(() => {
      const s = gaussianStats(tf.tensor2d(mean), tf.tensor1d(logStd), tf.tensor2d(actions));
      return { lp: Array.from(s.logProbs.dataSync()), ent: Array.from(s.entropy.dataSync()) };
    });
    mean.forEach((m, i) => {
      expect(lp[i]).toBeCloseTo(gaussianLogProb(actions[i], 0, m, 0, logStd, 0, 2), 5);
      expect(ent[i]).toBeCloseTo(gaussianEntropy(logStd, 0, 2), 5);
    });
  });
});
