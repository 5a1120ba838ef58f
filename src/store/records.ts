/**
 * The persisted record types and {@link restore}, the one function every read from storage goes through.
 *
 * Every record is `{type, version, ...}` (the excalidraw habit): `restore` checks the type, refuses versions newer
 * than this code, migrates older ones step by step, fills defaults for missing optional fields and rejects records
 * without a required field, naming the field and the record. No other code reads raw stored objects.
 */
import type { TrackData } from '../track/track-data';
import type { ActionSpace } from '../sim/action-space';
import { defaultPpoConfig, type PpoConfig } from '../rl/config';
import type { ModelMetadata } from '../rl/model-metadata';
import type { TrialResult } from '../race/evaluate';
import { summarizeTrials } from '../race/summary';
import type { IterationPoint } from '../rl/training-types';
import { RestoreError } from './errors';
import { checksumBytes } from './checksum';
import {
  restoreAttachment,
  restoreCheckpoint,
  restoreLabel,
  restoreTrack,
  type AttachmentRecord,
  type CheckpointRecord,
  type LabelRecord,
  type TrackRecord,
} from './garage-records';
import {
  FieldReader,
  array,
  arrayBuffer,
  count,
  defined,
  describeRecord,
  isObject,
  nonEmpty,
  nullable,
  num,
  object,
  oneOf,
  show,
  str,
  uint32,
  type Check,
} from './field-reader';

export { RestoreError } from './errors';
export { checksumBytes } from './checksum';
export type { AttachmentRecord, CheckpointRecord, LabelRecord, StoredSimTrace, TrackRecord } from './garage-records';

/** Summary of one evaluation over its trials (the same shape as `summarizeTrials` in race/evaluate.ts). */
export interface EvaluationSummary {
  /** Trials that completed a lap. */
  completed: number;
  /** Trials run. */
  trials: number;
  /** Mean lap time of the completed trials, simulated seconds; null when none completed. */
  meanLapTimeS: number | null;
  /** Mean progress over all trials, percent 0..100. */
  meanProgress: number;
}

/** Where a saved model came from. */
export type ModelOrigin = 'trained' | 'clone' | 'zip' | 'link';

/** One trial of an evaluation a model came with (a share link's or a zip's claim). */
export interface ClaimedTrial {
  /** Percent of the lap, 0..100. */
  progress: number;
  /** Simulated seconds; null when the lap was not completed. */
  lapTimeS: number | null;
  steps: number | null;
  status: string | null;
}

/** The evaluation a model came with: re-running it with `seed` and `trials.length` trials should give `trials`. */
export interface ClaimedEvaluation {
  seed: number;
  trials: ClaimedTrial[];
}

/**
 * A trained model's description. Immutable once saved (its name and notes as shown come from the newest
 * {@link LabelRecord}). Its weights live in a {@link ModelWeightsRecord}.
 * Version 2 added `parentName`, `origin` and `claim`.
 */
export interface ModelRecord {
  type: 'model';
  version: 2;
  /** Unique id, see {@link newId}. */
  id: string;
  name: string;
  /** When it was saved, ms since the Unix epoch. */
  createdAt: number;
  /** Name of the shipped track it was trained on (file stem, e.g. `reinvent_base`). */
  track: string;
  /** The geometry, set only for a custom (imported) track; null for a shipped track. */
  trackData: TrackData | null;
  actionSpace: ActionSpace;
  /** Sensor name, e.g. `TRACK_GEOMETRY`. */
  sensor: string;
  /** DeepRacer `model_metadata.json`. */
  modelMetadata: ModelMetadata;
  hyperparameters: PpoConfig;
  /** Source of the reward function, verbatim. */
  rewardCode: string;
  rewardLanguage: 'javascript' | 'python';
  seed: number;
  /** Training time, seconds (pauses excluded). */
  trainingSeconds: number;
  /** Env steps of the training, all cars. */
  envSteps: number;
  /** Policy-updating iterations done. */
  iterations: number;
  /** JSON spec of the network, saved with the weights to rebuild it. */
  networkSpec: unknown;
  /** Best evaluation known when the model was saved (later ones are derived from evaluation records). */
  bestEvaluation: EvaluationSummary | null;
  /** The model it was cloned from, if any (that model may since have been deleted). */
  parentId: string | null;
  /** The parent's name when this model was made, so the lineage reads after the parent is gone. */
  parentName: string | null;
  /** How it got here: trained in this browser, cloned and trained, imported from a zip, or opened from a link. */
  origin: ModelOrigin;
  /** The evaluation a shared model claimed (link or zip), with its seed; null for models trained here. */
  claim: ClaimedEvaluation | null;
  /** The training run that produced it, if any. */
  runId: string | null;
  notes: string;
}

