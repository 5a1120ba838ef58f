/**
 * `RacelineStore`: what the rest of the app calls to keep models, weights, training runs and evaluations.
 *
 * Rules it keeps ("Nothing lost", docs DESIGN.md): a saved model and its weights never change (a second save of an
 * id throws {@link ModelExistsError}); a model and its weights are written in one transaction, so either both are
 * kept or neither; every value read passes through `restore`; every storage error becomes a {@link StoreError}
 * whose message the UI can show as is (full disk, no storage, newer tab, damaged record), never swallowed.
 */
import { RacelineDb } from './db';
import { CorruptRecordError, InvalidRecordError, ModelExistsError, RecordNotFoundError, type StoreError } from './errors';
import { checkWrite, guard, restoreAll, strict, type ReadReport } from './guard';
import {
  checksumBytes,
  compareEvaluationSummaries,
  makeWeightsRecord,
  newId,
  restoreAs,
  type AttachmentRecord,
  type EvaluationRecord,
  type LabelRecord,
  type ModelRecord,
  type RunRecord,
} from './records';

export type { ReadReport } from './guard';

/** One row of the garage: a model, the name and notes it goes by now, and its best evaluation. */
export interface GarageEntry {
  model: ModelRecord;
  /** The newest label's name, else the model's own. */
  name: string;
  /** The newest label's notes, else the model's own. */
  notes: string;
  /** Best evaluation (see {@link RacelineStore.bestEvaluation}); null when never evaluated. */
  best: EvaluationRecord | null;
}

/** What travels with a model besides its weights (see `AttachmentRecord`). */
export type ModelExtras = Pick<AttachmentRecord, 'history' | 'logs'>;

/** Best first; on equal results one with a recorded path (for the thumbnail), then the earlier one. */
function byBest(a: EvaluationRecord, b: EvaluationRecord): number {
  return compareEvaluationSummaries(a.summary, b.summary) || Number(a.bestPath === null) - Number(b.bestPath === null) || a.createdAt - b.createdAt;
}

