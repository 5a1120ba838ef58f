/**
 * Evaluation results as the studio keeps and compares them: the stored record (with the best trial's path for the
 * garage thumbnail) and the check of a claimed result against a re-run. Pure: no DOM, no store.
 */
import type { TrialResult } from '../race/evaluate';
import { summarizeTrials } from '../race/summary';
import { MAX_PATH_POINTS, newId, type ClaimedEvaluation, type ClaimedTrial, type EvaluationRecord } from '../store/records';

/**
 * The index of the best trial: the completed lap with the lowest time, else the furthest progress (the earlier
 * trial on a tie). @returns -1 for no trials.
 */
export function bestTrialIndex(trials: readonly Pick<TrialResult, 'progress' | 'lapTimeS'>[]): number {
  let best = -1;
  for (let i = 0; i < trials.length; i++) {
    if (best < 0) {
      best = i;
      continue;
    }
    const a = trials[i];
    const b = trials[best];
    const better =
      a.lapTimeS !== null && b.lapTimeS !== null ? a.lapTimeS < b.lapTimeS : a.lapTimeS !== null ? true : b.lapTimeS !== null ? false : a.progress > b.progress;
    if (better) best = i;
  }
  return best;
}

/**
 * The driven path of a trial thinned to at most `maxPoints` points (first and last kept), as `[k * 2]` x, y in
 * metres rounded to 1 mm.
 * @param path `[steps * 3]` float32 x (m), y (m), heading (rad) per step, as `TrialResult.path`.
 */
export function thinPath(path: Float32Array, maxPoints = MAX_PATH_POINTS): number[] {
  const steps = Math.floor(path.length / 3);
  if (steps === 0) return [];
  const stride = Math.max(1, Math.ceil((steps - 1) / Math.max(1, maxPoints - 1)));
  const out: number[] = [];
  const push = (k: number) => out.push(Math.round(path[3 * k] * 1000) / 1000, Math.round(path[3 * k + 1] * 1000) / 1000);
  for (let k = 0; k < steps - 1; k += stride) push(k);
  push(steps - 1);
  return out;
}

/**
 * The stored record of an evaluation: per-trial results without their paths, the summary, and the best trial's
 * path thinned for the thumbnail (null when the trials carry no paths).
 * @param seed the evaluation seed (start perturbations); @param trials in trial order.
 */
export function evaluationRecord(modelId: string, track: string, seed: number, trials: readonly TrialResult[], now = Date.now()): EvaluationRecord {
  const stored = trials.map(({ path: _path, ...t }) => t);
  const best = trials[bestTrialIndex(trials)];
  return {
    type: 'evaluation',
    version: 2,
    id: newId('evaluation'),
    modelId,
    createdAt: now,
    track,
    seed,
    trials: stored,
    summary: summarizeTrials(stored),
    bestPath: best?.path && best.path.length >= 6 ? thinPath(best.path) : null,
  };
}

/** The claim a result makes: seed and per-trial progress, lap time, steps and status. */
export function claimFromTrials(seed: number, trials: readonly TrialResult[]): ClaimedEvaluation {
  return { seed, trials: trials.map((t) => ({ progress: t.progress, lapTimeS: t.lapTimeS, steps: t.steps, status: t.status })) };
}

/** Progress values closer than this count as equal, percent (stored results are rounded by no one, but be lenient). */
const PROGRESS_TOLERANCE = 0.01;
/** Lap times closer than this count as equal, s (lap times are whole control steps of 1/15 s). */
const LAP_TOLERANCE_S = 1e-6;

/** The outcome of re-running a claimed evaluation. */
export interface ClaimCheck {
  /** Every trial gave the claimed lap (or no lap) and lap time, and the claimed progress. */
  reproduced: boolean;
  /** What differs, one line per trial (empty when reproduced): `trial 2: claimed 27.20 s, got no lap (off_track at 81.3%)`. */
  differences: string[];
}

function describeTrial(t: Pick<ClaimedTrial, 'progress' | 'lapTimeS' | 'status'>): string {
  return t.lapTimeS !== null ? `${t.lapTimeS.toFixed(2)} s` : `no lap (${t.status ?? 'stopped'} at ${t.progress.toFixed(1)}%)`;
}

/**
 * Compares a re-run evaluation with the claimed one, trial by trial: same lap completion, lap time and progress.
 * A different number of trials is a difference too.
 */
export function checkClaim(claim: ClaimedEvaluation, trials: readonly Pick<TrialResult, 'progress' | 'lapTimeS' | 'status'>[]): ClaimCheck {
  const differences: string[] = [];
  if (claim.trials.length !== trials.length) differences.push(`claimed ${claim.trials.length} trials, ran ${trials.length}`);
  const n = Math.min(claim.trials.length, trials.length);
  for (let i = 0; i < n; i++) {
    const c = claim.trials[i];
    const t = trials[i];
    const lapSame = c.lapTimeS === null ? t.lapTimeS === null : t.lapTimeS !== null && Math.abs(c.lapTimeS - t.lapTimeS) <= LAP_TOLERANCE_S;
    if (!lapSame || Math.abs(c.progress - t.progress) > PROGRESS_TOLERANCE) {
      differences.push(`trial ${i + 1}: claimed ${describeTrial(c)}, got ${describeTrial(t)}`);
    }
  }
  return { reproduced: differences.length === 0, differences };
}
