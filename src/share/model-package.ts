/**
 * {@link ModelPackage}: a model that travels, in memory and independent of any file format: everything needed to
 * evaluate it, keep training it (clone) and show where it came from. The model zip (`model-zip.ts`) and the share
 * link (`link-codec.ts`) are two encodings of it; `fromModelFiles` and `toModelFiles` map it to and from the files
 * of a saved model folder (`npm run train -- --out DIR`, docs/file-formats.md), which is also the zip's content.
 * The types themselves are declared in `package-types.ts` (shared with `package-check.ts`) and re-exported here.
 */
import type { NetworkSpec, ParamSpec } from '../rl/network-spec';
import { fromDeepRacerHyperparameters, toDeepRacerHyperparameters } from '../rl/config';
import { actionSpaceFromMetadata, networkNameOf, toModelMetadata } from '../rl/model-metadata';
import type { ActionSpace } from '../sim/action-space';
import { bytesToFloat32, float32Bytes, fromUtf8, sha256Hex, utf8 } from './bytes';
import { ShareError } from './errors';
import { readNetworkSpec, weightLayout } from './network-spec';
import { checkModelPackage, describeNetwork, SENSOR_SIZES, simTracePath, type CheckOptions } from './package-check';
import type { ModelPackage, TrainingStats } from './package-types';

export type { EvaluationClaim, ModelPackage, RewardLanguage, SimTraceLog, TrainingStats, TrialClaim } from './package-types';

/** Version of `raceline.json` (`format: "raceline-model"`) this code writes and the newest it reads. */
export const MODEL_FORMAT_VERSION = 1;

export interface FromFilesOptions extends CheckOptions {
  /** Name for a model whose `raceline.json` has none; default `<track> (seed <seed>)`. */
  defaultName?: string;
}

const SIM_TRACE_FILE = /^logs\/(training|evaluation)\/(\d+)-iteration\.csv$/;

/**
 * Reads the files of a saved model (a folder written by `npm run train`, or the content of a model zip).
 * `hyperparameters.json` gives DeepRacer's seven values (so an edit there counts, as in DeepRacer) and
 * `raceline.json`'s `ppo` the rest; weights are checked against `raceline.json`'s SHA-256 when it has one.
 * @param files file contents by path relative to the model's folder (`model.json`, `logs/training/0-iteration.csv`).
 * @throws ShareError: `unknown-format` (no `raceline.json`, or not a Raceline model), `newer-version`,
 *   `missing-file`, `invalid` (malformed JSON or field), `inconsistent`, `checksum`, `unknown-track`; see
 *   `checkModelPackage`. Nothing is returned unless every part is valid.
 */
