/**
 * Writes a trained model to a folder in Node: the network in tfjs's layout (`model.json` +
 * `weights.bin`), `model_metadata.json` and `hyperparameters.json` in DeepRacer's keys, the reward
 * code, the training history and the evaluation. Files are written to a temporary folder that is
 * renamed into place at the end, so a failed save never leaves a half-written model.
 */
import { mkdirSync, writeFileSync, renameSync, rmSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import type { ActorCritic } from '../rl/policy';
import { modelJson } from '../rl/networks';
import { toDeepRacerHyperparameters, type PpoConfig } from '../rl/config';
import { toModelMetadata } from '../rl/model-metadata';
import type { ActionSpace } from '../sim/action-space';
import type { Track } from '../track/track';
import type { TrialResult } from '../race/evaluate';

export interface SavedModelParts {
  policy: ActorCritic;
  actionSpace: ActionSpace;
  config: PpoConfig;
  rewardCode: string;
  rewardLanguage: 'javascript' | 'python';
  track: Track;
  history: unknown[];
  trials: TrialResult[];
  /** DeepRacer's sensor list (default TRACK_GEOMETRY). */
  sensors?: readonly string[];
  /** `model_metadata.json` `neural_network` (`networkNameOf`; default RACELINE_MLP). */
  network?: string;
}

/**
 * @param dir destination folder; must not exist yet unless empty of a previous model (it is replaced).
 * @throws Error when the files cannot be written (the destination is left untouched).
 */
export async function saveModel(dir: string, parts: SavedModelParts): Promise<void> {
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const artifacts = await parts.policy.network.toArtifacts();
  writeFileSync(join(tmp, 'model.json'), JSON.stringify(modelJson(artifacts, 'weights.bin'), null, 2));
  writeFileSync(join(tmp, 'weights.bin'), new Uint8Array(artifacts.weightData));
  writeFileSync(join(tmp, 'model_metadata.json'), JSON.stringify(toModelMetadata(parts.actionSpace, parts.sensors ?? ['TRACK_GEOMETRY'], parts.network ?? 'RACELINE_MLP'), null, 2));
  writeFileSync(join(tmp, 'hyperparameters.json'), JSON.stringify(toDeepRacerHyperparameters(parts.config), null, 2));
  writeFileSync(join(tmp, parts.rewardLanguage === 'python' ? 'reward_function.py' : 'reward_function.js'), parts.rewardCode);
  writeFileSync(
    join(tmp, 'raceline.json'),
    JSON.stringify({ format: 'raceline-model', version: 1, track: parts.track.name, seed: parts.config.seed, rewardLanguage: parts.rewardLanguage, ppo: parts.config, evaluation: parts.trials }, null, 2),
  );
  writeFileSync(join(tmp, 'training.jsonl'), parts.history.map((h) => JSON.stringify(h)).join('\n') + '\n');
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  renameSync(tmp, dir);
}