/** The weights of one model, stored apart from {@link ModelRecord} so that lists stay light. */
export interface ModelWeightsRecord {
  type: 'weights';
  version: 1;
  /** Id of the model these weights belong to (also the key). */
  modelId: string;
  /** Flat float32 weights, `[numWeights]` as raw little-endian bytes, in the order `networkSpec` gives. */
  data: ArrayBuffer;
  /** `data.byteLength` at write time, checked on read. */
  byteLength: number;
  /** FNV-1a 32-bit of the bytes ({@link checksumBytes}), checked on read. */
  checksum: number;
}

export type RunStatus = 'running' | 'paused' | 'stopped' | 'completed' | 'failed';

/** One training run; mutable while training (metrics appended, status changed). */
export interface RunRecord {
  type: 'run';
  version: 1;
  id: string;
  /** The model saved from this run, once there is one. */
  modelId: string | null;
  /** ms since the Unix epoch. */
  startedAt: number;
  /** ms since the Unix epoch; null while running or paused. */
  endedAt: number | null;
  status: RunStatus;
  /** What failed, for status `failed`. */
  error: string | null;
  track: string;
  /** The training settings as given (hyperparameters, action space, ...). */
  config: Record<string, unknown>;
  /** One point per iteration, in order. */
  metrics: IterationPoint[];
}

/**
 * One evaluation of a model (DeepRacer time trial over `trials.length` trials). Immutable.
 * Version 2 added `bestPath`.
 */
export interface EvaluationRecord {
  type: 'evaluation';
  version: 2;
  id: string;
  modelId: string;
  /** ms since the Unix epoch. */
  createdAt: number;
  track: string;
  seed: number;
  trials: TrialResult[];
  summary: EvaluationSummary;
  /**
   * The driven path of the best trial (a completed lap with the lowest time, else the furthest), `[k * 2]` x, y in
   * metres, at most {@link MAX_PATH_POINTS} points, for the garage's thumbnail; null when not recorded.
   */
  bestPath: number[] | null;
}

/** Most points an evaluation's `bestPath` keeps. */
export const MAX_PATH_POINTS = 400;

export type StoredRecord =
  | ModelRecord
  | ModelWeightsRecord
  | RunRecord
  | EvaluationRecord
  | CheckpointRecord
  | LabelRecord
  | AttachmentRecord
  | TrackRecord;
export type RecordType = StoredRecord['type'];
export type RecordOfType<T extends RecordType> = Extract<StoredRecord, { type: T }>;

/** The newest version of each record type this code reads and writes. */
export const RECORD_VERSIONS: { readonly [K in RecordType]: number } = Object.freeze({
  model: 2,
  weights: 1,
  run: 1,
  evaluation: 2,
  checkpoint: 1,
  label: 1,
  attachment: 1,
  track: 1,
});

const RECORD_TYPES = Object.keys(RECORD_VERSIONS) as RecordType[];

type RawRecord = Record<string, unknown>;
type Migration = (old: RawRecord) => RawRecord;

/**
 * `MIGRATIONS[type][v]` turns a version-`v` record of that type into a version-`v + 1` one. To add a version of a
 * type: change its interface's `version`, bump {@link RECORD_VERSIONS}, add `v: (r) => ({ ...r, version: v + 1,
 * newField: ... })` here, and add a test that restores a version-v fixture (test/store/records.test.ts).
 * Migrations run on read only: the stored record is never rewritten.
 */
const MIGRATIONS: { readonly [K in RecordType]: Readonly<Record<number, Migration>> } = {
  // v2: lineage by name, where the model came from, the evaluation it claims. Version-1 models were all trained
  // in the studio (a parentId means a clone).
  model: { 1: (r) => ({ ...r, version: 2, parentName: null, origin: typeof r.parentId === 'string' ? 'clone' : 'trained', claim: null }) },
  weights: {},
  run: {},
  // v2: the best trial's path for thumbnails; version 1 kept none.
  evaluation: { 1: (r) => ({ ...r, version: 2, bestPath: null }) },
  checkpoint: {},
  label: {},
  attachment: {},
  track: {},
};

