/**
 * The IndexedDB schema (Dexie). Versioned from the start: a schema change adds `this.version(2).stores(...)`
 * (with an `.upgrade()` when stored records must change), never edits version 1.
 * Tables hold raw records; read them only through {@link RacelineStore} (src/store/repository.ts), which passes
 * every value through `restore`.
 */
import { Dexie, type DexieOptions, type Table } from 'dexie';
import type { EvaluationRecord, ModelRecord, ModelWeightsRecord, RunRecord } from './records';

/** Name of the browser's database. */
export const DEFAULT_DB_NAME = 'raceline';

/** Version 1 of the schema: primary key first, then the indexed fields. */
export const SCHEMA_V1 = Object.freeze({
  models: 'id, createdAt, track, name',
  weights: 'modelId',
  runs: 'id, startedAt, modelId',
  evaluations: 'id, modelId, createdAt',
});

/** The Raceline database: models, their weights, training runs and evaluations. */
export class RacelineDb extends Dexie {
  declare models: Table<ModelRecord, string>;
  declare weights: Table<ModelWeightsRecord, string>;
  declare runs: Table<RunRecord, string>;
  declare evaluations: Table<EvaluationRecord, string>;

  /**
   * @param name database name (tests use a fresh one each).
   * @param options Dexie options, e.g. `{ indexedDB, IDBKeyRange }` to run on another IndexedDB implementation.
   * Opening is lazy: the first operation opens the database, and open failures surface there.
   */
  constructor(name = DEFAULT_DB_NAME, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores(SCHEMA_V1);
  }
}
