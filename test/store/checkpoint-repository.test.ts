import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RacelineDb } from '../../src/store/db';
import { RacelineStore } from '../../src/store/repository';
import { CHECKPOINTS_KEPT, CheckpointStore } from '../../src/store/checkpoint-repository';
import { makeCheckpointRecord } from '../../src/store/garage-records';
import { CorruptRecordError, InvalidRecordError, StorageFullError } from '../../src/store/errors';
import type { IterationPoint } from '../../src/rl/training-types';
import { failWritesOn, freshDbName, makeRun } from './fixtures';

const point = (iteration: number): IterationPoint => ({
  iteration, elapsedS: iteration * 2, globalStep: iteration * 1000, episodes: 20, meanReward: iteration, meanProgress: 10 * iteration, laps: 0, entropy: 2, approxKl: 0.01, sps: 500,
});

/** A checkpoint of `runId` after `iteration` iterations, weights [n] distinct per iteration. */
function checkpoint(runId: string, iteration: number, n = 64) {
  const weights = Float32Array.from({ length: n }, (_, i) => Math.cos(i + iteration));
  return makeCheckpointRecord(
    {
      id: `cp-${runId}-${iteration}`, runId, createdAt: 1000 + iteration, iteration, networkSpec: { kind: 'test' },
      points: Array.from({ length: iteration }, (_, i) => point(i + 1)), trainingSeconds: iteration * 2, envSteps: iteration * 1000, bestProgress: 5 * iteration, evaluation: null,
    },
    weights,
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

let db: RacelineDb;
let store: RacelineStore;
let checkpoints: CheckpointStore;

beforeEach(() => {
  db = new RacelineDb(freshDbName());
  store = new RacelineStore(db);
  checkpoints = new CheckpointStore(db);
});

afterEach(async () => {
  await db.delete();
});

describe('checkpoints', () => {
  it('keeps the newest checkpoints of a run, each written once, with the charts and the weights', async () => {
    await store.putRun(makeRun({ id: 'r' }));
    for (let k = 1; k <= 5; k++) await checkpoints.add(checkpoint('r', k));
    await checkpoints.add(checkpoint('other', 1));
    expect((await db.checkpoints.where('runId').equals('r').toArray()).map((c) => c.iteration).sort()).toEqual([4, 5]);
    expect(CHECKPOINTS_KEPT).toBe(2);
    const latest = await checkpoints.latest('r');
    expect(latest?.iteration).toBe(5);
    expect(latest?.points.map((p) => p.iteration)).toEqual([1, 2, 3, 4, 5]);
    expect(new Float32Array(latest!.data)).toEqual(Float32Array.from({ length: 64 }, (_, i) => Math.cos(i + 5)));
    expect(await checkpoints.latest('none')).toBeNull();

    // Immutable: the same id again is refused and the stored one is unchanged.
    const again = await rejection(checkpoints.add({ ...checkpoint('r', 5, 8), points: [] }));
    expect(again).toBeInstanceOf(InvalidRecordError);
    expect((await checkpoints.latest('r'))?.points).toHaveLength(5);
  });

  it('falls back to the previous checkpoint when the newest is damaged, and says so when all are', async () => {
    await checkpoints.add(checkpoint('r', 1));
    await checkpoints.add(checkpoint('r', 2));
    const raw = (await db.checkpoints.get('cp-r-2'))!;
    new Uint8Array(raw.data)[3] ^= 0xff;
    await db.checkpoints.put(raw); // damage on disk, written behind the store's back
    expect((await checkpoints.latest('r'))?.iteration).toBe(1);
    const first = (await db.checkpoints.get('cp-r-1'))!;
    await db.checkpoints.put({ ...first, data: first.data.slice(0, 8) });
    const error = await rejection(checkpoints.latest('r'));
    expect(error).toBeInstanceOf(CorruptRecordError);
    expect((error as Error).message).toMatch(/Every checkpoint of this training run is damaged \(iteration 2: checksum .*; iteration 1: 8 bytes stored, 256 were saved\)/);
  });

  it('finds interrupted runs with a checkpoint, leaves out finished, live and checkpoint-less ones', async () => {
    await store.putRun(makeRun({ id: 'closed-tab', startedAt: 10, status: 'running' }));
    await store.putRun(makeRun({ id: 'paused', startedAt: 20, status: 'paused' }));
    await store.putRun(makeRun({ id: 'done', startedAt: 30, status: 'completed', endedAt: 40, modelId: 'm' }));
    await store.putRun(makeRun({ id: 'no-checkpoint', startedAt: 50, status: 'running' }));
    await store.putRun(makeRun({ id: 'other-tab', startedAt: 60, status: 'running' }));
    for (const id of ['closed-tab', 'paused', 'done', 'other-tab']) await checkpoints.add(checkpoint(id, 3));
    await checkpoints.add(checkpoint('closed-tab', 4));

    const { records, unreadable } = await checkpoints.resumable(new Set(['other-tab']));
    expect(unreadable).toEqual([]);
    expect(records.map((r) => [r.run.id, r.checkpoint.iteration])).toEqual([['paused', 3], ['closed-tab', 4]]);
    expect(records[1].checkpoint).toEqual({ id: 'cp-closed-tab-4', iteration: 4, createdAt: 1004, trainingSeconds: 8, envSteps: 4000, bestProgress: 20 });

    // Checkpoints of ended runs are swept; discarding a run's checkpoints removes them all.
    expect(await checkpoints.sweep()).toBe(1);
    expect(await checkpoints.discard('closed-tab')).toBe(2);
    expect((await checkpoints.resumable(new Set(['other-tab']))).records.map((r) => r.run.id)).toEqual(['paused']);
  });

  it('on a full disk refuses the new checkpoint with a clear message and keeps the earlier ones intact', async () => {
    const quota = failWritesOn(db, 'checkpoints');
    await checkpoints.add(checkpoint('r', 1));
    await checkpoints.add(checkpoint('r', 2));
    quota.fail = true;
    const error = await rejection(checkpoints.add(checkpoint('r', 3)));
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as Error).message).toBe(
      'Browser storage is full: the checkpoint was not saved. Delete old models or free disk space; everything saved before is intact.',
    );
    quota.fail = false;
    const latest = await checkpoints.latest('r');
    expect(latest?.iteration).toBe(2);
    expect(latest?.points).toHaveLength(2);
    expect((await db.checkpoints.count())).toBe(2);
  });

  it('makeCheckpointRecord copies the weights and refuses an iteration that is not its last point', () => {
    const w = new Float32Array([1, 2, 3]);
    const c = makeCheckpointRecord({ id: 'c', runId: 'r', createdAt: 1, iteration: 1, networkSpec: {}, points: [point(1)], trainingSeconds: 1, envSteps: 1, bestProgress: 0, evaluation: null }, w);
    w[0] = 99;
    expect(new Float32Array(c.data)).toEqual(new Float32Array([1, 2, 3]));
    expect(c.byteLength).toBe(12);
    expect(() => makeCheckpointRecord({ ...c, iteration: 2 }, w)).toThrow(/iteration 2 but its last point is iteration 1/);
  });
});
