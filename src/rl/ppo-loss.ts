/**
 * The clipped PPO objective on one minibatch (Schulman et al. 2017, arXiv:1707.06347, eq. 7 and 9),
 * line for line as CleanRL's `ppo.py` update:
 *   ratio = exp(logπ_new − logπ_old)
 *   L_pg  = mean(max(−A·ratio, −A·clip(ratio, 1−ε, 1+ε)))
 *   L_v   = mean(ℓ(V_new − R))        ℓ = Huber (δ = 1) or ½·squared error; with value clipping
 *           mean(max(ℓ(V_new − R), ℓ(V_old + clip(V_new − V_old, −ε, ε) − R)))
 *   loss  = L_pg − c_ent·mean(H) + c_v·L_v
 * Diagnostics: approxKl = mean((ratio − 1) − log ratio) (Schulman's k3 estimator, as CleanRL),
 * clipFraction = share of samples with |ratio − 1| > ε.
 * Huber with δ = 1 equals ½e² for |e| ≤ 1, so both losses have the same scale near the optimum.
 */
import * as tf from '@tensorflow/tfjs';
import type { ValueLossType } from './config';
import { constantScalar as c } from './layers';

export interface PpoLossInput {
  /** [B] float32, log π_θ(a|s) under the current weights (differentiable). */
  newLogProbs: tf.Tensor1D;
  /** [B] float32, log π at rollout time. */
  oldLogProbs: tf.Tensor1D;
  /** [B] float32, GAE advantages (normalised here when `normalizeAdvantages`). */
  advantages: tf.Tensor1D;
  /** [B] float32, per-sample policy entropy (differentiable). */
  entropy: tf.Tensor1D;
  /** [B] float32, V_θ(s) under the current weights (differentiable). */
  newValues: tf.Tensor1D;
  /** [B] float32, V(s) at rollout time. */
  oldValues: tf.Tensor1D;
  /** [B] float32, value targets (advantages + old values). */
  returns: tf.Tensor1D;
}

export interface PpoLossOptions {
  clipRange: number;
  entropyCoef: number;
  valueCoef: number;
  valueLoss: ValueLossType;
  clipValueLoss: boolean;
  normalizeAdvantages: boolean;
}

/** All scalars. `loss` is what gets differentiated; the rest are diagnostics (CleanRL `losses/*`). */
export interface PpoLossOutput {
  loss: tf.Scalar;
  policyLoss: tf.Scalar;
  valueLoss: tf.Scalar;
  entropy: tf.Scalar;
  approxKl: tf.Scalar;
  clipFraction: tf.Scalar;
}

/** Per-sample value loss: Huber (δ = 1, `tf.losses.huberLoss`) or ½·squared error. [B] float32. */
function valueLossPerSample(pred: tf.Tensor1D, target: tf.Tensor1D, type: ValueLossType): tf.Tensor1D {
  if (type === 'huber') return tf.losses.huberLoss(target, pred, undefined, 1, tf.Reduction.NONE) as tf.Tensor1D;
  return tf.mul(tf.squaredDifference(pred, target), c(0.5)) as tf.Tensor1D;
}

/**
 * PPO-clip loss and diagnostics for one minibatch; pure (no state), differentiable through
 * `newLogProbs`, `entropy` and `newValues`. Advantages are normalised with the unbiased std when the
 * minibatch has more than one sample (as `torch.std`; SB3 skips normalising a single sample too).
 */
export function ppoLoss(input: PpoLossInput, options: PpoLossOptions): PpoLossOutput {
  const { clipRange } = options;
  const logRatio = tf.sub(input.newLogProbs, input.oldLogProbs);
  const ratio = tf.exp(logRatio);
  const approxKl = tf.mean(tf.sub(tf.sub(ratio, c(1)), logRatio)) as tf.Scalar;
  const clipFraction = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, c(1))), c(clipRange)), 'float32')) as tf.Scalar;

  let adv: tf.Tensor1D = input.advantages;
  const batch = adv.shape[0];
  if (options.normalizeAdvantages && batch > 1) {
    const { mean, variance } = tf.moments(adv);
    const std = tf.sqrt(tf.mul(variance, c(batch / (batch - 1))));
    adv = tf.div(tf.sub(adv, mean), tf.add(std, c(1e-8))) as tf.Tensor1D;
  }
  const negAdv = tf.neg(adv);
  const pg1 = tf.mul(negAdv, ratio);
  const pg2 = tf.mul(negAdv, tf.clipByValue(ratio, 1 - clipRange, 1 + clipRange));
  const policyLoss = tf.mean(tf.maximum(pg1, pg2)) as tf.Scalar;

  let perSample = valueLossPerSample(input.newValues, input.returns, options.valueLoss);
  if (options.clipValueLoss) {
    const clippedValues = tf.add(input.oldValues, tf.clipByValue(tf.sub(input.newValues, input.oldValues), -clipRange, clipRange)) as tf.Tensor1D;
    perSample = tf.maximum(perSample, valueLossPerSample(clippedValues, input.returns, options.valueLoss));
  }
  const valueLoss = tf.mean(perSample) as tf.Scalar;
  const entropy = tf.mean(input.entropy) as tf.Scalar;
  const loss = tf.add(tf.sub(policyLoss, tf.mul(entropy, c(options.entropyCoef))), tf.mul(valueLoss, c(options.valueCoef))) as tf.Scalar;
  return { loss, policyLoss, valueLoss, entropy, approxKl, clipFraction };
}
