/**
 * RacingEnv: one car, Gymnasium's single-env contract (`reset` → `{observation, info}`, `step` →
 * `{observation, reward, terminated, truncated, info}`). A view over a one-car RacingVectorEnv
 * without autoreset; see `racing-env.ts` for the spaces, rules and rewards.
 */
import type { Env, ResetOptions, ResetResult, StepResult } from './env';
import type { BoxSpace, Space } from './spaces';
import { RacingVectorEnv, type CarStepInfo, type RacingEnvConfig } from './racing-env';
import type { DeepRacerParams } from './params';

/** What `step` puts in `info`: the DeepRacer params of the step and the episode state. */
export interface RacingInfo extends Partial<CarStepInfo> {
  params?: DeepRacerParams;
}

export class RacingEnv implements Env<RacingInfo> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  readonly vec: RacingVectorEnv;
  private ended = true;
  private readonly actionBuf: Int32Array | Float32Array;

  constructor(config: Omit<RacingEnvConfig, 'numEnvs' | 'autoreset'>) {
    this.vec = new RacingVectorEnv({ ...config, numEnvs: 1, autoreset: false });
    this.observationSpace = this.vec.singleObservationSpace;
    this.actionSpace = this.vec.singleActionSpace;
    this.actionBuf = this.actionSpace.type === 'discrete' ? new Int32Array(1) : new Float32Array(2);
  }

  reset(options: ResetOptions = {}): ResetResult<RacingInfo> {
    const { observations } = this.vec.reset(options);
    this.ended = false;
    return { observation: observations, info: { ...this.vec.lastInfo[0] } };
  }

  /**
   * @param action discrete index, or Float32Array [2] of continuous samples in [-1, 1].
   * @throws Error when the episode has ended and `reset` was not called.
   */
  step(action: number | Float32Array): StepResult<RacingInfo> {
    if (this.ended) throw new Error('RacingEnv.step(): the episode has ended; call reset() first');
    if (typeof action === 'number') this.actionBuf[0] = action;
    else this.actionBuf.set(action);
    const r = this.vec.step(this.actionBuf);
    this.ended = r.terminated[0] === 1 || r.truncated[0] === 1;
    return {
      observation: r.observations,
      reward: r.rewards[0],
      terminated: r.terminated[0] === 1,
      truncated: r.truncated[0] === 1,
      info: { ...this.vec.lastInfo[0], params: this.vec.lastParams[0] ?? undefined },
    };
  }
}
