/**
 * `RacelineStore`: what the rest of the app calls to keep models, weights, training runs and evaluations.
 *
 * Rules it keeps ("Nothing lost", docs DESIGN.md): a saved model and its weights never change (a second save of an
 * id throws {@link ModelExistsError}); a model and its weights are written in one transaction, so either both are
 * kept or neither; every value read passes through `restore`; every storage error becomes a {@link StoreError}
 * whose message the UI can show as is (full disk, no storage, newer tab, damaged record), never swallowed.
 */
import { RacelineDb } from './db';
import {
  CorruptRecordError,
  InvalidRecordError,
  ModelExistsError,
  RecordNotFoundError,
  RestoreError,
  type StoreError,
  toStoreError,
} from './errors';
import {
  checksumBytes,
  compareEvaluationSummaries,
  makeWeightsRecord,
  restoreAs,
  type EvaluationRecord,
  type ModelRecord,
  type RecordOfType,
  type RecordType,
  type RunRecord,
} from './records';

/** Runs one storage step, turning anything it throws into a {@link StoreError}. */
async function guard<T>(doing: string, subject: string, step: () => PromiseLike<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw toStoreError(error, doing, subject);
  }
}

/** Checks a record before a write with the same `restore` reads use, so nothing unreadable is ever written. */
function checkWrite<T extends RecordType>(record: unknown, type: T, label: string): RecordOfType<T> {
  try {
    return restoreAs(record, type);
  } catch (error) {
    if (error instanceof RestoreError) {
      throw new InvalidRecordError(`Cannot save ${label}: ${error.message}. Nothing was written.`, { cause: error });
    }
    throw error;
  }
}

/** The records that restored and those that did not (each with its error), for lists that must not hide anything. */
export interface ReadReport<T> {
  records: T[];
  unreadable: RestoreError[];
}

/** Restores each raw value as `type`, collecting failures instead of stopping at the first. */
function restoreAll<T extends RecordType>(raws: unknown[], type: T): ReadReport<RecordOfType<T>> {
  const report: ReadReport<RecordOfType<T>> = { records: [], unreadable: [] };
  for (const raw of raws) {
    try {
      report.records.push(restoreAs(raw, type));
    } catch (error) {
      if (!(error instanceof RestoreError)) throw error;
      report.unreadable.push(error);
    }
  }
  return report;
}

/** The first unreadable record's error, when a strict list meets one. */
function strict<T>(report: ReadReport<T>): T[] {
  if (report.unreadable.length > 0) throw report.unreadable[0];
  return report.records;
}

/**
 * The store. Every method may throw a {@link StoreError}: `StorageFullError` (quota), `StorageUnavailableError`
 * (no IndexedDB, failed to open), `StorageVersionError` (a newer Raceline in another tab), `RestoreError` (a stored
 * record that cannot be read), or `StoreError` of kind `unknown` with the original as `cause`. Records given to
 * writes must be plain data (pass `$state.snapshot(x)`, not a Svelte proxy).
 */
export class RacelineStore {
  /** @param db the database; a fresh `RacelineDb()` (name `raceline`) by default. */
  constructor(readonly db: RacelineDb = new RacelineDb()) {}

  /** Closes the database connection (a later call reopens it). */
  close(): void {
    this.db.close();
  }

  /**
   * Saves a new model and its weights in one read-write transaction: both are kept or neither is.
   * @param weights flat float32 weights `[numWeights]` as bytes (copied by IndexedDB; the caller keeps its buffer).
   * @throws ModelExistsError when `model.id` is already saved (the stored model and weights are left untouched);
   *   InvalidRecordError when the model would not restore or the weights are not whole float32 values;
   *   StorageFullError when the quota is used up (nothing of this model kept, earlier models intact); the other
   *   store errors listed on the class.
   */
  async saveModel(model: ModelRecord, weights: ArrayBuffer): Promise<void> {
    const record = checkWrite(model, 'model', `model "${model?.id}"`);
    let weightsRecord;
    try {
      weightsRecord = makeWeightsRecord(record.id, weights);
    } catch (error) {
      throw new InvalidRecordError(`Cannot save model "${record.id}": ${(error as Error).message}. Nothing was written.`, { cause: error });
    }
    const db = this.db;
    await guard(`saving model "${record.id}"`, 'this model', () =>
      db.transaction('rw', db.models, db.weights, async () => {
        if ((await db.models.where('id').equals(record.id).count()) > 0) throw new ModelExistsError(record.id);
        await db.models.add(record);
        await db.weights.put(weightsRecord); // put: replaces orphaned weights left by an older bug, if any
      }),
    );
  }

  /** The model with this id (without weights), or null when none is saved. @throws RestoreError when unreadable. */
  async getModel(id: string): Promise<ModelRecord | null> {
    const raw = await guard(`reading model "${id}"`, 'this model', () => this.db.models.get(id));
    return raw === undefined ? null : restoreAs(raw, 'model');
  }

  /**
   * All saved models, newest first (by `createdAt`).
   * @throws RestoreError for the first model that cannot be read; use {@link readModels} to list the others too.
   */
  async listModels(): Promise<ModelRecord[]> {
    return strict(await this.readModels());
  }

  /** All saved models newest first, and a `RestoreError` for each one that cannot be read (for the UI to show). */
  async readModels(): Promise<ReadReport<ModelRecord>> {
    const raws = await guard('listing models', 'this model', () => this.db.models.orderBy('createdAt').reverse().toArray());
    return restoreAll(raws, 'model');
  }

