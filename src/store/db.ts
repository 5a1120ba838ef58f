/**
 * The IndexedDB schema (Dexie). Versioned from the start: a schema change adds `this.version(n).stores(...)`
 * (with an `.upgrade()` only when stored records must change), never edits an earlier version.
 * Tables hold raw records; read them only through the stores (repository.ts, checkpoint-repository.ts,
 * track-repository.ts), which pass every value through `restore`. Records of an older record version are migrated
 * by `restore` when read, not rewritten on upgrade: what was saved stays as it was saved.
 */
import { Dexie, type DexieOptions, type Table } from 'dexie';
import type {
  AttachmentRecord,
  CheckpointRecord,
  EvaluationRecord,
  LabelRecord,
  ModelRecord,
  ModelWeightsRecord,
  RunRecord,
  TrackRecord,
} from './records';

/** Name of the browser's database. */
export const DEFAULT_DB_NAME = 'raceline';

/** Version 1 of the schema: primary key first, then the indexed fields. Kept for the upgrade test; never edit. */
export const SCHEMA_V1 = Object.freeze({
  models: 'id, createdAt, track, name',
  weights: 'modelId',
  runs: 'id, startedAt, modelId',
  evaluations: 'id, modelId, createdAt',
});

/**
 * Version 2: models indexed by parent (lineage); training checkpoints by run; labels (rename, notes) by model;
 * attachments (history, logs) by model; imported tracks.
 */
export const SCHEMA_V2 = Object.freeze({
  ...SCHEMA_V1,
  models: 'id, createdAt, track, name, parentId',
  checkpoints: 'id, runId, createdAt',
  labels: 'id, modelId, createdAt',
  attachments: 'modelId',
  tracks: 'id, createdAt, name',
});

/** The Raceline database: models, their weights, training runs and evaluations, checkpoints, labels, tracks. */
export class RacelineDb extends Dexie {
  declare models: Table<ModelRecord, string>;
  declare weights: Table<ModelWeightsRecord, string>;
  declare runs: Table<RunRecord, string>;
  declare evaluations: Table<EvaluationRecord, string>;
  declare checkpoints: Table<CheckpointRecord, string>;
  declare labels: Table<LabelRecord, string>;
  declare attachments: Table<AttachmentRecord, string>;
  declare tracks: Table<TrackRecord, string>;

  /**
   * @param name database name (tests use a fresh one each).
   * @param options Dexie options, e.g. `{ indexedDB, IDBKeyRange }` to run on another IndexedDB implementation.
   * Opening is lazy: the first operation opens the database, and open failures surface there.
   */
  constructor(name = DEFAULT_DB_NAME, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores(SCHEMA_V1);
    this.version(2).stores(SCHEMA_V2);
  }
}

/** A database at schema version 1 only, as Raceline before schema 2 opened it (tests of the upgrade). */
export class RacelineDbV1 extends Dexie {
  constructor(name = DEFAULT_DB_NAME, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores(SCHEMA_V1);
  }
}
