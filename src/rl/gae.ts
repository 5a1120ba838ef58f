/**
 * Generalised Advantage Estimation (Schulman et al. 2015, arXiv:1506.02438), the backward recursion of
 * CleanRL's `ppo.py`:
 *   δ_t = r_t + γ·V(s_{t+1})·(1 − done_t) − V(s_t)
 *   A_t = δ_t + γ·λ·(1 − done_t)·A_{t+1},   returns_t = A_t + V(s_t)
 *
 * Convention here: `dones[t]` is the end flag OF STEP t (terminated or truncated by the step that earned
 * `rewards[t]`), aligned with `rewards[t]`. (CleanRL stores "obs[t] starts a new episode" instead and so
 * needs a separate `next_done`; with step-aligned flags the last step's flag is `dones[T−1]` itself.)
 *
 * Truncation: a truncated episode did not end in the MDP, but the next observation in the buffer is
 * already the next episode's. The rollout collector therefore adds γ·V(final observation) to the reward
 * of a truncated step and marks it done, which bootstraps exactly as if the episode had continued
 * (Pardo et al. 2018, "Time Limits in Reinforcement Learning", arXiv:1712.00378; SB3 does the same).
 */

export interface GaeInput {
  /** [numSteps, numEnvs] float32, rewards (truncated steps already include γ·V(final observation)). */
  rewards: Float32Array;
  /** [numSteps, numEnvs] float32, V(s_t) from the rollout. */
  values: Float32Array;
  /** [numSteps, numEnvs] 0/1, step t ended the episode (terminated or truncated). */
  dones: Float32Array | Uint8Array;
  /** [numEnvs] float32, V of the observation after the last step (ignored where the last step ended an episode). */
  lastValues: Float32Array;
  gamma: number;
  gaeLambda: number;
  numSteps: number;
  numEnvs: number;
}

export interface GaeOutput {
  /** [numSteps, numEnvs] float32. */
  advantages: Float32Array;
  /** [numSteps, numEnvs] float32, advantages + values (the value targets). */
  returns: Float32Array;
}

/**
 * Advantages and returns for a rollout laid out time-major [numSteps, numEnvs].
 * @throws Error when an array's length does not match numSteps × numEnvs (numEnvs for lastValues).
 */
export function computeGae(input: GaeInput): GaeOutput {
  const { rewards, values, dones, lastValues, gamma, gaeLambda, numSteps, numEnvs } = input;
  const size = numSteps * numEnvs;
  for (const [name, arr] of [['rewards', rewards], ['values', values], ['dones', dones]] as const) {
    if (arr.length < size) throw new Error(`computeGae: ${name} has ${arr.length} entries, numSteps × numEnvs = ${size}`);
  }
  if (lastValues.length !== numEnvs) throw new Error(`computeGae: lastValues has ${lastValues.length} entries, numEnvs = ${numEnvs}`);
  const advantages = new Float32Array(size);
  const returns = new Float32Array(size);
  for (let e = 0; e < numEnvs; e++) {
    let lastGae = 0;
    let nextValue = lastValues[e];
    for (let t = numSteps - 1; t >= 0; t--) {
      const i = t * numEnvs + e;
      const nonTerminal = dones[i] ? 0 : 1;
      const delta = rewards[i] + gamma * nextValue * nonTerminal - values[i];
      lastGae = delta + gamma * gaeLambda * nonTerminal * lastGae;
      advantages[i] = lastGae;
      returns[i] = lastGae + values[i];
      nextValue = values[i];
    }
  }
  return { advantages, returns };
}
