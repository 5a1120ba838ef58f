/**
 * How closely a driven path follows the centre line: the mean distance of the car from the centre line over a
 * trial, as a fraction of half the local track width (0 on the line, 1 at a border). Lessons judge a centre-line
 * reward by what the trained model does with it. Pure: Node, a worker or the page.
 */
import type { Track } from '../track/track';
import { emptyNearest } from '../track/polyline';

/**
 * Where a driven path ran against the centre line, in one pass over its steps: the mean |distance from the centre
 * line| / (half the local width), and the share of steps left of the line (DeepRacer's `is_left_of_center`, seen in
 * the track's driving direction).
 * @param path `[steps * 3]` x (m), y (m), heading (rad) per step, as `TrialResult.path`.
 * @returns `centreOffset` (≥ 0; above 1 means mostly off the road) and `leftShare` (0..1; 1 − it is the share right
 *   of the line), or null for a path with no steps.
 */
export function centreLineStats(track: Track, path: Float32Array): { centreOffset: number; leftShare: number } | null {
  const steps = Math.floor(path.length / 3);
  if (steps === 0) return null;
  const near = emptyNearest();
  let hint = -1;
  let sum = 0;
  let left = 0;
  for (let k = 0; k < steps; k++) {
    const x = path[3 * k];
    const y = path[3 * k + 1];
    track.project(x, y, hint, near);
    hint = near.segment;
    sum += Math.sqrt(near.dist2) / (track.widthAt(near.px, near.py, hint) / 2);
    if (track.isLeftOfCenter(x, y, hint)) left++;
  }
  return { centreOffset: sum / steps, leftShare: left / steps };
}

/**
 * A driven path thinned for keeping and drawing small: its x, y at most `maxPoints` times, evenly spaced in steps
 * (the first and last steps kept), rounded to the centimetre.
 * @param path `[steps * 3]` x (m), y (m), heading (rad) per step.
 * @returns `[m * 2]` x, y (m), m ≤ maxPoints.
 */
export function thinTrail(path: Float32Array, maxPoints = 240): number[] {
  const steps = Math.floor(path.length / 3);
  const m = Math.min(steps, Math.max(2, maxPoints));
  const cm = (v: number): number => Math.round(v * 100) / 100;
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    const k = m === 1 ? 0 : Math.round((i * (steps - 1)) / (m - 1));
    out.push(cm(path[3 * k]), cm(path[3 * k + 1]));
  }
  return out;
}
