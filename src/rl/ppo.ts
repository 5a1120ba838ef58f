/**
 * PPO trainer, in the order of CleanRL's `ppo.py`: (1) anneal the learning rate, (2) collect a rollout,
 * (3) GAE, (4) `updateEpochs` passes of shuffled minibatches with the clipped loss, global-norm gradient
 * clipping and Adam, early stop on `targetKl`, (5) metrics under CleanRL's names.
 * Papers: PPO, Schulman et al. 2017 (arXiv:1707.06347); GAE, Schulman et al. 2015 (arXiv:1506.02438).
 *
 * One `iteration()` is one DeepRacer "policy-updating iteration", and the only PPO iteration Raceline has:
 * the CLI and tests run it on an in-process vector env (`new PpoTrainer(vecEnv)`, then `init()`), the studio
 * on its sim workers and learner worker (`PpoTrainer.fromParts`, see `src/workers/training-client.ts`). The
 * backend must be set before `init()` (see `selectBackend`), or passed as `init({backend})`.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpisodeRecord, VectorEnv } from '../sim/env';
import { Rng } from '../sim/rng';
import { resolvePpoConfig, type PpoConfig } from './config';
import type { EmbedderSpec } from './embedders';
import { ActorCritic } from './policy';
import { PpoLearner } from './learner';
import type { GradientMode } from './ppo-step';
import { LocalUpdater, trainingStreams, VectorEnvSource, type LossMetrics, type PolicyUpdater, type RolloutSource } from './rollout-source';

export { ppoLoss, type PpoLossInput, type PpoLossOptions, type PpoLossOutput } from './ppo-loss';
export type { GradientMode } from './ppo-step';
export { permutation, PpoLearner } from './learner';
export { explainedVariance, type LossMetrics } from './rollout-source';

export interface IterationMetrics {
  /** 1-based count of policy updates. */
  iteration: number;
  /** Env steps so far over all envs (CleanRL `global_step`). */
  globalStep: number;
  /** Episodes that ended during this iteration's rollout (`envIndex` over all the run's cars). */
  episodes: EpisodeRecord[];
  /** Mean return of those episodes (`charts/episodic_return`); null when none ended. */
  meanEpisodicReturn: number | null;
  /** Mean length in steps (`charts/episodic_length`); null when none ended. */
  meanEpisodicLength: number | null;
  losses: LossMetrics;
  /** Learning rate used for this iteration (`charts/learning_rate`). */
  learningRate: number;
  /** This iteration's env steps (all cars). */
  envSteps: number;
  /** This iteration's env steps per second of wall time, rollout and update (`charts/SPS`). */
  sps: number;
  /** Samples in the update (steps per env × numEnvs). */
  samples: number;
  /** Epochs run (fewer than `updateEpochs` after a `targetKl` early stop). */
  epochsRun: number;
  /** ms: simulating and acting summed over shards (shards run in parallel in the studio), the update, wall time. */
  timings: { simulateMs: number; actMs: number; updateMs: number; wallMs: number };
}

export class PpoTrainer {
  readonly config: PpoConfig;
  /** The in-process env (null for a trainer built `fromParts`). */
  readonly vecEnv: VectorEnv | null;
  /** Policy updates done. */
  iterationCount = 0;
  /** Env steps done over all envs. */
  globalStep = 0;
  private policyRef: ActorCritic | null = null;
  private learnerRef: PpoLearner | null = null;
  private source: RolloutSource | null = null;
  private updater: PolicyUpdater | null = null;

  /** @throws Error for an invalid config or when `config.numEnvs` differs from the env's. */
  constructor(vecEnv: VectorEnv | null, config: Partial<PpoConfig> = {}) {
    this.config = resolvePpoConfig(config);
    if (vecEnv !== null && vecEnv.numEnvs !== this.config.numEnvs) {
      throw new Error(`PpoTrainer: config.numEnvs is ${this.config.numEnvs} but the vector env has ${vecEnv.numEnvs} envs; build the env with config.numEnvs`);
    }
    this.vecEnv = vecEnv;
  }

  /**
   * A trainer over a given source and updater (the studio's workers), ready to iterate: no `init()`.
   * @throws Error for an invalid config or when the source's car count differs from `config.numEnvs`.
   */
  static fromParts(config: Partial<PpoConfig>, source: RolloutSource, updater: PolicyUpdater): PpoTrainer {
    const trainer = new PpoTrainer(null, config);
    if (source.numEnvs !== trainer.config.numEnvs) throw new Error(`PpoTrainer: config.numEnvs is ${trainer.config.numEnvs} but the source has ${source.numEnvs} cars`);
    trainer.source = source;
    trainer.updater = updater;
    return trainer;
  }