/** Checks of the record parts that have a shape of their own. */
const actionSpace: Check<ActionSpace> = {
  test: (v) => isObject(v) && (v.type === 'discrete' || v.type === 'continuous'),
  expected: "an action space ({type: 'discrete' | 'continuous', ...})",
};
const summary: Check<EvaluationSummary> = {
  test: (v) =>
    isObject(v) && count.test(v.completed) && count.test(v.trials) && nullable(count).test(v.meanLapTimeS) && num.test(v.meanProgress),
  expected: 'an evaluation summary {completed, trials, meanLapTimeS, meanProgress}',
};
const claim: Check<ClaimedEvaluation> = {
  test: (v) =>
    isObject(v) &&
    num.test(v.seed) &&
    Array.isArray(v.trials) &&
    v.trials.length > 0 &&
    v.trials.every((t) => isObject(t) && num.test(t.progress) && nullable(num).test(t.lapTimeS ?? null)),
  expected: 'a claimed evaluation {seed, trials: [{progress, lapTimeS, steps, status}]}',
};
const path: Check<number[]> = {
  test: (v) => Array.isArray(v) && v.length % 2 === 0 && v.every((x) => num.test(x)),
  expected: 'a flat list of x, y pairs in metres',
};
const trialList: Check<TrialResult[]> = {
  test: (v) => Array.isArray(v) && v.every((t) => isObject(t) && num.test(t.progress) && nullable(num).test(t.lapTimeS ?? null)),
  expected: 'a list of trial results {progress, lapTimeS, ...}',
};

/**
 * Reads one stored value back as a record: checks `type` and `version`, migrates older versions up to
 * {@link RECORD_VERSIONS}, fills defaults for missing optional fields and returns a fresh object holding only the
 * known fields. Every read of the store goes through here; writes check their record with it too.
 *
 * Defaults: model `name` = `Model <id>`, `trackData` null, `sensor` from `modelMetadata.sensor[0]` else
 * `TRACK_GEOMETRY`, missing `hyperparameters` fields from `defaultPpoConfig`, `rewardLanguage` `javascript`,
 * `seed` = `hyperparameters.seed`, `trainingSeconds`/`envSteps`/`iterations` 0, `bestEvaluation`/`parentId`/
 * `parentName`/`claim`/`runId` null, `origin` `clone` with a parent else `trained`, `notes` ''; run
 * `modelId`/`endedAt`/`error` null, `config` {}, `metrics` []; evaluation `seed` 0, `summary` computed from
 * `trials`, `bestPath` null; checkpoint `points` [], totals 0, `evaluation` null; label `notes` ''; attachment
 * `history` and `logs` empty. Weights and tracks have no optional fields.
 * @throws RestoreError when `raw` is not an object, its `type` is unknown, its `version` is missing, not a
 *   positive integer or newer than this code ("saved by a newer Raceline (version 3); update the page"), or a
 *   required field is missing or mistyped (the message names the field and the record id).
 */
