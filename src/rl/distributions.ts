/**
 * The two action distributions of the policy heads, twice: JS-side on typed arrays for acting (one
 * read of the network output, then sampling with the seeded `Rng`), and tf-side for the PPO loss.
 * - Categorical over logits (softmax policy; DeepRacer's discrete action space).
 * - Diagonal Gaussian with a state-independent log-std (CleanRL `ppo_continuous_action.py`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../sim/rng';

const LOG_2PI = Math.log(2 * Math.PI);

/* ----------------------------- JS side (acting) ----------------------------- */

/** log-sum-exp of `x[offset .. offset+n)`, computed stably in float64. */
export function logSumExp(x: ArrayLike<number>, offset: number, n: number): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, x[offset + i]);
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(x[offset + i] - max);
  return max + Math.log(sum);
}

/** Index of the largest of `x[offset .. offset+n)` (the first on ties): the greedy action. */
export function argmax(x: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (x[offset + i] > x[offset + best]) best = i;
  return best;
}

/** log π(action) for the categorical of logits row `logits[offset .. offset+n)`. */
export function categoricalLogProb(logits: ArrayLike<number>, offset: number, n: number, action: number): number {
  return logits[offset + action] - logSumExp(logits, offset, n);
}

/** Entropy −Σ p log p (nats) of the categorical of logits row `logits[offset .. offset+n)`. */
export function categoricalEntropy(logits: ArrayLike<number>, offset: number, n: number): number {
  const lse = logSumExp(logits, offset, n);
  let h = 0;
  for (let i = 0; i < n; i++) {
    const logp = logits[offset + i] - lse;
    h -= Math.exp(logp) * logp;
  }
  return h;
}

/**
 * Draws an action from the categorical of logits row `logits[offset .. offset+n)`.
 * @param probs scratch of at least `n` entries (avoids an allocation per draw).
 * @returns the index in [0, n) and its log-probability.
 */
export function sampleCategorical(logits: ArrayLike<number>, offset: number, n: number, rng: Rng, probs: Float64Array): { action: number; logProb: number } {
  const lse = logSumExp(logits, offset, n);
  for (let i = 0; i < n; i++) probs[i] = Math.exp(logits[offset + i] - lse);
  const action = rng.categorical(probs, 0, n);
  return { action, logProb: logits[offset + action] - lse };
}

/**
 * log N(x; mean, exp(logStd)²) summed over `size` independent dimensions.
 * Each argument is read from its own offset: `x[xOff+d]`, `mean[meanOff+d]`, `logStd[stdOff+d]`.
 */
export function gaussianLogProb(
  x: ArrayLike<number>,
  xOff: number,
  mean: ArrayLike<number>,
  meanOff: number,
  logStd: ArrayLike<number>,
  stdOff: number,
  size: number,
): number {
  let lp = 0;
  for (let d = 0; d < size; d++) {
    const ls = logStd[stdOff + d];
    const z = (x[xOff + d] - mean[meanOff + d]) * Math.exp(-ls);
    lp += -0.5 * z * z - ls - 0.5 * LOG_2PI;
  }
  return lp;
}

/** Entropy (nats) of a diagonal Gaussian: Σ (logStd + ½(1 + log 2π)). */
export function gaussianEntropy(logStd: ArrayLike<number>, offset: number, size: number): number {
  let h = 0;
  for (let d = 0; d < size; d++) h += logStd[offset + d] + 0.5 * (1 + LOG_2PI);
  return h;
}

/**
 * Draws mean + exp(logStd)·ε, ε ~ N(0, I), into `out[outOff .. outOff+size)` (unclipped: the env
 * clips to its action bounds) and returns its log-probability.
 */
export function sampleGaussian(
  mean: ArrayLike<number>,
  meanOff: number,
  logStd: ArrayLike<number>,
  stdOff: number,
  size: number,
  rng: Rng,
  out: Float32Array,
  outOff: number,
): number {
  for (let d = 0; d < size; d++) out[outOff + d] = mean[meanOff + d] + Math.exp(logStd[stdOff + d]) * rng.normal();
  return gaussianLogProb(out, outOff, mean, meanOff, logStd, stdOff, size);
}

/* ------------------------------ tf side (loss) ------------------------------ */

/** Log-probabilities of taken actions and per-sample entropies, both [batch] float32. */
export interface DistributionStats {
  logProbs: tf.Tensor1D;
  entropy: tf.Tensor1D;
}

/**
 * Categorical log π(a|s) and entropy from logits.
 * @param logits [batch, n] float32; @param actions [batch] int32.
 */
export function categoricalStats(logits: tf.Tensor2D, actions: tf.Tensor1D): DistributionStats {
  const logp = tf.logSoftmax(logits);
  const n = logits.shape[1];
  const logProbs = tf.sum(tf.mul(logp, tf.oneHot(actions, n)), 1) as tf.Tensor1D;
  const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)) as tf.Tensor1D;
  return { logProbs, entropy };
}

/**
 * Diagonal-Gaussian log π(a|s) and entropy.
 * @param mean [batch, size] float32; @param logStd [size] float32; @param actions [batch, size] float32 (unclipped samples).
 */
export function gaussianStats(mean: tf.Tensor2D, logStd: tf.Tensor1D, actions: tf.Tensor2D): DistributionStats {
  const size = mean.shape[1];
  const z = tf.mul(tf.sub(actions, mean), tf.exp(tf.neg(logStd)));
  const sumLogStd = tf.sum(logStd);
  const logProbs = tf.sub(tf.mul(tf.sum(tf.square(z), 1), -0.5), tf.add(sumLogStd, 0.5 * size * LOG_2PI)) as tf.Tensor1D;
  const entropy = tf.broadcastTo(tf.add(sumLogStd, 0.5 * size * (1 + LOG_2PI)), [mean.shape[0]]) as tf.Tensor1D;
  return { logProbs, entropy };
}
