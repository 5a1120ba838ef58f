import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RacelineDb } from '../../src/store/db';
import { RacelineStore } from '../../src/store/repository';
import { TrackStore, uniqueTrackName } from '../../src/store/track-repository';
import { InvalidRecordError, RecordNotFoundError, StorageFullError } from '../../src/store/errors';
import { modelFromPackage, packageFromModel } from '../../src/store/package-mapping';
import { exportModelZip, importModelZip } from '../../src/share/model-zip';
import { fromModelFiles } from '../../src/share/model-package';
import { trackDataFromNpy } from '../../src/track/npy';
import { SHIPPED_TRACK_NAMES } from '../../src/share/shipped-tracks';
import { fixtureFiles, sameBytes, simTraceCsv, smallPackage } from '../share/fixtures';
import { failWritesOn, freshDbName, makeEvaluation, makeModel, makeWeights, trial } from './fixtures';

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

beforeEach(() => {
  db = new RacelineDb(freshDbName());
  store = new RacelineStore(db);
});

afterEach(async () => {
  await db.delete();
});

describe('garage', () => {
  it('renames and annotates with labels, never changing the model, and lists current names with best evaluations', async () => {
    await store.saveModel(makeModel({ id: 'a', name: 'First', createdAt: 1 }), makeWeights());
    await store.saveModel(makeModel({ id: 'b', name: 'Second', createdAt: 2, parentId: 'a', parentName: 'First', origin: 'clone' }), makeWeights());
    await store.addEvaluation(makeEvaluation('ea1', 'a', 10, [trial(0, 20)]));
    await store.addEvaluation(makeEvaluation('ea2', 'a', 11, [trial(0, 18)]));
    await store.labelModel('a', '  Quick one ', 'stays left');
    await store.labelModel('a', 'Quickest', 'stays left, brakes late');

    const garage = await store.readGarage();
    expect(garage.records.map((e) => [e.model.id, e.name, e.notes, e.best?.id ?? null])).toEqual([
      ['b', 'Second', '', null],
      ['a', 'Quickest', 'stays left, brakes late', 'ea2'],
    ]);
    expect((await store.getModel('a'))?.name).toBe('First'); // the model record is never rewritten
    expect((await store.currentLabel('a'))?.name).toBe('Quickest');
    expect(await store.currentLabel('b')).toBeNull();

    expect(await rejection(store.labelModel('a', '   ', ''))).toBeInstanceOf(InvalidRecordError);
    expect(await rejection(store.labelModel('ghost', 'x', ''))).toBeInstanceOf(RecordNotFoundError);

    // Deleting a parent removes its labels and evaluations; the clone keeps its lineage by name.
    expect(await store.deleteModel('a')).toBe(true);
    expect(await db.labels.count()).toBe(0);
    const after = await store.readGarage();
    expect(after.records.map((e) => [e.model.id, e.model.parentId, e.model.parentName])).toEqual([['b', 'a', 'First']]);
  });

  it('orders two renames made in the same millisecond by the order they were made', async () => {
    await store.saveModel(makeModel({ id: 'a', name: 'First', createdAt: 1 }), makeWeights());
    const clock = vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    try {
      for (const name of ['One', 'Two', 'Three']) await store.labelModel('a', name, '');
    } finally {
      clock.mockRestore();
    }
    expect((await store.currentLabel('a'))?.name).toBe('Three');
    expect((await store.readGarage()).records[0].name).toBe('Three');
  });

  it('keeps extras with the model in one transaction and deletes them with it', async () => {
    const quota = failWritesOn(db, 'attachments'); // middleware goes in before the database opens
    const extras = { history: [{ iteration: 1, meanReward: 3 }], logs: { training: [{ iteration: 0, csv: simTraceCsv(3) }], evaluation: [] } };
    await store.saveModel(makeModel({ id: 'x' }), makeWeights(), extras);
    expect(await store.getModelExtras('x')).toEqual(extras);
    expect(await store.getModelExtras('none')).toEqual({ history: [], logs: { training: [], evaluation: [] } });

    // Quota: the attachment write fails, so neither model nor weights are kept.
    quota.fail = true;
    const error = await rejection(store.saveModel(makeModel({ id: 'y' }), makeWeights(), extras));
    expect(error).toBeInstanceOf(StorageFullError);
    expect(await store.getModel('y')).toBeNull();
    expect(await db.weights.get('y')).toBeUndefined();
    quota.fail = false;

    await store.deleteModel('x');
    expect(await db.attachments.count()).toBe(0);
  });
});

