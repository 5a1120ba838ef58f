/**
 * Reads a model folder written by `saveModel` (or `npm run train`) in Node: the network from
 * `model.json` + `weights.bin`, the action space from `model_metadata.json`, and the manifest.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { networkFromModelJson } from '../rl/networks';
import { ActorCritic } from '../rl/policy';
import { actionSpaceFromMetadata, type ModelMetadata } from '../rl/model-metadata';
import type { ActionSpace } from '../sim/action-space';

export interface LoadedModel {
  policy: ActorCritic;
  actionSpace: ActionSpace;
  metadata: ModelMetadata;
  /** `raceline.json`: format, version, track, seed, PPO config, evaluation. */
  manifest: { format: string; version: number; track: string; seed: number; [k: string]: unknown };
}

/**
 * @param dir a model folder. @throws Error naming the missing or malformed file.
 */
export function loadModel(dir: string): LoadedModel {
  const read = (name: string): string => {
    const p = join(dir, name);
    if (!existsSync(p)) throw new Error(`${dir} is not a Raceline model folder: ${name} is missing`);
    return readFileSync(p, 'utf8');
  };
  const parse = (name: string): unknown => {
    try {
      return JSON.parse(read(name));
    } catch (e) {
      if ((e as Error).message.includes('is missing')) throw e;
      throw new Error(`${join(dir, name)} is not valid JSON: ${(e as Error).message}`);
    }
  };
  const manifest = parse('raceline.json') as LoadedModel['manifest'];
  if (manifest.format !== 'raceline-model') throw new Error(`${join(dir, 'raceline.json')}: format is '${manifest.format}', expected 'raceline-model'`);
  if (manifest.version > 1) throw new Error(`${dir}: model format version ${manifest.version} is newer than this Raceline reads (1); update Raceline`);
  const metadata = parse('model_metadata.json') as ModelMetadata;
  const modelJson = parse('model.json') as Parameters<typeof networkFromModelJson>[0];
  if (!existsSync(join(dir, 'weights.bin'))) throw new Error(`${dir} is not a Raceline model folder: weights.bin is missing`);
  const bytes = readFileSync(join(dir, 'weights.bin'));
  const weights = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const policy = new ActorCritic(networkFromModelJson(modelJson, weights));
  return { policy, actionSpace: actionSpaceFromMetadata(metadata), metadata, manifest };
}
