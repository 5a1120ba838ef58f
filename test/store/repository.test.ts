import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RacelineDb } from '../../src/store/db';
import { RacelineStore } from '../../src/store/repository';
import {
  CorruptRecordError,
  InvalidRecordError,
  ModelExistsError,
  RecordNotFoundError,
  RestoreError,
  StorageFullError,
  StorageUnavailableError,
  StoreError,
} from '../../src/store/errors';
import { checksumBytes } from '../../src/store/records';
import { failWritesOn, freshDbName, makeEvaluation, makeModel, makeRun, makeWeights, trial } from './fixtures';

/** Awaits `promise` and returns what it rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

const bytesOf = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer));

let db: RacelineDb;
let store: RacelineStore;

beforeEach(() => {
  db = new RacelineDb(freshDbName());
  store = new RacelineStore(db);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

describe('models', () => {
  it('saves, lists, gets and returns the same weight bytes', async () => {
    const a = makeModel({ id: 'a', createdAt: 1000, name: 'A' });
    const b = makeModel({ id: 'b', createdAt: 3000, name: 'B' });
    const c = makeModel({ id: 'c', createdAt: 2000, name: 'C', trackData: null, parentId: 'a' });
    const wa = makeWeights(300, 0);
    const wb = makeWeights(17, 1);
    const wc = makeWeights(1, 2);
    await store.saveModel(a, wa);
    await store.saveModel(b, wb);
    await store.saveModel(c, wc);

    expect((await store.listModels()).map((m) => m.id)).toEqual(['b', 'c', 'a']);
    expect(await store.getModel('c')).toEqual(c);
    expect(await store.getModel('nope')).toBeNull();
    expect(bytesOf(await store.getModelWeights('a'))).toEqual(bytesOf(wa));
    expect(bytesOf(await store.getModelWeights('b'))).toEqual(bytesOf(wb));
    expect(new Float32Array(await store.getModelWeights('c'))).toEqual(new Float32Array(wc));
    // The stored weights record carries the length and checksum.
    const raw = await db.weights.get('a');
    expect(raw?.byteLength).toBe(1200);
    expect(raw?.checksum).toBe(checksumBytes(wa));
  });

  it('keeps a saved model immutable: a second save of the id throws and changes nothing', async () => {
    const original = makeModel({ id: 'm', name: 'Original' });
    const weights = makeWeights(64, 0);
    await store.saveModel(original, weights);

    const error = await rejection(store.saveModel(makeModel({ id: 'm', name: 'Impostor', iterations: 99 }), makeWeights(32, 5)));
    expect(error).toBeInstanceOf(ModelExistsError);
    expect((error as ModelExistsError).kind).toBe('model-exists');
    expect((error as Error).message).toContain('"m" is already saved');

    expect(await store.getModel('m')).toEqual(original);
    expect(bytesOf(await store.getModelWeights('m'))).toEqual(bytesOf(weights));
    expect(await db.models.count()).toBe(1);
  });

  it('writes model and weights atomically: a failing weights write leaves no model behind', async () => {
    vi.spyOn(db.weights, 'put').mockImplementation(() => {
      throw new Error('disk on fire');
    });
    const error = await rejection(store.saveModel(makeModel({ id: 'half' }), makeWeights()));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).kind).toBe('unknown');
    expect((error as Error).message).toContain('saving model "half"');
    expect((error as Error).message).toContain('disk on fire');
    expect(await db.models.count()).toBe(0);
    expect(await db.weights.count()).toBe(0);
    expect(await store.getModel('half')).toBeNull();
  });

  it('maps a quota failure to StorageFullError and keeps every earlier model readable', async () => {
    const quota = failWritesOn(db, 'weights');
    const saved = [makeModel({ id: 'old-1', createdAt: 1 }), makeModel({ id: 'old-2', createdAt: 2 })];
    const weights = [makeWeights(128, 1), makeWeights(64, 2)];
    await store.saveModel(saved[0], weights[0]);
    await store.saveModel(saved[1], weights[1]);

    quota.fail = true;
    const error = await rejection(store.saveModel(makeModel({ id: 'new', createdAt: 3 }), makeWeights(4096, 3)));
    expect(quota.calls).toBe(3);
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as StorageFullError).kind).toBe('storage-full');
    expect((error as Error).message).toBe(
      'Browser storage is full: this model was not saved. Delete old models or free disk space; everything saved before is intact.',
    );
    expect(((error as Error).cause as Error).name).toBe('QuotaExceededError');

    quota.fail = false;
    expect(await store.getModel('new')).toBeNull(); // the model write of the failed transaction was rolled back
    expect(await store.listModels()).toEqual([saved[1], saved[0]]);
    expect(bytesOf(await store.getModelWeights('old-1'))).toEqual(bytesOf(weights[0]));
    expect(bytesOf(await store.getModelWeights('old-2'))).toEqual(bytesOf(weights[1]));
  });

  it('maps a quota error wrapped by Dexie (inner) on a run write', async () => {
    const quota = failWritesOn(db, 'runs');
    quota.fail = true;
    quota.error = () => {
      const outer = new Error('Transaction aborted');
      outer.name = 'AbortError';
      (outer as Error & { inner: unknown }).inner = new DOMException('quota', 'QuotaExceededError');
      return outer;
    };
    const error = await rejection(store.putRun(makeRun()));
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as Error).message).toContain('the training run was not saved');
  });

  it('refuses an invalid record or non-float32 weights before writing', async () => {
    const { rewardCode: _, ...broken } = makeModel({ id: 'broken' });
    const error = await rejection(store.saveModel(broken as never, makeWeights()));
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as Error).message).toContain(`Cannot save model "broken": model "broken": missing required field 'rewardCode'`);
    expect(await rejection(store.saveModel(makeModel({ id: 'odd' }), new ArrayBuffer(10)))).toBeInstanceOf(InvalidRecordError);
    expect(await db.models.count()).toBe(0);
  });

  it('detects damaged weights: flipped byte, wrong length, missing weights, unknown model', async () => {
    await store.saveModel(makeModel({ id: 'm' }), makeWeights(32));
    const raw = (await db.weights.get('m'))!;

    const flipped = raw.data.slice(0);
    new Uint8Array(flipped)[17] ^= 0x40;
    await db.weights.put({ ...raw, data: flipped });
    const e1 = await rejection(store.getModelWeights('m'));
    expect(e1).toBeInstanceOf(CorruptRecordError);
    expect((e1 as CorruptRecordError).kind).toBe('corrupt');
    expect((e1 as Error).message).toMatch(/weights of model "m" are damaged: checksum [0-9a-f]+ does not match/);

    await db.weights.put({ ...raw, data: raw.data.slice(0, 64) });
    expect(((await rejection(store.getModelWeights('m'))) as Error).message).toContain('64 bytes stored, 128 were saved');

    await db.weights.delete('m');
    const e3 = await rejection(store.getModelWeights('m'));
    expect(e3).toBeInstanceOf(CorruptRecordError);
    expect((e3 as Error).message).toContain('saved without its weights');

    const e4 = await rejection(store.getModelWeights('ghost'));
    expect(e4).toBeInstanceOf(RecordNotFoundError);
    expect((e4 as Error).message).toBe('No model with id "ghost" is saved in this browser.');
  });

  it('lists strictly, or reports unreadable records next to the readable ones', async () => {
    await store.saveModel(makeModel({ id: 'good', createdAt: 1 }), makeWeights());
    await db.models.put({ ...makeModel({ id: 'future', createdAt: 2 }), version: 3 } as never);

    const strictError = await rejection(store.listModels());
    expect(strictError).toBeInstanceOf(RestoreError);
    expect((strictError as Error).message).toContain('model "future" was saved by a newer Raceline (version 3); update the page');

    const report = await store.readModels();
    expect(report.records.map((m) => m.id)).toEqual(['good']);
    expect(report.unreadable.map((e) => e.recordId)).toEqual(['future']);
    expect(((await rejection(store.getModel('future'))) as RestoreError).field).toBe('version');
  });

  it('deleteModel removes the model, its weights and its evaluations, and nothing else', async () => {
    await store.saveModel(makeModel({ id: 'x' }), makeWeights());
    await store.saveModel(makeModel({ id: 'y' }), makeWeights());
    await store.addEvaluation(makeEvaluation('ex1', 'x', 1, [trial(0, 10)]));
    await store.addEvaluation(makeEvaluation('ex2', 'x', 2, [trial(0, 11)]));
    await store.addEvaluation(makeEvaluation('ey1', 'y', 3, [trial(0, 12)]));
    await store.putRun(makeRun({ id: 'r', modelId: 'x' }));

    expect(await store.deleteModel('x')).toBe(true);
    expect(await store.getModel('x')).toBeNull();
    expect(await db.weights.get('x')).toBeUndefined();
    expect(await store.listEvaluations('x')).toEqual([]);
    expect((await store.listEvaluations('y')).map((e) => e.id)).toEqual(['ey1']);
    expect(bytesOf(await store.getModelWeights('y'))).toEqual(bytesOf(makeWeights()));
    expect((await store.getRun('r'))?.modelId).toBe('x'); // run history stays
    expect(await store.deleteModel('x')).toBe(false);
  });
});

describe('runs', () => {
  it('updates a run in place and lists newest first', async () => {
    await store.putRun(makeRun({ id: 'r1', startedAt: 100 }));
    const point = { iteration: 1, elapsedS: 3, globalStep: 900, episodes: 20, meanReward: 4.5, meanProgress: 12, laps: 0, entropy: 2.2, approxKl: 0.01, sps: 300 };
    await store.putRun(makeRun({ id: 'r1', startedAt: 100, metrics: [point] }));
    const done = makeRun({ id: 'r1', startedAt: 100, status: 'completed', endedAt: 500, modelId: 'm', metrics: [point, { ...point, iteration: 2 }] });
    await store.putRun(done);
    expect(await store.getRun('r1')).toEqual(done);
    expect(await db.runs.count()).toBe(1);

    await store.putRun(makeRun({ id: 'r2', startedAt: 200, status: 'failed', error: 'reward_function line 3: NameError' }));
    expect((await store.listRuns()).map((r) => r.id)).toEqual(['r2', 'r1']);
    expect(await store.getRun('none')).toBeNull();
    expect(await rejection(store.putRun(makeRun({ status: 'exploded' as never })))).toBeInstanceOf(InvalidRecordError);
  });
});

describe('evaluations', () => {
  beforeEach(async () => {
    await store.saveModel(makeModel({ id: 'm' }), makeWeights());
  });

  it('lists a model evaluations newest first', async () => {
    await store.addEvaluation(makeEvaluation('e-old', 'm', 1000, [trial(0, 20)]));
    await store.addEvaluation(makeEvaluation('e-new', 'm', 3000, [trial(0, 18)]));
    await store.addEvaluation(makeEvaluation('e-mid', 'm', 2000, [trial(0, null)]));
    expect((await store.listEvaluations('m')).map((e) => e.id)).toEqual(['e-new', 'e-mid', 'e-old']);
    expect(await store.listEvaluations('other')).toEqual([]);
  });

  it('refuses an evaluation of an unsaved model or a repeated id', async () => {
    const e1 = await rejection(store.addEvaluation(makeEvaluation('e', 'ghost', 1, [trial(0, 9)])));
    expect(e1).toBeInstanceOf(RecordNotFoundError);
    await store.addEvaluation(makeEvaluation('e', 'm', 1, [trial(0, 9)]));
    const e2 = await rejection(store.addEvaluation(makeEvaluation('e', 'm', 2, [trial(0, 5)])));
    expect(e2).toBeInstanceOf(InvalidRecordError);
    expect((await store.listEvaluations('m'))[0].trials[0].lapTimeS).toBe(9);
  });

  it('derives the best evaluation: most laps, then lowest mean lap time, then progress', async () => {
    expect(await store.bestEvaluation('m')).toBeNull();
    await store.addEvaluation(makeEvaluation('fast-but-2-laps', 'm', 1, [trial(0, 9), trial(1, 9), trial(2, null, 90)]));
    await store.addEvaluation(makeEvaluation('3-laps-slow', 'm', 2, [trial(0, 15), trial(1, 15), trial(2, 15)]));
    await store.addEvaluation(makeEvaluation('3-laps-quick', 'm', 3, [trial(0, 13), trial(1, 13), trial(2, 13)]));
    await store.addEvaluation(makeEvaluation('0-laps', 'm', 4, [trial(0, null, 99)]));
    expect((await store.bestEvaluation('m'))?.id).toBe('3-laps-quick');

    await store.saveModel(makeModel({ id: 'n' }), makeWeights());
    await store.addEvaluation(makeEvaluation('n-40', 'n', 1, [trial(0, null, 40)]));
    await store.addEvaluation(makeEvaluation('n-60', 'n', 2, [trial(0, null, 60)]));
    await store.addEvaluation(makeEvaluation('n-60-later', 'n', 3, [trial(0, null, 60)]));
    expect((await store.bestEvaluation('n'))?.id).toBe('n-60'); // a full tie goes to the earlier one
  });
});

describe('unavailable storage', () => {
  it('maps a missing IndexedDB to StorageUnavailableError', async () => {
    const none = new RacelineStore(new RacelineDb(freshDbName(), { indexedDB: undefined as never, IDBKeyRange: undefined as never }));
    const error = await rejection(none.listModels());
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toBe(
      'Browser storage is unavailable (private window or blocked by settings): models cannot be kept in this session.',
    );
  });

  it('maps an IndexedDB that refuses to open (InvalidStateError) to StorageUnavailableError', async () => {
    const refusing = {
      open() {
        throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError');
      },
      cmp: indexedDB.cmp.bind(indexedDB),
    };
    const blocked = new RacelineStore(new RacelineDb(freshDbName(), { indexedDB: refusing as never, IDBKeyRange }));
    const error = await rejection(blocked.saveModel(makeModel(), makeWeights()));
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as StoreError).kind).toBe('unavailable');
  });
});
