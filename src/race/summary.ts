/**
 * Summaries of evaluation trials, pure and dependency-free so storage and UI can use them without
 * loading the simulator.
 */

/** The fields of a trial a summary needs. */
export interface TrialOutcome {
  /** Percent of the lap completed, 0..100. */
  progress: number;
  /** Lap time in simulated seconds, or null when the lap was not completed. */
  lapTimeS: number | null;
}

export interface TrialsSummary {
  /** Trials that completed a lap. */
  completed: number;
  trials: number;
  /** Mean lap time of the completed trials, s; null when none completed. */
  meanLapTimeS: number | null;
  /** Mean progress over all trials, percent. */
  meanProgress: number;
}

/** Laps completed, mean lap time of those laps and mean progress over the trials. */
export function summarizeTrials(trials: readonly TrialOutcome[]): TrialsSummary {
  const laps = trials.filter((t) => t.lapTimeS !== null).map((t) => t.lapTimeS as number);
  return {
    completed: laps.length,
    trials: trials.length,
    meanLapTimeS: laps.length ? laps.reduce((a, b) => a + b, 0) / laps.length : null,
    meanProgress: trials.reduce((a, t) => a + t.progress, 0) / Math.max(1, trials.length),
  };
}
