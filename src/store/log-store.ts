/**
 * `LogStore`: the sim-trace logs of training runs, evaluations and races, kept in a database of their own
 * (`raceline-logs`) beside the models' (`raceline`, db.ts), so that a log of a million steps never slows the model
 * list and the two schemas change independently. Logs are stored as typed-array columns (`TraceColumns`,
 * src/race/trace-columns.ts), one record per owner, phase and iteration; `simTraceForModel` writes them as DeepRacer's
 * CSV files for the model zip (`ModelPackage.logs`).
 *
 * Records are `{type: 'sim-trace', version: 1, ...}` and read back through {@link restoreTrace}; storage errors
 * become `StoreError`s (`toStoreError`), never swallowed.
 */
import { Dexie, type DexieOptions, type Table } from 'dexie';
import { tracesToCsv, type TraceColumns } from '../race/trace-columns';
import { RestoreError } from './errors';
import { toStoreError } from './errors';

/** Name of the browser's log database. */
export const LOG_DB_NAME = 'raceline-logs';

/** DeepRacer's two log folders (`training-simtrace`, `evaluation-simtrace`). */
export type LogPhase = 'training' | 'evaluation';

export interface TraceRecord {
  type: 'sim-trace';
  version: 1;
  /** `${owner}/${phase}/${iteration}`. */
  id: string;
  /** A training run's id (training logs) or a model's id (its evaluations). */
  owner: string;
  phase: LogPhase;
  /** 0-based iteration (DeepRacer's `{N}-iteration.csv`); for evaluations, the evaluation's number. */
  iteration: number;
  /** ms since the Unix epoch. */
  createdAt: number;
  columns: TraceColumns;
}

/** One log as the model zip carries it (same shape as `SimTraceLog` in src/share/model-package.ts). */
export interface SimTraceFile {
  iteration: number;
  csv: string;
}

const COLUMN_TYPES: Record<string, unknown> = {
  episode: Int32Array, steps: Int32Array, x: Float32Array, y: Float32Array, yaw: Float32Array, steer: Float32Array,
  throttle: Float32Array, action: Int16Array, reward: Float64Array, progress: Float32Array, closestWaypoint: Int32Array,
  tstamp: Float64Array, status: Uint8Array, pause: Float32Array, flags: Uint8Array,
};

/**
 * Checks a stored log record: type, version, and that every column is the typed array it should be with
 * `length` entries. @throws RestoreError naming the field.
 */
export function restoreTrace(raw: unknown): TraceRecord {
  const r = raw as Partial<TraceRecord> | null;
  const where = `sim-trace log ${typeof r?.id === 'string' ? r.id : '(no id)'}`;
  if (!r || r.type !== 'sim-trace') throw new RestoreError(`${where}: not a sim-trace record`);
  if (r.version !== 1) throw new RestoreError(`${where}: version ${String(r.version)} is newer than this Raceline reads (1); update Raceline`);
  const c = r.columns as TraceColumns | undefined;
  if (!c || typeof c.length !== 'number') throw new RestoreError(`${where}: the columns are missing`);
  for (const [k, T] of Object.entries(COLUMN_TYPES)) {
    const col = (c as unknown as Record<string, unknown>)[k];
    if (!(col instanceof (T as typeof Float32Array)) || (col as Float32Array).length !== c.length) {
      throw new RestoreError(`${where}: column '${k}' is damaged (expected ${c.length} values)`);
    }
  }
  return r as TraceRecord;
}

class LogDb extends Dexie {
  declare traces: Table<TraceRecord, string>;
  constructor(name: string, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores({ traces: 'id, owner, [owner+phase]' });
  }
}

export class LogStore {
  private readonly db: LogDb;

  /** @param name database name (tests use a fresh one each); @param options e.g. `{indexedDB, IDBKeyRange}`. */
  constructor(name = LOG_DB_NAME, options?: DexieOptions) {
    this.db = new LogDb(name, options);
  }

  /** Keeps one iteration's log (replacing one of the same owner, phase and iteration). @throws StoreError. */
  async putTrace(owner: string, phase: LogPhase, iteration: number, columns: TraceColumns): Promise<void> {
    const record: TraceRecord = { type: 'sim-trace', version: 1, id: `${owner}/${phase}/${iteration}`, owner, phase, iteration, createdAt: Date.now(), columns };
    try {
      await this.db.traces.put(record);
    } catch (e) {
      throw toStoreError(e, 'saving a sim-trace log', 'the log');
    }
  }

  /** The logs of an owner and phase, in iteration order. @throws StoreError, RestoreError. */
  async traces(owner: string, phase: LogPhase): Promise<TraceRecord[]> {
    try {
      const rows = await this.db.traces.where('[owner+phase]').equals([owner, phase]).toArray();
      return rows.map(restoreTrace).sort((a, b) => a.iteration - b.iteration);
    } catch (e) {
      if (e instanceof RestoreError) throw e;
      throw toStoreError(e, 'reading sim-trace logs', 'the logs');
    }
  }

  /** Iterations and step counts of an owner's logs, without the columns' weight in the page. */
  async summary(owner: string): Promise<{ phase: LogPhase; iteration: number; steps: number }[]> {
    const rows = await this.db.traces.where('owner').equals(owner).toArray();
    return rows.map((r) => ({ phase: r.phase, iteration: r.iteration, steps: r.columns.length })).sort((a, b) => (a.phase < b.phase ? -1 : a.phase > b.phase ? 1 : a.iteration - b.iteration));
  }

  /** Deletes every log of an owner. */
  async deleteOwner(owner: string): Promise<void> {
    try {
      await this.db.traces.where('owner').equals(owner).delete();
    } catch (e) {
      throw toStoreError(e, 'deleting sim-trace logs', 'the logs');
    }
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The sim-trace CSVs of a model for its zip: the training logs of the run that made it and the logs of its
 * evaluations, each as `{iteration, csv}` sorted by iteration (DeepRacer's 17 columns; src/race/sim-trace.ts).
 * @param model the model's id and the id of the run that trained it (null for imported models: their logs came in
 *   the zip and are kept with the model's attachments).
 */
export async function simTraceForModel(store: LogStore, model: { id: string; runId: string | null }): Promise<{ training: SimTraceFile[]; evaluation: SimTraceFile[] }> {
  const training = model.runId ? await store.traces(model.runId, 'training') : [];
  const evaluation = await store.traces(model.id, 'evaluation');
  const files = (rows: TraceRecord[]): SimTraceFile[] => rows.filter((r) => r.columns.length > 0).map((r) => ({ iteration: r.iteration, csv: tracesToCsv(r.columns) }));
  return { training: files(training), evaluation: files(evaluation) };
}