  /** How minibatch gradients are computed (`ppo-step.ts`), resolved from the backend in `init`. */
  get gradientMode(): 'autodiff' | 'manual' {
    if (this.learnerRef === null) throw new Error('PpoTrainer: call init() first');
    return this.learnerRef.gradientMode;
  }

  /** The policy being trained (in-process trainers). @throws Error before `init()`. */
  get policy(): ActorCritic {
    if (this.policyRef === null) throw new Error('PpoTrainer: call init() first');
    return this.policyRef;
  }

  /**
   * Builds the policy (seeded weights, or `options.policy` to continue training one), the optimizer and
   * the rollout buffer, and resets the env, with the streams of `trainingStreams(config.seed, 1)`.
   * @param options.backend a tfjs backend to activate first (else the active one is used).
   * @param options.embedder camera/LiDAR embedders (`embedderFor`); null or absent: an MLP.
   * @param options.gradientMode 'auto' (default): host-side loss with a hand-written backward pass on
   *   wasm/cpu, tf autodiff on GPU backends; or force one (both compute the same update).
   * @throws Error for a trainer built `fromParts`, or when the backend does not initialise.
   */
  async init(options: { backend?: string; policy?: ActorCritic; gradientMode?: GradientMode; embedder?: EmbedderSpec | null } = {}): Promise<void> {
    const { config, vecEnv } = this;
    if (vecEnv === null) throw new Error('PpoTrainer.init: a trainer built fromParts needs no init()');
    if (options.backend !== undefined && !(await tf.setBackend(options.backend))) {
      throw new Error(`PpoTrainer.init: backend '${options.backend}' did not initialise`);
    }
    await tf.ready();
    const streams = trainingStreams(config.seed, 1);
    this.policyRef =
      options.policy ??
      ActorCritic.create(vecEnv.singleObservationSpace, vecEnv.singleActionSpace, { hiddenSizes: config.hiddenSizes, activation: config.activation, seed: streams.weightSeed, embedder: options.embedder ?? null });
    this.learnerRef = new PpoLearner(config, this.policy, new Rng(streams.shuffleSeed), options.gradientMode ?? 'auto');
    this.source = new VectorEnvSource(vecEnv, this.policy, streams, config.numSteps ?? 256);
    this.updater = new LocalUpdater(this.learnerRef);
  }

  /** Learning rate for an iteration starting at `globalStep`: linear decay to 0 at `totalTimesteps` when `annealLr`. */
  learningRateAt(globalStep: number): number {
    const { annealLr, totalTimesteps, learningRate } = this.config;
    if (!annealLr || totalTimesteps === null) return learningRate;
    return Math.max(0, 1 - globalStep / totalTimesteps) * learningRate;
  }

  /**
   * One policy-updating iteration: anneal, collect (with GAE, per shard), update, hand the source the new
   * weights, metrics. @throws Error before `init()`, and whatever the source or the updater throws.
   */
  async iteration(): Promise<IterationMetrics> {
    const { source, updater, config } = this;
    if (!source || !updater) throw new Error('PpoTrainer.iteration: call init() first');
    const start = performance.now();
    const learningRate = this.learningRateAt(this.globalStep);
    const shards = await source.collect({
      numSteps: config.numSteps,
      minEpisodes: Math.ceil(config.episodesPerIteration / source.shards),
      maxSteps: config.maxRolloutSteps,
      gamma: config.gamma,
      gaeLambda: config.gaeLambda,
    });
    const update = await updater.update(
      shards.map((s) => s.share),
      learningRate,
    );
    if (update.weights !== null) await source.setWeights(update.weights);
    this.iterationCount++;
    const envSteps = shards.reduce((a, s) => a + s.envSteps, 0);
    this.globalStep += envSteps;

    const eps = shards.flatMap((s) => s.episodes);
    const mean = (f: (e: EpisodeRecord) => number) => (eps.length === 0 ? null : eps.reduce((a, e) => a + f(e), 0) / eps.length);
    const wallMs = performance.now() - start;
    return {
      iteration: this.iterationCount,
      globalStep: this.globalStep,
      episodes: eps,
      meanEpisodicReturn: mean((e) => e.episodicReturn),
      meanEpisodicLength: mean((e) => e.episodicLength),
      losses: update.losses,
      learningRate,
      envSteps,
      sps: envSteps / (wallMs / 1000),
      samples: update.samples,
      epochsRun: update.epochsRun,
      timings: {
        simulateMs: shards.reduce((a, s) => a + s.simulateMs, 0),
        actMs: shards.reduce((a, s) => a + s.actMs, 0),
        updateMs: update.updateMs,
        wallMs,
      },
    };
  }

  /** Frees the policy and the optimizer state of an in-process trainer (the env belongs to the caller). */
  dispose(): void {
    this.policyRef?.dispose();
    this.learnerRef?.dispose();
    this.policyRef = null;
    this.learnerRef = null;
  }
}