  /**
   * The weights of a model, verified against the stored byte length and FNV-1a checksum.
   * @returns flat float32 weights `[numWeights]` as bytes (`new Float32Array(buffer)` to use).
   * @throws RecordNotFoundError when neither the model nor its weights are saved; CorruptRecordError when the model
   *   is saved without weights, or the bytes fail the length or checksum test; RestoreError when unreadable.
   */
  async getModelWeights(id: string): Promise<ArrayBuffer> {
    const db = this.db;
    const { raw, modelCount } = await guard(`reading the weights of model "${id}"`, 'this model', () =>
      db.transaction('r', db.models, db.weights, async () => ({
        raw: await db.weights.get(id),
        modelCount: await db.models.where('id').equals(id).count(),
      })),
    );
    const advice = 'The model cannot be loaded; delete it, and import it again from a file if you have one.';
    if (raw === undefined) {
      if (modelCount === 0) throw new RecordNotFoundError('model', id);
      throw new CorruptRecordError(id, `Model "${id}" is saved without its weights. ${advice}`);
    }
    const record = restoreAs(raw, 'weights');
    if (record.modelId !== id) {
      throw new CorruptRecordError(id, `The weights stored for model "${id}" belong to model "${record.modelId}". ${advice}`);
    }
    if (record.data.byteLength !== record.byteLength) {
      throw new CorruptRecordError(
        id,
        `The weights of model "${id}" are damaged: ${record.data.byteLength} bytes stored, ${record.byteLength} were saved. ${advice}`,
      );
    }
    const checksum = checksumBytes(record.data);
    if (checksum !== record.checksum) {
      throw new CorruptRecordError(
        id,
        `The weights of model "${id}" are damaged: checksum ${checksum.toString(16)} does not match the saved ${record.checksum.toString(16)}. ${advice}`,
      );
    }
    return record.data;
  }

  /**
   * Deletes a model, its weights and its evaluations in one transaction. Runs that produced it keep their record
   * (their `modelId` then names a deleted model).
   * @returns true when a model or weights were there to delete, false when nothing was saved under `id`.
   */
  async deleteModel(id: string): Promise<boolean> {
    const db = this.db;
    return guard(`deleting model "${id}"`, 'the deletion', () =>
      db.transaction('rw', db.models, db.weights, db.evaluations, async () => {
        const existed =
          (await db.models.where('id').equals(id).count()) + (await db.weights.where('modelId').equals(id).count()) > 0;
        await db.models.delete(id);
        await db.weights.delete(id);
        await db.evaluations.where('modelId').equals(id).delete();
        return existed;
      }),
    );
  }

  /**
   * Saves a training run, replacing the stored one with the same id (runs change while training).
   * @throws InvalidRecordError when the run would not restore; StorageFullError and the other store errors.
   */
  async putRun(run: RunRecord): Promise<void> {
    const record = checkWrite(run, 'run', `run "${run?.id}"`);
    await guard(`saving run "${record.id}"`, 'the training run', () => this.db.runs.put(record));
  }

  /** The run with this id, or null. @throws RestoreError when unreadable. */
  async getRun(id: string): Promise<RunRecord | null> {
    const raw = await guard(`reading run "${id}"`, 'the training run', () => this.db.runs.get(id));
    return raw === undefined ? null : restoreAs(raw, 'run');
  }

  /** All runs, newest first (by `startedAt`). @throws RestoreError for the first run that cannot be read. */
  async listRuns(): Promise<RunRecord[]> {
    const raws = await guard('listing training runs', 'the training run', () => this.db.runs.orderBy('startedAt').reverse().toArray());
    return strict(restoreAll(raws, 'run'));
  }

  /**
   * Saves an evaluation of a saved model. Evaluations are immutable like models.
   * @throws RecordNotFoundError when its model is not saved; InvalidRecordError when it would not restore or its
   *   id is already saved; StorageFullError and the other store errors.
   */
  async addEvaluation(evaluation: EvaluationRecord): Promise<void> {
    const record = checkWrite(evaluation, 'evaluation', `evaluation "${evaluation?.id}"`);
    const db = this.db;
    await guard(`saving evaluation "${record.id}"`, 'this evaluation', () =>
      db.transaction('rw', db.models, db.evaluations, async () => {
        if ((await db.models.where('id').equals(record.modelId).count()) === 0) throw new RecordNotFoundError('model', record.modelId);
        if ((await db.evaluations.where('id').equals(record.id).count()) > 0) {
          throw new InvalidRecordError(`Cannot save evaluation "${record.id}": an evaluation with this id is already saved and evaluations cannot be changed.`);
        }
        await db.evaluations.add(record);
      }),
    );
  }

  /** The evaluations of a model, newest first (by `createdAt`). @throws RestoreError for an unreadable one. */
  async listEvaluations(modelId: string): Promise<EvaluationRecord[]> {
    const raws = await guard(`listing the evaluations of model "${modelId}"`, 'this evaluation', () =>
      this.db.evaluations.where('modelId').equals(modelId).toArray(),
    );
    return strict(restoreAll(raws, 'evaluation')).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /**
   * The best evaluation of a model, derived from its evaluation records (models are immutable, so this is never
   * written back): most completed laps, then lowest mean lap time, then highest mean progress; on a full tie the
   * earlier evaluation wins.
   * @returns null when the model has no evaluations.
   */
  async bestEvaluation(modelId: string): Promise<EvaluationRecord | null> {
    const all = await this.listEvaluations(modelId);
    all.sort((a, b) => compareEvaluationSummaries(a.summary, b.summary) || a.createdAt - b.createdAt);
    return all[0] ?? null;
  }
}
