/**
 * The `TRACK_GEOMETRY` sensor: a short vector that describes the car's state and the road ahead
 * in the car's frame, cheap to compute and quick to learn from. The camera (`camera.ts`) and LiDAR
 * (`lidar.ts`) have their own builders; `sensorLayout`/`observationSpaceFor` are the one place that
 * maps a sensor list to an observation.
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
const SPEED_SCALE = 4; // m/s
const SLIP_SCALE = 2; // m/s
const YAW_RATE_SCALE = 5; // rad/s
const STEER_SCALE = (30 * Math.PI) / 180; // rad
const LOOKAHEAD_SCALE = 3; // m
const DEG = 180 / Math.PI;

/** What one number of the TRACK_GEOMETRY vector is: a short name, its unit, and `scale` (unit per vector unit). */
export interface GeometryLabel {
  name: string;
  unit: string;
  /** The entry times `scale` is the quantity in `unit` (the network reads it divided by `scale`). */
  scale: number;
  /** For a lookahead point: how far ahead along the centre line it is, m, and which of its two coordinates. */
  lookahead?: { aheadM: number; axis: 'forward' | 'left' };
}

/**
 * The name and unit of each number of the TRACK_GEOMETRY vector, in the order `writeGeometryObservation` writes
 * them ([TRACK_GEOMETRY_SIZE]; left and anticlockwise positive). "What the car sees" labels the vector with these.
 */
export const TRACK_GEOMETRY_LABELS: readonly GeometryLabel[] = [
  { name: 'forward speed', unit: 'm/s', scale: SPEED_SCALE },
  { name: 'sideways slide (left +)', unit: 'm/s', scale: SLIP_SCALE },
  { name: 'turning rate (left +)', unit: '°/s', scale: YAW_RATE_SCALE * DEG },
  { name: 'front-wheel angle (left +)', unit: '°', scale: STEER_SCALE * DEG },
  { name: 'heading error vs track (left +)', unit: '°', scale: 180 },
  { name: 'distance from centre line (left +)', unit: '% of half-width', scale: 100 },
  ...LOOKAHEAD_M.flatMap((d) => [
    { name: `centre line ${d} m ahead: forward`, unit: 'm', scale: LOOKAHEAD_SCALE, lookahead: { aheadM: d, axis: 'forward' as const } },
    { name: `centre line ${d} m ahead: left`, unit: 'm', scale: LOOKAHEAD_SCALE, lookahead: { aheadM: d, axis: 'left' as const } },
  ]),
];

/** DeepRacer's sensor names (`model_metadata.json` `sensor`), and Raceline's fast geometry vector. */
export type CameraSensorName = 'FRONT_FACING_CAMERA' | 'STEREO_CAMERAS';
export type LidarSensorName = 'LIDAR' | 'SECTOR_LIDAR' | 'DISCRETIZED_SECTOR_LIDAR';
export type SensorName = 'TRACK_GEOMETRY' | CameraSensorName | LidarSensorName;

export const CAMERA_SENSORS: readonly CameraSensorName[] = ['FRONT_FACING_CAMERA', 'STEREO_CAMERAS'];
export const LIDAR_SENSORS: readonly LidarSensorName[] = ['LIDAR', 'SECTOR_LIDAR', 'DISCRETIZED_SECTOR_LIDAR'];

/**
 * How a sensor list lays out one observation: the camera image first ([120 × 160 × channels] luma
 * 0..255, channels last), then the vector part: the TRACK_GEOMETRY vector (when chosen), then the
 * LiDAR vector.
 */
export interface SensorLayout {
  sensors: SensorName[];
  /** TRACK_GEOMETRY is in the list (alone, or with one LiDAR kind: Raceline's fast object-avoidance pair). */
  geometry: boolean;
  camera: CameraSensorName | null;
  lidar: LidarSensorName | null;
  image: { height: number; width: number; channels: number } | null;
  /** Length of the vector part (geometry and LiDAR) after the image. */
  vectorSize: number;
  size: number;
}

/** Length of each LiDAR kind's vector (DISCRETIZED_SECTOR_LIDAR with DeepRacer's default 8 × 8). */
export const LIDAR_SIZES: Record<LidarSensorName, number> = { LIDAR: 64, SECTOR_LIDAR: 8, DISCRETIZED_SECTOR_LIDAR: 64 };