export async function fromModelFiles(files: Readonly<Record<string, Uint8Array>>, options: FromFilesOptions = {}): Promise<ModelPackage> {
  const source = options.source ?? 'Model';
  const fail = (kind: ShareError['kind'], message: string, file: string | null): never => {
    throw new ShareError(kind, `${source}: ${message}`, file);
  };
  const has = (name: string): boolean => Object.hasOwn(files, name);
  const text = (name: string): string => (has(name) ? fromUtf8(files[name], name) : fail('missing-file', `${name} is missing`, name));
  const json = (name: string): Record<string, unknown> => {
    let value: unknown;
    try {
      value = JSON.parse(text(name));
    } catch (e) {
      if (e instanceof ShareError) throw e;
      return fail('invalid', `${name} is not valid JSON (${(e as Error).message})`, name);
    }
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : fail('invalid', `${name} must hold a JSON object`, name);
  };

  if (!has('raceline.json')) {
    if (has('model.json') || has('weights.bin')) fail('missing-file', 'raceline.json is missing (the manifest that says which track and settings the model has)', 'raceline.json');
    if (has('model_metadata.json')) {
      fail('unknown-format', 'this is a DeepRacer model (model_metadata.json without raceline.json); Raceline cannot run DeepRacer\'s TensorFlow networks, only models it trained', null);
    }
    fail('unknown-format', 'this is not a Raceline model (there is no raceline.json)', null);
  }
  const manifest = json('raceline.json');
  if (manifest.format !== 'raceline-model') fail('unknown-format', `raceline.json has format ${JSON.stringify(manifest.format)}, not "raceline-model"; it is not a Raceline model`, 'raceline.json');
  const version = manifest.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail('invalid', `raceline.json: version must be a positive integer, got ${JSON.stringify(version)}`, 'raceline.json');
  if ((version as number) > MODEL_FORMAT_VERSION) {
    fail('newer-version', `it was made by a newer Raceline (model format version ${version}; this one reads up to ${MODEL_FORMAT_VERSION}); update Raceline (reload the page) and import it again`, 'raceline.json');
  }
  const missing = REQUIRED.filter((name) => !has(name));
  if (!has('reward_function.py') && !has('reward_function.js')) missing.push('reward_function.py (or .js)');
  if (missing.length > 0) fail('missing-file', `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing; a Raceline model has ${REQUIRED.join(', ')} and its reward function`, missing[0]);
  if (typeof manifest.track !== 'string' || manifest.track === '') fail('invalid', 'raceline.json: track must be a track name', 'raceline.json');
  if (typeof manifest.seed !== 'number') fail('invalid', 'raceline.json: seed must be a number', 'raceline.json');

  const metadata = json('model_metadata.json');
  if ((metadata.training_algorithm ?? 'clipped_ppo') !== 'clipped_ppo') fail('invalid', `model_metadata.json: training_algorithm ${JSON.stringify(metadata.training_algorithm)} is not supported (Raceline trains clipped_ppo)`, 'model_metadata.json');
  let actionSpace: ActionSpace;
  try {
    actionSpace = actionSpaceFromMetadata(metadata as Parameters<typeof actionSpaceFromMetadata>[0]);
  } catch (e) {
    return fail('invalid', (e as Error).message, 'model_metadata.json');
  }

  const modelJson = json('model.json');
  let network: NetworkSpec;
  try {
    network = readNetworkSpec(modelJson.modelTopology);
  } catch (e) {
    return fail('invalid', `model.json: ${(e as Error).message}`, 'model.json');
  }
  const group = Array.isArray(modelJson.weightsManifest) && modelJson.weightsManifest.length === 1 ? (modelJson.weightsManifest[0] as { paths?: unknown; weights?: { name: string; shape: number[]; dtype?: string }[] }) : null;
  if (!group || !Array.isArray(group.paths) || group.paths.length !== 1 || group.paths[0] !== 'weights.bin' || !Array.isArray(group.weights)) {
    fail('invalid', 'model.json: weightsManifest must be one group whose single path is weights.bin', 'model.json');
  }
  let layout: ParamSpec[];
  try {
    layout = weightLayout(network);
  } catch (e) {
    return fail('invalid', `model.json: ${(e as Error).message}`, 'model.json');
  }
  const listed = group!.weights!;
  if (listed.length !== layout.length || listed.some((w, i) => w.name !== layout[i].name || String(w.shape) !== String(layout[i].shape) || (w.dtype ?? 'float32') !== 'float32')) {
    fail('inconsistent', `model.json: the weights listed do not match the network spec (${describeNetwork(network)}); expected ${layout.map((p) => `${p.name}[${p.shape}]`).join(', ')}`, 'model.json');
  }
  const bin = files['weights.bin'];
  if (bin.byteLength % 4 !== 0) fail('inconsistent', `weights.bin has ${bin.byteLength} bytes, not a whole number of float32 values; it is damaged`, 'weights.bin');
  const declared = manifest.weights as { sha256?: unknown } | undefined;
  if (declared && typeof declared.sha256 === 'string' && declared.sha256 !== (await sha256Hex(bin))) {
    fail('checksum', 'weights.bin does not match the SHA-256 in raceline.json: the weights were damaged or changed after export; export the model again', 'weights.bin');
  }

  const language = manifest.rewardLanguage ?? (has('reward_function.py') ? 'python' : 'javascript');
  if (language !== 'python' && language !== 'javascript') fail('invalid', `raceline.json: rewardLanguage must be "python" or "javascript", got ${JSON.stringify(language)}`, 'raceline.json');
  const rewardFile = language === 'python' ? 'reward_function.py' : 'reward_function.js';
  if (!has(rewardFile)) fail('missing-file', `${rewardFile} is missing (raceline.json says the reward function is ${language})`, rewardFile);

  const hyper = json('hyperparameters.json');
  let ppo: Record<string, unknown>;
  try {
    ppo = { ...(typeof manifest.ppo === 'object' && manifest.ppo !== null ? manifest.ppo : {}), ...fromDeepRacerHyperparameters(hyper) };
  } catch (e) {
    return fail('invalid', (e as Error).message, 'hyperparameters.json');
  }

  const sensors = metadata.sensor;
  const declaredObservation = manifest.observation as { size?: unknown } | undefined;
  if (declaredObservation && declaredObservation.size !== network.observationSize) {
    fail('inconsistent', `raceline.json says the observation has ${declaredObservation.size} values but model.json's network reads ${network.observationSize}`, 'raceline.json');
  }

  let track: unknown = manifest.track;
  if (has('track.json')) {
    track = json('track.json');
    if ((track as { name?: unknown }).name !== manifest.track) fail('inconsistent', `track.json is the track '${(track as { name?: unknown }).name}' but raceline.json names '${manifest.track}'`, 'track.json');
  }

  const history = has('training.jsonl') ? readJsonl(text('training.jsonl'), fail) : [];
  const trials = Array.isArray(manifest.evaluation) ? (manifest.evaluation as Record<string, unknown>[]) : [];
  const logs: ModelPackage['logs'] = { training: [], evaluation: [] };
  for (const name of Object.keys(files).sort()) {
    const m = SIM_TRACE_FILE.exec(name);
    if (m) logs[m[1] as 'training' | 'evaluation'].push({ iteration: Number(m[2]), csv: text(name) });
  }

  return checkModelPackage(
    {
      name: typeof manifest.name === 'string' ? manifest.name : (options.defaultName ?? `${manifest.track} (seed ${manifest.seed})`),
      track,
      sensors,
      actionSpace,
      network,
      weights: bytesToFloat32(bin),
      reward: { language, code: text(rewardFile) },
      ppo,
      seed: manifest.seed,
      evaluation: trials.length === 0 ? null : {
        seed: typeof manifest.evaluationSeed === 'number' ? manifest.evaluationSeed : manifest.seed,
        trials: trials.map((t) => ({ progress: t?.progress, lapTimeS: t?.lapTimeS ?? null, steps: t?.steps ?? null, status: t?.status ?? null })),
      },
      training: 'training' in manifest ? manifest.training : statsFromHistory(history),
      history,
      logs,
      notes: manifest.notes ?? '',
      parent: manifest.parent ?? null,
    },
    { ...options, source },
  );
}

