import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backward } from '../../src/rl/backprop';
import { resolvePpoConfig, type PpoConfig } from '../../src/rl/config';
import type { ForwardTrace } from '../../src/rl/networks';
import { ActorCritic } from '../../src/rl/policy';
import { ppoLoss } from '../../src/rl/ppo-loss';
import { ppoLossGradient } from '../../src/rl/ppo-loss-grad';
import { Rng } from '../../src/sim/rng';
import { box, discrete, type Space } from '../../src/sim/spaces';
import { initTf } from '../helpers/tf';

const B = 48;
const OBS = 5;

/** A policy, a minibatch with ratios on both sides of the clip range, and the config. */
async function fixture(actionSpace: Space, config: Partial<PpoConfig>) {
  const c = resolvePpoConfig(config);
  const policy = ActorCritic.create(box([OBS], -3, 3), actionSpace, { hiddenSizes: [16, 12], activation: c.activation, seed: 5 });
  if (actionSpace.type === 'box') {
    // Make the Gaussian broad enough that the clip on log-std is inactive and samples vary.
    const w = await policy.network.getWeights();
    w.find((x) => x.name === 'policy/log_std')!.data.set([0.3, -0.4]);
    // Scale the head so ratios move noticeably.
    w.filter((x) => x.name.startsWith('policy/mean')).forEach((x) => x.data.forEach((v, i) => (x.data[i] = v * 50)));
    policy.network.setWeights(w);
  } else {
    const w = await policy.network.getWeights();
    w.filter((x) => x.name.startsWith('policy/logits')).forEach((x) => x.data.forEach((v, i) => (x.data[i] = v * 80)));
    policy.network.setWeights(w);
  }
  const rng = new Rng(12);
  const observations = Float32Array.from({ length: B * OBS }, () => rng.normal());
  const acted = await policy.act(observations, B, { rng });
  return {
    c,
    policy,
    observations,
    actions: acted.actions,
    // Old log-probs = current ± noise: ratios spread over roughly [0.6, 1.6].
    oldLogProbs: Float32Array.from(acted.logProbs, (lp) => lp + 0.25 * rng.normal()),
    oldValues: Float32Array.from(acted.values, (v) => v + 0.3 * rng.normal()),
    advantages: Float32Array.from({ length: B }, () => rng.normal()),
    returns: Float32Array.from({ length: B }, () => 2 * rng.normal()),
  };
}

async function compare(actionSpace: Space, config: Partial<PpoConfig>) {
  const f = await fixture(actionSpace, config);
  const { policy } = f;
  const k = policy.actionSize;
  const variable = policy.network.trainableVariable;
  const obs = () => tf.tensor2d(f.observations, [B, OBS]);
  const actionsTensor = () => (policy.discrete ? tf.tensor1d(f.actions as Int32Array, 'int32') : tf.tensor2d(f.actions as Float32Array, [B, k]));

  const reference = tf.tidy(() => {
    let metrics: number[] = [];
    const { grads } = tf.variableGrads(() => {
      const ev = policy.evaluateActions(obs(), actionsTensor());
      const out = ppoLoss(
        { newLogProbs: ev.logProbs, oldLogProbs: tf.tensor1d(f.oldLogProbs), advantages: tf.tensor1d(f.advantages), entropy: ev.entropy, newValues: ev.values, oldValues: tf.tensor1d(f.oldValues), returns: tf.tensor1d(f.returns) },
        f.c,
      );
      metrics = [out.loss, out.policyLoss, out.valueLoss, out.entropy, out.approxKl, out.clipFraction].map((t) => t.dataSync()[0]);
      return out.loss;
    }, [variable]);
    return { metrics, grad: Array.from(grads[variable.name].dataSync()) };
  });

  const manual = tf.tidy(() => {
    const trace: ForwardTrace = { weights: [], policyInputs: [], valueInputs: [] };
    const out = policy.network.forward(obs(), trace);
    const head = (out.logits ?? out.mean)!.dataSync();
    const g = ppoLossGradient(
      { head, values: out.value.dataSync(), logStd: out.logStd?.dataSync() },
      { size: B, actions: f.actions, oldLogProbs: f.oldLogProbs, advantages: f.advantages, oldValues: f.oldValues, returns: f.returns },
      { discrete: policy.discrete, k },
      f.c,
    );
    const grad = backward(policy.network, trace, { head: tf.tensor2d(g.dHead, [B, k]), value: tf.tensor1d(g.dValues), logStd: g.dLogStd ? tf.tensor1d(g.dLogStd) : undefined });
    return { metrics: [g.loss, g.policyLoss, g.valueLoss, g.entropy, g.approxKl, g.clipFraction], grad: Array.from(grad.dataSync()) };
  });

  expect(reference.metrics[5], 'some samples are clipped').toBeGreaterThan(0.1);
  expect(reference.metrics[5], 'some samples are not clipped').toBeLessThan(0.9);
  manual.metrics.forEach((m, i) => expect(m, `metric ${i}`).toBeCloseTo(reference.metrics[i], 4));
  const scale = Math.max(...reference.grad.map(Math.abs));
  expect(scale).toBeGreaterThan(1e-3);
  expect(manual.grad).toHaveLength(reference.grad.length);
  let worst = 0;
  manual.grad.forEach((g, i) => (worst = Math.max(worst, Math.abs(g - reference.grad[i]))));
  expect(worst / scale).toBeLessThan(1e-4);
  policy.dispose();
}

