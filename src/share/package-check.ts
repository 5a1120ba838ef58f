/**
 * {@link checkModelPackage}: the one validation every way into a {@link ModelPackage} goes through (model files,
 * zip, share link), so that an import either returns a package that trains, evaluates and saves, or throws a
 * {@link ShareError} saying what is wrong. Nothing is half-accepted.
 */
import type { NetworkSpec } from '../rl/network-spec';
import { resolvePpoConfig } from '../rl/config';
import { validateActionSpace, type ActionSpace } from '../sim/action-space';
import { LIDAR_SIZES, sensorLayout, TRACK_GEOMETRY_SIZE, type SensorName } from '../sim/observation';
import { IMAGE_HEIGHT, IMAGE_WIDTH } from '../sim/camera';
import { parseTrackData } from '../track/track-data';
import { SimTraceError, SimTraceParser } from '../race/sim-trace';
import { ShareError, type ShareErrorKind } from './errors';
import { readNetworkSpec, weightLayout } from './network-spec';
import { SHIPPED_TRACK_NAMES } from './shipped-tracks';
import type { EvaluationClaim, ModelPackage, SimTraceLog, TrainingStats } from './package-types';

/** Observation size of each sensor this Raceline has (see `src/sim/observation.ts`). */
export const SENSOR_SIZES: Readonly<Record<string, number>> = Object.freeze({
  TRACK_GEOMETRY: TRACK_GEOMETRY_SIZE,
  FRONT_FACING_CAMERA: IMAGE_HEIGHT * IMAGE_WIDTH,
  STEREO_CAMERAS: 2 * IMAGE_HEIGHT * IMAGE_WIDTH,
  ...LIDAR_SIZES,
});

