/**
 * `RunRecorder`: keeps one training run as it goes, so that closing the tab loses at most the iteration in progress.
 * It writes the run record (settings and status), a checkpoint after every policy update (a new immutable record;
 * only the newest waits when writes lag behind), the run's DeepRacer sim-trace logs, and holds a Web Lock named
 * after the run so another tab does not offer to resume a run that is still training. A full disk on a checkpoint
 * asks the caller to stop training, keeping everything written before.
 */
import type { TraceColumns } from '../race/trace-columns';
import type { TrainingCheckpoint } from '../workers/training-client';
import type { CheckpointStore } from '../store/checkpoint-repository';
import type { LogStore } from '../store/log-store';
import type { RacelineStore } from '../store/repository';
import { StorageFullError } from '../store/errors';
import { makeCheckpointRecord } from '../store/garage-records';
import { newId, type CheckpointRecord, type RunRecord } from '../store/records';
import type { RunBase } from './save-trained';
import type { IterationPoint } from './training-types';

/** Web Locks name of a run being trained in some tab (an interrupted run holds none). */
const RUN_LOCK_PREFIX = 'raceline-run-';

/** What the recorder tells the studio. */
export interface RecorderEvents {
  /** A checkpoint was written: its iteration and how long the write took, ms (wall time). */
  onAutosave(iteration: number, ms: number): void;
  /** A checkpoint did not fit: training must stop. `message` says so, for the user. */
  onStorageFull(message: string): void;
  /** Something was not kept (a log, a run record, a checkpoint for another reason); training goes on. */
  onError(message: string): void;
}

/** The stores a recorder writes to; any may be missing (storage unavailable), then that part is skipped. */
export interface RecorderStores {
  store: RacelineStore | null;
  checkpoints: CheckpointStore | null;
  logs: LogStore | null;
}

export class RunRecorder {
  /** Iteration of the newest checkpoint written, null before the first. */
  lastCheckpoint: number | null = null;
  /** Set once a checkpoint did not fit in storage: the message (training was asked to stop). */
  storageStop: string | null = null;

  private runWrites: Promise<void> = Promise.resolve();
  private logWrites: Promise<void> = Promise.resolve();
  private logsFull = false;
  private pending: CheckpointRecord | null = null;
  private writing: Promise<void> | null = null;
  private unlock: () => void = () => {};

  /**
   * @param run the run record (written now, and again by {@link finish}).
   * @param base where the run starts: empty, or a checkpoint's state for a resumed run (its iterations and totals).
   */
  constructor(
    private readonly stores: RecorderStores,
    readonly run: RunRecord,
    private readonly base: RunBase,
    private readonly events: RecorderEvents,
  ) {
    this.unlock = lockRun(run.id);
    this.saveRun();
  }

  /** A point of this session in the whole run's numbering (iteration, time and steps after the base's). */
  shift(p: IterationPoint): IterationPoint {
    return { ...p, iteration: p.iteration + this.base.points.length, elapsedS: p.elapsedS + this.base.trainingSeconds, globalStep: p.globalStep + this.base.envSteps };
  }

  /** Builds the checkpoint of an update now (the weights are copied) and writes it once the previous write is done. */
  checkpoint(c: TrainingCheckpoint): void {
    if (!this.stores.checkpoints || this.storageStop) return;
    const base = this.base;
    const points = [...base.points, ...c.points.map((p) => this.shift(p))];
    this.pending = makeCheckpointRecord(
      {
        id: newId('checkpoint'),
        runId: this.run.id,
        createdAt: Date.now(),
        iteration: points[points.length - 1].iteration,
        networkSpec: c.network.spec,
        points,
        trainingSeconds: base.trainingSeconds + c.trainingSeconds,
        envSteps: base.envSteps + c.envSteps,
        bestProgress: Math.max(base.bestProgress, c.bestProgress),
        evaluation: (c.evaluation ?? base.evaluation)?.map(({ path: _p, ...t }) => t) ?? null,
      },
      c.network.weights,
    );
    this.writing ??= this.writeCheckpoints();
  }

