/**
 * The `TRACK_GEOMETRY` sensor: a short vector that describes the car's state and the road ahead
 * in the car's frame, cheap to compute and quick to learn from. Camera and LiDAR sensors arrive
 * with their own builders; `observationSpaceFor` is the one place that maps a sensor to a space.
 *
 * Layout of one observation ([TRACK_GEOMETRY_SIZE] float32, each entry roughly in −1..1):
 *   0  forward speed / 4 m/s
 *   1  sideways (slip) speed / 2 m/s, positive = sliding left
 *   2  yaw rate / 5 rad/s
 *   3  front-wheel angle / 30°
 *   4  heading error (car yaw − centre-line direction) / π
 *   5  signed distance of the agent point from the centre line / half the local width, left > 0
 *   6… lookahead: centre-line points LOOKAHEAD_M ahead of the agent point's projection, as
 *      (forward, left) in the car frame, divided by 3 m; two numbers a point.
 */
import { box, type BoxSpace } from './spaces';

/** Distances ahead along the centre line of the lookahead points, m. */
export const LOOKAHEAD_M = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0] as const;
export const TRACK_GEOMETRY_SIZE = 6 + 2 * LOOKAHEAD_M.length;
/** Observations are clipped to ±OBS_CLIP. */
const OBS_CLIP = 5;
const LOOKAHEAD_SCALE = 3; // m

export type SensorName = 'TRACK_GEOMETRY';

/** Observation space of a sensor configuration. */
export function observationSpaceFor(sensor: SensorName): BoxSpace {
  if (sensor !== 'TRACK_GEOMETRY') throw new Error(`sensor ${sensor} is not available yet`);
  return box([TRACK_GEOMETRY_SIZE], -OBS_CLIP, OBS_CLIP);
}

/** The car state a geometry observation is built from. Lengths m, angles rad, speeds m/s. */
export interface GeometryInput {
  x: number;
  y: number;
  heading: number;
  vx: number;
  vy: number;
  yawRate: number;
  steer: number;
  /** Agent point's distance along the centre line, m. */
  along: number;
  /** Signed distance of the agent point from the centre line, left > 0, m. */
  offset: number;
  /** Local track width, m. */
  width: number;
}

/** Something that gives a centre-line point and direction at an arc length (see `Polyline.pointAt`). */
export interface CentreLine {
  pointAt(s: number, out: Float64Array, offset?: number): void;
}

const tmp = new Float64Array(3);

/**
 * Writes one TRACK_GEOMETRY observation into `out[offset .. offset + TRACK_GEOMETRY_SIZE)`.
 * @param direction +1 to look ahead along increasing arc length (always, for Track objects).
 */
export function writeGeometryObservation(centre: CentreLine, s: GeometryInput, out: Float32Array, offset: number): void {
  const c = Math.cos(s.heading);
  const sn = Math.sin(s.heading);
  const fwd = s.vx * c + s.vy * sn;
  const lat = -s.vx * sn + s.vy * c;
  centre.pointAt(s.along, tmp);
  let dh = s.heading - tmp[2];
  dh = Math.atan2(Math.sin(dh), Math.cos(dh));
  let k = offset;
  out[k++] = clip(fwd / 4);
  out[k++] = clip(lat / 2);
  out[k++] = clip(s.yawRate / 5);
  out[k++] = clip(s.steer / ((30 * Math.PI) / 180));
  out[k++] = clip(dh / Math.PI);
  out[k++] = clip(s.offset / Math.max(s.width / 2, 1e-3));
  for (const d of LOOKAHEAD_M) {
    centre.pointAt(s.along + d, tmp);
    const dx = tmp[0] - s.x;
    const dy = tmp[1] - s.y;
    out[k++] = clip((dx * c + dy * sn) / LOOKAHEAD_SCALE);
    out[k++] = clip((-dx * sn + dy * c) / LOOKAHEAD_SCALE);
  }
}

function clip(x: number): number {
  return x > OBS_CLIP ? OBS_CLIP : x < -OBS_CLIP ? -OBS_CLIP : x;
}
