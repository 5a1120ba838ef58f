/**
 * Node only: reads a saved model folder (docs/file-formats.md) into a `PackSource`, and the inputs
 * the conformance and fault tools use (packs of the fixture model, recorded observations).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packSourceFromSavedModel } from '../pack-source';
import { buildPack, type PackSource } from '../pack-build';
import { parsePackBody } from '../pack';
import { recordObservations } from '../observation-recorder';
import { loadTrack } from '../../track/node/track-files';
import type { ConformanceInput } from '../conformance';

/** @throws Error naming the missing file, or the format error of a malformed one. */
export function loadPackSource(dir: string): PackSource {
  const read = (name: string) => {
    const p = join(dir, name);
    if (!existsSync(p)) throw new Error(`${dir} is not a Raceline model folder: ${name} is missing`);
    return readFileSync(p);
  };
  return packSourceFromSavedModel(JSON.parse(read('model.json').toString('utf8')), new Uint8Array(read('weights.bin')), JSON.parse(read('model_metadata.json').toString('utf8')));
}

/** The track a model folder was trained on (`raceline.json`), default reinvent_base. */
export function modelTrackName(dir: string): string {
  const p = join(dir, 'raceline.json');
  return existsSync(p) ? String(JSON.parse(readFileSync(p, 'utf8')).track ?? 'reinvent_base') : 'reinvent_base';
}

/**
 * Packs of one model (float32, int8, and a float32 copy under another name, hence another hash) and
 * `count` observations recorded by driving the float32 pack on the model's track.
 */
export async function conformanceInputFor(dir: string, count = 600, seed = 1): Promise<ConformanceInput & { source: PackSource }> {
  const source = loadPackSource(dir);
  const float32 = await buildPack(source, { name: 'conformance float32' });
  const int8 = await buildPack(source, { name: 'conformance int8', weightType: 'int8' });
  const other = await buildPack(source, { name: 'conformance resume' });
  const observations = recordObservations({ track: loadTrack(modelTrackName(dir)), actionSpace: source.actionSpace, pack: parsePackBody(float32), count, seed });
  return { source, float32, int8, other, observations };
}
