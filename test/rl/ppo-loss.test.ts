import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ppoLoss, type PpoLossOptions } from '../../src/rl/ppo';
import { initTf } from '../helpers/tf';

// A four-sample minibatch. Sample 0 has ratio e^0.3 > 1 + ε with A > 0 (clipped, no policy gradient);
// sample 3 has ratio e^-0.5 < 1 − ε with A > 0 (pessimistic unclipped term wins).
const batch = {
  newLogProbs: [-0.3, -1.2, -0.3, -2.0],
  oldLogProbs: [-0.6, -1.0, -0.3, -1.5],
  advantages: [1.0, -0.5, 2.0, 0.3],
  entropy: [0.7, 0.6, 0.5, 0.9],
  newValues: [0.5, 0.2, -1.0, 0.0],
  oldValues: [0.4, -0.5, -0.9, 0.1],
  returns: [1.0, 1.0, -1.2, 3.0],
};

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const huber = (e: number) => (Math.abs(e) <= 1 ? 0.5 * e * e : Math.abs(e) - 0.5);
const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Plain-JS PPO loss written from the paper's formulas, independent of the implementation. */
function reference(o: PpoLossOptions) {
  const eps = o.clipRange;
  const ratio = batch.newLogProbs.map((lp, i) => Math.exp(lp - batch.oldLogProbs[i]));
  let adv = batch.advantages;
  if (o.normalizeAdvantages) {
    const m = mean(adv);
    const std = Math.sqrt(adv.reduce((a, x) => a + (x - m) ** 2, 0) / (adv.length - 1));
    adv = adv.map((a) => (a - m) / (std + 1e-8));
  }
  const policyLoss = mean(ratio.map((r, i) => Math.max(-adv[i] * r, -adv[i] * clip(r, 1 - eps, 1 + eps))));
  const ell = (e: number) => (o.valueLoss === 'huber' ? huber(e) : 0.5 * e * e);
  const valueLoss = mean(
    batch.newValues.map((v, i) => {
      const unclipped = ell(v - batch.returns[i]);
      if (!o.clipValueLoss) return unclipped;
      const vc = batch.oldValues[i] + clip(v - batch.oldValues[i], -eps, eps);
      return Math.max(unclipped, ell(vc - batch.returns[i]));
    }),
  );
  const entropy = mean(batch.entropy);
  const approxKl = mean(ratio.map((r, i) => r - 1 - (batch.newLogProbs[i] - batch.oldLogProbs[i])));
  const clipFraction = mean(ratio.map((r) => (Math.abs(r - 1) > eps ? 1 : 0)));
  return { loss: policyLoss - o.entropyCoef * entropy + o.valueCoef * valueLoss, policyLoss, valueLoss, entropy, approxKl, clipFraction };
}

function run(o: PpoLossOptions) {
  return tf.tidy(() => {
    const t = Object.fromEntries(Object.entries(batch).map(([k, v]) => [k, tf.tensor1d(v)])) as Record<keyof typeof batch, tf.Tensor1D>;
    const out = ppoLoss(t, o);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.dataSync()[0]]));
  });
}

const base: PpoLossOptions = { clipRange: 0.2, entropyCoef: 0.01, valueCoef: 0.5, valueLoss: 'mse', clipValueLoss: false, normalizeAdvantages: false };

describe('ppoLoss', () => {
  beforeAll(initTf);

  it('matches hand-computed numbers (no normalisation, MSE)', () => {
    const got = run(base);
    // By hand: ratios e^0.3, e^-0.2, 1, e^-0.5; terms max(−A·r, −A·clip(r)) = −1.2, 0.5·e^-0.2, −2, −0.3·e^-0.5
    const pg = (-1.2 + 0.5 * Math.exp(-0.2) - 2 - 0.3 * Math.exp(-0.5)) / 4;
    expect(got.policyLoss).toBeCloseTo(pg, 5);
    // ½·mean of squared errors (−0.5)², (−0.8)², 0.2², (−3)²
    expect(got.valueLoss).toBeCloseTo((0.5 * (0.25 + 0.64 + 0.04 + 9)) / 4, 5);
    expect(got.entropy).toBeCloseTo(0.675, 6);
    expect(got.clipFraction).toBeCloseTo(0.5, 6);
    const ref = reference(base);
    for (const k of Object.keys(ref) as (keyof typeof ref)[]) expect(got[k], k).toBeCloseTo(ref[k], 5);
  });

  it.each([
    { valueLoss: 'huber' as const, clipValueLoss: false, normalizeAdvantages: true },
    { valueLoss: 'huber' as const, clipValueLoss: true, normalizeAdvantages: false },
    { valueLoss: 'mse' as const, clipValueLoss: true, normalizeAdvantages: true },
  ])('matches the reference formulas with %o', (variant) => {
    const o = { ...base, ...variant };
    const got = run(o);
    const ref = reference(o);
    for (const k of Object.keys(ref) as (keyof typeof ref)[]) expect(got[k], k).toBeCloseTo(ref[k], 5);
  });

  it('passes no policy gradient through a clipped sample', () => {
    const grads = tf.tidy(() => {
      const g = tf.grad((newLogProbs: tf.Tensor) => {
        const t = Object.fromEntries(Object.entries(batch).map(([k, v]) => [k, tf.tensor1d(v)])) as Record<keyof typeof batch, tf.Tensor1D>;
        return ppoLoss({ ...t, newLogProbs: newLogProbs as tf.Tensor1D }, { ...base, valueCoef: 0, entropyCoef: 0 }).loss;
      });
      return Array.from(g(tf.tensor1d(batch.newLogProbs)).dataSync());
    });
    // d/dlogπ of −A·r/B is −A·r/B where the unclipped term is active, 0 where the clipped one is.
    const r = batch.newLogProbs.map((lp, i) => Math.exp(lp - batch.oldLogProbs[i]));
    expect(grads[0]).toBeCloseTo(0, 6);
    expect(grads[1]).toBeCloseTo((0.5 * r[1]) / 4, 5);
    expect(grads[2]).toBeCloseTo(-2 / 4, 5);
    expect(grads[3]).toBeCloseTo((-0.3 * r[3]) / 4, 5);
  });
});
