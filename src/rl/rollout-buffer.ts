/**
 * On-policy storage for one rollout, time-major [T, numEnvs, ...] like CleanRL's `obs`, `actions`,
 * `logprobs`, `rewards`, `dones`, `values` tensors, but growable: an episode-count rollout (DeepRacer's
 * "episodes between each policy-updating iteration") does not know T in advance. Capacity doubles when
 * full; `clear()` keeps it, so steady-state iterations allocate nothing.
 *
 * Because rows are time-major and contiguous, the flat batch [T * numEnvs, ...] that the update
 * shuffles into minibatches is just the first `T * numEnvs` rows: `flatten()` returns views, no copy.
 */

export interface RolloutBatch {
  /** Number of samples, T × numEnvs. */
  size: number;
  /** [size, obsSize] float32. */
  observations: Float32Array;
  /** [size] int32 (discrete) or [size, actionSize] float32 (Gaussian). */
  actions: Int32Array | Float32Array;
  /** [size] float32, log π_old(a|s). */
  logProbs: Float32Array;
  /** [size] float32, V_old(s). */
  values: Float32Array;
  /** [size] float32. */
  rewards: Float32Array;
  /** [size] 0/1, the step ended its episode. */
  dones: Uint8Array;
}

export class RolloutBuffer {
  readonly numEnvs: number;
  readonly obsSize: number;
  /** Floats per action: 1 for discrete (stored as int32), the dimension for Gaussian. */
  readonly actionSize: number;
  readonly discreteActions: boolean;
  /** Steps stored (T). */
  steps = 0;
  private capacity = 0;
  observations = new Float32Array(0); // [capacity, numEnvs, obsSize] float32
  actions: Int32Array | Float32Array; // [capacity, numEnvs] int32 or [capacity, numEnvs, actionSize] float32
  logProbs = new Float32Array(0); // [capacity, numEnvs] float32
  values = new Float32Array(0); // [capacity, numEnvs] float32
  rewards = new Float32Array(0); // [capacity, numEnvs] float32
  dones = new Uint8Array(0); // [capacity, numEnvs] 0/1

  /** @param initialSteps capacity to start with, in steps (grows as needed). */
  constructor(options: { numEnvs: number; obsSize: number; actionSize: number; discreteActions: boolean; initialSteps?: number }) {
    this.numEnvs = options.numEnvs;
    this.obsSize = options.obsSize;
    this.discreteActions = options.discreteActions;
    this.actionSize = options.discreteActions ? 1 : options.actionSize;
    this.actions = this.discreteActions ? new Int32Array(0) : new Float32Array(0);
    this.grow(Math.max(1, options.initialSteps ?? 128));
  }

  private grow(capacity: number): void {
    const n = this.numEnvs;
    const copy = <T extends Float32Array | Int32Array | Uint8Array>(old: T, make: (len: number) => T, perStep: number): T => {
      const next = make(capacity * perStep);
      next.set(old.subarray(0, this.steps * perStep));
      return next;
    };
    this.observations = copy(this.observations, (l) => new Float32Array(l), n * this.obsSize);
    this.actions = this.discreteActions
      ? copy(this.actions as Int32Array, (l) => new Int32Array(l), n)
      : copy(this.actions as Float32Array, (l) => new Float32Array(l), n * this.actionSize);
    this.logProbs = copy(this.logProbs, (l) => new Float32Array(l), n);
    this.values = copy(this.values, (l) => new Float32Array(l), n);
    this.rewards = copy(this.rewards, (l) => new Float32Array(l), n);
    this.dones = copy(this.dones, (l) => new Uint8Array(l), n);
    this.capacity = capacity;
  }

  /**
   * Appends one vector step. Rewards and dones are written later with `setOutcome` (the step result
   * arrives after acting). @returns the step index t.
   * @param observations [numEnvs * obsSize]; @param actions [numEnvs] or [numEnvs * actionSize];
   * @param logProbs,values [numEnvs].
   */
  add(observations: Float32Array, actions: Int32Array | Float32Array, logProbs: Float32Array, values: Float32Array): number {
    if (this.steps === this.capacity) this.grow(this.capacity * 2);
    const t = this.steps++;
    const n = this.numEnvs;
    this.observations.set(observations, t * n * this.obsSize);
    this.actions.set(actions, t * n * this.actionSize);
    this.logProbs.set(logProbs, t * n);
    this.values.set(values, t * n);
    return t;
  }

  /** Records step t's rewards ([numEnvs] float32) and end flags (terminated | truncated, [numEnvs] 0/1). */
  setOutcome(t: number, rewards: Float32Array, terminated: Uint8Array, truncated: Uint8Array): void {
    const n = this.numEnvs;
    this.rewards.set(rewards, t * n);
    for (let e = 0; e < n; e++) this.dones[t * n + e] = terminated[e] | truncated[e];
  }

  /** The stored rows as a flat batch of T × numEnvs samples (views into the buffer, valid until `clear`/`add`). */
  flatten(): RolloutBatch {
    const size = this.steps * this.numEnvs;
    return {
      size,
      observations: this.observations.subarray(0, size * this.obsSize),
      actions: this.actions.subarray(0, size * this.actionSize),
      logProbs: this.logProbs.subarray(0, size),
      values: this.values.subarray(0, size),
      rewards: this.rewards.subarray(0, size),
      dones: this.dones.subarray(0, size),
    };
  }

  /** Empties the buffer, keeping its capacity. */
  clear(): void {
    this.steps = 0;
  }
}
