import { createHash } from 'node:crypto';
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportModelZip, importModelZip } from '../../src/share/model-zip';
import { fromModelFiles, toModelFiles } from '../../src/share/model-package';
import { crc32 } from '../../src/share/zip-reader';
import { squareTrackData } from '../helpers/tracks';
import { continuousPackage, fixtureFiles, sameBytes, shareError, simTraceCsv, smallPackage } from './fixtures';

const DATE = new Date('2026-11-22T12:00:00Z');
const json = (b: Uint8Array): Record<string, unknown> => JSON.parse(new TextDecoder().decode(b));

/** A zip of the given files, as any zip tool would make it. */
const zipOf = (files: Record<string, Uint8Array>): Uint8Array => zipSync(Object.fromEntries(Object.entries(files)) as Zippable, { mtime: DATE });

/** The files of an exported zip, read by fflate (an independent reader). */
const unzip = (zip: Uint8Array): Record<string, Uint8Array> => unzipSync(zip);

describe('export and import', () => {
  it('a zip made from the fixture folder round-trips the weights byte for byte', async () => {
    const folder = fixtureFiles();
    const pkg = await fromModelFiles(folder);
    const zip = await exportModelZip(pkg, { date: DATE });
    const back = await importModelZip(zip);
    expect(back).toEqual(pkg);
    expect(sameBytes(back.weights, folder['weights.bin'])).toBe(true);
    const inside = unzip(zip);
    expect(sameBytes(inside['weights.bin'], folder['weights.bin'])).toBe(true);
    expect(inside['reward_function.js']).toEqual(folder['reward_function.js']);
    expect(json(inside['model_metadata.json'])).toEqual(json(folder['model_metadata.json']));
    expect(json(inside['hyperparameters.json'])).toEqual(json(folder['hyperparameters.json']));
    expect(json(inside['model.json'])).toEqual(json(folder['model.json']));
  });

  it('round trips packages with logs, a custom track, Python and JavaScript rewards, continuous actions', async () => {
    const logs = { training: [{ iteration: 0, csv: simTraceCsv(30) }, { iteration: 1, csv: simTraceCsv(12, 20) }], evaluation: [{ iteration: 0, csv: simTraceCsv(9) }] };
    for (const pkg of [smallPackage({ logs }), smallPackage({ track: squareTrackData() }), continuousPackage()]) {
      const back = await importModelZip(await exportModelZip(pkg, { date: DATE }));
      expect(back).toEqual(pkg);
      expect(sameBytes(back.weights, pkg.weights)).toBe(true);
    }
  });

  it('lays the zip out as the docs say: raceline.json first, DeepRacer files, tfjs weights, sim-trace logs', async () => {
    const pkg = smallPackage({ logs: { training: [{ iteration: 4, csv: simTraceCsv(3) }], evaluation: [{ iteration: 0, csv: simTraceCsv(3) }] } });
    const zip = await exportModelZip(pkg, { date: DATE });
    const inside = unzip(zip);
    expect(Object.keys(inside)).toEqual([
      'raceline.json', 'model.json', 'weights.bin', 'model_metadata.json', 'hyperparameters.json', 'reward_function.py',
      'logs/training/4-iteration.csv', 'logs/evaluation/0-iteration.csv',
    ]);
    const manifest = json(inside['raceline.json']);
    expect(manifest).toMatchObject({ format: 'raceline-model', version: 1, track: 'reinvent_base', seed: 7, evaluationSeed: 7 });
    expect((manifest.weights as { sha256: string }).sha256).toBe(createHash('sha256').update(inside['weights.bin']).digest('hex'));
    expect(new TextDecoder().decode(inside['logs/training/4-iteration.csv']).split('\n')[0]).toBe(
      'episode,steps,X,Y,yaw,steer,throttle,action,reward,done,all_wheels_on_track,progress,closest_waypoint,track_len,tstamp,episode_status,pause_duration',
    );
    expect(await exportModelZip(pkg, { date: DATE })).toEqual(zip); // same model, same date: same bytes
  });

  it('imports a zip of the folder made by a file manager (one folder inside, macOS litter)', async () => {
    const files = await toModelFiles(smallPackage());
    const wrapped: Record<string, Uint8Array> = { '__MACOSX/my-model/._raceline.json': new Uint8Array(4), 'my-model/.DS_Store': new Uint8Array(3) };
    for (const [name, data] of Object.entries(files)) wrapped[`my-model/${name}`] = data;
    expect(await importModelZip(zipOf(wrapped))).toEqual(smallPackage());
  });

  it('refuses to export a package that would not import', async () => {
    const e = await shareError(exportModelZip(smallPackage({ track: 'my_garden' })));
    expect(e.kind).toBe('unknown-track');
  });
});

