/**
 * The params the reward debugger asks the user's reward function about, built as the simulator builds them
 * (reward/params.ts), without running any reward code here (that happens only in the reward sandbox,
 * docs/security.md):
 * - a grid of agent points over the road, each with a chosen speed and a heading relative to the track's direction
 *   (to paint the reward over the track before training);
 * - the params of a logged step (deepracer-analysis `df_to_params`), to step through an episode or re-score an old
 *   log with a new reward function.
 */
import type { Track } from '../track/track';
import { buildParams, emptyMeasure, measureCar, type DeepRacerParams } from '../reward/params';
import { CAR } from '../sim/car';
import type { TraceColumns } from './trace-columns';

export interface RewardGrid {
  /** [n * 2] agent points x, y, m. */
  points: Float32Array;
  /** [n] the params at each point. */
  params: DeepRacerParams[];
  /** Spacing along the centre line and across it, m. */
  spacing: number;
}

/**
 * Agent points on the road every `spacing` m along the centre line and across it (to the borders), each facing the
 * centre line's direction plus `headingOffsetDeg`, at the commanded `speed` and `steeringDeg`; progress as if the
 * episode started on the start line, `steps` 2 (the first step the reward function sees).
 * @param speed m/s; @param headingOffsetDeg degrees, positive = turned left of the track direction.
 * @throws RangeError for a spacing below 2 cm (too many points) or a non-finite speed or heading.
 */
export function rewardGrid(track: Track, opts: { speed: number; headingOffsetDeg: number; steeringDeg?: number; spacing?: number }): RewardGrid {
  const spacing = opts.spacing ?? 0.1;
  if (!(spacing >= 0.02)) throw new RangeError(`reward grid: spacing must be at least 0.02 m, got ${spacing}`);
  if (!Number.isFinite(opts.speed) || !Number.isFinite(opts.headingOffsetDeg)) throw new RangeError('reward grid: speed and heading must be numbers');
  const pts: number[] = [];
  const params: DeepRacerParams[] = [];
  const m = emptyMeasure();
  const L = track.length;
  const offset = (opts.headingOffsetDeg * Math.PI) / 180;
  let hint = -1;
  for (let s = spacing / 2; s < L; s += spacing) {
    const c = track.pointAt(s);
    const nx = -Math.sin(c.heading);
    const ny = Math.cos(c.heading);
    const half = track.widthAt(c.x, c.y, -1) / 2 + spacing;
    for (let d = -half; d <= half; d += spacing) {
      const x = c.x + d * nx;
      const y = c.y + d * ny;
      if (!track.contains(x, y)) continue;
      const heading = c.heading + offset;
      // The agent point sits 0.14 m ahead of the car's origin.
      const ox = x - CAR.frontPointX * Math.cos(heading);
      const oy = y - CAR.frontPointX * Math.sin(heading);
      measureCar(track, ox, oy, heading, hint, m);
      hint = m.projection.segment;
      const p = buildParams(track, m, heading, {
        steeringAngle: opts.steeringDeg ?? 0,
        speed: opts.speed,
        steps: 2,
        progress: (track.normalizedDistance(m.projection.along) * 100),
        simTime: 2 / 15,
      });
      pts.push(x, y);
      params.push(p);
    }
  }
  return { points: Float32Array.from(pts), params, spacing };
}

/**
 * The params of row `i` of a log, rebuilt from what the log keeps (deepracer-analysis `df_to_params`): position and
 * heading (the car's origin put 0.14 m behind the logged agent point), commanded steering and speed, steps, progress
 * and time; wheels, width, waypoints and the rest from the track. Objects are not in a sim-trace: the `objects_*`
 * lists come back empty.
 */
export function paramsFromRow(track: Track, t: TraceColumns, i: number): DeepRacerParams {
  const heading = (t.yaw[i] * Math.PI) / 180;
  const ox = t.x[i] - CAR.frontPointX * Math.cos(heading);
  const oy = t.y[i] - CAR.frontPointX * Math.sin(heading);
  const m = measureCar(track, ox, oy, heading, -1, emptyMeasure());
  return buildParams(track, m, heading, {
    steeringAngle: t.steer[i],
    speed: t.throttle[i],
    steps: t.steps[i],
    progress: t.progress[i],
    simTime: t.tstamp[i],
    isCrashed: t.status[i] === 3, // EPISODE_STATUSES[3] = 'crashed'
  });
}
