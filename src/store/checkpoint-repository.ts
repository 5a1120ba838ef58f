/**
 * `CheckpointStore`: the autosave of a training run. Each checkpoint is a new immutable record written in one
 * transaction together with the pruning of the run's older checkpoints, so a crash or a closed tab at any moment
 * leaves at least the newest complete checkpoint; nothing is ever put over a saved record.
 */
import { RacelineDb } from './db';
import { CorruptRecordError, InvalidRecordError } from './errors';
import { checkWrite, guard, restoreAll, type ReadReport } from './guard';
import { checksumBytes, restoreAs, type CheckpointRecord, type RunRecord } from './records';

/** Checkpoints kept per run: the newest and the one before (in case the newest is found damaged). */
export const CHECKPOINTS_KEPT = 2;

/** An interrupted run that can be resumed, with a summary of its newest checkpoint. */
export interface ResumableRun {
  run: RunRecord;
  /** The newest checkpoint's id, iteration, time and totals (weights are read by {@link CheckpointStore.latest}). */
  checkpoint: Pick<CheckpointRecord, 'id' | 'iteration' | 'createdAt' | 'trainingSeconds' | 'envSteps' | 'bestProgress'>;
}

/** Newest first: by iteration, then by time. */
function newestFirst(a: CheckpointRecord, b: CheckpointRecord): number {
  return b.iteration - a.iteration || b.createdAt - a.createdAt;
}

/** Weights damaged in storage (length or checksum), as a message; null when intact. */
function damage(c: CheckpointRecord): string | null {
  if (c.data.byteLength !== c.byteLength) return `${c.data.byteLength} bytes stored, ${c.byteLength} were saved`;
  const sum = checksumBytes(c.data);
  return sum === c.checksum ? null : `checksum ${sum.toString(16)} does not match the saved ${c.checksum.toString(16)}`;
}

export class CheckpointStore {
  /** @param db the same database as the `RacelineStore` (schema version 2 or later). */
  constructor(readonly db: RacelineDb) {}

  /**
   * Writes a checkpoint and deletes the run's checkpoints older than the newest {@link CHECKPOINTS_KEPT}, in one
   * read-write transaction: either the new checkpoint is kept and the old ones pruned, or nothing changes.
   * @throws InvalidRecordError when the record would not restore or its id is taken (checkpoints are immutable);
   *   StorageFullError when the quota is used up (the run's earlier checkpoints are intact); the other store errors.
   */
  async add(checkpoint: CheckpointRecord): Promise<void> {
    const record = checkWrite(checkpoint, 'checkpoint', `checkpoint "${checkpoint?.id}"`);
    const db = this.db;
    await guard(`saving a checkpoint of run "${record.runId}"`, 'the checkpoint', () =>
      db.transaction('rw', db.checkpoints, async () => {
        if ((await db.checkpoints.where('id').equals(record.id).count()) > 0) {
          throw new InvalidRecordError(`Cannot save checkpoint "${record.id}": a checkpoint with this id is already saved and checkpoints cannot be changed.`);
        }
        await db.checkpoints.add(record);
        const all = await db.checkpoints.where('runId').equals(record.runId).toArray();
        const old = all.sort(newestFirst).slice(CHECKPOINTS_KEPT);
        if (old.length > 0) await db.checkpoints.bulkDelete(old.map((c) => c.id));
      }),
    );
  }

  /**
   * The newest intact checkpoint of a run: weights checked against their length and checksum; a damaged newest
   * one falls back to the one before.
   * @returns null when the run has no checkpoint.
   * @throws CorruptRecordError when every checkpoint of the run is damaged; RestoreError when one is unreadable.
   */
  async latest(runId: string): Promise<CheckpointRecord | null> {
    const raws = await guard(`reading the checkpoints of run "${runId}"`, 'the checkpoint', () => this.db.checkpoints.where('runId').equals(runId).toArray());
    const all = raws.map((raw) => restoreAs(raw, 'checkpoint')).sort(newestFirst);
    const problems: string[] = [];
    for (const c of all) {
      const problem = damage(c);
      if (problem === null) return c;
      problems.push(`iteration ${c.iteration}: ${problem}`);
    }
    if (all.length === 0) return null;
    throw new CorruptRecordError(runId, `Every checkpoint of this training run is damaged (${problems.join('; ')}); it cannot be resumed. Discard it and train again.`);
  }

  /**
   * Runs that ended without being finished (tab closed, browser crashed) and have a checkpoint: status `running`
   * or `paused` and no `endedAt`. Newest first. Unreadable runs or checkpoints are reported, not thrown.
   * @param live ids of runs some open tab is still training (those are left out).
   */
  async resumable(live: ReadonlySet<string> = new Set()): Promise<ReadReport<ResumableRun>> {
    const db = this.db;
    const { runs, checkpoints } = await guard('looking for interrupted training', 'the training run', () =>
      db.transaction('r', db.runs, db.checkpoints, async () => ({
        runs: await db.runs.filter((r) => r.endedAt === null || r.endedAt === undefined).toArray(),
        checkpoints: await db.checkpoints.toArray(),
      })),
    );
    const runReport = restoreAll(runs, 'run');
    const checkpointReport = restoreAll(checkpoints, 'checkpoint');
    const newest = new Map<string, CheckpointRecord>();
    for (const c of checkpointReport.records.sort(newestFirst)) if (!newest.has(c.runId)) newest.set(c.runId, c);
    const records: ResumableRun[] = [];
    for (const run of runReport.records.sort((a, b) => b.startedAt - a.startedAt)) {
      const c = newest.get(run.id);
      if (!c || live.has(run.id) || (run.status !== 'running' && run.status !== 'paused')) continue;
      const { id, iteration, createdAt, trainingSeconds, envSteps, bestProgress } = c;
      records.push({ run, checkpoint: { id, iteration, createdAt, trainingSeconds, envSteps, bestProgress } });
    }
    return { records, unreadable: [...runReport.unreadable, ...checkpointReport.unreadable] };
  }

  /** Deletes every checkpoint of a run. @returns how many were deleted. */
  async discard(runId: string): Promise<number> {
    return guard(`deleting the checkpoints of run "${runId}"`, 'the deletion', () => this.db.checkpoints.where('runId').equals(runId).delete());
  }

  /**
   * Deletes the checkpoints of runs that have ended (their model is saved, or they were discarded): left over when
   * the page closed between saving a model and cleaning up. @returns how many were deleted.
   */
  async sweep(): Promise<number> {
    const db = this.db;
    return guard('cleaning up old checkpoints', 'the deletion', () =>
      db.transaction('rw', db.runs, db.checkpoints, async () => {
        const ended = new Set((await db.runs.filter((r) => typeof r.endedAt === 'number').primaryKeys()) as string[]);
        return db.checkpoints.filter((c) => ended.has(c.runId)).delete();
      }),
    );
  }
}
