/**
 * The shape of {@link ModelPackage} (a model that travels) and its parts, apart from the code that reads and writes
 * it (`model-package.ts`) and checks it (`package-check.ts`), so that both import the types from here and neither
 * imports the other's module in a circle. `model-package.ts` re-exports them; import them from there.
 */
import type { NetworkSpec } from '../rl/network-spec';
import type { PpoConfig } from '../rl/config';
import type { ActionSpace } from '../sim/action-space';
import type { TrackData } from '../track/track-data';

export type RewardLanguage = 'javascript' | 'python';

/** One evaluation trial as its maker saw it. */
export interface TrialClaim {
  /** Percent of the lap completed, 0..100. */
  progress: number;
  /** Lap time, simulated seconds; null when the lap was not completed. */
  lapTimeS: number | null;
  /** Simulation steps of the trial; null when not recorded. */
  steps: number | null;
  /** DeepRacer episode status at the end (`lap_complete`, `off_track`, ...); null when not recorded. */
  status: string | null;
}

/** The evaluation a package claims: re-running `evaluatePolicy` with this seed and trial count should give it. */
export interface EvaluationClaim {
  /** Seed of the evaluation (`EvaluationConfig.seed`). */
  seed: number;
  /** One result per trial, in trial order; the number of trials is its length. */
  trials: TrialClaim[];
}

/** How much training went into the weights. */
export interface TrainingStats {
  /** Training time, seconds (pauses excluded). */
  seconds: number;
  /** Env steps, all cars. */
  envSteps: number;
  /** Policy-updating iterations. */
  iterations: number;
}

/** One sim-trace CSV (DeepRacer's 17 columns, `src/race/sim-trace.ts`) of one iteration. */
export interface SimTraceLog {
  /** DeepRacer's iteration number of the file (`{N}-iteration.csv`). */
  iteration: number;
  csv: string;
}

export interface ModelPackage {
  name: string;
  /** A shipped track's name (e.g. `reinvent_base`), or the whole geometry of a custom track. */
  track: string | TrackData;
  /** DeepRacer `sensor` list, e.g. `['TRACK_GEOMETRY']`. */
  sensors: string[];
  actionSpace: ActionSpace;
  network: NetworkSpec;
  /** [numParams] float32 in `paramLayout(network)` order. */
  weights: Float32Array;
  /** The reward function's source, verbatim. Never run by a codec. */
  reward: { language: RewardLanguage; code: string };
  /** Full PPO settings (DeepRacer's seven hyperparameters and Raceline's extras). */
  ppo: PpoConfig;
  /** Seed of the training run. */
  seed: number;
  /** The result its maker claims, with the seed to reproduce it; null when never evaluated. */
  evaluation: EvaluationClaim | null;
  training: TrainingStats | null;
  /** One free-form object per training iteration (the `training.jsonl` lines). */
  history: Record<string, unknown>[];
  /** Sim-trace logs, sorted by iteration. */
  logs: { training: SimTraceLog[]; evaluation: SimTraceLog[] };
  notes: string;
  /** The model this one was cloned from. */
  parent: { id: string; name: string } | null;
}
