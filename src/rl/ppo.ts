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
import { Adam, clipByGlobalNorm } from './optimizer';
import { ActorCritic } from './policy';
import { ppoLoss } from './ppo-loss';
import { collectRollout, startRollouts, type RolloutState } from './rollout';
import { RolloutBuffer, type RolloutBatch } from './rollout-buffer';

export { ppoLoss, type PpoLossInput, type PpoLossOptions, type PpoLossOutput } from './ppo-loss';

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

/** The five per-minibatch diagnostics, in the order they are stacked. */
const METRIC_NAMES = ['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction'] as const;

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
   */
  async init(options: { backend?: string; policy?: ActorCritic } = {}): Promise<void> {
    if (options.backend !== undefined && !(await tf.setBackend(options.backend))) {
      throw new Error(`PpoTrainer.init: backend '${options.backend}' did not initialise`);
    }
    await tf.ready();
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
   * Each minibatch is one `tf.tidy`; diagnostics stay on the device until one read at the end (plus
   * one per epoch when `targetKl` is set).
   */
  private async update(batch: RolloutBatch, advantages: Float32Array, returns: Float32Array): Promise<{ means: Omit<LossMetrics, 'explainedVariance'>; epochsRun: number }> {
    const { config } = this;
    const policy = this.policy;
    const optimizer = this.optimizer!;
    const network = policy.network;
    const n = batch.size;
    const data = tf.tidy(() => ({
      observations: tf.tensor2d(batch.observations, [n, policy.observationSize], 'float32'),
      actions: policy.discrete ? tf.tensor1d(batch.actions as Int32Array, 'int32') : tf.tensor2d(batch.actions as Float32Array, [n, policy.actionSize], 'float32'),
      logProbs: tf.tensor1d(batch.logProbs, 'float32'),
      values: tf.tensor1d(batch.values, 'float32'),
      advantages: tf.tensor1d(advantages, 'float32'),
      returns: tf.tensor1d(returns, 'float32'),
    }));
    const lossOptions = { ...config };
    const perMinibatch: tf.Tensor1D[] = []; // each [5] float32, METRIC_NAMES order
    let epochsRun = 0;
    try {
      for (let epoch = 0; epoch < config.updateEpochs; epoch++) {
        const order = tf.tensor1d(permutation(n, this.shuffleRng), 'int32');
        const epochStart = perMinibatch.length;
        for (let start = 0; start < n; start += config.minibatchSize) {
          const size = Math.min(config.minibatchSize, n - start);
          const metrics = tf.tidy(() => {
            const idx = tf.slice(order, start, size);
            const mb = {
              observations: tf.gather(data.observations, idx),
              actions: tf.gather(data.actions, idx),
              logProbs: tf.gather(data.logProbs, idx),
              values: tf.gather(data.values, idx),
              advantages: tf.gather(data.advantages, idx),
              returns: tf.gather(data.returns, idx),
            };
            const kept: { metrics?: tf.Tensor1D } = {}; // survives the gradient tape's own tidy
            const { grads } = tf.variableGrads(() => {
              const evaluated = policy.evaluateActions(mb.observations, mb.actions);
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
                lossOptions,
              );
              kept.metrics = tf.keep(tf.stack(METRIC_NAMES.map((k) => out[k])) as tf.Tensor1D);
              return out.loss;
            }, [network.trainableVariable]);
            const { clipped } = clipByGlobalNorm(grads[network.trainableVariable.name] as tf.Tensor1D, config.maxGradNorm);
            network.applyUpdate(optimizer.computeUpdate(clipped));
            return kept.metrics!;
          });
          perMinibatch.push(metrics);
        }
        order.dispose();
        epochsRun++;
        if (config.targetKl !== null) {
          const kl = tf.tidy(() => tf.mean(tf.stack(perMinibatch.slice(epochStart)), 0).gather(METRIC_NAMES.indexOf('approxKl')));
          const value = (await kl.data())[0];
          kl.dispose();
          if (value > config.targetKl) break;
        }
      }
      const meanTensor = tf.tidy(() => tf.mean(tf.stack(perMinibatch), 0));
      const m = await meanTensor.data();
      meanTensor.dispose();
      return { means: { policyLoss: m[0], valueLoss: m[1], entropy: m[2], approxKl: m[3], clipFraction: m[4] }, epochsRun };
    } finally {
      perMinibatch.forEach((t) => t.dispose());
      Object.values(data).forEach((t) => t.dispose());
    }
  }

  /** Frees the policy and the optimizer state (the env belongs to the caller). */
  dispose(): void {
    this.policyRef?.dispose();
    this.optimizer?.dispose();
    this.policyRef = null;
    this.optimizer = null;
  }
}
