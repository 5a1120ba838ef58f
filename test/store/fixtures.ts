/** Builders of valid records for the store tests. */
import { defaultActionSpace } from '../../src/sim/action-space';
import { defaultPpoConfig } from '../../src/rl/config';
import { toModelMetadata } from '../../src/rl/model-metadata';
import type { EvaluationRecord, ModelRecord, RunRecord } from '../../src/store/records';
import type { TrialResult } from '../../src/race/evaluate';
import type { DBCore, DBCoreMutateRequest, DBCoreTable } from 'dexie';
import type { RacelineDb } from '../../src/store/db';

let counter = 0;

/** A database name no other test uses. */
export function freshDbName(): string {
  counter++;
  return `raceline-test-${process.pid}-${counter}-${Date.now()}`;
}

/** A complete model record (current version); `overrides` replace fields. */
export function makeModel(overrides: Partial<ModelRecord> = {}): ModelRecord {
  const actionSpace = defaultActionSpace();
  return {
    type: 'model',
    version: 2,
    id: 'model-1',
    name: 'First car',
    createdAt: 1_700_000_000_000,
    track: 'reinvent_base',
    trackData: null,
    actionSpace,
    sensor: 'TRACK_GEOMETRY',
    modelMetadata: toModelMetadata(actionSpace, 'TRACK_GEOMETRY', 'RACELINE_MLP'),
    hyperparameters: { ...defaultPpoConfig, hiddenSizes: [...defaultPpoConfig.hiddenSizes] },
    rewardCode: 'function reward_function(params) { return 1.0; }',
    rewardLanguage: 'javascript',
    seed: 7,
    trainingSeconds: 120,
    envSteps: 50_000,
    iterations: 12,
    networkSpec: { kind: 'mlp', layers: [12, 64, 64, 10] },
    bestEvaluation: null,
    parentId: null,
    parentName: null,
    origin: 'trained',
    claim: null,
    runId: 'run-1',
    notes: '',
    ...overrides,
  };
}

/**
 * A model record exactly as Raceline wrote it before record version 2 (schema version 1): `version: 1`, no
 * `parentName`, `origin` or `claim`.
 */
export function makeModelV1(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { parentName: _p, origin: _o, claim: _c, ...v1 } = makeModel();
  return { ...v1, version: 1, ...overrides };
}

/** Weights `[n]` float32 with distinct values, as bytes. */
export function makeWeights(n = 256, offset = 0): ArrayBuffer {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = Math.sin(i + offset) * 0.5;
  return w.buffer;
}

export function makeRun(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    type: 'run',
    version: 1,
    id: 'run-1',
    modelId: null,
    startedAt: 1_700_000_000_000,
    endedAt: null,
    status: 'running',
    error: null,
    track: 'reinvent_base',
    config: { numEnvs: 8 },
    metrics: [],
    ...overrides,
  };
}

/** A trial: completed when `lapTimeS` is a number, else stopped at `progress` %. */
export function trial(i: number, lapTimeS: number | null, progress = lapTimeS === null ? 40 : 100): TrialResult {
  return { trial: i, progress, lapTimeS, steps: 300, status: lapTimeS === null ? 'off_track' : 'lap_complete', offTrackCount: lapTimeS === null ? 1 : 0 };
}

/** An evaluation whose summary is computed from `trials`. */
export function makeEvaluation(id: string, modelId: string, createdAt: number, trials: TrialResult[]): EvaluationRecord {
  const laps = trials.filter((t) => t.lapTimeS !== null).map((t) => t.lapTimeS as number);
  return {
    type: 'evaluation',
    version: 2,
    id,
    modelId,
    createdAt,
    track: 'reinvent_base',
    seed: 3,
    trials,
    summary: {
      completed: laps.length,
      trials: trials.length,
      meanLapTimeS: laps.length ? laps.reduce((a, b) => a + b, 0) / laps.length : null,
      meanProgress: trials.reduce((a, t) => a + t.progress, 0) / trials.length,
    },
    bestPath: null,
  };
}

/**
 * Wraps the DBCore `mutate` of one table (Dexie middleware): while `state.fail` is true every add/put/delete on it
 * rejects with `state.error()`, as IndexedDB does when the quota is used up.
 */
export function failWritesOn(db: RacelineDb, tableName: string) {
  const state = { fail: false, error: (): unknown => new DOMException('The quota has been exceeded.', 'QuotaExceededError'), calls: 0 };
  db.use({
    stack: 'dbcore',
    name: `fail-writes-${tableName}`,
    create: (down: DBCore): DBCore => ({
      ...down,
      table(name: string): DBCoreTable {
        const table = down.table(name);
        if (name !== tableName) return table;
        return {
          ...table,
          mutate(req: DBCoreMutateRequest) {
            state.calls++;
            return state.fail ? Promise.reject(state.error()) : table.mutate(req);
          },
        };
      },
    }),
  });
  return state;
}