/** Files every model has (the reward function too, `.py` or `.js`). */
const REQUIRED = ['raceline.json', 'model.json', 'weights.bin', 'model_metadata.json', 'hyperparameters.json'];

function readJsonl(text: string, fail: (kind: ShareError['kind'], message: string, file: string | null) => never): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object');
      out.push(value);
    } catch (e) {
      fail('invalid', `training.jsonl line ${i + 1}: ${(e as Error).message}`, 'training.jsonl');
    }
  });
  return out;
}

/** Training time, steps and iterations from the last line `npm run train` wrote (`elapsedS`, `globalStep`, `iteration`). */
function statsFromHistory(history: Record<string, unknown>[]): TrainingStats | null {
  const last = history[history.length - 1];
  if (!last || typeof last.elapsedS !== 'number' || typeof last.globalStep !== 'number' || typeof last.iteration !== 'number') return null;
  return { seconds: last.elapsedS, envSteps: last.globalStep, iterations: last.iteration };
}

/**
 * The files of a saved model folder for a package (what `model-zip.ts` zips): `raceline.json` (manifest, format
 * version {@link MODEL_FORMAT_VERSION}, with the observation and action spec and the SHA-256 of `weights.bin`),
 * `model.json` + `weights.bin` (tf.io layout), `model_metadata.json` and `hyperparameters.json` (DeepRacer's
 * keys), `reward_function.py` or `.js`, `training.jsonl` (when there is history), `track.json` (custom track
 * only) and `logs/{training,evaluation}/{N}-iteration.csv`. The package is not checked here; check it first
 * (every import does).
 */
export async function toModelFiles(pkg: ModelPackage): Promise<Record<string, Uint8Array>> {
  const weights = float32Bytes(pkg.weights);
  const layout = weightLayout(pkg.network);
  const jsonFile = (value: unknown): Uint8Array => utf8(`${JSON.stringify(value, null, 2)}\n`);
  const custom = typeof pkg.track === 'string' ? null : pkg.track;
  const manifest = {
    format: 'raceline-model',
    version: MODEL_FORMAT_VERSION,
    name: pkg.name,
    track: custom ? custom.name : pkg.track,
    seed: pkg.seed,
    rewardLanguage: pkg.reward.language,
    ppo: pkg.ppo,
    evaluation: (pkg.evaluation?.trials ?? []).map((t, trial) => ({ trial, ...t })),
    evaluationSeed: pkg.evaluation?.seed ?? null,
    observation: { sensors: pkg.sensors, size: pkg.sensors.reduce((n, s) => n + (SENSOR_SIZES[s] ?? 0), 0), dtype: 'float32' },
    action: pkg.actionSpace.type === 'discrete'
      ? { type: 'discrete', n: pkg.actionSpace.actions.length }
      : { type: 'continuous', size: 2, steering_angle: pkg.actionSpace.steering_angle, speed: pkg.actionSpace.speed },
    weights: { file: 'weights.bin', dtype: 'float32', count: pkg.weights.length, bytes: weights.byteLength, sha256: await sha256Hex(weights) },
    training: pkg.training,
    notes: pkg.notes,
    parent: pkg.parent,
  };
  const metadata = toModelMetadata(pkg.actionSpace, pkg.sensors, networkNameOf(pkg.network));
  const files: Record<string, Uint8Array> = {
    'raceline.json': jsonFile(manifest),
    'model.json': jsonFile({
      format: 'raceline-actor-critic',
      generatedBy: 'raceline',
      convertedBy: null,
      modelTopology: pkg.network,
      weightsManifest: [{ paths: ['weights.bin'], weights: layout.map((p) => ({ name: p.name, shape: p.shape, dtype: 'float32' })) }],
    }),
    'weights.bin': weights,
    'model_metadata.json': jsonFile(metadata),
    'hyperparameters.json': jsonFile(toDeepRacerHyperparameters(pkg.ppo)),
    [pkg.reward.language === 'python' ? 'reward_function.py' : 'reward_function.js']: utf8(pkg.reward.code),
  };
  if (pkg.history.length > 0) files['training.jsonl'] = utf8(pkg.history.map((h) => JSON.stringify(h)).join('\n') + '\n');
  if (custom) files['track.json'] = jsonFile(custom);
  for (const phase of ['training', 'evaluation'] as const) {
    for (const log of pkg.logs[phase]) files[simTracePath(phase, log.iteration)] = utf8(log.csv);
  }
  return files;
}
