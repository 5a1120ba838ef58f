/**
 * PPO trainer, in the order of CleanRL's `ppo.py`: (1) anneal the learning rate, (2) collect a rollout,
 * (3) GAE, (4) `updateEpochs` passes of shuffled minibatches with the clipped loss, global-norm gradient
 * clipping and Adam, early stop on `targetKl`, (5) metrics under CleanRL's names.
 * Papers: PPO, Schulman et al. 2017 (arXiv:1707.06347); GAE, Schulman et al. 2015 (arXiv:1506.02438).
 *
 * One `iteration()` is one DeepRacer "policy-updating iteration". The backend must be set before
 * `init()` (see `selectBackend`), or passed as `init({backend})`.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpisodeRecord, VectorEnv } from '../sim/env';
import { Rng } from '../sim/rng';
import { spaceSize } from '../sim/spaces';
import { resolvePpoConfig, type PpoConfig } from './config';
import { computeGae } from './gae';
import { Adam } from './optimizer';
import { ActorCritic } from './policy';
import { autodiffStep, manualStep, METRIC_NAMES, resolveGradientMode, type GradientMode } from './ppo-step';
import { collectRollout, startRollouts, type RolloutState } from './rollout';
import { RolloutBuffer, type RolloutBatch } from './rollout-buffer';

export { ppoLoss, type PpoLossInput, type PpoLossOptions, type PpoLossOutput } from './ppo-loss';
export type { GradientMode } from './ppo-step';

/** Loss diagnostics of one iteration: means over all its minibatches (CleanRL `losses/*`). */
export interface LossMetrics {
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  /** 1 − Var(returns − values)/Var(returns) over the rollout, before the update; NaN when Var(returns) = 0. */
  explainedVariance: number;
}

export interface IterationMetrics {
  /** 1-based count of policy updates. */
  iteration: number;
  /** Env steps so far over all envs (CleanRL `global_step`). */
  globalStep: number;
  /** Episodes that ended during this iteration's rollout. */
  episodes: EpisodeRecord[];
  /** Mean return of those episodes (`charts/episodic_return`); null when none ended. */
  meanEpisodicReturn: number | null;
  /** Mean length in steps (`charts/episodic_length`); null when none ended. */
  meanEpisodicLength: number | null;
  losses: LossMetrics;
  /** Learning rate used for this iteration (`charts/learning_rate`). */
  learningRate: number;
  /** This iteration's env steps per second of wall time, rollout and update (`charts/SPS`). */
  sps: number;
  /** Samples in the update (steps per env × numEnvs). */
  samples: number;
  /** Epochs run (fewer than `updateEpochs` after a `targetKl` early stop). */
  epochsRun: number;
  timings: { simulateMs: number; actMs: number; updateMs: number };
}

/** 1 − Var(y − ŷ)/Var(y) (CleanRL `explained_variance`). NaN when Var(y) = 0. */
export function explainedVariance(predicted: Float32Array, target: Float32Array): number {
  const n = target.length;
  let my = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    my += target[i];
    md += target[i] - predicted[i];
  }
  my /= n;
  md /= n;
  let vy = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    vy += (target[i] - my) ** 2;
    vd += (target[i] - predicted[i] - md) ** 2;
  }
  return vy === 0 ? NaN : 1 - vd / vy;
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

export class PpoTrainer {
  readonly config: PpoConfig;
  readonly vecEnv: VectorEnv;
  /** Policy updates done. */
  iterationCount = 0;
  /** Env steps done over all envs. */
  globalStep = 0;
  private policyRef: ActorCritic | null = null;
  private optimizer: Adam | null = null;
  private buffer: RolloutBuffer | null = null;
  private state: RolloutState | null = null;
  private readonly actionRng: Rng;
  private readonly shuffleRng: Rng;
  private readonly weightSeed: number;
  /** How minibatch gradients are computed (`ppo-step.ts`); resolved from the backend in `init`. */
  gradientMode: 'autodiff' | 'manual' = 'autodiff';

  /** @throws Error for an invalid config or when `config.numEnvs` differs from the env's. */
  constructor(vecEnv: VectorEnv, config: Partial<PpoConfig> = {}) {
    this.config = resolvePpoConfig(config);
    if (vecEnv.numEnvs !== this.config.numEnvs) {
      throw new Error(`PpoTrainer: config.numEnvs is ${this.config.numEnvs} but the vector env has ${vecEnv.numEnvs} envs; build the env with config.numEnvs`);
    }
    this.vecEnv = vecEnv;
    const root = new Rng(this.config.seed);
    this.weightSeed = root.nextUint32();
    this.actionRng = root.fork();
    this.shuffleRng = root.fork();
  }

  /** The policy being trained. @throws Error before `init()`. */
  get policy(): ActorCritic {
    if (this.policyRef === null) throw new Error('PpoTrainer: call init() first');
    return this.policyRef;
  }

