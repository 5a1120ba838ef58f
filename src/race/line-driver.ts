/**
 * A scripted driver for the limit lap: pure pursuit on the racing line, with the limit lap's speed profile as its
 * speed command, driving `RacingVectorEnv` through its real physics at 15 Hz. It shows that the simulator's car can
 * follow the computed limit (the limit-lap test and `npm run bench:race`), and it is the "perfect driver" a trained
 * model is measured against.
 *
 * Pure pursuit: R. C. Coulter, "Implementation of the Pure Pursuit Path Tracking Algorithm" (CMU-RI-TR-92-01, 1992):
 * steer the rear axle along the circle through a point of the path one lookahead distance ahead,
 * δ = atan(2·L·sin α / ℓ), with L the wheelbase, α the point's bearing and ℓ its distance.
 */
import { RacingVectorEnv } from '../sim/racing-env';
import { CAR, MAX_STEER_RAD } from '../sim/car';
import { MAX_STEERING_DEG, type ContinuousActionSpace } from '../sim/action-space';
import type { EpisodeStatus } from '../sim/racing-env-types';
import type { RewardFunction } from '../reward/reward-function';
import type { Track } from '../track/track';
import type { LimitLap } from './limit-lap';

/** What the scripted driver did on one lap. */
export interface LineDriveResult {
  /** Lap time, s (simulated, 15 control steps a second), or null when the lap was not completed. */
  lapTimeS: number | null;
  status: EpisodeStatus;
  /** Percent of the lap driven. */
  progress: number;
  steps: number;
  /** Largest distance of the car origin from the racing line, m. */
  maxLineErrorM: number;
  /** Steps on which a wheel was off the road (DeepRacer's `all_wheels_on_track` false). */
  wheelsOffSteps: number;
}

/** The action space the driver commands: the simulator's whole steering and speed range. */
const DRIVER_SPACE: ContinuousActionSpace = { type: 'continuous', steering_angle: { low: -MAX_STEERING_DEG, high: MAX_STEERING_DEG }, speed: { low: 0.5, high: 4 } };


/**
 * Pure pursuit's lookahead ℓ = LOOKAHEAD_M + LOOKAHEAD_S·v. Pure pursuit cuts a corner by about ℓ²·κ/2, and the
 * minimum-curvature line runs close to the borders at its apexes: 0.2 + 0.2·v put wheels off the road on 7 shipped
 * loops and the whole car off Mexico_track; 0.15 + 0.15·v keeps every wheel on every loop track, at most 9% over
 * the limit.
 */
const LOOKAHEAD_M = 0.15;
const LOOKAHEAD_S = 0.15;

/** Seconds of travel ahead whose slowest profile speed is commanded: the speed controller's lag and one control step. */
const SPEED_LEAD_S = CAR.speedTau + 1 / 15;

/**
 * Drives one standing-start lap of `track` along `lap`'s racing line.
 * @param options.maxSteps step limit (default 3000, 200 s).
 * @returns the lap time (null when the car left the track or ran out of steps) and how well it held the line.
 */
export function driveLimitLap(track: Track, lap: LimitLap, options: { maxSteps?: number } = {}): LineDriveResult {
  let wheelsOff = 0;
  // The reward function is where the driver sees DeepRacer's params: it counts the steps with a wheel off the road.
  const watch: RewardFunction = { language: 'javascript', evaluate: (batch) => batch.map((p) => ((wheelsOff += p.all_wheels_on_track ? 0 : 1), 1)) };
  const env = new RacingVectorEnv({ track, actionSpace: DRIVER_SPACE, reward: watch, numEnvs: 1, autoreset: false, roundRobinAdvance: 0 });
  env.reset({ seed: 0 });
  const n = lap.xs.length;
  const pose = new Float32Array(3);
  const action = new Float32Array(2);
  let near = 0;
  let prev = { x: lap.xs[0], y: lap.ys[0] };
  let maxErr = 0;
  const maxSteps = options.maxSteps ?? 3000;
  const next = (i: number): number => (track.loop ? (i + 1) % n : Math.min(n - 1, i + 1));
  const dist = (i: number, x: number, y: number): number => Math.hypot(lap.xs[i] - x, lap.ys[i] - y);
  for (let step = 1; step <= maxSteps; step++) {
    env.poses(pose);
    const [x, y, heading] = pose;
    const speed = Math.hypot(x - prev.x, y - prev.y) * 15; // m/s over the last control step
    prev = { x, y };
    // Nearest line point, searched forward from the last one (the car only moves forward along the line).
    for (let k = 0; k < 40; k++) {
      const j = next(near);
      if (dist(j, x, y) <= dist(near, x, y)) near = j;
      else break;
    }
    maxErr = Math.max(maxErr, dist(near, x, y));
    // Pure pursuit from the rear axle.
    const rx = x + CAR.rearAxleX * Math.cos(heading);
    const ry = y + CAR.rearAxleX * Math.sin(heading);
    const lookahead = LOOKAHEAD_M + LOOKAHEAD_S * speed;
    let target = near;
    for (let k = 0; k < n && dist(target, rx, ry) < lookahead; k++) target = next(target);
    const dx = lap.xs[target] - rx;
    const dy = lap.ys[target] - ry;
    const ell = Math.max(1e-6, Math.hypot(dx, dy));
    const bearing = Math.atan2(dy, dx) - heading;
    const wheelbase = CAR.frontAxleX - CAR.rearAxleX;
    const delta = Math.atan2(2 * wheelbase * Math.sin(bearing), ell);
    // Speed: the slowest profile speed over the next SPEED_LEAD_S of travel.
    let command = lap.speeds[next(near)];
    const reach = Math.max(0.1, speed * SPEED_LEAD_S);
    for (let k = next(near), travelled = 0; travelled < reach && k !== near; k = next(k)) {
      command = Math.min(command, lap.speeds[k]);
      travelled += 0.1;
      if (!track.loop && k === n - 1) break;
    }
    action[0] = Math.max(-1, Math.min(1, delta / MAX_STEER_RAD));
    action[1] = ((Math.max(0.5, command) - 0.5) / 3.5) * 2 - 1;
    const r = env.step(action);
    if (r.episodes.length > 0) {
      const e = r.episodes[0].extra as { status: EpisodeStatus; progress: number; lapTimeS: number | null };
      return { lapTimeS: e.status === 'lap_complete' ? e.lapTimeS : null, status: e.status, progress: e.progress, steps: step, maxLineErrorM: maxErr, wheelsOffSteps: wheelsOff };
    }
  }
  return { lapTimeS: null, status: 'time_up', progress: 0, steps: maxSteps, maxLineErrorM: maxErr, wheelsOffSteps: wheelsOff };
}