  /** Keeps this session's training log of one iteration (0-based, continuing a resumed run's numbering). */
  trainingLog(iteration: number, trace: TraceColumns): void {
    this.logWrites = queueLog(this.stores.logs, this.logWrites, this.run.id, 'training', this.base.points.length + iteration, trace, () => this.logsFull, (message, full) => {
      if (full) this.logsFull = true;
      this.events.onError(message);
    });
  }

  /** Waits for every checkpoint and log write queued so far. */
  async settle(): Promise<void> {
    await this.writing;
    await this.logWrites;
  }

  /** Writes the run record as it ends, waits for every write, and releases the run's lock. */
  async finish(): Promise<void> {
    this.saveRun();
    await this.settle();
    await this.runWrites;
    this.unlock();
  }

  /** Queues a write of the run record (a snapshot); a failure is reported unless the disk is known to be full. */
  saveRun(): void {
    const store = this.stores.store;
    if (!store) return;
    const snapshot: RunRecord = { ...this.run, metrics: this.run.metrics.map((p) => ({ ...p })) };
    this.runWrites = this.runWrites
      .then(() => store.putRun(snapshot))
      .catch((e: unknown) => {
        if (!this.storageStop) this.events.onError((e as Error).message);
      });
  }

  /** Writes queued checkpoints one at a time; a full disk stops training with a message, keeping what is saved. */
  private async writeCheckpoints(): Promise<void> {
    const checkpoints = this.stores.checkpoints!;
    while (this.pending) {
      const record = this.pending;
      this.pending = null;
      // A checkpoint promises the logs of its iterations: let their writes land first.
      await this.logWrites;
      const t0 = performance.now();
      try {
        await checkpoints.add(record);
        this.lastCheckpoint = record.iteration;
        this.events.onAutosave(record.iteration, performance.now() - t0);
      } catch (e) {
        if (e instanceof StorageFullError) {
          this.storageStop = `Browser storage is full: the checkpoint of iteration ${record.iteration} was not saved, so training stopped.`;
          this.pending = null;
          this.events.onStorageFull(`${this.storageStop} Everything saved before is intact.`);
          break;
        }
        this.events.onError(`Autosave failed (training goes on): ${(e as Error).message}`);
      }
    }
    this.writing = null;
  }
}

/**
 * Chains the write of one sim-trace log after `previous`. A full disk is reported once (`full` true) and further
 * logs are skipped while `skip()` says so; other failures are reported each time.
 * @returns the new end of the chain.
 */
export function queueLog(
  logs: LogStore | null,
  previous: Promise<void>,
  owner: string,
  phase: 'training' | 'evaluation',
  iteration: number,
  trace: TraceColumns,
  skip: () => boolean,
  report: (message: string, full: boolean) => void,
): Promise<void> {
  if (!logs || trace.length === 0) return previous;
  return previous
    .then(() => (skip() ? undefined : logs.putTrace(owner, phase, iteration, trace)))
    .catch((e: unknown) => {
      const full = e instanceof StorageFullError;
      report(full ? `Browser storage is full: sim-trace logs are no longer kept (${(e as Error).message})` : `A sim-trace log was not kept: ${(e as Error).message}`, full);
    });
}

/** Holds a Web Lock named after the run while it trains. @returns the release. */
function lockRun(runId: string): () => void {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return () => {};
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  void locks.request(`${RUN_LOCK_PREFIX}${runId}`, () => held).catch(() => {});
  return release;
}

/** Ids of the runs some tab of this site is training now (their locks are held). */
export async function liveRuns(): Promise<Set<string>> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return new Set();
  try {
    const { held = [] } = await locks.query();
    return new Set(held.map((l) => l.name ?? '').filter((n) => n.startsWith(RUN_LOCK_PREFIX)).map((n) => n.slice(RUN_LOCK_PREFIX.length)));
  } catch {
    return new Set();
  }
}