export function restore(raw: unknown): StoredRecord {
  if (!isObject(raw)) {
    throw new RestoreError(`not a Raceline record: expected an object with 'type' and 'version', got ${show(raw)}`);
  }
  const idValue = raw.type === 'weights' || raw.type === 'attachment' ? raw.modelId : raw.id;
  const id = typeof idValue === 'string' && idValue !== '' ? idValue : null;
  const type = raw.type;
  if (!(RECORD_TYPES as unknown[]).includes(type)) {
    const who = id === null ? 'record' : `record "${id}"`;
    throw new RestoreError(
      `${who}: unknown record type ${show(type)}; this page knows ${RECORD_TYPES.join(', ')}. It may have been saved by a newer Raceline (update the page) or by another site`,
      null,
      id,
      'type',
    );
  }
  const t = type as RecordType;
  const latest = RECORD_VERSIONS[t];
  const version = raw.version;
  if (version === undefined || version === null) {
    throw new RestoreError(`${describeRecord(t, id)}: missing required field 'version'; the record is damaged or was not written by Raceline`, t, id, 'version');
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new RestoreError(`${describeRecord(t, id)}: field 'version' must be a positive integer, got ${show(version)}`, t, id, 'version');
  }
  if (version > latest) {
    throw new RestoreError(
      `${describeRecord(t, id)} was saved by a newer Raceline (version ${version}); update the page (this page reads ${t} records up to version ${latest})`,
      t,
      id,
      'version',
    );
  }
  let current = raw;
  for (let v = version; v < latest; v++) {
    const step = MIGRATIONS[t][v];
    if (!step) throw new RestoreError(`${describeRecord(t, id)}: no migration from version ${v} to ${v + 1} (a Raceline bug; please report it)`, t, id, 'version');
    current = step(current);
  }
  const r = new FieldReader(current, t, id);
  switch (t) {
    case 'model':
      return restoreModel(r);
    case 'weights':
      return restoreWeights(r);
    case 'run':
      return restoreRun(r);
    case 'evaluation':
      return restoreEvaluation(r);
    case 'checkpoint':
      return restoreCheckpoint(r);
    case 'label':
      return restoreLabel(r);
    case 'attachment':
      return restoreAttachment(r);
    case 'track':
      return restoreTrack(r);
  }
}

/** The id a record is known by in messages (`modelId` for weights and attachments). */
export function recordId(record: StoredRecord): string {
  return record.type === 'weights' || record.type === 'attachment' ? record.modelId : record.id;
}

/**
 * {@link restore}, then checks that the record is of `type`.
 * @throws RestoreError as `restore`, or when the record is of another type.
 */
export function restoreAs<T extends RecordType>(raw: unknown, type: T): RecordOfType<T> {
  const record = restore(raw);
  if (record.type !== type) {
    const id = recordId(record);
    throw new RestoreError(`${describeRecord(record.type, id)}: expected a ${type} record here, found a ${record.type} record`, record.type, id, 'type');
  }
  return record as RecordOfType<T>;
}

function restoreModel(r: FieldReader): ModelRecord {
  const id = r.req('id', nonEmpty);
  const modelMetadata = r.req('modelMetadata', object) as unknown as ModelMetadata;
  const metaSensor = Array.isArray(modelMetadata.sensor) ? modelMetadata.sensor[0] : undefined;
  const hyperparameters: PpoConfig = {
    ...defaultPpoConfig,
    hiddenSizes: [...defaultPpoConfig.hiddenSizes],
    ...(r.req('hyperparameters', object) as Partial<PpoConfig>),
  };
  const parentId = r.opt('parentId', nullable(nonEmpty), null);
  const storedClaim = r.opt('claim', nullable(claim), null);
  return {
    type: 'model',
    version: 2,
    id,
    name: r.opt('name', str, `Model ${id}`),
    createdAt: r.req('createdAt', num),
    track: r.req('track', nonEmpty),
    trackData: r.opt('trackData', nullable(object), null) as TrackData | null,
    actionSpace: r.req('actionSpace', actionSpace),
    sensor: r.opt('sensor', nonEmpty, typeof metaSensor === 'string' && metaSensor !== '' ? metaSensor : 'TRACK_GEOMETRY'),
    modelMetadata,
    hyperparameters,
    rewardCode: r.req('rewardCode', str),
    rewardLanguage: r.opt('rewardLanguage', oneOf('javascript', 'python'), 'javascript'),
    seed: r.opt('seed', num, num.test(hyperparameters.seed) ? hyperparameters.seed : 0),
    trainingSeconds: r.opt('trainingSeconds', count, 0),
    envSteps: r.opt('envSteps', count, 0),
    iterations: r.opt('iterations', count, 0),
    networkSpec: r.req('networkSpec', defined),
    bestEvaluation: r.opt('bestEvaluation', nullable(summary), null),
    parentId,
    parentName: r.opt('parentName', nullable(str), null),
    origin: r.opt('origin', oneOf<ModelOrigin>('trained', 'clone', 'zip', 'link'), parentId === null ? 'trained' : 'clone'),
    claim: storedClaim && {
      seed: storedClaim.seed,
      trials: storedClaim.trials.map((t) => ({
        progress: t.progress,
        lapTimeS: t.lapTimeS ?? null,
        steps: typeof t.steps === 'number' ? t.steps : null,
        status: typeof t.status === 'string' ? t.status : null,
      })),
    },
    runId: r.opt('runId', nullable(nonEmpty), null),
    notes: r.opt('notes', str, ''),
  };
}

