/**
 * One PPO gradient step on one minibatch, two ways with the same maths (tests check they agree):
 * - `autodiffStep`: everything on the device, gradient by `tf.variableGrads` through `ppoLoss`. For GPU
 *   backends, where a read per minibatch would stall the pipeline.
 * - `manualStep`: network forward on the device, one read of the outputs, loss and output gradients in JS
 *   (`ppo-loss-grad.ts`), backward by hand (`backprop.ts`). For CPU backends (wasm, cpu), where the read
 *   is a memcpy and the autodiff tape's per-op cost dominates: about 2.5–3× faster on tfjs-wasm.
 * Both then clip the global gradient norm to `maxGradNorm` and take an Adam step.
 */
import * as tf from '@tensorflow/tfjs';
import type { PpoConfig } from './config';
import { backward } from './backprop';
import type { ForwardTrace } from './networks';
import { clipByGlobalNorm, type Adam } from './optimizer';
import type { ActorCritic } from './policy';
import { ppoLoss } from './ppo-loss';
import { ppoLossGradient, type HostMinibatch } from './ppo-loss-grad';

/** How gradients are computed: see the file comment. `auto` = manual on wasm/cpu, autodiff elsewhere. */
export type GradientMode = 'auto' | 'autodiff' | 'manual';

/** The per-minibatch diagnostics, in the order the steps return them. */
export const METRIC_NAMES = ['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction'] as const;

/** `auto` resolved for the active backend. */
export function resolveGradientMode(mode: GradientMode): 'autodiff' | 'manual' {
  if (mode !== 'auto') return mode;
  return tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu' ? 'manual' : 'autodiff';
}

/** One minibatch as tensors, all with the same leading dimension B. */
export interface MinibatchTensors {
  /** [B, obsSize] float32. */
  observations: tf.Tensor2D;
  /** [B] int32 (discrete) or [B, actionSize] float32 (Gaussian). */
  actions: tf.Tensor;
  /** [B] float32 each: rollout-time log π and V, GAE advantages, value targets. */
  logProbs: tf.Tensor1D;
  values: tf.Tensor1D;
  advantages: tf.Tensor1D;
  returns: tf.Tensor1D;
}

/** Clips the flat gradient and applies one Adam step to the policy's weights. */
function applyGradient(policy: ActorCritic, optimizer: Adam, grad: tf.Tensor1D, maxGradNorm: number): void {
  const { clipped } = clipByGlobalNorm(grad, maxGradNorm);
  policy.network.applyUpdate(optimizer.computeUpdate(clipped));
}

/**
 * Device step: PPO loss, its gradient w.r.t. every weight, clip, Adam. Call inside a `tf.tidy`.
 * The gradient is taken w.r.t. per-layer copies of the weights (`weightTensors(false)`) and concatenated
 * into the flat gradient: the same numbers as `tf.variableGrads` through `tf.split`, without tfjs-wasm's
 * slow Slice on large (camera) networks.
 * @returns [5] float32 diagnostics in `METRIC_NAMES` order, kept (the caller disposes it).
 */
export function autodiffStep(policy: ActorCritic, optimizer: Adam, mb: MinibatchTensors, config: PpoConfig): tf.Tensor1D {
  const kept: { metrics?: tf.Tensor1D } = {}; // survives the gradient tape's own tidy
  const weights = policy.network.weightTensors(false);
  const grads = tf.grads((...w: tf.Tensor[]) => {
    const evaluated = policy.evaluateActions(mb.observations, mb.actions, w);
    const out = ppoLoss(
      {
        newLogProbs: evaluated.logProbs,
        oldLogProbs: mb.logProbs,
        advantages: mb.advantages,
        entropy: evaluated.entropy,
        newValues: evaluated.values,
        oldValues: mb.values,
        returns: mb.returns,
      },
      config,
    );
    kept.metrics = tf.keep(tf.stack(METRIC_NAMES.map((k) => out[k])) as tf.Tensor1D);
    return out.loss;
  })(weights);
  const flat = tf.concat(grads.map((g) => tf.reshape(g, [-1]))) as tf.Tensor1D;
  applyGradient(policy, optimizer, flat, config.maxGradNorm);
  return kept.metrics!;
}

/**
 * Host-loss step: forward with a trace, one read, `ppoLossGradient` in JS, `backward`, clip, Adam.
 * Call inside a `tf.tidy`. @param observations [B * obsSize] float32 of the minibatch.
 * @returns the diagnostics in `METRIC_NAMES` order.
 */
export function manualStep(policy: ActorCritic, optimizer: Adam, observations: Float32Array, mb: HostMinibatch, config: PpoConfig): number[] {
  const B = mb.size;
  const k = policy.actionSize;
  const trace: ForwardTrace = { weights: [], policyInputs: [], valueInputs: [] };
  const out = policy.network.forward(tf.tensor2d(observations, [B, policy.observationSize], 'float32'), trace);
  const head = (out.logits ?? out.mean)!;
  const parts = [tf.reshape(head, [-1]), out.value];
  if (out.logStd) parts.push(out.logStd);
  const host = tf.concat(parts).dataSync(); // [B*k | B | k?]: a memcpy on CPU backends
  const g = ppoLossGradient(
    { head: host.subarray(0, B * k), values: host.subarray(B * k, B * k + B), logStd: out.logStd ? host.subarray(B * k + B) : undefined },
    mb,
    { discrete: policy.discrete, k },
    config,
  );
  const grad = backward(policy.network, trace, {
    head: tf.tensor2d(g.dHead, [B, k], 'float32'),
    value: tf.tensor1d(g.dValues, 'float32'),
    logStd: g.dLogStd ? tf.tensor1d(g.dLogStd, 'float32') : undefined,
  });
  applyGradient(policy, optimizer, grad, config.maxGradNorm);
  return METRIC_NAMES.map((name) => g[name]);
}