export interface CheckOptions {
  /** Names of the shipped tracks a package may name without geometry; default {@link SHIPPED_TRACK_NAMES}. */
  knownTracks?: readonly string[];
  /** Where the package came from, first in every message, e.g. `model.zip` or `This link`. */
  source?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Describes a network for messages: `22 inputs, hidden 64-64, 10 discrete actions`. */
export function describeNetwork(spec: NetworkSpec): string {
  const head = spec.head.type === 'discrete' ? `${spec.head.n} discrete actions` : `${spec.head.size} continuous outputs`;
  return `${spec.observationSize} inputs, hidden ${spec.hiddenSizes.join('-')}, ${head}`;
}

/**
 * Checks every part of a package and returns a fresh, normalised copy (defaults filled in the PPO config, action
 * indices filled, the track geometry re-validated); the weights are copied, bit for bit.
 * @param raw a package, or the parsed JSON parts of one with `weights` as a Float32Array.
 * @throws ShareError kind `invalid` for a malformed or unsupported field (unknown sensor, bad PPO value, non-finite
 *   weight, malformed sim-trace log), `inconsistent` when parts disagree (weight count vs network spec, network
 *   head vs action space, observation size vs sensors, PPO hidden sizes vs network), `unknown-track` for a track
 *   name that is not shipped and comes without geometry.
 */
export function checkModelPackage(raw: Partial<Record<keyof ModelPackage, unknown>>, options: CheckOptions = {}): ModelPackage {
  const source = options.source ?? 'Model';
  const fail = (kind: ShareErrorKind, message: string, file: string | null = null): never => {
    throw new ShareError(kind, `${source}: ${message}`, file);
  };
  const wrap = <T>(file: string | null, what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof ShareError) throw e;
      return fail('invalid', `${what}: ${(e as Error).message}`, file);
    }
  };

  if (typeof raw.name !== 'string' || raw.name.length > 500) fail('invalid', 'the model name must be text of at most 500 characters');
  const name = raw.name as string;

  let track: ModelPackage['track'];
  if (typeof raw.track === 'string') {
    const known = options.knownTracks ?? SHIPPED_TRACK_NAMES;
    if (!known.includes(raw.track)) {
      fail('unknown-track', `it was trained on the track '${raw.track}', which this Raceline does not ship, and the file holds no geometry for it; update Raceline, or export the model again with its custom track`);
    }
    track = raw.track;
  } else {
    track = wrap('track.json', 'the custom track', () => parseTrackData(raw.track, 'track'));
  }

  const sensors = raw.sensors;
  if (!Array.isArray(sensors) || sensors.length === 0 || !sensors.every((s) => typeof s === 'string')) {
    fail('invalid', "the sensor list must be a non-empty list of names such as 'TRACK_GEOMETRY'", 'model_metadata.json');
  }
  for (const s of sensors as string[]) {
    if (!(s in SENSOR_SIZES)) {
      fail('invalid', `the sensor '${s}' is not available in this Raceline (it has ${Object.keys(SENSOR_SIZES).join(', ')}); a newer Raceline may read this model`, 'model_metadata.json');
    }
  }
  wrap('model_metadata.json', 'the sensor list', () => sensorLayout(sensors as SensorName[]));
  const actionSpace: ActionSpace = wrap('model_metadata.json', 'the action space', () => validateActionSpace(raw.actionSpace as ActionSpace));
  const network = wrap('model.json', 'the network spec', () => readNetworkSpec(raw.network));
  const layout = wrap('model.json', 'the network spec', () => weightLayout(network));
  const needed = layout.reduce((n, p) => n + p.size, 0);
  const observationSize = (sensors as string[]).reduce((n, s) => n + SENSOR_SIZES[s], 0);
  if (network.observationSize !== observationSize) {
    fail('inconsistent', `the network reads ${network.observationSize} inputs but the sensors ${(sensors as string[]).join(', ')} give ${observationSize}`, 'model.json');
  }
  const head = network.head;
  if (actionSpace.type === 'discrete' && (head.type !== 'discrete' || head.n !== actionSpace.actions.length)) {
    fail('inconsistent', `the action space has ${actionSpace.actions.length} discrete actions but the network (${describeNetwork(network)}) does not match it`, 'model.json');
  }
  if (actionSpace.type === 'continuous' && (head.type !== 'gaussian' || head.size !== 2)) {
    fail('inconsistent', `the action space is continuous (steering, speed) but the network (${describeNetwork(network)}) does not output 2 continuous values`, 'model.json');
  }

  const weights = raw.weights;
  if (!(weights instanceof Float32Array)) return fail('invalid', 'the weights must be float32 values', 'weights.bin');
  if (weights.length !== needed) {
    fail('inconsistent', `the weights hold ${weights.length} values but the network (${describeNetwork(network)}) needs ${needed}; the weights belong to another model or are damaged`, 'weights.bin');
  }
  for (const p of layout) {
    for (let i = 0; i < p.size; i++) {
      if (!Number.isFinite(weights[p.offset + i])) {
        fail('invalid', `weight ${p.name}[${i}] is ${weights[p.offset + i]}: a model with non-finite weights cannot drive (its training diverged)`, 'weights.bin');
      }
    }
  }

  const reward = raw.reward;
  if (!isObject(reward) || (reward.language !== 'javascript' && reward.language !== 'python') || typeof reward.code !== 'string' || reward.code.trim() === '') {
    fail('invalid', "the reward function must be non-empty code in 'python' or 'javascript'", 'reward_function');
  }
  const ppo = wrap('raceline.json', 'the hyperparameters', () => {
    if (!isObject(raw.ppo)) throw new Error('expected an object of PPO settings');
    return resolvePpoConfig(raw.ppo);
  });
  if (ppo.hiddenSizes.join(',') !== network.hiddenSizes.join(',') || ppo.activation !== network.activation) {
    fail('inconsistent', `the hyperparameters say hidden layers ${ppo.hiddenSizes.join('-')} (${ppo.activation}) but the network has ${network.hiddenSizes.join('-')} (${network.activation})`, 'raceline.json');
  }
  if (!isFiniteNumber(raw.seed)) fail('invalid', 'the seed must be a number', 'raceline.json');

  return {
    name,
    track,
    sensors: [...(sensors as string[])],
    actionSpace,
    network,
    weights: weights.slice(),
    reward: { language: (reward as { language: 'javascript' | 'python' }).language, code: (reward as { code: string }).code },
    ppo,
    seed: raw.seed as number,
    evaluation: checkEvaluation(raw.evaluation, fail),
    training: checkTraining(raw.training, fail),
    history: checkHistory(raw.history, fail),
    logs: checkLogs(raw.logs, fail),
    notes: typeof raw.notes === 'string' ? raw.notes : fail('invalid', 'the notes must be text', 'raceline.json'),
    parent: checkParent(raw.parent, fail),
  };
}

