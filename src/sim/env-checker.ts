/**
 * Conformance checks for any `Env` or `VectorEnv`, after Gymnasium's `utils/env_checker.py`
 * (`check_env`): spaces are well formed, `reset`/`step` return the named fields with the right types and
 * sizes, observations lie in the observation space, rewards are finite, a seed replays an episode
 * exactly, and returned observation arrays are fresh (mutating one changes nothing in the env).
 * Every violation throws an Error that names the check, the step and the value.
 */
import type { Env, EpisodeRecord, StepResult, VectorEnv, VectorStepResult } from './env';
import { Rng } from './rng';
import { boxContains, spaceSize, type BoxSpace, type Space } from './spaces';

export interface CheckOptions {
  /** Seed for the env resets and the random actions (default 0). */
  seed?: number;
  /** Steps to take per run (default 200). */
  steps?: number;
}

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

function checkSpaces(where: string, observationSpace: BoxSpace, actionSpace: Space): void {
  if (!observationSpace || observationSpace.type !== 'box') fail(where, `observationSpace must be a box space, got ${JSON.stringify(observationSpace?.type)}`);
  const size = spaceSize(observationSpace);
  if (!(size >= 1)) fail(where, `observationSpace.shape [${observationSpace.shape}] has no entries`);
  if (observationSpace.low.length !== size || observationSpace.high.length !== size) {
    fail(where, `observationSpace low/high have ${observationSpace.low.length}/${observationSpace.high.length} entries, shape [${observationSpace.shape}] needs ${size}`);
  }
  for (let i = 0; i < size; i++) {
    if (!(observationSpace.low[i] <= observationSpace.high[i])) fail(where, `observationSpace entry ${i}: low ${observationSpace.low[i]} > high ${observationSpace.high[i]}`);
  }
  if (actionSpace?.type === 'discrete') {
    if (!Number.isInteger(actionSpace.n) || actionSpace.n < 1) fail(where, `actionSpace discrete n must be a positive integer, got ${actionSpace.n}`);
  } else if (actionSpace?.type === 'box') {
    const n = spaceSize(actionSpace);
    if (actionSpace.low.length !== n || actionSpace.high.length !== n) fail(where, 'actionSpace low/high do not match its shape');
  } else {
    fail(where, `actionSpace must be a discrete or box space, got ${JSON.stringify((actionSpace as { type?: unknown })?.type)}`);
  }
}

/** A random valid action: uniform index, or uniform in finite box bounds (standard normal where unbounded). */
function sampleAction(space: Space, rng: Rng): number | Float32Array {
  if (space.type === 'discrete') return rng.int(space.n);
  const a = new Float32Array(spaceSize(space));
  for (let i = 0; i < a.length; i++) {
    const lo = space.low[i];
    const hi = space.high[i];
    a[i] = Number.isFinite(lo) && Number.isFinite(hi) ? lo + (hi - lo) * rng.uniform() : rng.normal();
  }
  return a;
}

function checkObservation(where: string, space: BoxSpace, obs: unknown): Float32Array {
  if (!(obs instanceof Float32Array)) fail(where, `observation must be a Float32Array, got ${Object.prototype.toString.call(obs)}`);
  const size = spaceSize(space);
  if (obs.length !== size) fail(where, `observation has ${obs.length} entries, the observation space has ${size}`);
  if (!boxContains(space, obs)) {
    const i = Array.from(obs).findIndex((v, k) => !(v >= space.low[k] && v <= space.high[k]));
    fail(where, `observation entry ${i} = ${obs[i]} is outside the observation space [${space.low[i]}, ${space.high[i]}]`);
  }
  return obs;
}

