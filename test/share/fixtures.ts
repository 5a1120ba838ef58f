/** Packages and files the share tests build on. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPpoConfig } from '../../src/rl/config';
import { initialWeights, type NetworkSpec } from '../../src/rl/networks';
import { generateDiscreteActionSpace } from '../../src/sim/action-space';
import { ShareError } from '../../src/share/errors';
import type { ModelPackage } from '../../src/share/model-package';
import { writeSimTrace, type SimTraceRow } from '../../src/race/sim-trace';

/** The model folder `npm run fixtures` writes. */
export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/models/reinvent-base-seed1');

/** Every file of the fixture model folder, by name. */
export function fixtureFiles(): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(FIXTURE_DIR)) files[name] = new Uint8Array(readFileSync(join(FIXTURE_DIR, name)));
  return files;
}

/** A small discrete model (22 inputs, hidden 8, 3 actions) with seeded weights and an evaluation claim. */
export function smallPackage(over: Partial<ModelPackage> = {}): ModelPackage {
  const network: NetworkSpec = { type: 'raceline/actor-critic-mlp', version: 1, observationSize: 22, head: { type: 'discrete', n: 3 }, hiddenSizes: [8], activation: 'tanh' };
  return {
    name: 'Small model',
    track: 'reinvent_base',
    sensors: ['TRACK_GEOMETRY'],
    actionSpace: generateDiscreteActionSpace(30, 3, 1, 1),
    network,
    weights: initialWeights(network, 7).map((w, i) => w + (i % 5) * 0.01),
    reward: { language: 'python', code: 'def reward_function(params):\n    return 1.0 if params["all_wheels_on_track"] else 1e-3\n' },
    ppo: { ...defaultPpoConfig, hiddenSizes: [8], seed: 7 },
    seed: 7,
    evaluation: { seed: 7, trials: [{ progress: 100, lapTimeS: 31.2, steps: 468, status: 'lap_complete' }, { progress: 42.5, lapTimeS: null, steps: 201, status: 'off_track' }] },
    training: { seconds: 12.5, envSteps: 9000, iterations: 6 },
    history: [],
    logs: { training: [], evaluation: [] },
    notes: 'Stays on the centre line.',
    parent: { id: 'model-abc-0123456789abcdef', name: 'First try' },
    ...over,
  };
}

/** A continuous-action model (Gaussian head of 2). */
export function continuousPackage(): ModelPackage {
  const network: NetworkSpec = { type: 'raceline/actor-critic-mlp', version: 1, observationSize: 22, head: { type: 'gaussian', size: 2 }, hiddenSizes: [6, 4], activation: 'relu' };
  return smallPackage({
    name: 'Continuous',
    actionSpace: { type: 'continuous', steering_angle: { low: -20, high: 20 }, speed: { low: 0.5, high: 2.5 } },
    network,
    weights: initialWeights(network, 3),
    ppo: { ...defaultPpoConfig, hiddenSizes: [6, 4], activation: 'relu', seed: 3 },
    evaluation: null,
    training: null,
    parent: null,
    reward: { language: 'javascript', code: 'function reward_function(params) {\n  return params.speed;\n}\n' },
  });
}

/** A sim-trace CSV of `steps` steps of one episode. */
export function simTraceCsv(steps: number, episode = 0): string {
  const rows: SimTraceRow[] = Array.from({ length: steps }, (_, i) => ({
    episode, steps: i + 1, x: 3 + i * 0.05, y: 0.68, yaw: 0.5 * i, steer: 0, throttle: 1, action: 1, reward: 1, done: i === steps - 1,
    allWheelsOnTrack: true, progress: i * 0.3, closestWaypoint: i % 118, trackLen: 17.709159380834848, tstamp: i / 15,
    episodeStatus: i === 0 ? 'prepare' : 'in_progress', pauseDuration: 0, obstacleCrashCounter: null, wallClock: null,
  }));
  return writeSimTrace(rows);
}

/** The ShareError the promise rejects with (fails the test otherwise). */
export async function shareError(p: Promise<unknown>): Promise<ShareError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ShareError) return e;
    throw new Error(`expected a ShareError, got ${String(e)}`);
  }
  throw new Error('expected a ShareError, the call succeeded');
}

/** Same bytes (Float32Array compared bit for bit, NaN payloads and -0 included). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
