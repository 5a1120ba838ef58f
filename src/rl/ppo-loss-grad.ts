/**
 * The PPO loss of `ppo-loss.ts` and its gradient w.r.t. the network outputs, computed in JS on one
 * minibatch read back from the device. Used on CPU backends (wasm, cpu), where that read is a memcpy and
 * the loss's ~150 tiny tensor ops with their autodiff bookkeeping cost more than the network itself;
 * `backprop.ts` carries the gradient on through the MLP. The maths is `ppoLoss` term by term; the tests
 * check both against `tf.grad` of `ppoLoss`. Derivatives used (p = softmax(l), H = −Σ p log p):
 *   ∂ log p_a / ∂ l_j = [j = a] − p_j              ∂H / ∂ l_j = −p_j (log p_j + H)
 *   ∂ log N(a; μ, σ) / ∂ μ_d = z_d / σ_d           ∂ log N / ∂ log σ_d = z_d² − 1,  z = (a − μ)/σ
 *   Huber′(e) = clip(e, −1, 1),  (½e²)′ = e;  max, clip and the clipped surrogate route gradients as tf does.
 */
import type { PpoLossOptions } from './ppo-loss';
import { gaussianEntropy, gaussianLogProb, logSumExp } from './distributions';

/** Network outputs of a minibatch of B, read to the host. */
export interface HostOutputs {
  /** [B * k] float32: logits (discrete) or means (Gaussian), row-major. */
  head: ArrayLike<number>;
  /** [B] float32, V(s). */
  values: ArrayLike<number>;
  /** [k] float32, clipped log-std (Gaussian only). */
  logStd?: ArrayLike<number>;
}

/** The rollout side of a minibatch of B; arrays may be longer (reused buffers), only the first B rows are read. */
export interface HostMinibatch {
  size: number;
  /** [B] int32 (discrete) or [B * k] float32 (Gaussian). */
  actions: ArrayLike<number>;
  /** [B] float32 each. */
  oldLogProbs: ArrayLike<number>;
  advantages: ArrayLike<number>;
  oldValues: ArrayLike<number>;
  returns: ArrayLike<number>;
}

export interface PpoLossGradient {
  loss: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  /** [B * k] float32, ∂loss/∂head. */
  dHead: Float32Array;
  /** [B] float32, ∂loss/∂V. */
  dValues: Float32Array;
  /** [k] float32, ∂loss/∂(clipped log-std); Gaussian only. */
  dLogStd?: Float32Array;
}

/**
 * PPO loss, diagnostics and output gradients for one minibatch (see the file comment).
 * @param head `discrete` with k actions, or `gaussian` with k dimensions.
 */
