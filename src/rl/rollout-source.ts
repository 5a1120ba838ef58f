/**
 * The two halves `PpoTrainer` drives each iteration, as interfaces, so one PPO loop runs everywhere:
 * - a `RolloutSource` collects experience with the current weights, split into shards (a shard is one
 *   vector env with its own seeds: the whole env in Node, one sim worker in the browser) and computes
 *   GAE where it collected (GAE is per env, so splitting changes nothing);
 * - a `PolicyUpdater` runs the PPO update on the shards' samples and returns the new weights.
 * `VectorEnvSource` and `LocalUpdater` are the in-process implementations (CLI, tests); the studio's live in
 * `src/workers/` (sim workers and the learner worker). `trainingStreams` splits a seed into every random stream
 * of a run, in one place, so the same seed and settings give the same model in Node and in the browser.
 */
import type { EpisodeRecord, VectorEnv } from '../sim/env';
import { Rng } from '../sim/rng';
import { spaceSize } from '../sim/spaces';
import { computeGae } from './gae';
import type { PpoLearner, UpdateMeans } from './learner';
import type { ActorCritic } from './policy';
import { collectRollout, startRollouts, type RolloutResult, type RolloutState } from './rollout';
import { RolloutBuffer } from './rollout-buffer';

/** One shard's samples with GAE done, [size, ...] flat arrays (time-major within the shard). */
export interface RolloutShare {
  size: number;
  /** [size, obsSize] float32. */
  observations: Float32Array;
  /** [size] int32 (discrete) or [size, actionSize] float32. */
  actions: Int32Array | Float32Array;
  /** [size] float32 each: log π_old(a|s), V_old(s), GAE advantages, returns (advantages + values). */
  logProbs: Float32Array;
  values: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
}

/** What one shard collected in one iteration. */
export interface ShardRollout {
  share: RolloutShare;
  /** Episodes that ended, `envIndex` numbered over the whole run's cars (shard's first car + its index). */
  episodes: EpisodeRecord[];
  envSteps: number;
  /** ms in the simulator (physics, reward) and choosing actions. */
  simulateMs: number;
  actMs: number;
}

/** How much to collect per shard (CleanRL `num_steps`, or DeepRacer's episodes between updates). */
export interface CollectRequest {
  /** Fixed rollout length per env; null: collect until `minEpisodes` episodes ended in the shard. */
  numSteps: number | null;
  minEpisodes: number;
  /** Cap on steps per env of an episode-count rollout. */
  maxSteps: number;
  gamma: number;
  gaeLambda: number;
}

/** Where a `PpoTrainer` gets experience. */
export interface RolloutSource {
  /** Cars over all shards. */
  readonly numEnvs: number;
  /** Number of shards `collect` returns (fixed for the run). */
  readonly shards: number;
  /** One iteration's rollout with the current weights, one entry per shard, in shard order. */
  collect(request: CollectRequest): Promise<ShardRollout[]>;
  /** The weights to act with from now on (flat float32, `ActorCriticNetwork.getFlatWeights` order). */
  setWeights(weights: Float32Array): Promise<void>;
}

/** Losses and diagnostics of one update: CleanRL's `losses/*`, means over all minibatches. */
export interface LossMetrics extends UpdateMeans {
  /** 1 − Var(returns − values)/Var(returns) over the rollout, before the update; NaN when Var(returns) = 0. */
  explainedVariance: number;
}

export interface UpdateOutcome {
  losses: LossMetrics;
  /** Epochs run (fewer than `updateEpochs` after a `targetKl` early stop). */
  epochsRun: number;
  samples: number;
  updateMs: number;
  /** The new weights for the source, or null when the source acts with the learner's own policy. */
  weights: Float32Array | null;
}

/** Runs the PPO update. */
export interface PolicyUpdater {
  update(shares: RolloutShare[], learningRate: number): Promise<UpdateOutcome>;
}

/** Every random stream of a training run, split from its seed. */
export interface TrainingStreams {
  /** Seeds the fresh network's weights. */
  weightSeed: number;
  /** Seeds the minibatch shuffles. */
  shuffleSeed: number;
  /** Per shard: the seed of its action sampling and of its env's reset. */
  actionSeeds: number[];
  envSeeds: number[];
}

/**
 * Splits `seed` into the run's streams, for `shards` shards. With one shard these are the streams `PpoTrainer`
 * always used (weights, actions, shuffles drawn in that order from `Rng(seed)`; the env reset with `seed`).
 */
export function trainingStreams(seed: number, shards: number): TrainingStreams {
  const root = new Rng(seed);
  const weightSeed = root.nextUint32();
  const firstActionSeed = root.nextUint32();
  const shuffleSeed = root.nextUint32();
  const more = new Rng((shuffleSeed ^ 0x9e3779b9) >>> 0);
  const actionSeeds = [firstActionSeed];
  for (let w = 1; w < shards; w++) actionSeeds.push(more.nextUint32());
  return { weightSeed, shuffleSeed, actionSeeds, envSeeds: Array.from({ length: shards }, (_, w) => seed + w * 1_000_003) };
}

/** Index of shard w's first car when `numEnvs` cars are split evenly over `shards`. */
export function firstCarOf(w: number, numEnvs: number, shards: number): number {
  return Math.floor((w * numEnvs) / shards);
}

