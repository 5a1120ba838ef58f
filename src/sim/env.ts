/**
 * The environment contracts, Gymnasium's vocabulary in camelCase with named results instead of
 * tuples (https://gymnasium.farama.org/api/env/, https://gymnasium.farama.org/api/vector/).
 */
import type { BoxSpace, Space } from './spaces';

/** Options for `reset`: a seed re-seeds the env's generator (Gymnasium `reset(seed=...)`). */
export interface ResetOptions {
  seed?: number;
}

export interface ResetResult<Info = Record<string, unknown>> {
  /** [obsSize] float32, one observation. */
  observation: Float32Array;
  info: Info;
}

export interface StepResult<Info = Record<string, unknown>> {
  /** [obsSize] float32. */
  observation: Float32Array;
  reward: number;
  /** The episode reached a terminal state of the MDP (crash, goal). */
  terminated: boolean;
  /** The episode was cut short (step limit): bootstrap from `observation`. */
  truncated: boolean;
  info: Info;
}

/** A single environment. Actions are an integer for discrete spaces, a float vector for box spaces. */
export interface Env<Info = Record<string, unknown>> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  reset(options?: ResetOptions): ResetResult<Info>;
  step(action: number | Float32Array): StepResult<Info>;
  close?(): void;
}

/** Summary of an episode that ended during a vector step. */
export interface EpisodeRecord {
  envIndex: number;
  /** Sum of rewards over the episode. */
  episodicReturn: number;
  /** Number of steps in the episode. */
  episodicLength: number;
  terminated: boolean;
  truncated: boolean;
  /** Env-specific numbers (the racing env adds `progress`, `lapCompleted`, `lapTimeS`...). */
  extra?: Record<string, number | string | boolean | null>;
}

export interface VectorStepResult {
  /**
   * [numEnvs * obsSize] float32. Same-step autoreset: where an episode ended, this row already
   * holds the first observation of the next episode, and the last one is in `finalObservations`.
   */
  observations: Float32Array;
  /** [numEnvs] float32. */
  rewards: Float32Array;
  /** [numEnvs] 0/1. */
  terminated: Uint8Array;
  /** [numEnvs] 0/1. */
  truncated: Uint8Array;
  /** Per env: the last observation of an episode that ended this step, else null. */
  finalObservations: (Float32Array | null)[];
  /** Episodes that ended on this step. */
  episodes: EpisodeRecord[];
}

/**
 * N copies of an env stepped in lockstep with batched typed arrays and same-step autoreset.
 * Discrete actions: Int32Array [numEnvs]; box actions: Float32Array [numEnvs * actionSize].
 */
export interface VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: Space;
  /** @returns observations [numEnvs * obsSize] float32. */
  reset(options?: ResetOptions): { observations: Float32Array };
  step(actions: Int32Array | Float32Array): VectorStepResult;
  /** The same step for envs whose rewards come back asynchronously (a sandboxed reward function). */
  stepAsync?(actions: Int32Array | Float32Array): Promise<VectorStepResult>;
  close?(): void;
}
