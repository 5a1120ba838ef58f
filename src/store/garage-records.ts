/**
 * The records schema version 2 added (docs/file-formats.md): training checkpoints, model labels (rename and
 * notes), model attachments (training history and sim-trace logs that travel with a model) and imported tracks.
 * Like every record they are `{type, version, ...}` and read back only through `restore` (records.ts), which calls
 * the readers here after checking the type and version. All four are immutable once written: a rename adds a
 * label, a checkpoint is a new record, nothing is put over an existing key.
 */
import type { TrackData } from '../track/track-data';
import { parseTrackData, TrackFormatError } from '../track/track-data';
import type { TrialResult } from '../race/evaluate';
import type { IterationPoint } from '../rl/training-types';
import { checksumBytes } from './checksum';
import { RestoreError } from './errors';
import { arrayBuffer, count, defined, FieldReader, isObject, nonEmpty, num, object, str, uint32, type Check } from './field-reader';

/**
 * The state of a training run after one policy update, enough to resume it: the weights, the iteration history
 * (the charts) and the totals. A run keeps its newest few; they are deleted once the run's model is saved.
 */
export interface CheckpointRecord {
  type: 'checkpoint';
  version: 1;
  /** Unique id (`newId('checkpoint')`). */
  id: string;
  /** The run it belongs to (its setup is in the run record's `config`). */
  runId: string;
  /** ms since the Unix epoch. */
  createdAt: number;
  /** Policy-updating iterations done when it was written (its last point's `iteration`). */
  iteration: number;
  /** JSON spec of the network the weights are for. */
  networkSpec: unknown;
  /** Flat float32 weights `[numWeights]` as raw little-endian bytes. */
  data: ArrayBuffer;
  /** `data.byteLength` at write time, checked on read. */
  byteLength: number;
  /** FNV-1a 32-bit of `data` (`checksumBytes`), checked on read. */
  checksum: number;
  /** One point per iteration so far, in order (what the charts show). */
  points: IterationPoint[];
  /** Training time so far, seconds (pauses excluded). */
  trainingSeconds: number;
  /** Env steps so far, all cars. */
  envSteps: number;
  /** Best episode progress seen so far, percent. */
  bestProgress: number;
  /** The last evaluation between iterations (`stopOnLap`), paths left out; null when none ran yet. */
  evaluation: TrialResult[] | null;
}

/**
 * A model's user-given name and notes from one moment on. Models are immutable, so a rename or a note adds a
 * label; the newest label of a model (by `createdAt`, then id) is what the garage shows.
 */
export interface LabelRecord {
  type: 'label';
  version: 1;
  id: string;
  modelId: string;
  /** ms since the Unix epoch. */
  createdAt: number;
  /** The name from now on. */
  name: string;
  /** The notes from now on (free text). */
  notes: string;
}

/** One sim-trace CSV of one iteration (DeepRacer's 17 columns, src/race/sim-trace.ts). */
export interface StoredSimTrace {
  iteration: number;
  csv: string;
}

/**
 * What travels with a model besides its weights, kept apart so that lists stay light: the training history (one
 * object per iteration, the `training.jsonl` lines) and the sim-trace logs a zip brought. Written in the same
 * transaction as the model, deleted with it.
 */
export interface AttachmentRecord {
  type: 'attachment';
  version: 1;
  /** The model (also the key). */
  modelId: string;
  history: Record<string, unknown>[];
  logs: { training: StoredSimTrace[]; evaluation: StoredSimTrace[] };
}

/** A track imported from a DeepRacer route file (`.npy`), shown in the track picker beside the shipped ones. */
export interface TrackRecord {
  type: 'track';
  version: 1;
  id: string;
  /** ms since the Unix epoch. */
  createdAt: number;
  /** The geometry; `data.name` is unique among shipped and imported tracks. */
  data: TrackData;
}