describe('imported tracks', () => {
  it('keeps a .npy track under a name that never hides a shipped track', async () => {
    const bytes = new Uint8Array(readFileSync(join(__dirname, '../fixtures/tracks-npy/Oval_track.npy')));
    const tracks = new TrackStore(db);
    const taken = [...SHIPPED_TRACK_NAMES];
    const data = trackDataFromNpy(bytes, 'Oval_track.npy');
    const name = uniqueTrackName(data.name, taken);
    expect(name).toBe('Oval_track_2');
    const saved = await tracks.add({ ...data, name, displayName: `${data.displayName} (imported)` });
    const listed = await tracks.list();
    expect(listed.unreadable).toEqual([]);
    expect(listed.records).toEqual([saved]);
    expect(listed.records[0].data.waypoints).toEqual(data.waypoints);
    expect(uniqueTrackName('mine', ['mine', 'mine_2'])).toBe('mine_3');
    expect(await rejection(tracks.add({ ...data, waypoints: [] }))).toBeInstanceOf(InvalidRecordError);
    expect(await tracks.delete(saved.id)).toBe(true);
    expect((await tracks.list()).records).toEqual([]);
  });
});

describe('models and packages', () => {
  it('a saved model exports to a zip that imports back with byte-identical weights and the same claim', async () => {
    const pkg = await fromModelFiles(fixtureFiles());
    const { model, weights, extras } = modelFromPackage(pkg, 'zip', 'model-fixture', 1234);
    await store.saveModel(model, weights, extras);
    await store.addEvaluation({ ...makeEvaluation('ev', 'model-fixture', 2000, [trial(0, 31.2), trial(1, 30.8), trial(2, null, 77)]), seed: 42 });
    const [entry] = (await store.readGarage()).records;

    const out = packageFromModel(entry, new Float32Array(await store.getModelWeights('model-fixture')), entry.best, await store.getModelExtras('model-fixture'));
    const back = await importModelZip(await exportModelZip(out));
    expect(sameBytes(back.weights, pkg.weights)).toBe(true);
    expect(back.evaluation).toEqual({ seed: 42, trials: [
      { progress: 100, lapTimeS: 31.2, steps: 300, status: 'lap_complete' },
      { progress: 100, lapTimeS: 30.8, steps: 300, status: 'lap_complete' },
      { progress: 77, lapTimeS: null, steps: 300, status: 'off_track' },
    ] });
    expect(back.history).toEqual(pkg.history);
    expect([back.name, back.track, back.ppo, back.reward]).toEqual([pkg.name, pkg.track, pkg.ppo, pkg.reward]);

    // And into the store again: the same model record, but for id, time and origin.
    const again = modelFromPackage(back, 'zip', 'model-again', 1234);
    expect({ ...again.model, id: 'model-fixture', claim: model.claim, bestEvaluation: model.bestEvaluation }).toEqual(model);
    expect(again.model.claim?.seed).toBe(42);
  });

  it('maps lineage, custom tracks and the claim between records and packages', () => {
    const pkg = smallPackage();
    const { model } = modelFromPackage(pkg, 'link', 'm-link', 5);
    expect([model.origin, model.parentId, model.parentName, model.track, model.trackData]).toEqual(['link', pkg.parent!.id, 'First try', 'reinvent_base', null]);
    expect(model.claim).toEqual(pkg.evaluation);
    expect(model.bestEvaluation).toEqual({ completed: 1, trials: 2, meanLapTimeS: 31.2, meanProgress: 71.25 });
    const round = packageFromModel({ model, name: model.name, notes: model.notes }, pkg.weights, null, { history: [], logs: { training: [], evaluation: [] } });
    expect(round).toEqual(pkg);
  });
});

describe('best evaluation', () => {
  it('on equal results prefers the evaluation with a recorded path (the thumbnail), then the earlier one', async () => {
    await store.saveModel(makeModel({ id: 'm' }), makeWeights());
    const trials = [trial(0, 20), trial(1, 20)];
    await store.addEvaluation(makeEvaluation('during-training', 'm', 1, trials));
    await store.addEvaluation({ ...makeEvaluation('after-save', 'm', 2, trials), bestPath: [0, 0, 1, 1] });
    await store.addEvaluation({ ...makeEvaluation('later', 'm', 3, trials), bestPath: [0, 0, 2, 2] });
    expect((await store.bestEvaluation('m'))?.id).toBe('after-save');
    expect((await store.readGarage()).records[0].best?.id).toBe('after-save');
  });
});
