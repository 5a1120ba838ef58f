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
import type { EmbedderSpec } from './embedders';
import { ActorCritic } from './policy';
import { PpoLearner, type UpdateMeans } from './learner';
import type { GradientMode } from './ppo-step';
import { collectRollout, startRollouts, type RolloutState } from './rollout';
import { RolloutBuffer } from './rollout-buffer';

export { ppoLoss, type PpoLossInput, type PpoLossOptions, type PpoLossOutput } from './ppo-loss';
export type { GradientMode } from './ppo-step';
export { permutation, PpoLearner } from './learner';

/** Loss diagnostics of one iteration: means over all its minibatches (CleanRL `losses/*`). */
export interface LossMetrics extends UpdateMeans {
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

export class PpoTrainer {
  readonly config: PpoConfig;
  readonly vecEnv: VectorEnv;
  /** Policy updates done. */
  iterationCount = 0;
  /** Env steps done over all envs. */
  globalStep = 0;
  private policyRef: ActorCritic | null = null;
  private learnerRef: PpoLearner | null = null;
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

  /** How minibatch gradients are computed (`ppo-step.ts`), resolved from the backend in `init`. */
  get gradientMode(): 'autodiff' | 'manual' {
    if (this.learnerRef === null) throw new Error('PpoTrainer: call init() first');
    return this.learnerRef.gradientMode;
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
   * @param options.embedder camera/LiDAR embedders (`embedderFor`); null or absent: an MLP.
   * @param options.gradientMode 'auto' (default): host-side loss with a hand-written backward pass on
   *   wasm/cpu, tf autodiff on GPU backends; or force one (both compute the same update).
   */
  async init(options: { backend?: string; policy?: ActorCritic; gradientMode?: GradientMode; embedder?: EmbedderSpec | null } = {}): Promise<void> {
    if (options.backend !== undefined && !(await tf.setBackend(options.backend))) {
      throw new Error(`PpoTrainer.init: backend '${options.backend}' did not initialise`);
    }
    await tf.ready();
    const { config, vecEnv } = this;
    const observationSpace = vecEnv.singleObservationSpace;
    const actionSpace = vecEnv.singleActionSpace;
    this.policyRef =
      options.policy ??
      ActorCritic.create(observationSpace, actionSpace, { hiddenSizes: config.hiddenSizes, activation: config.activation, seed: this.weightSeed, embedder: options.embedder ?? null });
    this.learnerRef = new PpoLearner(config, this.policy, this.shuffleRng, options.gradientMode ?? 'auto');
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
    if (!this.buffer || !this.state || !this.learnerRef) throw new Error('PpoTrainer.iteration: call init() first');
    const { config } = this;
    const start = performance.now();
    const learningRate = this.learningRateAt(this.globalStep);
    this.learnerRef.optimizer.learningRate = learningRate;

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
    const { means, epochsRun } = await this.learnerRef.update(batch, advantages, returns);
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

  /** Frees the policy and the optimizer state (the env belongs to the caller). */
  dispose(): void {
    this.policyRef?.dispose();
    this.learnerRef?.dispose();
    this.policyRef = null;
    this.learnerRef = null;
  }
}