export function ppoLossGradient(out: HostOutputs, mb: HostMinibatch, head: { discrete: boolean; k: number }, o: PpoLossOptions): PpoLossGradient {
  const B = mb.size;
  const { k, discrete } = head;
  const eps = o.clipRange;
  const dHead = new Float32Array(B * k);
  const dValues = new Float32Array(B);
  const newLogProbs = new Float64Array(B);
  const entropies = new Float64Array(B);
  const probs = new Float64Array(discrete ? B * k : 0);

  // 1. log π_new(a|s) and entropy per sample, with the acting side's functions (distributions.ts).
  for (let i = 0; i < B; i++) {
    if (discrete) {
      const lse = logSumExp(out.head, i * k, k);
      let h = 0;
      for (let j = 0; j < k; j++) {
        const logp = out.head[i * k + j] - lse;
        probs[i * k + j] = Math.exp(logp);
        h -= probs[i * k + j] * logp;
      }
      newLogProbs[i] = out.head[i * k + mb.actions[i]] - lse;
      entropies[i] = h;
    } else {
      newLogProbs[i] = gaussianLogProb(mb.actions, i * k, out.head, i * k, out.logStd!, 0, k);
      entropies[i] = gaussianEntropy(out.logStd!, 0, k);
    }
  }

  // 2. Advantage normalisation (unbiased std, as torch.std), skipped for a single sample.
  const adv = Float64Array.from({ length: B }, (_, i) => mb.advantages[i]); // the arrays may be longer than B (reused buffers)
  if (o.normalizeAdvantages && B > 1) {
    const mean = adv.reduce((a, x) => a + x, 0) / B;
    const std = Math.sqrt(adv.reduce((a, x) => a + (x - mean) ** 2, 0) / (B - 1));
    for (let i = 0; i < B; i++) adv[i] = (adv[i] - mean) / (std + 1e-8);
  }

  // 3. Clipped surrogate, value loss, their gradients w.r.t. log π and V.
  const ell = (e: number) => (o.valueLoss === 'huber' ? (Math.abs(e) <= 1 ? 0.5 * e * e : Math.abs(e) - 0.5) : 0.5 * e * e);
  const dEll = (e: number) => (o.valueLoss === 'huber' ? Math.min(1, Math.max(-1, e)) : e);
  let policyLoss = 0;
  let valueLoss = 0;
  let entropy = 0;
  let approxKl = 0;
  let clipFraction = 0;
  const dLogProb = new Float64Array(B); // ∂loss/∂ log π_new
  for (let i = 0; i < B; i++) {
    const logRatio = newLogProbs[i] - mb.oldLogProbs[i];
    const r = Math.exp(logRatio);
    approxKl += r - 1 - logRatio;
    if (Math.abs(r - 1) > eps) clipFraction++;
    const pg1 = -adv[i] * r;
    const pg2 = -adv[i] * Math.min(1 + eps, Math.max(1 - eps, r));
    policyLoss += Math.max(pg1, pg2);
    // tf.maximum sends the gradient to its first argument on ties; clipByValue passes it inside [1−ε, 1+ε].
    const flows = pg1 >= pg2 || (r >= 1 - eps && r <= 1 + eps);
    dLogProb[i] = flows ? (-adv[i] * r) / B : 0;

    const v = out.values[i];
    const eU = v - mb.returns[i];
    let lossI = ell(eU);
    let dV = dEll(eU);
    if (o.clipValueLoss) {
      const delta = v - mb.oldValues[i];
      const eC = mb.oldValues[i] + Math.min(eps, Math.max(-eps, delta)) - mb.returns[i];
      const lossC = ell(eC);
      if (lossC > lossI) {
        lossI = lossC;
        dV = delta >= -eps && delta <= eps ? dEll(eC) : 0;
      }
    }
    valueLoss += lossI;
    dValues[i] = (o.valueCoef * dV) / B;
    entropy += entropies[i];
  }

  // 4. Chain to the head: surrogate through log π, entropy bonus (−c_ent · mean H).
  const entScale = o.entropyCoef / B;
  let dLogStd: Float32Array | undefined;
  if (discrete) {
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < k; j++) {
        const p = probs[i * k + j];
        const logp = Math.log(p);
        const onehot = j === mb.actions[i] ? 1 : 0;
        // p log p → 0 as p → 0; guard the 0·(−∞) of an underflowed probability.
        const entropyTerm = p > 0 ? entScale * p * (logp + entropies[i]) : 0;
        dHead[i * k + j] = dLogProb[i] * (onehot - p) + entropyTerm;
      }
    }
  } else {
    const acc = new Float64Array(k);
    for (let d = 0; d < k; d++) acc[d] = -o.entropyCoef; // ∂(−c_ent · mean H)/∂ log σ_d
    for (let i = 0; i < B; i++) {
      for (let d = 0; d < k; d++) {
        const invStd = Math.exp(-out.logStd![d]);
        const z = (mb.actions[i * k + d] - out.head[i * k + d]) * invStd;
        dHead[i * k + d] = dLogProb[i] * z * invStd;
        acc[d] += dLogProb[i] * (z * z - 1);
      }
    }
    dLogStd = Float32Array.from(acc);
  }

  policyLoss /= B;
  valueLoss /= B;
  entropy /= B;
  return {
    loss: policyLoss - o.entropyCoef * entropy + o.valueCoef * valueLoss,
    policyLoss,
    valueLoss,
    entropy,
    approxKl: approxKl / B,
    clipFraction: clipFraction / B,
    dHead,
    dValues,
    dLogStd,
  };
}