type Fail = (kind: ShareErrorKind, message: string, file?: string | null) => never;

function checkEvaluation(raw: unknown, fail: Fail): EvaluationClaim | null {
  if (raw === null || raw === undefined) return null;
  if (!isObject(raw) || !isFiniteNumber(raw.seed) || !Array.isArray(raw.trials) || raw.trials.length === 0) {
    return fail('invalid', 'the claimed evaluation must give its seed and at least one trial', 'raceline.json');
  }
  const trials = raw.trials.map((t: unknown, i: number) => {
    const ok =
      isObject(t) &&
      isFiniteNumber(t.progress) && t.progress >= 0 && t.progress <= 100 &&
      (t.lapTimeS === null || (isFiniteNumber(t.lapTimeS) && t.lapTimeS > 0)) &&
      (t.steps === null || isCount(t.steps)) &&
      (t.status === null || typeof t.status === 'string');
    if (!ok) fail('invalid', `evaluation trial ${i + 1} must have progress 0..100, a lap time in seconds or null, steps and status`, 'raceline.json');
    const trial = t as Record<string, unknown>;
    return { progress: trial.progress as number, lapTimeS: trial.lapTimeS as number | null, steps: trial.steps as number | null, status: trial.status as string | null };
  });
  return { seed: raw.seed, trials };
}

function checkTraining(raw: unknown, fail: Fail): TrainingStats | null {
  if (raw === null || raw === undefined) return null;
  if (!isObject(raw) || !isFiniteNumber(raw.seconds) || raw.seconds < 0 || !isCount(raw.envSteps) || !isCount(raw.iterations)) {
    return fail('invalid', 'the training summary must give seconds, envSteps and iterations', 'raceline.json');
  }
  return { seconds: raw.seconds, envSteps: raw.envSteps, iterations: raw.iterations };
}

function checkHistory(raw: unknown, fail: Fail): Record<string, unknown>[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || !raw.every(isObject)) return fail('invalid', 'the training history must be a list of objects, one per iteration', 'training.jsonl');
  return raw.map((h) => structuredClone(h));
}

function checkLogs(raw: unknown, fail: Fail): ModelPackage['logs'] {
  if (raw === undefined) return { training: [], evaluation: [] };
  if (!isObject(raw)) return fail('invalid', 'the logs must be {training, evaluation} lists of sim-trace files', 'logs');
  const list = (phase: 'training' | 'evaluation'): SimTraceLog[] => {
    const logs = raw[phase] ?? [];
    if (!Array.isArray(logs)) return fail('invalid', `the ${phase} logs must be a list`, 'logs');
    const seen = new Set<number>();
    return logs
      .map((log: unknown) => {
        if (!isObject(log) || !isCount(log.iteration) || typeof log.csv !== 'string') {
          return fail('invalid', `each ${phase} log needs an iteration number and its CSV text`, 'logs');
        }
        const file = simTracePath(phase, log.iteration);
        if (seen.has(log.iteration)) fail('invalid', `${file} is there twice`, file);
        seen.add(log.iteration);
        try {
          const parser = new SimTraceParser(() => {}, file);
          parser.push(log.csv);
          parser.end();
        } catch (e) {
          if (e instanceof SimTraceError) fail('invalid', e.message, file);
          throw e;
        }
        return { iteration: log.iteration, csv: log.csv };
      })
      .sort((a, b) => a.iteration - b.iteration);
  };
  return { training: list('training'), evaluation: list('evaluation') };
}

function checkParent(raw: unknown, fail: Fail): ModelPackage['parent'] {
  if (raw === null || raw === undefined) return null;
  if (!isObject(raw) || typeof raw.id !== 'string' || typeof raw.name !== 'string') return fail('invalid', 'the parent model must be {id, name}', 'raceline.json');
  return { id: raw.id, name: raw.name };
}

/** Where a sim-trace log lives in a model zip or folder: `logs/training/3-iteration.csv`. */
export function simTracePath(phase: 'training' | 'evaluation', iteration: number): string {
  return `logs/${phase}/${iteration}-iteration.csv`;
}
