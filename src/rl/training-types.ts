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
  /** Mean over the update's minibatches (CleanRL `losses/entropy`), nats. */
  entropy: number;
  /** CleanRL `losses/approx_kl`, the k3 estimator. */
  approxKl: number;
  /** CleanRL `losses/policy_loss`, `losses/value_loss`, `losses/clipfrac`; absent in runs saved before they were kept. */
  policyLoss?: number;
  valueLoss?: number;
  clipFraction?: number;
  /** CleanRL `losses/explained_variance` of the value head on this rollout; null when the returns had no variance. */
  explainedVariance?: number | null;
  /** The learning rate of this update (`charts/learning_rate`). */
  learningRate?: number;
  /** Env steps per second of this iteration. */
  sps: number;
}