function sharesMemory(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

function checkStepResult(where: string, env: Env<unknown>, r: StepResult<unknown>): void {
  if (r === null || typeof r !== 'object') fail(where, 'step() must return {observation, reward, terminated, truncated, info}');
  checkObservation(where, env.observationSpace, r.observation);
  if (typeof r.reward !== 'number' || !Number.isFinite(r.reward)) fail(where, `reward must be a finite number, got ${r.reward}`);
  if (typeof r.terminated !== 'boolean') fail(where, `terminated must be a boolean, got ${JSON.stringify(r.terminated)}`);
  if (typeof r.truncated !== 'boolean') fail(where, `truncated must be a boolean, got ${JSON.stringify(r.truncated)}`);
  if (r.info === null || typeof r.info !== 'object') fail(where, `info must be an object, got ${JSON.stringify(r.info)}`);
}

/** One seeded run of `steps` random actions; returns every observation and reward, copied. */
function runEnv(env: Env<unknown>, seed: number, steps: number, scribble: boolean): number[][] {
  const rng = new Rng(seed);
  const trace: number[][] = [];
  const reset = env.reset({ seed });
  checkObservation('checkEnv reset()', env.observationSpace, reset.observation);
  if (reset.info === null || typeof reset.info !== 'object') fail('checkEnv reset()', `info must be an object, got ${JSON.stringify(reset.info)}`);
  trace.push(Array.from(reset.observation));
  let previous: Float32Array = reset.observation;
  if (scribble) reset.observation.fill(NaN);
  for (let t = 0; t < steps; t++) {
    const r = env.step(sampleAction(env.actionSpace, rng));
    const where = `checkEnv step ${t}`;
    checkStepResult(where, env, r);
    if (sharesMemory(r.observation, previous)) fail(where, 'the observation shares memory with the previous one; return a fresh Float32Array');
    trace.push([...Array.from(r.observation), r.reward, r.terminated ? 1 : 0, r.truncated ? 1 : 0]);
    previous = r.observation;
    if (r.terminated || r.truncated) {
      const again = env.reset();
      checkObservation(`checkEnv reset() after step ${t}`, env.observationSpace, again.observation);
      previous = again.observation;
      trace.push(Array.from(again.observation));
      if (scribble) again.observation.fill(NaN);
    }
    if (scribble) r.observation.fill(NaN);
  }
  return trace;
}

/** Runs the second (scribbling) pass; a failure there that the first pass did not have points at aliasing. */
function withScribbleHint<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    const hint = 'this run overwrote every returned observation with NaN after reading it, so the env probably keeps a returned array as its state; return a copy';
    throw new Error(`${(e as Error).message} (${hint})`);
  }
}

function compareTraces(where: string, a: number[][], b: number[][], why: string): void {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y || x.length !== y.length || x.some((v, k) => !Object.is(v, y[k]))) {
      fail(where, `${why}: record ${i} differs (${JSON.stringify(x)} vs ${JSON.stringify(y)})`);
    }
  }
}

/**
 * Checks a single env: spaces, reset/step types and ranges, determinism under a seed, fresh observation
 * arrays. Takes `2 × steps + …` steps and leaves the env mid-episode.
 * @throws Error describing the first violation.
 */
export function checkEnv<Info>(env: Env<Info>, options: CheckOptions = {}): void {
  const seed = options.seed ?? 0;
  const steps = options.steps ?? 200;
  checkSpaces('checkEnv', env.observationSpace, env.actionSpace);
  const first = runEnv(env, seed, steps, false);
  const second = withScribbleHint(() => runEnv(env, seed, steps, true));
  compareTraces('checkEnv determinism', first, second, `two runs with reset({seed: ${seed}}) and the same actions diverge (unseeded randomness, or state aliased with a returned observation)`);
}

function checkVectorStep(where: string, vec: VectorEnv, r: VectorStepResult, obsSize: number): void {
  const n = vec.numEnvs;
  const space = vec.singleObservationSpace;
  if (!(r.observations instanceof Float32Array) || r.observations.length !== n * obsSize) fail(where, `observations must be a Float32Array of ${n} × ${obsSize}`);
  for (let i = 0; i < n; i++) checkObservation(`${where} env ${i}`, space, r.observations.subarray(i * obsSize, (i + 1) * obsSize));
  if (!(r.rewards instanceof Float32Array) || r.rewards.length !== n) fail(where, `rewards must be a Float32Array of ${n}`);
  r.rewards.forEach((v, i) => Number.isFinite(v) || fail(where, `reward of env ${i} is ${v}`));
  for (const key of ['terminated', 'truncated'] as const) {
    const a = r[key];
    if (!(a instanceof Uint8Array) || a.length !== n || a.some((v) => v > 1)) fail(where, `${key} must be a Uint8Array of ${n} zeros and ones`);
  }
  if (!Array.isArray(r.finalObservations) || r.finalObservations.length !== n) fail(where, `finalObservations must be an array of ${n}`);
  if (!Array.isArray(r.episodes)) fail(where, 'episodes must be an array');
  for (let i = 0; i < n; i++) {
    const ended = r.terminated[i] === 1 || r.truncated[i] === 1;
    const fin = r.finalObservations[i];
    if (ended !== (fin !== null)) fail(where, `env ${i}: finalObservations[${i}] must be set exactly when the episode ended (ended=${ended})`);
    if (fin !== null) checkObservation(`${where} finalObservations[${i}]`, space, fin);
    const records = r.episodes.filter((e: EpisodeRecord) => e.envIndex === i);
    if (records.length !== (ended ? 1 : 0)) fail(where, `env ${i}: ${records.length} episode records, expected ${ended ? 1 : 0}`);
  }
}

