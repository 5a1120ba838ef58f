import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Table } from 'dexie';
import { RacelineDb, RacelineDbV1 } from '../../src/store/db';
import { RacelineStore } from '../../src/store/repository';
import { CheckpointStore } from '../../src/store/checkpoint-repository';
import { makeWeightsRecord } from '../../src/store/records';
import { freshDbName, makeEvaluation, makeModel, makeModelV1, makeRun, makeWeights, trial } from './fixtures';

const bytesOf = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer));
const names: string[] = [];

afterEach(async () => {
  for (const name of names.splice(0)) await new RacelineDb(name).delete();
});

describe('schema version 1 to 2', () => {
  it('opens a database written by schema version 1 and finds every model, its weights and evaluations intact', async () => {
    const name = freshDbName();
    names.push(name);
    // Write the database as Raceline did before schema 2: schema v1 tables, version-1 records.
    const old = new RacelineDbV1(name);
    const models = Array.from({ length: 5 }, (_, i) =>
      makeModelV1({ id: `m${i}`, name: `Car ${i}`, createdAt: 1000 + i, parentId: i === 3 ? 'm1' : null, notes: i === 2 ? 'fast one' : '' }),
    );
    const weights = models.map((_, i) => makeWeights(100 + i * 37, i));
    const { bestPath: _, ...evaluationV2 } = makeEvaluation('e2', 'm2', 2000, [trial(0, 12.5), trial(1, 13.5)]);
    const table = (n: string): Table<object, string> => old.table(n);
    for (let i = 0; i < models.length; i++) {
      await table('models').add(models[i]);
      await table('weights').add(makeWeightsRecord(models[i].id as string, weights[i]));
    }
    await table('evaluations').add({ ...evaluationV2, version: 1 });
    await table('runs').add(makeRun({ id: 'r-old', status: 'completed', endedAt: 5, modelId: 'm0' }));
    expect(old.verno).toBe(1);
    old.close();

    // Open it with the current code.
    const db = new RacelineDb(name);
    const store = new RacelineStore(db);
    const listed = await store.listModels();
    expect(db.verno).toBe(2);
    expect(listed.map((m) => m.id)).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
    for (let i = 0; i < models.length; i++) {
      const model = listed.find((m) => m.id === `m${i}`)!;
      const { version: _v, ...v1Fields } = models[i];
      expect(model).toMatchObject(v1Fields);
      expect(model.version).toBe(2);
      expect(model.origin).toBe(i === 3 ? 'clone' : 'trained');
      expect(bytesOf(await store.getModelWeights(`m${i}`))).toEqual(bytesOf(weights[i]));
    }
    const garage = await store.readGarage();
    expect(garage.unreadable).toEqual([]);
    const m2 = garage.records.find((e) => e.model.id === 'm2')!;
    expect([m2.name, m2.notes, m2.best?.id, m2.best?.bestPath, m2.best?.summary.completed]).toEqual(['Car 2', 'fast one', 'e2', null, 2]);
    expect((await store.getRun('r-old'))?.modelId).toBe('m0');

    // The new tables work, and the old records are migrated on read only (never rewritten).
    await store.labelModel('m0', 'Renamed', 'after the upgrade');
    expect((await store.readGarage()).records.find((e) => e.model.id === 'm0')?.name).toBe('Renamed');
    expect((await new CheckpointStore(db).resumable()).records).toEqual([]);
    expect((await db.models.get('m1'))?.version).toBe(1);
    // A model saved now is version 2 beside the old ones.
    await store.saveModel(makeModel({ id: 'new', createdAt: 9999 }), makeWeights(8));
    expect((await store.listModels()).map((m) => m.version)).toEqual([2, 2, 2, 2, 2, 2]);
    db.close();
  });
});
