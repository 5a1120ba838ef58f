/**
 * The contract between the env and user reward code, and DeepRacer's validity rules for the value
 * it returns (deepracer-simapp `rollout_agent_ctrl._judge_action_at_run_phase`;
 * reference/deepracer.md §1.3): the result must be a finite number within ±1e5, and any error
 * stops training with a message that names the problem and the line.
 *
 * Here in sim/ because the env calls reward functions through it (the layer below defines the interface,
 * the layer above implements it: src/reward/js-reward.ts, python-reward.ts, the sandbox); reward code
 * imports it through src/reward/reward-function.ts, a re-export.
 */
import type { DeepRacerParams } from './params';

/** User reward code, compiled. One call computes the rewards of a batch of cars. */
export interface RewardFunction {
  readonly language: 'javascript' | 'python';
  /**
   * @param batch params of each car that needs a reward this step.
   * @returns the raw values the user code returned, in order (validated by `checkRewardValue`).
   * @throws RewardError when the user code throws.
   */
  evaluate(batch: readonly DeepRacerParams[]): unknown[];
}

/**
 * User reward code that runs elsewhere (the sandbox worker, docs/security.md) and answers
 * asynchronously. Environments call it through `stepAsync`.
 */
export interface RemoteRewardFunction {
  readonly language: 'javascript' | 'python';
  readonly remote: true;
  /**
   * @returns the values, already checked with `checkRewardValue` on the other side.
   * @throws RewardError when the user code throws, returns an invalid value, overruns its time limit
   *   or its sandbox stops.
   */
  evaluate(batch: readonly DeepRacerParams[]): Promise<unknown[]>;
}

/** Either kind of reward function. */
export type AnyRewardFunction = RewardFunction | RemoteRewardFunction;

/** Largest reward magnitude DeepRacer accepts. */
export const MAX_ABS_REWARD = 1e5;

export type RewardErrorKind = 'syntax' | 'missing-function' | 'runtime' | 'not-a-number' | 'not-finite' | 'out-of-range' | 'time-limit' | 'sandbox';

/** An error in user reward code; `line` is 1-based in the user's source when known. */
export class RewardError extends Error {
  readonly kind: RewardErrorKind;
  readonly line: number | null;
  constructor(kind: RewardErrorKind, message: string, line: number | null = null) {
    super(message);
    this.name = 'RewardError';
    this.kind = kind;
    this.line = line;
  }
}

/**
 * Applies DeepRacer's rule to one returned value.
 * @param steps the episode step the value is for (named in the message).
 * @returns the value as a number.
 * @throws RewardError for a non-number, NaN, ±Infinity or a value outside ±1e5.
 */
export function checkRewardValue(value: unknown, steps: number): number {
  if (typeof value !== 'number') {
    const shown = typeof value === 'string' ? `'${value}'` : value === undefined ? 'nothing' : String(value);
    throw new RewardError(
      'not-a-number',
      `reward_function returned ${shown} (${value === undefined ? 'no return value' : typeof value}) at step ${steps}; it must return a number, as DeepRacer's float(reward)`,
    );
  }
  if (Number.isNaN(value)) throw new RewardError('not-finite', `reward_function returned NaN at step ${steps}; DeepRacer stops training on NaN rewards`);
  if (!Number.isFinite(value))
    throw new RewardError('not-finite', `reward_function returned ${value} at step ${steps}; DeepRacer stops training on infinite rewards`);
  if (Math.abs(value) > MAX_ABS_REWARD)
    throw new RewardError('out-of-range', `reward_function returned ${value} at step ${steps}; DeepRacer requires a reward within ±1e5`);
  return value;
}