function randomVectorActions(space: Space, n: number, rng: Rng): Int32Array | Float32Array {
  if (space.type === 'discrete') return Int32Array.from({ length: n }, () => rng.int(space.n));
  const k = spaceSize(space);
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) out.set(sampleAction(space, rng) as Float32Array, i * k);
  return out;
}

function runVector(vec: VectorEnv, seed: number, steps: number, scribble: boolean): number[][] {
  const obsSize = spaceSize(vec.singleObservationSpace);
  const rng = new Rng(seed);
  const trace: number[][] = [];
  const reset = vec.reset({ seed });
  if (!(reset.observations instanceof Float32Array) || reset.observations.length !== vec.numEnvs * obsSize) {
    fail('checkVectorEnv reset()', `observations must be a Float32Array of ${vec.numEnvs} × ${obsSize}`);
  }
  for (let i = 0; i < vec.numEnvs; i++) checkObservation(`checkVectorEnv reset() env ${i}`, vec.singleObservationSpace, reset.observations.subarray(i * obsSize, (i + 1) * obsSize));
  trace.push(Array.from(reset.observations));
  let previous = reset.observations;
  if (scribble) reset.observations.fill(NaN);
  const returns = new Float64Array(vec.numEnvs);
  const lengths = new Int32Array(vec.numEnvs);
  for (let t = 0; t < steps; t++) {
    const where = `checkVectorEnv step ${t}`;
    const r = vec.step(randomVectorActions(vec.singleActionSpace, vec.numEnvs, rng));
    checkVectorStep(where, vec, r, obsSize);
    if (sharesMemory(r.observations, previous)) fail(where, 'observations share memory with the previous step; return a fresh Float32Array');
    for (let i = 0; i < vec.numEnvs; i++) {
      returns[i] += r.rewards[i];
      lengths[i]++;
    }
    for (const ep of r.episodes) {
      const i = ep.envIndex;
      const tol = 1e-4 * Math.max(1, Math.abs(returns[i]));
      if (Math.abs(ep.episodicReturn - returns[i]) > tol || ep.episodicLength !== lengths[i]) {
        fail(where, `env ${i}: episode record says return ${ep.episodicReturn}, length ${ep.episodicLength}; the steps since the previous end sum to ${returns[i]} over ${lengths[i]} steps`);
      }
      returns[i] = 0;
      lengths[i] = 0;
    }
    trace.push([...Array.from(r.observations), ...Array.from(r.rewards), ...r.terminated, ...r.truncated]);
    previous = r.observations;
    if (scribble) r.observations.fill(NaN);
  }
  return trace;
}

/**
 * Checks a vector env: spaces, batched result types and sizes, same-step autoreset bookkeeping
 * (`finalObservations` and episode records exactly where an episode ended, records that match the summed
 * rewards), determinism under a seed, fresh observation arrays.
 * @throws Error describing the first violation.
 */
export function checkVectorEnv(vec: VectorEnv, options: CheckOptions = {}): void {
  const seed = options.seed ?? 0;
  const steps = options.steps ?? 200;
  if (!Number.isInteger(vec.numEnvs) || vec.numEnvs < 1) fail('checkVectorEnv', `numEnvs must be a positive integer, got ${vec.numEnvs}`);
  checkSpaces('checkVectorEnv', vec.singleObservationSpace, vec.singleActionSpace);
  const first = runVector(vec, seed, steps, false);
  const second = withScribbleHint(() => runVector(vec, seed, steps, true));
  compareTraces('checkVectorEnv determinism', first, second, `two runs with reset({seed: ${seed}}) and the same actions diverge`);
}
