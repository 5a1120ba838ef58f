/**
 * Rollout collection: the vector env and the policy in lockstep (CleanRL `ppo.py`, the `for step in
 * range(args.num_steps)` loop). Two stopping rules:
 * - fixed length: `numSteps` steps per env (CleanRL, SB3 `n_steps`);
 * - episode count: once at least `minEpisodes` episodes have ended (DeepRacer's "Number of experience
 *   episodes between each policy-updating iteration"), capped at `maxSteps` steps per env.
 * Episodes are not cut at an iteration boundary: the env is never reset between rollouts, the last
 * observations are carried in `RolloutState`, and the unfinished tail is bootstrapped by `lastValues`.
 */
import type { EpisodeRecord, VectorEnv } from '../sim/env';
import type { Rng } from '../sim/rng';
import type { ActorCritic } from './policy';
import type { RolloutBuffer } from './rollout-buffer';

/** What persists between rollouts: the observations the next action is chosen from. */
export interface RolloutState {
  /** [numEnvs * obsSize] float32. */
  observations: Float32Array;
}

export interface RolloutOptions {
  /** Fixed rollout length in steps per env; when set, `minEpisodes` is ignored. */
  numSteps?: number | null;
  /** Stop after the step on which the count of ended episodes reaches this. */
  minEpisodes?: number;
  /** Safety cap on steps per env for an episode-count rollout. */
  maxSteps: number;
  /** Discount, to bootstrap truncated episodes: reward += γ·V(final observation). */
  gamma: number;
  /** Sampling noise of the policy. */
  rng: Rng;
}

export interface RolloutResult {
  /** Steps per env stored in the buffer (T). */
  steps: number;
  /** Env steps over all envs, T × numEnvs. */
  envSteps: number;
  /** Episodes that ended during the rollout, in order. */
  episodes: EpisodeRecord[];
  /** [numEnvs] float32, V(observation after the last step), the GAE bootstrap. */
  lastValues: Float32Array;
  /** ms inside `vecEnv.step` (physics, reward). */
  simulateMs: number;
  /** ms choosing actions and evaluating values (forward passes and reads). */
  actMs: number;
}

/** Resets the vector env (env i gets seed + i) and returns the state the first rollout starts from. */
export function startRollouts(vecEnv: VectorEnv, seed: number): RolloutState {
  return { observations: vecEnv.reset({ seed }).observations };
}

/**
 * Steps `vecEnv` with actions from `policy` and fills `buffer` (cleared first), updating `state`.
 * @throws Error when neither `numSteps` nor `minEpisodes` is given, or the buffer does not fit the env.
 */
export async function collectRollout(
  vecEnv: VectorEnv,
  policy: ActorCritic,
  buffer: RolloutBuffer,
  state: RolloutState,
  options: RolloutOptions,
): Promise<RolloutResult> {
  const numSteps = options.numSteps ?? null;
  const minEpisodes = options.minEpisodes ?? null;
  if (numSteps === null && minEpisodes === null) throw new Error('collectRollout: give options.numSteps or options.minEpisodes');
  const n = vecEnv.numEnvs;
  if (buffer.numEnvs !== n || buffer.obsSize !== policy.observationSize) {
    throw new Error(`collectRollout: buffer is for ${buffer.numEnvs} envs × ${buffer.obsSize} features, the env has ${n} × ${policy.observationSize}`);
  }
  const limit = numSteps ?? options.maxSteps;
  const obsSize = policy.observationSize;
  buffer.clear();
  const episodes: EpisodeRecord[] = [];
  let simulateMs = 0;
  let actMs = 0;

  for (let step = 0; step < limit; step++) {
    let t0 = performance.now();
    const act = await policy.act(state.observations, n, { rng: options.rng });
    const t = buffer.add(state.observations, act.actions, act.logProbs, act.values);
    actMs += performance.now() - t0;

    t0 = performance.now();
    const result = vecEnv.stepAsync ? await vecEnv.stepAsync(act.actions) : vecEnv.step(act.actions);
    simulateMs += performance.now() - t0;

    // Truncated, not terminated: the episode would have continued, so bootstrap from its final observation.
    let rewards = result.rewards;
    const truncatedEnvs: number[] = [];
    for (let e = 0; e < n; e++) {
      if (result.truncated[e] && !result.terminated[e]) {
        if (result.finalObservations[e] === null) throw new Error(`collectRollout: env ${e} was truncated but finalObservations[${e}] is null`);
        truncatedEnvs.push(e);
      }
    }
    if (truncatedEnvs.length > 0) {
      t0 = performance.now();
      const finals = new Float32Array(truncatedEnvs.length * obsSize);
      truncatedEnvs.forEach((e, k) => finals.set(result.finalObservations[e]!, k * obsSize));
      const finalValues = await policy.value(finals, truncatedEnvs.length);
      rewards = Float32Array.from(result.rewards);
      truncatedEnvs.forEach((e, k) => (rewards[e] += options.gamma * finalValues[k]));
      actMs += performance.now() - t0;
    }
    buffer.setOutcome(t, rewards, result.terminated, result.truncated);
    for (const ep of result.episodes) episodes.push(ep);
    state.observations = result.observations;
    if (numSteps === null && episodes.length >= minEpisodes!) break;
  }

  const t0 = performance.now();
  const lastValues = await policy.value(state.observations, n);
  actMs += performance.now() - t0;
  return { steps: buffer.steps, envSteps: buffer.steps * n, episodes, lastValues, simulateMs, actMs };
}
