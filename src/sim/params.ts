/**
 * DeepRacer's reward-function input `params`, computed as the simulator computes it
 * (deepracer-simapp `markov/agent_ctrl/rollout_agent_ctrl.py`, `markov/track_geom/track_data.py`;
 * reference/deepracer.md §1.1–1.2). Keys keep DeepRacer's snake_case names exactly, so reward
 * functions written for DeepRacer read them unchanged.
 *
 * Here in sim/ because the env makes them (`info.params`, one per car and step); reward code reads them
 * through src/reward/params.ts, a re-export.
 */
import type { Track } from '../track/track';
import { emptyNearest, type Nearest } from '../track/polyline';
import { CAR } from './car';

/** The `params` dict handed to `reward_function(params)`. Units as DeepRacer documents them. */
export interface DeepRacerParams {
  /** Every wheel centre is on the road polygon. */
  all_wheels_on_track: boolean;
  /** The agent point (0.14 m ahead of the car origin), m, track frame. */
  x: number;
  y: number;
  /** Car yaw, degrees −180..180, CCW from +x. */
  heading: number;
  /** The commanded steering of this step's action, degrees, positive = left. */
  steering_angle: number;
  /** The commanded speed of this step's action, m/s. */
  speed: number;
  /** Percent of a lap driven since this episode's start, 0..100. */
  progress: number;
  /** Steps taken in this episode, counted before the reward is computed (first step = 1). */
  steps: number;
  /** Distance from the agent point to the centre line, m. */
  distance_from_center: number;
  /** The agent point is left of the centre line in the driving direction. */
  is_left_of_center: boolean;
  /** Local track width at the agent point's projection, m. */
  track_width: number;
  /** Centre-line length, m. */
  track_length: number;
  /** Centre-line waypoints `[x, y]`, m (shared, frozen). */
  waypoints: ReadonlyArray<readonly [number, number]>;
  /** `[prev, next]` waypoint indices around the agent point's projection. */
  closest_waypoints: [number, number];
  /** The episode drives the track in reverse. */
  is_reversed: boolean;
  /** All four wheels are off the road (the episode ends). */
  is_offtrack: boolean;
  /** The car hit an object (the episode ends). */
  is_crashed: boolean;
  /** `[prev, next]` object indices by distance along the centre line; empty without objects. */
  closest_objects: number[];
  objects_location: [number, number][];
  objects_distance: number[];
  /** Degrees (Raceline picks degrees, as the docs say; the simapp emitted radians). */
  objects_heading: number[];
  objects_left_of_center: boolean[];
  objects_speed: number[];
  // Keys present in the simapp code but not in the docs (§1.2).
  /** Agent point's distance along the centre line from the first waypoint, m. */
  projection_distance: number;
  objects_distance_from_center: number[];
  object_in_camera: boolean;
  /** Simulated time since the episode started, s. */
  sim_time: number;
}

/** Where the car is relative to the track: the geometry behind `params`. */
export interface CarMeasure {
  /** Agent point (0.14 m ahead of the origin), m. */
  frontX: number;
  frontY: number;
  /** Projection of the agent point on the centre line. */
  projection: Nearest;
  /** Number of wheel centres on the road, 0..4. */
  wheelsOnTrack: number;
}

export function emptyMeasure(): CarMeasure {
  return { frontX: 0, frontY: 0, projection: emptyNearest(), wheelsOnTrack: 4 };
}

const WHEELS: readonly [number, number][] = [
  [CAR.frontAxleX, CAR.halfTrack],
  [CAR.frontAxleX, -CAR.halfTrack],
  [CAR.rearAxleX, CAR.halfTrack],
  [CAR.rearAxleX, -CAR.halfTrack],
];

/**
 * Measures a car pose against the track, writing into `out`.
 * @param x,y car origin (midway between the axles), m; @param heading yaw, rad.
 * @param hint the centre segment found last step, or -1 for a full scan.
 */
export function measureCar(track: Track, x: number, y: number, heading: number, hint: number, out: CarMeasure): CarMeasure {
  const c = Math.cos(heading);
  const s = Math.sin(heading);
  out.frontX = x + CAR.frontPointX * c;
  out.frontY = y + CAR.frontPointX * s;
  track.project(out.frontX, out.frontY, hint, out.projection);
  let on = 0;
  for (const [wx, wy] of WHEELS) {
    if (track.contains(x + wx * c - wy * s, y + wx * s + wy * c)) on++;
  }
  out.wheelsOnTrack = on;
  return out;
}

/** What the episode knows that geometry does not. */
export interface EpisodeContext {
  /** Commanded steering, degrees (already clipped to ±30). */
  steeringAngle: number;
  /** Commanded speed, m/s. */
  speed: number;
  steps: number;
  /** Percent, 0..100. */
  progress: number;
  /** Seconds since the episode started. */
  simTime: number;
  isCrashed?: boolean;
}

/**
 * Builds DeepRacer's `params` from a measured pose.
 * @param heading car yaw, rad.
 */
export function buildParams(track: Track, m: CarMeasure, heading: number, ctx: EpisodeContext): DeepRacerParams {
  const p = m.projection;
  const deg = (heading * 180) / Math.PI;
  return {
    all_wheels_on_track: m.wheelsOnTrack === 4,
    x: m.frontX,
    y: m.frontY,
    heading: deg > 180 ? deg - 360 : deg <= -180 ? deg + 360 : deg,
    steering_angle: ctx.steeringAngle,
    speed: ctx.speed,
    progress: ctx.progress,
    steps: ctx.steps,
    distance_from_center: Math.sqrt(p.dist2),
    is_left_of_center: track.isLeftOfCenter(m.frontX, m.frontY, p.segment),
    track_width: track.widthAt(p.px, p.py, p.segment),
    track_length: track.length,
    waypoints: track.waypoints,
    closest_waypoints: track.closestWaypoints(p.along),
    is_reversed: track.isReversed,
    is_offtrack: m.wheelsOnTrack === 0,
    is_crashed: ctx.isCrashed ?? false,
    closest_objects: [],
    objects_location: [],
    objects_distance: [],
    objects_heading: [],
    objects_left_of_center: [],
    objects_speed: [],
    projection_distance: p.along,
    objects_distance_from_center: [],
    object_in_camera: false,
    sim_time: ctx.simTime,
  };
}

/** Every documented key of DeepRacer's params (reference/deepracer.md §1.1), for checks and error hints. */
export const PARAMS_KEYS = [
  'all_wheels_on_track', 'x', 'y', 'heading', 'steering_angle', 'speed', 'progress', 'steps', 'distance_from_center',
  'is_left_of_center', 'track_width', 'track_length', 'waypoints', 'closest_waypoints', 'is_reversed', 'is_offtrack',
  'is_crashed', 'closest_objects', 'objects_location', 'objects_distance', 'objects_heading', 'objects_left_of_center',
  'objects_speed', 'projection_distance', 'objects_distance_from_center', 'object_in_camera', 'sim_time',
] as const;
