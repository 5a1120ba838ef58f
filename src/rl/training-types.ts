/**
 * The figures of one training iteration (one point per policy update), as the training loop reports them
 * (`workers/training-client.ts` builds them from the iteration's metrics), the studio charts them and the
 * store keeps them with each run and checkpoint. They live here, in the layer that makes the data, so that
 * store/, workers/ and ui/ all import them downwards (ui/training-types.ts re-exports them).
 */
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
