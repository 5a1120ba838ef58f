/**
 * The learner half of PPO: given a batch collected by the current policy, with advantages and returns
 * already computed (GAE), runs `updateEpochs` passes of shuffled minibatches with the clipped loss,
 * global-norm gradient clipping and Adam (CleanRL `ppo.py`, the "Optimizing the policy and value
 * network" block; Schulman et al. 2017, arXiv:1707.06347). `PpoTrainer` uses it in one thread; the
 * browser runs it alone in the learner worker, fed by sim workers.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../sim/rng';
import type { PpoConfig } from './config';
import { Adam } from './optimizer';
import type { ActorCritic } from './policy';
import { autodiffStep, manualStep, METRIC_NAMES, resolveGradientMode, type GradientMode } from './ppo-step';
import type { RolloutBatch } from './rollout-buffer';

/** What an update needs of a rollout: [size, ...] flat arrays (see `RolloutBatch`). */
export type UpdateBatch = Pick<RolloutBatch, 'size' | 'observations' | 'actions' | 'logProbs' | 'values'>;

/** Mean losses of an update over all its minibatches (CleanRL `losses/*`). */
export interface UpdateMeans {
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates with the seeded `rng`). */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Runs one epoch of minibatch steps over a permutation of the batch; returns per-minibatch diagnostics. */
interface EpochRunner {
  epoch(order: Int32Array): Promise<number[][]>;
  dispose(): void;
}

export class PpoLearner {
  readonly config: PpoConfig;
  readonly policy: ActorCritic;
  readonly optimizer: Adam;
  /** How minibatch gradients are computed (`ppo-step.ts`). */
  readonly gradientMode: 'autodiff' | 'manual';
  private readonly shuffleRng: Rng;

  /**
   * @param shuffleRng the seeded source of the minibatch shuffles.
   * @param gradientMode 'auto' (default): host-side loss with a hand-written backward pass on wasm/cpu,
   *   tf autodiff on GPU backends; resolved against the active backend now (networks with embedders:
   *   always autodiff).
   */
  constructor(config: PpoConfig, policy: ActorCritic, shuffleRng: Rng, gradientMode: GradientMode = 'auto') {
    this.config = config;
    this.policy = policy;
    this.shuffleRng = shuffleRng;
    // The hand-written backward pass covers the MLP; networks with embedders (CNNs) always use autodiff.
    this.gradientMode = policy.network.spec.embedder ? 'autodiff' : resolveGradientMode(gradientMode);
    this.optimizer = new Adam(policy.network.numParams, { learningRate: config.learningRate, beta1: 0.9, beta2: 0.999, epsilon: config.adamEpsilon });
  }

  /**
   * `updateEpochs` passes over the batch in shuffled minibatches of `minibatchSize`; the last minibatch
   * of a pass takes the remainder (N mod minibatchSize samples) rather than dropping it, as SB3 does.
   * Each minibatch is one `tf.tidy` (see `ppo-step.ts` for the two gradient modes). In autodiff mode the
   * diagnostics stay on the device until one read per epoch.
   */
  async update(batch: UpdateBatch, advantages: Float32Array, returns: Float32Array): Promise<{ means: UpdateMeans; epochsRun: number }> {
    const { config } = this;
    const minibatches = this.gradientMode === 'manual' ? this.manualMinibatches(batch, advantages, returns) : this.autodiffMinibatches(batch, advantages, returns);
    const perMinibatch: number[][] = []; // [METRIC_NAMES] per minibatch
    let epochsRun = 0;
    for (let epoch = 0; epoch < config.updateEpochs; epoch++) {
      const order = permutation(batch.size, this.shuffleRng);
      const epochMetrics = await minibatches.epoch(order);
      perMinibatch.push(...epochMetrics);
      epochsRun++;
      const kl = epochMetrics.reduce((a, m) => a + m[METRIC_NAMES.indexOf('approxKl')], 0) / epochMetrics.length;
      if (config.targetKl !== null && kl > config.targetKl) break;
    }
    minibatches.dispose();
    const mean = (i: number) => perMinibatch.reduce((a, m) => a + m[i], 0) / perMinibatch.length;
    const [policyLoss, valueLoss, entropy, approxKl, clipFraction] = METRIC_NAMES.map((_, i) => mean(i));
    return { means: { policyLoss, valueLoss, entropy, approxKl, clipFraction }, epochsRun };
  }

