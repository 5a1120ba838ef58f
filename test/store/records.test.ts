import { describe, expect, it } from 'vitest';
import {
  RECORD_VERSIONS,
  RestoreError,
  checksumBytes,
  compareEvaluationSummaries,
  makeWeightsRecord,
  newId,
  restore,
  restoreAs,
  summarizeTrialResults,
  type EvaluationSummary,
} from '../../src/store/records';
import { summarizeTrials } from '../../src/race/evaluate';
import { defaultPpoConfig } from '../../src/rl/config';
import { makeEvaluation, makeModel, makeModelV1, makeRun, trial } from './fixtures';

/** Calls `f` and returns the RestoreError it throws (fails the test otherwise). */
function restoreError(f: () => unknown): RestoreError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(RestoreError);
    return error as RestoreError;
  }
  throw new Error('expected a RestoreError, nothing was thrown');
}

describe('restore', () => {
  it('returns a complete record unchanged (round trip)', () => {
    const model = makeModel();
    expect(restore(model)).toEqual(model);
    expect(restore(structuredClone(makeRun()))).toEqual(makeRun());
    const evaluation = makeEvaluation('e1', 'model-1', 5, [trial(0, 12.5), trial(1, null, 30)]);
    expect(restore(evaluation)).toEqual(evaluation);
    const weights = makeWeightsRecord('model-1', new Float32Array([1, 2, 3]).buffer);
    const back = restoreAs(weights, 'weights');
    expect(new Float32Array(back.data)).toEqual(new Float32Array([1, 2, 3]));
    expect(back.checksum).toBe(weights.checksum);
  });

  it('fills defaults for missing optional fields of a model', () => {
    const full = makeModel({ id: 'm-old', seed: 11 });
    const raw: Record<string, unknown> = { ...full, hyperparameters: { learningRate: 1e-3, seed: 11 } };
    for (const key of ['name', 'trackData', 'sensor', 'rewardLanguage', 'seed', 'trainingSeconds', 'envSteps', 'iterations', 'bestEvaluation', 'parentId', 'runId', 'notes']) {
      delete raw[key];
    }
    const model = restoreAs(raw, 'model');
    expect(model.name).toBe('Model m-old');
    expect(model.trackData).toBeNull();
    expect(model.sensor).toBe('TRACK_GEOMETRY'); // from modelMetadata.sensor[0]
    expect(model.rewardLanguage).toBe('javascript');
    expect(model.seed).toBe(11); // from hyperparameters.seed
    expect([model.trainingSeconds, model.envSteps, model.iterations]).toEqual([0, 0, 0]);
    expect([model.bestEvaluation, model.parentId, model.runId, model.notes]).toEqual([null, null, null, '']);
    // Missing hyperparameters come from the defaults; the stored ones win.
    expect(model.hyperparameters).toEqual({ ...defaultPpoConfig, learningRate: 1e-3, seed: 11 });
    // Only known keys survive.
    expect(restore({ ...full, stray: 1 })).not.toHaveProperty('stray');
  });

  it('fills defaults for runs and computes a missing evaluation summary from the trials', () => {
    const run = restoreAs({ type: 'run', version: 1, id: 'r1', startedAt: 10, status: 'paused', track: 'oval' }, 'run');
    expect(run).toEqual({ type: 'run', version: 1, id: 'r1', modelId: null, startedAt: 10, endedAt: null, status: 'paused', error: null, track: 'oval', config: {}, metrics: [] });
    const full = makeEvaluation('e1', 'm', 5, [trial(0, 10), trial(1, 14), trial(2, null, 25)]);
    const { summary: _, seed: __, ...raw } = full;
    const evaluation = restoreAs(raw, 'evaluation');
    expect(evaluation.summary).toEqual({ completed: 2, trials: 3, meanLapTimeS: 12, meanProgress: 75 });
    expect(evaluation.seed).toBe(0);
  });

  it('migrates a version-1 model: lineage by name, origin and claim filled, nothing else changed', () => {
    const v1 = makeModelV1({ id: 'old', name: 'Old car', parentId: null });
    const model = restoreAs(v1, 'model');
    expect(model).toEqual(makeModel({ id: 'old', name: 'Old car' }));
    expect(model.version).toBe(2);
    const clone = restoreAs(makeModelV1({ id: 'kid', parentId: 'old' }), 'model');
    expect([clone.origin, clone.parentId, clone.parentName, clone.claim]).toEqual(['clone', 'old', null, null]);
    expect(v1.version).toBe(1); // the stored object is not touched
  });

  it('migrates a version-1 evaluation (no path) and keeps a version-2 path', () => {
    const { bestPath: _, ...v2 } = makeEvaluation('e1', 'm', 5, [trial(0, 12.5)]);
    const migrated = restoreAs({ ...v2, version: 1 }, 'evaluation');
    expect(migrated).toEqual({ ...v2, version: 2, bestPath: null });
    const withPath = restoreAs({ ...v2, bestPath: [0, 1, 2.5, 3] }, 'evaluation');
    expect(withPath.bestPath).toEqual([0, 1, 2.5, 3]);
    expect(restoreError(() => restore({ ...v2, bestPath: [1, 2, 3] })).message).toContain("field 'bestPath' must be a flat list of x, y pairs");
  });

  it('reads the records schema 2 added and rejects a damaged one by field', () => {
    const label = { type: 'label', version: 1, id: 'l1', modelId: 'm', createdAt: 5, name: 'Renamed' };
    expect(restoreAs(label, 'label')).toEqual({ ...label, notes: '' });
    expect(restoreAs({ type: 'attachment', version: 1, modelId: 'm' }, 'attachment')).toEqual({
      type: 'attachment', version: 1, modelId: 'm', history: [], logs: { training: [], evaluation: [] },
    });
    const e = restoreError(() => restore({ type: 'attachment', version: 1, modelId: 'm', logs: { training: [{ iteration: 'x' }] } }));
    expect(e.message).toContain('attachment "m": field \'logs\' must be sim-trace logs');
    expect(e.field).toBe('logs');
    const track = restoreError(() => restore({ type: 'track', version: 1, id: 't1', createdAt: 1, data: { name: 'x' } }));
    expect(track.message).toMatch(/^track "t1": field 'data' is not a valid track \(its geometry: missing key 'displayName'/);
    const cp = restoreError(() => restore({ type: 'checkpoint', version: 1, id: 'c1', runId: 'r', createdAt: 1, iteration: 2, networkSpec: {}, byteLength: 4, checksum: 1 }));
    expect(cp.message).toBe(`checkpoint "c1": missing required field 'data' (an ArrayBuffer); the record is damaged or was not written by Raceline`);
  });

  it('rejects an unknown type, naming it and the known ones', () => {
    const e = restoreError(() => restore({ type: 'banana', version: 1, id: 'b-1' }));
    expect(e.message).toContain('unknown record type "banana"');
    expect(e.message).toContain('b-1');
    expect(e.message).toContain('model, weights, run, evaluation');
    expect(e.field).toBe('type');
    expect(restoreError(() => restore('hello')).message).toContain("expected an object with 'type' and 'version'");
    expect(restoreError(() => restore(null)).message).toContain('not a Raceline record');
  });

  it('rejects a newer version with "update the page"', () => {
    const e = restoreError(() => restore({ ...makeModel({ id: 'm-new' }), version: 3 }));
    expect(e.message).toContain('saved by a newer Raceline (version 3); update the page');
    expect(e.message).toContain('m-new');
    expect(e.kind).toBe('unreadable');
    expect(RECORD_VERSIONS.model).toBe(2);
  });

  it('rejects a missing or invalid version', () => {
    const { version: _, ...noVersion } = makeModel({ id: 'm-nov' });
    expect(restoreError(() => restore(noVersion)).message).toBe(
      `model "m-nov": missing required field 'version'; the record is damaged or was not written by Raceline`,
    );
    expect(restoreError(() => restore({ ...makeModel(), version: 0 })).message).toContain("'version' must be a positive integer");
    expect(restoreError(() => restore({ ...makeModel(), version: '1' })).message).toContain("'version' must be a positive integer");
  });

  it('names the missing required field and the record id', () => {
    const { rewardCode: _, ...raw } = makeModel({ id: 'm-42' });
    const e = restoreError(() => restore(raw));
    expect(e.message).toContain("missing required field 'rewardCode'");
    expect(e.message).toContain('model "m-42"');
    expect([e.recordType, e.recordId, e.field]).toEqual(['model', 'm-42', 'rewardCode']);

    const w = restoreError(() => restore({ type: 'weights', version: 1, modelId: 'm-9', byteLength: 4, checksum: 1 }));
    expect(w.message).toBe(`weights of model "m-9": missing required field 'data' (an ArrayBuffer); the record is damaged or was not written by Raceline`);

    const noId = restoreError(() => restore({ type: 'run', version: 1, startedAt: 1, status: 'running', track: 'x' }));
    expect(noId.message).toContain("run record (no id): missing required field 'id'");
  });

  it('rejects a mistyped field, showing the value', () => {
    expect(restoreError(() => restore(makeRun({ status: 'flying' as never }))).message).toBe(
      `run "run-1": field 'status' must be one of 'running', 'paused', 'stopped', 'completed', 'failed', got "flying"`,
    );
    expect(restoreError(() => restore(makeModel({ createdAt: Number.NaN }))).message).toContain("field 'createdAt' must be a finite number, got NaN");
    expect(restoreError(() => restore(makeModel({ notes: 5 as never }))).message).toContain("field 'notes' must be a string, got 5");
  });

  it('restoreAs rejects a record of another type', () => {
    expect(restoreError(() => restoreAs(makeRun(), 'model')).message).toBe('run "run-1": expected a model record here, found a run record');
  });
});

describe('evaluation summaries', () => {
  it('summarizeTrialResults matches race/evaluate summarizeTrials', () => {
    const trials = [trial(0, 10.5), trial(1, null, 42), trial(2, 11.25), trial(3, null, 3)];
    expect(summarizeTrialResults(trials)).toEqual(summarizeTrials(trials));
    expect(summarizeTrialResults([])).toEqual(summarizeTrials([]));
  });

  it('orders by completed laps, then lap time, then progress', () => {
    const s = (completed: number, meanLapTimeS: number | null, meanProgress: number): EvaluationSummary => ({ completed, trials: 3, meanLapTimeS, meanProgress });
    const sorted = [s(2, 9, 100), s(3, 15, 100), s(0, null, 60), s(3, 13, 100), s(0, null, 80)].sort(compareEvaluationSummaries);
    expect(sorted).toEqual([s(3, 13, 100), s(3, 15, 100), s(2, 9, 100), s(0, null, 80), s(0, null, 60)]);
    expect(compareEvaluationSummaries(s(1, 10, 90), s(1, 10, 90))).toBe(0);
  });
});

describe('checksumBytes', () => {
  const bytes = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;
  it('is FNV-1a 32-bit (reference values)', () => {
    // Published FNV-1a 32 test vectors (isthe.com/chongo/src/fnv/test_fnv.c).
    expect(checksumBytes(bytes(''))).toBe(0x811c9dc5);
    expect(checksumBytes(bytes('a'))).toBe(0xe40c292c);
    expect(checksumBytes(bytes('foobar'))).toBe(0xbf9cf968);
  });

  it('changes when one bit flips', () => {
    const w = new Float32Array([0.25, -1.5, 3]);
    const before = checksumBytes(w.buffer);
    new Uint8Array(w.buffer)[5] ^= 1;
    expect(checksumBytes(w.buffer)).not.toBe(before);
  });

  it('makeWeightsRecord refuses a byte length that is not float32', () => {
    expect(() => makeWeightsRecord('m', new ArrayBuffer(6))).toThrow(/6 bytes is not a whole number of float32 values/);
  });
});

describe('newId', () => {
  it('makes distinct prefixed ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('model')));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^model-[0-9a-z]+-[0-9a-f]{16}$/);
  });
});