/** Concatenates typed arrays of one kind (no copy for a single part). */
function concat<T extends Float32Array | Int32Array>(parts: T[], make: (n: number) => T): T {
  if (parts.length === 1) return parts[0];
  const out = make(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The shards' samples as one batch (views when there is one shard). */
export function joinShares(shares: RolloutShare[]): RolloutShare {
  const f32 = (n: number) => new Float32Array(n);
  const discrete = shares[0].actions instanceof Int32Array;
  return {
    size: shares.reduce((a, s) => a + s.size, 0),
    observations: concat(shares.map((s) => s.observations), f32),
    actions: discrete ? concat(shares.map((s) => s.actions as Int32Array), (n) => new Int32Array(n)) : concat(shares.map((s) => s.actions as Float32Array), f32),
    logProbs: concat(shares.map((s) => s.logProbs), f32),
    values: concat(shares.map((s) => s.values), f32),
    advantages: concat(shares.map((s) => s.advantages), f32),
    returns: concat(shares.map((s) => s.returns), f32),
  };
}

/**
 * A shard's buffer after `collectRollout`, with GAE (Schulman et al. 2015, arXiv:1506.02438) computed.
 * @param copy true: fresh arrays (to transfer to another thread); false: views into the buffer, valid until it is
 *   filled again.
 */
export function shareFromBuffer(buffer: RolloutBuffer, rollout: RolloutResult, gamma: number, gaeLambda: number, copy: boolean): RolloutShare {
  const b = buffer.flatten();
  const { advantages, returns } = computeGae({
    rewards: b.rewards,
    values: b.values,
    dones: b.dones,
    lastValues: rollout.lastValues,
    gamma,
    gaeLambda,
    numSteps: rollout.steps,
    numEnvs: buffer.numEnvs,
  });
  const take = <T extends Float32Array | Int32Array>(a: T): T => (copy ? (a.slice() as T) : a);
  return { size: b.size, observations: take(b.observations), actions: take(b.actions), logProbs: take(b.logProbs), values: take(b.values), advantages, returns };
}

/** A buffer sized for `vecEnv` (observation and action shapes from its spaces). */
export function bufferFor(vecEnv: VectorEnv, initialSteps = 256): RolloutBuffer {
  const actionSpace = vecEnv.singleActionSpace;
  return new RolloutBuffer({
    numEnvs: vecEnv.numEnvs,
    obsSize: spaceSize(vecEnv.singleObservationSpace),
    actionSize: actionSpace.type === 'discrete' ? 1 : spaceSize(actionSpace),
    discreteActions: actionSpace.type === 'discrete',
    initialSteps,
  });
}

/**
 * One shard: a vector env and the policy acting in it, collecting in this thread. The sim worker wraps one of
 * these; `PpoTrainer` uses one directly, sharing the learner's policy (so `setWeights` has nothing to copy).
 */
export class EnvShard {
  readonly buffer: RolloutBuffer;
  private readonly state: RolloutState;
  private readonly rng: Rng;

  /** Resets `vecEnv` with `envSeed`. @param firstCar the run-wide index of this shard's first car. */
  constructor(
    readonly vecEnv: VectorEnv,
    readonly policy: ActorCritic,
    streams: { actionSeed: number; envSeed: number },
    readonly firstCar = 0,
    initialSteps = 256,
  ) {
    this.buffer = bufferFor(vecEnv, initialSteps);
    this.rng = new Rng(streams.actionSeed);
    this.state = startRollouts(vecEnv, streams.envSeed);
  }

  /** Collects one iteration's rollout. @param copy see `shareFromBuffer`. */
  async collect(request: CollectRequest, copy: boolean): Promise<ShardRollout> {
    const r = await collectRollout(this.vecEnv, this.policy, this.buffer, this.state, {
      numSteps: request.numSteps,
      minEpisodes: request.minEpisodes,
      maxSteps: request.maxSteps,
      gamma: request.gamma,
      rng: this.rng,
    });
    const episodes = this.firstCar === 0 ? r.episodes : r.episodes.map((e) => ({ ...e, envIndex: this.firstCar + e.envIndex }));
    return { share: shareFromBuffer(this.buffer, r, request.gamma, request.gaeLambda, copy), episodes, envSteps: r.envSteps, simulateMs: r.simulateMs, actMs: r.actMs };
  }
}

/** The in-process source: one shard over the whole vector env, acting with the learner's own policy. */
export class VectorEnvSource implements RolloutSource {
  readonly shards = 1;
  readonly numEnvs: number;
  private readonly shard: EnvShard;

  constructor(vecEnv: VectorEnv, policy: ActorCritic, streams: TrainingStreams, initialSteps = 256) {
    this.numEnvs = vecEnv.numEnvs;
    this.shard = new EnvShard(vecEnv, policy, { actionSeed: streams.actionSeeds[0], envSeed: streams.envSeeds[0] }, 0, initialSteps);
  }

  async collect(request: CollectRequest): Promise<ShardRollout[]> {
    return [await this.shard.collect(request, false)];
  }

  async setWeights(weights: Float32Array): Promise<void> {
    this.shard.policy.network.setWeights(weights);
  }
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

/**
 * The PPO update on the shards' samples with `learner`, at `learningRate`: what both updaters run.
 * @returns the outcome without weights (the caller decides whether to read them).
 */
export async function updateFromShares(learner: PpoLearner, shares: RolloutShare[], learningRate: number): Promise<Omit<UpdateOutcome, 'weights'>> {
  const batch = joinShares(shares);
  learner.optimizer.learningRate = learningRate;
  const t0 = performance.now();
  const { means, epochsRun } = await learner.update(batch, batch.advantages, batch.returns);
  const updateMs = performance.now() - t0;
  return { losses: { ...means, explainedVariance: explainedVariance(batch.values, batch.returns) }, epochsRun, samples: batch.size, updateMs };
}

/** The in-process updater; its policy is the source's, so it returns no weights. */
export class LocalUpdater implements PolicyUpdater {
  constructor(readonly learner: PpoLearner) {}

  async update(shares: RolloutShare[], learningRate: number): Promise<UpdateOutcome> {
    return { ...(await updateFromShares(this.learner, shares, learningRate)), weights: null };
  }
}
