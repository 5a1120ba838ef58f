/** What the studio shows and stores of each training iteration (one point per policy update). */
export interface IterationPoint {
  iteration: number;
  /** Seconds since training started (pauses excluded). */
  elapsedS: number;
  /** Env steps so far, all cars. */
  globalStep: number;
  /** Episodes that ended in this iteration. */
  episodes: number;
  /** Mean episode return (sum of rewards). */
  meanReward: number;
  /** Mean episode progress, percent. */
  meanProgress: number;
  /** Episodes of this iteration that completed a lap. */
  laps: number;
  entropy: number;
  approxKl: number;
  /** Env steps per second of this iteration. */
  sps: number;
}
