/**
 * `SyncVectorEnv`: N single `Env`s stepped one after another in the calling thread, behind the batched
 * `VectorEnv` contract, after Gymnasium's `SyncVectorEnv` with `autoreset_mode=SAME_STEP`
 * (https://gymnasium.farama.org/api/vector/): where an episode ends, the same step resets that env, returns
 * the new episode's first observation, and keeps the last one in `finalObservations`.
 */
import type { Env, EpisodeRecord, ResetOptions, VectorEnv, VectorStepResult } from './env';
import { spaceSize, type BoxSpace, type Space } from './spaces';

export class SyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: Space;
  readonly envs: readonly Env[];
  private readonly obsSize: number;
  /** Floats per action for box spaces, 1 for discrete. */
  private readonly actionSize: number;
  private readonly returns: Float64Array; // [numEnvs] running episodic return
  private readonly lengths: Int32Array; // [numEnvs] running episodic length
  private started = false;

  /** @throws Error for an empty list or envs whose spaces differ in type or size. */
  constructor(envs: Env[]) {
    if (envs.length === 0) throw new Error('SyncVectorEnv: needs at least one env');
    const first = envs[0];
    this.obsSize = spaceSize(first.observationSpace);
    const describe = (s: Space) => (s.type === 'discrete' ? `discrete(${s.n})` : `box[${s.shape}]`);
    envs.forEach((e, i) => {
      if (spaceSize(e.observationSpace) !== this.obsSize || describe(e.actionSpace) !== describe(first.actionSpace)) {
        throw new Error(`SyncVectorEnv: env ${i} has spaces obs[${e.observationSpace.shape}] ${describe(e.actionSpace)}, env 0 has obs[${first.observationSpace.shape}] ${describe(first.actionSpace)}`);
      }
    });
    this.envs = envs;
    this.numEnvs = envs.length;
    this.singleObservationSpace = first.observationSpace;
    this.singleActionSpace = first.actionSpace;
    this.actionSize = first.actionSpace.type === 'discrete' ? 1 : spaceSize(first.actionSpace);
    this.returns = new Float64Array(this.numEnvs);
    this.lengths = new Int32Array(this.numEnvs);
  }

  /** Resets every env; with a seed, env i gets `seed + i` (Gymnasium's convention). @returns [numEnvs * obsSize] float32. */
  reset(options: ResetOptions = {}): { observations: Float32Array } {
    const observations = new Float32Array(this.numEnvs * this.obsSize);
    this.envs.forEach((env, i) => {
      const { observation } = env.reset(options.seed === undefined ? {} : { seed: options.seed + i });
      observations.set(observation, i * this.obsSize);
    });
    this.returns.fill(0);
    this.lengths.fill(0);
    this.started = true;
    return { observations };
  }

  /**
   * Steps every env once. @param actions Int32Array [numEnvs] (discrete) or Float32Array [numEnvs * actionSize].
   * @throws Error before `reset` or when `actions` has the wrong length.
   */
  step(actions: Int32Array | Float32Array): VectorStepResult {
    if (!this.started) throw new Error('SyncVectorEnv.step(): call reset() first');
    const n = this.numEnvs;
    if (actions.length !== n * this.actionSize) {
      throw new Error(`SyncVectorEnv.step(): got ${actions.length} action values, expected ${n} envs × ${this.actionSize}`);
    }
    const observations = new Float32Array(n * this.obsSize);
    const rewards = new Float32Array(n);
    const terminated = new Uint8Array(n);
    const truncated = new Uint8Array(n);
    const finalObservations: (Float32Array | null)[] = new Array(n).fill(null);
    const episodes: EpisodeRecord[] = [];
    for (let i = 0; i < n; i++) {
      const env = this.envs[i];
      const action = this.singleActionSpace.type === 'discrete' ? actions[i] : (actions.slice(i * this.actionSize, (i + 1) * this.actionSize) as Float32Array);
      const r = env.step(action);
      rewards[i] = r.reward;
      terminated[i] = r.terminated ? 1 : 0;
      truncated[i] = r.truncated ? 1 : 0;
      this.returns[i] += r.reward;
      this.lengths[i]++;
      if (r.terminated || r.truncated) {
        episodes.push({ envIndex: i, episodicReturn: this.returns[i], episodicLength: this.lengths[i], terminated: r.terminated, truncated: r.truncated });
        finalObservations[i] = Float32Array.from(r.observation);
        this.returns[i] = 0;
        this.lengths[i] = 0;
        observations.set(env.reset().observation, i * this.obsSize);
      } else {
        observations.set(r.observation, i * this.obsSize);
      }
    }
    return { observations, rewards, terminated, truncated, finalObservations, episodes };
  }

  close(): void {
    for (const env of this.envs) env.close?.();
  }
}