describe('bad zips', () => {
  const good = async () => toModelFiles(smallPackage());

  it('not a zip', async () => {
    const e = await shareError(importModelZip(strToU8('{"format": "raceline-model"}')));
    expect(e.kind).toBe('not-a-zip');
    expect(e.message).toBe('The zip: it is not a zip file; choose the .zip that Raceline exported (Export model)');
  });

  it('truncated, wherever it is cut', async () => {
    const zip = await exportModelZip(smallPackage(), { date: DATE });
    for (const keep of [zip.length - 1, zip.length - 30, Math.floor(zip.length / 2), 100]) {
      const e = await shareError(importModelZip(zip.slice(0, keep)));
      expect(e.kind, `cut at ${keep}`).toBe('truncated');
      expect(e.message).toMatch(/cut short/);
    }
  });

  it('too large: the file, the entry count, and the declared sizes before anything is inflated (a zip bomb)', async () => {
    const zip = await exportModelZip(smallPackage(), { date: DATE });
    const file = await shareError(importModelZip(zip, { limits: { maxZipBytes: 1000 } }));
    expect(file.kind).toBe('too-large');
    expect(file.message).toMatch(/^The zip is [\d.]+ KiB; Raceline imports model zips of at most 1000 bytes\. Export the model again without its logs$/);
    expect((await shareError(importModelZip(zip, { limits: { maxEntries: 3 } }))).kind).toBe('too-large');
    // 2 MiB of log that deflates to a few KB: refused from the directory's declared size.
    const files = await good();
    const big = new Uint8Array(2 * 1024 * 1024).fill(48);
    const bomb = zipOf({ ...files, 'logs/training/0-iteration.csv': big });
    expect(bomb.length).toBeLessThan(20_000);
    const e = await shareError(importModelZip(bomb, { limits: { maxUncompressedBytes: 1024 * 1024 } }));
    expect(e.kind).toBe('too-large');
    expect(e.message).toMatch(/the model's files add up to 2\.\d MiB uncompressed; Raceline imports at most 1\.0 MiB\. Export the model again without its logs/);
  });

  it('checks entries with the standard CRC-32', () => {
    expect(crc32(strToU8('123456789'))).toBe(0xcbf43926); // the check value of CRC-32/ISO-HDLC
  });

  it('an entry that lies about its size cannot grow past it: its CRC fails', async () => {
    const zip = zipOf(await good());
    // Shrink weights.bin's declared size in the central directory: inflation stops there, the CRC does not match.
    const at = findCentral(zip, 'weights.bin');
    const view = new DataView(zip.buffer);
    view.setUint32(at + 24, view.getUint32(at + 24, true) - 8, true);
    const e = await shareError(importModelZip(zip));
    expect(e).toMatchObject({ kind: 'corrupt', file: 'weights.bin' });
    expect(e.message).toMatch(/weights\.bin is damaged \(its CRC-32 does not match\)/);
  });

  it('damaged data: bad CRC of a stored file', async () => {
    const files = await good();
    const zip = zipSync({ ...Object.fromEntries(Object.entries(files)), 'reward_function.py': [files['reward_function.py'], { level: 0 }] } as Zippable);
    const at = findLocalData(zip, 'reward_function.py');
    zip[at + 5] ^= 0x20; // one letter of the reward code changes case
    expect(await shareError(importModelZip(zip))).toMatchObject({ kind: 'corrupt', file: 'reward_function.py' });
  });

  it('unknown format: another zip, a DeepRacer model export', async () => {
    expect((await shareError(importModelZip(zipOf({ 'README.md': strToU8('# hi') })))).kind).toBe('unknown-format');
    const deepracer = zipOf({ 'model/model_metadata.json': strToU8('{}'), 'model_metadata.json': strToU8('{}'), 'model/model.pb': new Uint8Array(10) });
    const e = await shareError(importModelZip(deepracer));
    expect(e.kind).toBe('unknown-format');
    expect(e.message).toMatch(/DeepRacer model/);
  });

  it('newer version: "made by a newer Raceline; update"', async () => {
    const files = await good();
    files['raceline.json'] = strToU8(JSON.stringify({ ...json(files['raceline.json']), version: 3 }));
    const e = await shareError(importModelZip(zipOf(files)));
    expect(e.kind).toBe('newer-version');
    expect(e.message).toMatch(/^The zip: it was made by a newer Raceline \(model format version 3; this one reads up to 1\); update Raceline/);
  });

  it('missing files are named', async () => {
    const files = await good();
    delete files['model.json'];
    delete files['hyperparameters.json'];
    const e = await shareError(importModelZip(zipOf(files)));
    expect(e.kind).toBe('missing-file');
    expect(e.message).toMatch(/model\.json, hyperparameters\.json are missing/);
  });

  it('inconsistent shapes: weights.bin one value short (checksum updated to match)', async () => {
    const files = await good();
    files['weights.bin'] = files['weights.bin'].slice(0, -4);
    const manifest = json(files['raceline.json']);
    (manifest.weights as { sha256: string }).sha256 = createHash('sha256').update(files['weights.bin']).digest('hex');
    files['raceline.json'] = strToU8(JSON.stringify(manifest));
    const e = await shareError(importModelZip(zipOf(files)));
    expect(e).toMatchObject({ kind: 'inconsistent', file: 'weights.bin' });
    expect(e.message).toMatch(/the weights hold 403 values but the network \(22 inputs, hidden 8, 3 discrete actions\) needs 404/);
  });

  it('checksum mismatch: weights.bin changed after export', async () => {
    const files = await good();
    files['weights.bin'] = new Uint8Array(files['weights.bin']);
    files['weights.bin'][0] ^= 1;
    const e = await shareError(importModelZip(zipOf(files)));
    expect(e.kind).toBe('checksum');
    expect(e.message).toMatch(/weights\.bin does not match the SHA-256 in raceline\.json/);
  });

  it('unknown track name', async () => {
    const files = await good();
    files['raceline.json'] = strToU8(JSON.stringify({ ...json(files['raceline.json']), track: 'Monaco' }));
    expect(await shareError(importModelZip(zipOf(files)))).toMatchObject({ kind: 'unknown-track' });
  });

  it('two copies of a file', async () => {
    const files = await good();
    const zip = zipOf({ ...files, 'copy/raceline.json': files['raceline.json'] });
    expect(await importModelZip(zip)).toEqual(smallPackage()); // a second folder is ignored: the root copy counts
    const twice = concatZips(zipOf(files), 'weights.bin');
    expect(await shareError(importModelZip(twice))).toMatchObject({ kind: 'invalid', file: 'weights.bin' });
  });
});

/** Offset of `name`'s central directory record. */
function findCentral(zip: Uint8Array, name: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset);
  for (let at = 0; at + 46 < zip.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const n = view.getUint16(at + 28, true);
    if (new TextDecoder().decode(zip.subarray(at + 46, at + 46 + n)) === name) return at;
  }
  throw new Error(`${name} not in the central directory`);
}

/** Offset of `name`'s data. */
function findLocalData(zip: Uint8Array, name: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset);
  const local = view.getUint32(findCentral(zip, name) + 42, true);
  return local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
}

/** The zip with a second central-directory record for `name` (same data): a zip listing a file twice. */
function concatZips(zip: Uint8Array, name: string): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset);
  const central = findCentral(zip, name);
  const record = zip.slice(central, central + 46 + view.getUint16(central + 28, true) + view.getUint16(central + 30, true) + view.getUint16(central + 32, true));
  let eocd = zip.length - 22;
  while (view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const cdOffset = view.getUint32(eocd + 16, true);
  const out = new Uint8Array(zip.length + record.length);
  out.set(zip.subarray(0, eocd));
  out.set(record, eocd);
  out.set(zip.subarray(eocd), eocd + record.length);
  const o = new DataView(out.buffer);
  const end = eocd + record.length;
  o.setUint16(end + 8, o.getUint16(end + 8, true) + 1, true);
  o.setUint16(end + 10, o.getUint16(end + 10, true) + 1, true);
  o.setUint32(end + 12, o.getUint32(end + 12, true) + record.length, true);
  o.setUint32(end + 16, cdOffset, true);
  return out;
}