  /**
   * Builds the policy (seeded weights, or `options.policy` to continue training one), the optimizer and
   * the rollout buffer, and resets the env with `config.seed`.
   * @param options.backend a tfjs backend to activate first (else the active one is used).
   * @param options.gradientMode 'auto' (default): host-side loss with a hand-written backward pass on
   *   wasm/cpu, tf autodiff on GPU backends; or force one (both compute the same update).
   */
  async init(options: { backend?: string; policy?: ActorCritic; gradientMode?: GradientMode } = {}): Promise<void> {
    if (options.backend !== undefined && !(await tf.setBackend(options.backend))) {
      throw new Error(`PpoTrainer.init: backend '${options.backend}' did not initialise`);
    }
    await tf.ready();
    this.gradientMode = resolveGradientMode(options.gradientMode ?? 'auto');
    const { config, vecEnv } = this;
    const observationSpace = vecEnv.singleObservationSpace;
    const actionSpace = vecEnv.singleActionSpace;
    this.policyRef =
      options.policy ?? ActorCritic.create(observationSpace, actionSpace, { hiddenSizes: config.hiddenSizes, activation: config.activation, seed: this.weightSeed });
    this.optimizer = new Adam(this.policy.network.numParams, { learningRate: config.learningRate, beta1: 0.9, beta2: 0.999, epsilon: config.adamEpsilon });
    this.buffer = new RolloutBuffer({
      numEnvs: vecEnv.numEnvs,
      obsSize: spaceSize(observationSpace),
      actionSize: actionSpace.type === 'discrete' ? 1 : spaceSize(actionSpace),
      discreteActions: actionSpace.type === 'discrete',
      initialSteps: config.numSteps ?? 256,
    });
    this.state = startRollouts(vecEnv, config.seed);
  }

  /** Learning rate for an iteration starting at `globalStep`: linear decay to 0 at `totalTimesteps` when `annealLr`. */
  learningRateAt(globalStep: number): number {
    const { annealLr, totalTimesteps, learningRate } = this.config;
    if (!annealLr || totalTimesteps === null) return learningRate;
    return Math.max(0, 1 - globalStep / totalTimesteps) * learningRate;
  }

  /** One policy-updating iteration: rollout, GAE, update. @throws Error before `init()`. */
  async iteration(): Promise<IterationMetrics> {
    if (!this.buffer || !this.state || !this.optimizer) throw new Error('PpoTrainer.iteration: call init() first');
    const { config } = this;
    const start = performance.now();
    const learningRate = this.learningRateAt(this.globalStep);
    this.optimizer.learningRate = learningRate;

    const rollout = await collectRollout(this.vecEnv, this.policy, this.buffer, this.state, {
      numSteps: config.numSteps,
      minEpisodes: config.episodesPerIteration,
      maxSteps: config.maxRolloutSteps,
      gamma: config.gamma,
      rng: this.actionRng,
    });
    this.globalStep += rollout.envSteps;

    const batch = this.buffer.flatten();
    const { advantages, returns } = computeGae({
      rewards: batch.rewards,
      values: batch.values,
      dones: batch.dones,
      lastValues: rollout.lastValues,
      gamma: config.gamma,
      gaeLambda: config.gaeLambda,
      numSteps: rollout.steps,
      numEnvs: this.vecEnv.numEnvs,
    });

    const t0 = performance.now();
    const { means, epochsRun } = await this.update(batch, advantages, returns);
    const updateMs = performance.now() - t0;
    this.iterationCount++;

    const eps = rollout.episodes;
    const mean = (f: (e: EpisodeRecord) => number) => (eps.length === 0 ? null : eps.reduce((a, e) => a + f(e), 0) / eps.length);
    return {
      iteration: this.iterationCount,
      globalStep: this.globalStep,
      episodes: eps,
      meanEpisodicReturn: mean((e) => e.episodicReturn),
      meanEpisodicLength: mean((e) => e.episodicLength),
      losses: { ...means, explainedVariance: explainedVariance(batch.values, returns) },
      learningRate,
      sps: rollout.envSteps / ((performance.now() - start) / 1000),
      samples: batch.size,
      epochsRun,
      timings: { simulateMs: rollout.simulateMs, actMs: rollout.actMs, updateMs },
    };
  }

  /**
   * `updateEpochs` passes over the batch in shuffled minibatches of `minibatchSize`; the last minibatch
   * of a pass takes the remainder (N mod minibatchSize samples) rather than dropping it, as SB3 does.
   * Each minibatch is one `tf.tidy` (see `ppo-step.ts` for the two gradient modes). In autodiff mode the
   * diagnostics stay on the device until one read per epoch.
   */
  private async update(batch: RolloutBatch, advantages: Float32Array, returns: Float32Array): Promise<{ means: Omit<LossMetrics, 'explainedVariance'>; epochsRun: number }> {
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
  private manualMinibatches(batch: RolloutBatch, advantages: Float32Array, returns: Float32Array): EpochRunner {
    const { config } = this;
    const policy = this.policy;
    const optimizer = this.optimizer!;
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
  private autodiffMinibatches(batch: RolloutBatch, advantages: Float32Array, returns: Float32Array): EpochRunner {
    const { config } = this;
    const policy = this.policy;
    const optimizer = this.optimizer!;
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

  /** Frees the policy and the optimizer state (the env belongs to the caller). */
  dispose(): void {
    this.policyRef?.dispose();
    this.optimizer?.dispose();
    this.policyRef = null;
    this.optimizer = null;
  }
}
