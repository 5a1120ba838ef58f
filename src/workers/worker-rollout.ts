/**
 * The studio's halves of `PpoTrainer.iteration`: `WorkerRolloutSource` collects over the sim workers (one
 * shard each, in parallel) and `RemoteUpdater` runs the update in the learner worker. Typed arrays travel as
 * transferables, once each way: shares to the learner, the new weights to each sim worker (a copy per worker
 * but the last, which gets the learner's buffer).
 */
import * as Comlink from 'comlink';
import type { PolicyUpdater, RolloutShare, RolloutSource, ShardRollout, CollectRequest, UpdateOutcome } from '../rl/rollout-source';
import type { LearnerWorker } from './learner.worker';
import type { CollectResult, WorkerError } from './protocol';
import type { SimWorker } from './sim.worker';

/** A sim worker's collect failed (the reward code raised, or a limit was hit). */
export class CollectError extends Error {
  constructor(readonly error: WorkerError) {
    super(error.message);
    this.name = 'CollectError';
  }
}

/** What the sim workers found besides the samples, from the newest collect. */
export type CollectExtras = Omit<Extract<CollectResult, { ok: true }>, keyof ShardRollout | 'ok'>;

export class WorkerRolloutSource implements RolloutSource {
  readonly shards: number;
  /** Per shard, from the newest `collect`: the best episode's trail and the sim-trace. */
  lastExtras: CollectExtras[] = [];

  /** @param beforeCollect called before each collect (the client arms its watchdog). */
  constructor(
    private readonly sims: Comlink.Remote<SimWorker>[],
    readonly numEnvs: number,
    private readonly hooks: { beforeCollect?(): void; afterCollect?(): void } = {},
  ) {
    this.shards = sims.length;
  }

  /** @throws CollectError naming the first shard's error when any shard failed. */
  async collect(request: CollectRequest): Promise<ShardRollout[]> {
    this.hooks.beforeCollect?.();
    const results = await Promise.all(this.sims.map((s) => s.collect(request)));
    this.hooks.afterCollect?.();
    const failed = results.find((c): c is Extract<CollectResult, { ok: false }> => !c.ok);
    if (failed) throw new CollectError(failed.error);
    const ok = results as Extract<CollectResult, { ok: true }>[];
    this.lastExtras = ok.map(({ best, trace }) => ({ best, trace }));
    return ok.map(({ share, episodes, envSteps, simulateMs, actMs }) => ({ share, episodes, envSteps, simulateMs, actMs }));
  }

  async setWeights(weights: Float32Array): Promise<void> {
    await Promise.all(
      this.sims.map((s, w) => {
        const own = w === this.sims.length - 1 ? weights : weights.slice();
        return s.setWeights(Comlink.transfer(own, [own.buffer as ArrayBuffer]));
      }),
    );
  }
}

export class RemoteUpdater implements PolicyUpdater {
  /** The newest weights the learner returned (the run's model so far), or null before the first update. */
  weights: Float32Array | null = null;

  constructor(private readonly learner: Comlink.Remote<LearnerWorker>) {}

  /** Sends the shares (transferred: the caller must not use them again) and waits for the update. */
  async update(shares: RolloutShare[], learningRate: number): Promise<UpdateOutcome> {
    const buffers = shares.flatMap((s) => [s.observations.buffer, s.actions.buffer, s.logProbs.buffer, s.values.buffer, s.advantages.buffer, s.returns.buffer] as ArrayBuffer[]);
    const outcome = await this.learner.update(Comlink.transfer(shares, buffers), learningRate);
    // The sim workers take `outcome.weights` by transfer; keep a copy as the run's model.
    this.weights = outcome.weights ? outcome.weights.slice() : null;
    return outcome;
  }
}