function restoreWeights(r: FieldReader): ModelWeightsRecord {
  return {
    type: 'weights',
    version: 1,
    modelId: r.req('modelId', nonEmpty),
    data: r.req('data', arrayBuffer),
    byteLength: r.req('byteLength', count),
    checksum: r.req('checksum', uint32),
  };
}

function restoreRun(r: FieldReader): RunRecord {
  return {
    type: 'run',
    version: 1,
    id: r.req('id', nonEmpty),
    modelId: r.opt('modelId', nullable(nonEmpty), null),
    startedAt: r.req('startedAt', num),
    endedAt: r.opt('endedAt', nullable(num), null),
    status: r.req('status', oneOf<RunStatus>('running', 'paused', 'stopped', 'completed', 'failed')),
    error: r.opt('error', nullable(str), null),
    track: r.req('track', nonEmpty),
    config: r.opt('config', object, {}),
    metrics: r.opt('metrics', array, []) as IterationPoint[],
  };
}

function restoreEvaluation(r: FieldReader): EvaluationRecord {
  const id = r.req('id', nonEmpty);
  const modelId = r.req('modelId', nonEmpty);
  const createdAt = r.req('createdAt', num);
  const track = r.req('track', nonEmpty);
  const seed = r.opt('seed', num, 0);
  const trials = r.req('trials', trialList).map((t) => ({ ...t, lapTimeS: t.lapTimeS ?? null }));
  return {
    type: 'evaluation',
    version: 2,
    id,
    modelId,
    createdAt,
    track,
    seed,
    trials,
    summary: r.opt('summary', summary, summarizeTrialResults(trials)),
    bestPath: r.opt('bestPath', nullable(path), null),
  };
}

/** The summary of trial results (see race/summary.ts). */
export const summarizeTrialResults: (trials: readonly Pick<TrialResult, 'progress' | 'lapTimeS'>[]) => EvaluationSummary = summarizeTrials;

/**
 * Orders evaluation summaries best first, for `Array.prototype.sort`: more completed laps, then lower mean lap
 * time (none counts as slowest), then higher mean progress. Returns < 0 when `a` is better, > 0 when `b` is, 0 on a tie.
 */
export function compareEvaluationSummaries(a: EvaluationSummary, b: EvaluationSummary): number {
  if (a.completed !== b.completed) return b.completed - a.completed;
  const lapA = a.meanLapTimeS ?? Infinity;
  const lapB = b.meanLapTimeS ?? Infinity;
  if (lapA !== lapB) return lapA < lapB ? -1 : 1;
  return b.meanProgress - a.meanProgress;
}

/**
 * The weights record of a model, with its length and checksum.
 * @param data flat float32 weights `[numWeights]` as bytes; its byte length must be a multiple of 4.
 * @throws RangeError when the byte length is not a multiple of 4 (not float32 data).
 */
export function makeWeightsRecord(modelId: string, data: ArrayBuffer): ModelWeightsRecord {
  if (data.byteLength % 4 !== 0) {
    throw new RangeError(`weights of model "${modelId}": ${data.byteLength} bytes is not a whole number of float32 values (multiple of 4)`);
  }
  return { type: 'weights', version: 1, modelId, data, byteLength: data.byteLength, checksum: checksumBytes(data) };
}

let fallbackCounter = 0;

/**
 * A new unique id `<prefix>-<ms epoch, base 36>-<16 random hex digits>`, e.g. `model-m3x1k2a0-9f03c1d2e4b5a687`.
 * Ids sort by creation time. Randomness comes from `crypto.getRandomValues` (works in insecure contexts too,
 * unlike `randomUUID`); without Web Crypto a per-page counter stands in.
 */
export function newId(prefix: string): string {
  const time = Date.now().toString(36);
  const c = globalThis.crypto;
  let random: string;
  if (c && typeof c.getRandomValues === 'function') {
    random = Array.from(c.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  } else {
    random = `${(++fallbackCounter).toString(16).padStart(8, '0')}${Math.floor(performance.now() * 1000).toString(16).padStart(8, '0').slice(-8)}`;
  }
  return `${prefix}-${time}-${random}`;
}
