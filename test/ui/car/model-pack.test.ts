/**
 * The page's packs of a saved model: read from IndexedDB (fake-indexeddb) and built without tfjs, they
 * are byte for byte the packs the CLI builds from the same model folder.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { fixtureSource } from '../../car/fixture';
import { freshDbName, makeModel } from '../../store/fixtures';
import { RacelineStore } from '../../../src/store/repository';
import { RacelineDb } from '../../../src/store/db';
import { buildPack } from '../../../src/car/pack-build';
import { parsePackBody } from '../../../src/car/pack';
import { fileStem, loadModelPacks, networkSpecForPack, onnxOfPack, shortName } from '../../../src/ui/car/model-pack';

describe('car packs of a stored model', () => {
  it('are the packs the CLI builds from the same weights, float32 and int8', async () => {
    const source = fixtureSource();
    const store = new RacelineStore(new RacelineDb(freshDbName()));
    const model = makeModel({ id: 'm-car', name: 'Fixture car', networkSpec: source.spec, actionSpace: source.actionSpace, sensor: 'TRACK_GEOMETRY' });
    await store.saveModel(model, source.weights.slice().buffer);
    const { packs } = await loadModelPacks(store, 'm-car');
    expect(packs.float32).toEqual(await buildPack(source, { name: 'Fixture car' }));
    expect(packs.int8).toEqual(await buildPack(source, { name: 'Fixture car', weightType: 'int8' }));
    expect(parsePackBody(packs.int8).weightType).toBe('int8');
    expect(onnxOfPack(packs.float32).length).toBeGreaterThan(packs.float32.length * 0.9);
    await expect(loadModelPacks(store, 'gone')).rejects.toThrow('That model is no longer stored.');
    store.close();
  });

  it('refuses networks a pack cannot hold, naming the model, and takes camera and LiDAR networks', () => {
    const spec = fixtureSource().spec;
    expect(networkSpecForPack({ name: 'ok', networkSpec: spec })).toEqual(spec);
    expect(() => networkSpecForPack({ name: 'Old', networkSpec: { kind: 'mlp' } })).toThrow(/^Model "Old" cannot be put on a car: network: expected a spec of type 'raceline\/actor-critic-mlp'/);
    const camera = { ...spec, version: 2, observationSize: 120 * 160, embedder: { image: { height: 120, width: 160, channels: 1, convs: [{ filters: 32, kernel: 8, stride: 4 }], dense: [] }, vectorSize: 0, vectorDense: [] } };
    expect(networkSpecForPack({ name: 'Cam', networkSpec: camera }).embedder?.image?.convs).toHaveLength(1); // camera and LiDAR networks have packs now
    expect(() => networkSpecForPack({ name: 'Bad', networkSpec: { ...camera, observationSize: 5 } })).toThrow(/^Model "Bad" cannot be put on a car: network: observationSize 5 does not match the embedder's inputs/);
  });

  it('cuts names for the pack (60 bytes of UTF-8, whole characters) and for files', () => {
    expect(shortName('  ')).toBe('model');
    const long = 'é'.repeat(40); // 80 bytes
    expect(new TextEncoder().encode(shortName(long)).length).toBe(60);
    expect(shortName('🏎️'.repeat(20))).not.toMatch(/\uFFFD/);
    expect(fileStem('re:Invent 2018 22/11/2026, 03:48')).toBe('re-Invent-2018-22-11-2026-03-48');
    expect(fileStem('***')).toBe('model');
  });
});