/** Number of observation values one sensor gives (a camera: 120 × 160 luma values a channel). */
export function sensorSize(name: SensorName): number {
  if (name === 'TRACK_GEOMETRY') return TRACK_GEOMETRY_SIZE;
  if (name === 'FRONT_FACING_CAMERA') return 120 * 160;
  if (name === 'STEREO_CAMERAS') return 120 * 160 * 2;
  return LIDAR_SIZES[name];
}

/**
 * Checks a sensor list with DeepRacer's rules: one camera kind and at most one LiDAR kind (a LiDAR
 * alone is allowed too). Raceline adds TRACK_GEOMETRY, alone or with one LiDAR kind (no camera):
 * the geometry vector sees the road, the LiDAR sees boxes and cars, and both train as one MLP.
 * The list is kept in this canonical order: TRACK_GEOMETRY or the camera, then the LiDAR.
 * @throws Error naming the rule broken.
 */
export function sensorLayout(sensorList: SensorName | readonly SensorName[]): SensorLayout {
  const sensors = [...new Set(typeof sensorList === 'string' ? [sensorList] : sensorList)];
  if (sensors.length === 0) throw new Error('sensors: choose at least one sensor');
  const known: readonly string[] = ['TRACK_GEOMETRY', ...CAMERA_SENSORS, ...LIDAR_SENSORS];
  for (const s of sensors) if (!known.includes(s)) throw new Error(`sensors: unknown sensor ${JSON.stringify(s)} (known: ${known.join(', ')})`);
  const geometry = sensors.includes('TRACK_GEOMETRY');
  const cameras = sensors.filter((s): s is CameraSensorName => (CAMERA_SENSORS as readonly string[]).includes(s));
  const lidars = sensors.filter((s): s is LidarSensorName => (LIDAR_SENSORS as readonly string[]).includes(s));
  if (geometry && cameras.length > 0) throw new Error('sensors: TRACK_GEOMETRY does not go with a camera; choose one of them (a LiDAR may go with either)');
  if (cameras.length > 1) throw new Error('sensors: choose one camera kind (FRONT_FACING_CAMERA or STEREO_CAMERAS), as DeepRacer does');
  if (lidars.length > 1) throw new Error('sensors: choose at most one LiDAR kind, as DeepRacer does');
  const camera = cameras[0] ?? null;
  const lidar = lidars[0] ?? null;
  const image = camera ? { height: 120, width: 160, channels: camera === 'STEREO_CAMERAS' ? 2 : 1 } : null;
  const vectorSize = (geometry ? TRACK_GEOMETRY_SIZE : 0) + (lidar ? LIDAR_SIZES[lidar] : 0);
  const size = (image ? image.height * image.width * image.channels : 0) + vectorSize;
  const ordered: SensorName[] = [...(geometry ? (['TRACK_GEOMETRY'] as const) : []), ...(camera ? [camera] : []), ...(lidar ? [lidar] : [])];
  return { sensors: ordered, geometry, camera, lidar, image, vectorSize, size };
}

/**
 * Observation space of a sensor configuration: a flat Box. TRACK_GEOMETRY values lie in ±5; image
 * luma and LiDAR values in 0..255 (LiDAR ranges are metres, sectors 0/1, well inside).
 * @throws Error for a sensor list DeepRacer (or Raceline's geometry pairing) would refuse.
 */
export function observationSpaceFor(sensors: SensorName | readonly SensorName[]): BoxSpace {
  const layout = sensorLayout(sensors);
  if (!layout.geometry) return box([layout.size], 0, 255);
  if (!layout.lidar) return box([TRACK_GEOMETRY_SIZE], -OBS_CLIP, OBS_CLIP);
  const low = new Float32Array(layout.size).fill(0);
  const high = new Float32Array(layout.size).fill(255);
  low.fill(-OBS_CLIP, 0, TRACK_GEOMETRY_SIZE);
  high.fill(OBS_CLIP, 0, TRACK_GEOMETRY_SIZE);
  return box([layout.size], low, high);
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
  out[k++] = clip(fwd / SPEED_SCALE);
  out[k++] = clip(lat / SLIP_SCALE);
  out[k++] = clip(s.yawRate / YAW_RATE_SCALE);
  out[k++] = clip(s.steer / STEER_SCALE);
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