const pointList: Check<IterationPoint[]> = {
  test: (v) => Array.isArray(v) && v.every((p) => isObject(p) && num.test(p.iteration) && num.test(p.elapsedS)),
  expected: 'a list of iteration points {iteration, elapsedS, ...}',
};
const traceList: Check<StoredSimTrace[]> = {
  test: (v) => Array.isArray(v) && v.every((t) => isObject(t) && count.test(t.iteration) && typeof t.csv === 'string'),
  expected: 'a list of sim-trace logs {iteration, csv}',
};
const historyCheck: Check<Record<string, unknown>[]> = {
  test: (v) => Array.isArray(v) && v.every(isObject),
  expected: 'a list of objects, one per iteration',
};
const logsCheck: Check<{ training?: StoredSimTrace[]; evaluation?: StoredSimTrace[] }> = {
  test: (v) => isObject(v) && (v.training === undefined || traceList.test(v.training)) && (v.evaluation === undefined || traceList.test(v.evaluation)),
  expected: 'sim-trace logs {training: [{iteration, csv}], evaluation: [{iteration, csv}]}',
};
const trialsOrNull: Check<TrialResult[] | null> = {
  test: (v) => v === null || (Array.isArray(v) && v.every((t) => isObject(t) && num.test(t.progress))),
  expected: 'a list of trial results or null',
};

/** Reads a checkpoint (version 1). */
export function restoreCheckpoint(r: FieldReader): CheckpointRecord {
  return {
    type: 'checkpoint',
    version: 1,
    id: r.req('id', nonEmpty),
    runId: r.req('runId', nonEmpty),
    createdAt: r.req('createdAt', num),
    iteration: r.req('iteration', count),
    networkSpec: r.req('networkSpec', defined),
    data: r.req('data', arrayBuffer),
    byteLength: r.req('byteLength', count),
    checksum: r.req('checksum', uint32),
    points: r.opt('points', pointList, []),
    trainingSeconds: r.opt('trainingSeconds', count, 0),
    envSteps: r.opt('envSteps', count, 0),
    bestProgress: r.opt('bestProgress', count, 0),
    evaluation: r.opt('evaluation', trialsOrNull, null),
  };
}

/** Reads a label (version 1). */
export function restoreLabel(r: FieldReader): LabelRecord {
  return {
    type: 'label',
    version: 1,
    id: r.req('id', nonEmpty),
    modelId: r.req('modelId', nonEmpty),
    createdAt: r.req('createdAt', num),
    name: r.req('name', str),
    notes: r.opt('notes', str, ''),
  };
}

/** Reads an attachment (version 1). */
export function restoreAttachment(r: FieldReader): AttachmentRecord {
  const logs = r.opt('logs', logsCheck, {});
  return {
    type: 'attachment',
    version: 1,
    modelId: r.req('modelId', nonEmpty),
    history: r.opt('history', historyCheck, []),
    logs: { training: logs.training ?? [], evaluation: logs.evaluation ?? [] },
  };
}

/** Reads an imported track (version 1); the geometry is validated again with `parseTrackData`. */
export function restoreTrack(r: FieldReader): TrackRecord {
  const id = r.req('id', nonEmpty);
  const createdAt = r.req('createdAt', num);
  const raw = r.req('data', object);
  try {
    return { type: 'track', version: 1, id, createdAt, data: parseTrackData(raw, 'its geometry') };
  } catch (e) {
    if (!(e instanceof TrackFormatError)) throw e;
    throw new RestoreError(`track "${id}": field 'data' is not a valid track (${e.message}); delete the track and import its .npy file again`, 'track', id, 'data');
  }
}

/**
 * A checkpoint record with the weights' length and checksum filled in.
 * @param weights flat float32 weights `[numWeights]` (copied).
 * @throws RangeError when `fields.iteration` is not the last point's iteration (a caller bug).
 */
export function makeCheckpointRecord(
  fields: Omit<CheckpointRecord, 'type' | 'version' | 'data' | 'byteLength' | 'checksum'>,
  weights: Float32Array,
): CheckpointRecord {
  const last = fields.points[fields.points.length - 1];
  if (last && last.iteration !== fields.iteration) {
    throw new RangeError(`checkpoint of run "${fields.runId}": iteration ${fields.iteration} but its last point is iteration ${last.iteration}`);
  }
  const data = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return { type: 'checkpoint', version: 1, ...fields, data, byteLength: data.byteLength, checksum: checksumBytes(data) };
}