  /** Minibatch steps with the loss on the host: rows are copied into reused buffers, no gathers. */
  private manualMinibatches(batch: UpdateBatch, advantages: Float32Array, returns: Float32Array): EpochRunner {
    const { config } = this;
    const policy = this.policy;
    const optimizer = this.optimizer;
    const obsSize = policy.observationSize;
    const a = policy.discrete ? 1 : policy.actionSize;
    const m = config.minibatchSize;
    const observations = new Float32Array(m * obsSize); // [B, obsSize]
    const actions = policy.discrete ? new Int32Array(m) : new Float32Array(m * a); // [B] or [B, k]
    const oldLogProbs = new Float32Array(m); // [B] each
    const oldValues = new Float32Array(m);
    const mbAdvantages = new Float32Array(m);
    const mbReturns = new Float32Array(m);
    return {
      epoch: async (order) => {
        const out: number[][] = [];
        for (let start = 0; start < batch.size; start += m) {
          const size = Math.min(m, batch.size - start);
          for (let r = 0; r < size; r++) {
            const i = order[start + r];
            observations.set(batch.observations.subarray(i * obsSize, (i + 1) * obsSize), r * obsSize);
            actions.set(batch.actions.subarray(i * a, (i + 1) * a), r * a);
            oldLogProbs[r] = batch.logProbs[i];
            oldValues[r] = batch.values[i];
            mbAdvantages[r] = advantages[i];
            mbReturns[r] = returns[i];
          }
          const mb = { size, actions, oldLogProbs, oldValues, advantages: mbAdvantages, returns: mbReturns };
          out.push(tf.tidy(() => manualStep(policy, optimizer, observations.subarray(0, size * obsSize), mb, config)));
        }
        return out;
      },
      dispose: () => {},
    };
  }

  /** Minibatch steps entirely on the device: the batch is uploaded once and gathered per minibatch. */
  private autodiffMinibatches(batch: UpdateBatch, advantages: Float32Array, returns: Float32Array): EpochRunner {
    const { config } = this;
    const policy = this.policy;
    const optimizer = this.optimizer;
    const n = batch.size;
    const data = tf.tidy(() => ({
      observations: tf.tensor2d(batch.observations, [n, policy.observationSize], 'float32'),
      actions: policy.discrete ? tf.tensor1d(batch.actions as Int32Array, 'int32') : tf.tensor2d(batch.actions as Float32Array, [n, policy.actionSize], 'float32'),
      logProbs: tf.tensor1d(batch.logProbs, 'float32'),
      values: tf.tensor1d(batch.values, 'float32'),
      advantages: tf.tensor1d(advantages, 'float32'),
      returns: tf.tensor1d(returns, 'float32'),
    }));
    return {
      epoch: async (order) => {
        const orderTensor = tf.tensor1d(order, 'int32');
        const metrics: tf.Tensor1D[] = []; // [5] float32 each
        for (let start = 0; start < n; start += config.minibatchSize) {
          const size = Math.min(config.minibatchSize, n - start);
          metrics.push(
            tf.tidy(() => {
              const idx = tf.slice(orderTensor, start, size);
              const mb = {
                observations: tf.gather(data.observations, idx),
                actions: tf.gather(data.actions, idx),
                logProbs: tf.gather(data.logProbs, idx),
                values: tf.gather(data.values, idx),
                advantages: tf.gather(data.advantages, idx),
                returns: tf.gather(data.returns, idx),
              };
              return autodiffStep(policy, optimizer, mb, config);
            }),
          );
        }
        const stacked = tf.stack(metrics) as tf.Tensor2D;
        const values = (await stacked.array()) as number[][]; // the epoch's one read
        [orderTensor, stacked, ...metrics].forEach((t) => t.dispose());
        return values;
      },
      dispose: () => Object.values(data).forEach((t) => t.dispose()),
    };
  }

  /** Frees the optimizer state (the policy belongs to the caller). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