describe('manual gradient (host loss + hand-written backward) equals tf autodiff of ppoLoss', () => {
  beforeAll(initTf);

  it('discrete head, tanh, Huber, normalised advantages, entropy bonus', () => compare(discrete(4), { activation: 'tanh', valueLoss: 'huber', entropyCoef: 0.05 }));
  it('discrete head, relu, MSE with value clipping, raw advantages', () =>
    compare(discrete(3), { activation: 'relu', valueLoss: 'mse', clipValueLoss: true, normalizeAdvantages: false, entropyCoef: 0.01 }));
  it('Gaussian head, tanh, Huber with value clipping', () => compare(box([2], -1, 1), { activation: 'tanh', valueLoss: 'huber', clipValueLoss: true, entropyCoef: 0.02 }));
  it('Gaussian head, relu, MSE', () => compare(box([2], -1, 1), { activation: 'relu', valueLoss: 'mse', entropyCoef: 0 }));
});

describe('ppoLossGradient', () => {
  it('reads only the first B rows of reused, longer buffers (the last minibatch of an epoch is partial)', () => {
    const rng = new Rng(2);
    const size = 5;
    const k = 3;
    const pad = (a: number[], extra: number) => Float32Array.from([...a, ...Array.from({ length: extra }, () => 100 * rng.normal())]);
    const rows = (n: number) => Array.from({ length: n }, () => rng.normal());
    const head = rows(size * k);
    const values = rows(size);
    const actions = [0, 2, 1, 1, 0];
    const mb = { oldLogProbs: rows(size), advantages: rows(size), oldValues: rows(size), returns: rows(size) };
    const options = resolvePpoConfig({ clipValueLoss: true });
    const exact = ppoLossGradient({ head, values }, { size, actions, ...mb }, { discrete: true, k }, options);
    const padded = ppoLossGradient(
      { head, values },
      {
        size,
        actions: Int32Array.from([...actions, 2, 2, 2]),
        oldLogProbs: pad(mb.oldLogProbs, 3),
        advantages: pad(mb.advantages, 3),
        oldValues: pad(mb.oldValues, 3),
        returns: pad(mb.returns, 3),
      },
      { discrete: true, k },
      options,
    );
    expect(padded.loss).toBeCloseTo(exact.loss, 5);
    expect(Array.from(padded.dHead)).toEqual(Array.from(exact.dHead).map((v) => expect.closeTo(v, 6)));
  });
});