/** Newest label first: by time, then id (ids sort by creation time too). */
function newestLabel(a: LabelRecord, b: LabelRecord): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
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
   * Saves a new model, its weights and (optionally) its extras in one read-write transaction: all are kept or none.
   * @param weights flat float32 weights `[numWeights]` as bytes (copied by IndexedDB; the caller keeps its buffer).
   * @param extras training history and sim-trace logs to keep with the model (exported with it).
   * @throws ModelExistsError when `model.id` is already saved (the stored model and weights are left untouched);
   *   InvalidRecordError when the model would not restore or the weights are not whole float32 values;
   *   StorageFullError when the quota is used up (nothing of this model kept, earlier models intact); the other
   *   store errors listed on the class.
   */
  async saveModel(model: ModelRecord, weights: ArrayBuffer, extras?: ModelExtras): Promise<void> {
    const record = checkWrite(model, 'model', `model "${model?.id}"`);
    const attachment = extras ? checkWrite({ type: 'attachment', version: 1, modelId: record.id, ...extras }, 'attachment', `the history of model "${record.id}"`) : null;
    let weightsRecord;
    try {
      weightsRecord = makeWeightsRecord(record.id, weights);
    } catch (error) {
      throw new InvalidRecordError(`Cannot save model "${record.id}": ${(error as Error).message}. Nothing was written.`, { cause: error });
    }
    const db = this.db;
    await guard(`saving model "${record.id}"`, 'this model', () =>
      db.transaction('rw', db.models, db.weights, db.attachments, async () => {
        if ((await db.models.where('id').equals(record.id).count()) > 0) throw new ModelExistsError(record.id);
        await db.models.add(record);
        await db.weights.put(weightsRecord); // put: replaces orphaned weights left by an older bug, if any
        await db.attachments.delete(record.id); // likewise for an orphaned attachment
        if (attachment) await db.attachments.add(attachment);
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
   * Deletes a model, its weights, evaluations, labels and extras in one transaction. Runs that produced it keep
   * their record (their `modelId` then names a deleted model); its clones keep `parentId` and `parentName`.
   * @returns true when a model or weights were there to delete, false when nothing was saved under `id`.
   */
  async deleteModel(id: string): Promise<boolean> {
    const db = this.db;
    return guard(`deleting model "${id}"`, 'the deletion', () =>
      db.transaction('rw', [db.models, db.weights, db.evaluations, db.labels, db.attachments], async () => {
        const existed =
          (await db.models.where('id').equals(id).count()) + (await db.weights.where('modelId').equals(id).count()) > 0;
        await db.models.delete(id);
        await db.weights.delete(id);
        await db.evaluations.where('modelId').equals(id).delete();
        await db.labels.where('modelId').equals(id).delete();
        await db.attachments.delete(id);
        return existed;
      }),
    );
  }

  /**
   * Gives a saved model a new name and notes by adding a label (the model record itself never changes).
   * @param name the new name, trimmed; must not be empty. @param notes free text.
   * @returns the label written.
   * @throws InvalidRecordError for an empty name; RecordNotFoundError when the model is not saved;
   *   StorageFullError and the other store errors.
   */
  async labelModel(modelId: string, name: string, notes: string): Promise<LabelRecord> {
    const trimmed = name.trim();
    if (trimmed === '') throw new InvalidRecordError('A model needs a name: type at least one character. Nothing was changed.');
    const what = `the name of model "${modelId}"`;
    checkWrite({ type: 'label', version: 1, id: newId('label'), modelId, createdAt: Date.now(), name: trimmed, notes }, 'label', what);
    const db = this.db;
    return guard(`renaming model "${modelId}"`, 'the new name', () =>
      db.transaction('rw', db.models, db.labels, async () => {
        if ((await db.models.where('id').equals(modelId).count()) === 0) throw new RecordNotFoundError('model', modelId);
        // Two renames in one millisecond must still order: the new label is always later than the newest one.
        const times = (await db.labels.where('modelId').equals(modelId).toArray()).map((l) => Number(l.createdAt) || 0);
        const createdAt = Math.max(Date.now(), ...times.map((t) => t + 1));
        const label = checkWrite({ type: 'label', version: 1, id: newId('label'), modelId, createdAt, name: trimmed, notes }, 'label', what);
        await db.labels.add(label);
        return label;
      }),
    );
  }

  /** The newest label of a model, or null when it was never renamed. @throws RestoreError when unreadable. */
  async currentLabel(modelId: string): Promise<LabelRecord | null> {
    const raws = await guard(`reading the name of model "${modelId}"`, 'the name', () => this.db.labels.where('modelId').equals(modelId).toArray());
    return strict(restoreAll(raws, 'label')).sort(newestLabel)[0] ?? null;
  }

  /**
   * The history and logs kept with a model.
   * @returns empty lists when the model has none (trained before schema 2, or saved without).
   */
  async getModelExtras(modelId: string): Promise<ModelExtras> {
    const raw = await guard(`reading the history of model "${modelId}"`, 'the history', () => this.db.attachments.get(modelId));
    if (raw === undefined) return { history: [], logs: { training: [], evaluation: [] } };
    const { history, logs } = restoreAs(raw, 'attachment');
    return { history, logs };
  }

  /**
   * Every readable model with its current name and notes and its best evaluation, newest first, and a
   * `RestoreError` for each model that cannot be read. An unreadable label or evaluation is skipped (the model
   * then shows its own name, or no evaluation) and reported too.
   */
  async readGarage(): Promise<ReadReport<GarageEntry>> {
    const db = this.db;
    const { models, labels, evaluations } = await guard('listing models', 'this model', () =>
      db.transaction('r', db.models, db.labels, db.evaluations, async () => ({
        models: await db.models.orderBy('createdAt').reverse().toArray(),
        labels: await db.labels.toArray(),
        evaluations: await db.evaluations.toArray(),
      })),
    );
    const modelReport = restoreAll(models, 'model');
    const labelReport = restoreAll(labels, 'label');
    const evaluationReport = restoreAll(evaluations, 'evaluation');
    const label = new Map<string, LabelRecord>();
    for (const l of labelReport.records.sort(newestLabel)) if (!label.has(l.modelId)) label.set(l.modelId, l);
    const best = new Map<string, EvaluationRecord>();
    for (const e of evaluationReport.records.sort(byBest)) if (!best.has(e.modelId)) best.set(e.modelId, e);
    return {
      records: modelReport.records.map((model) => ({
        model,
        name: label.get(model.id)?.name ?? model.name,
        notes: label.get(model.id)?.notes ?? model.notes,
        best: best.get(model.id) ?? null,
      })),
      unreadable: [...modelReport.unreadable, ...labelReport.unreadable, ...evaluationReport.unreadable],
    };
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
   * written back): most completed laps, then lowest mean lap time, then highest mean progress; on a full tie one
   * with a recorded path wins, then the earlier one.
   * @returns null when the model has no evaluations.
   */
  async bestEvaluation(modelId: string): Promise<EvaluationRecord | null> {
    const all = await this.listEvaluations(modelId);
    return all.sort(byBest)[0] ?? null;
  }
}
