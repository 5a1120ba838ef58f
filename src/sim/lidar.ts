/**
 * DeepRacer's LiDAR sensors (reference/deepracer.md §2.4), cast with planck against the obstacles and
 * bot cars of the world (bodies whose user data is `{kind: 'object' | 'bot'}`); the training cars
 * never see each other, as in DeepRacer where each trains alone.
 *
 * - `LIDAR`: 64 rays from −150° to +150° (right to left, counter-clockwise from the car's right
 *   rear), ranges clipped to [0.15, 1.0] m: the network's input after DeepRacer's
 *   `ObservationClippingFilter(0.15, 1.0)`.
 * - `SECTOR_LIDAR`: the 64 rays in 8 sectors of 8; a sector is 1 when any of its rays sees
 *   something within 0.5 m, else 0.
 * - `DISCRETIZED_SECTOR_LIDAR`: `sectors` × `valuesPerSector` (defaults 8 × 8, range 2.0 m); the
 *   nearest distance d in a sector sets value j (0-based) to 1 when d ≤ range·(j+1)/valuesPerSector
 *   (a thermometer code of the distance: Raceline's reading of DeepRacer's discretisation).
 * The rays start at the car origin (the simulator's LiDAR link sits close to it).
 */
import { Vec2, type Body, type World } from 'planck';

import { LIDAR_HALF_ANGLE, LIDAR_MAX_M, LIDAR_MIN_M, LIDAR_RAYS } from './lidar-spec';

export { LIDAR_HALF_ANGLE, LIDAR_MAX_M, LIDAR_MIN_M, LIDAR_RAYS };
export const SECTOR_LIDAR_SECTORS = 8;
export const SECTOR_LIDAR_CLIP_M = 0.5;

export interface DiscretizedSectorLidarConfig {
  /** Sectors; must divide 64 (1, 2, 4, 8, 16, 32, 64). */
  sectors: number;
  valuesPerSector: number;
  /** Range the values cover, m. */
  rangeM: number;
}

export const DEFAULT_DISCRETIZED_SECTOR_LIDAR: DiscretizedSectorLidarConfig = { sectors: 8, valuesPerSector: 8, rangeM: 2.0 };

/** Which bodies a car's LiDAR sees, by their user data (in a vector env: its own scene's boxes and bots). */
export type LidarFilter = (userData: unknown) => boolean;

/** The default filter: every body tagged as an obstacle or a bot. */
export const SEES_OBJECTS: LidarFilter = (data) => {
  const d = data as { kind?: string } | null;
  return !!d && typeof d === 'object' && (d.kind === 'object' || d.kind === 'bot');
};

const from = Vec2(0, 0);
const to = Vec2(0, 0);

/**
 * Casts the 64 rays.
 * @param maxRange farthest distance looked at, m (rays that hit nothing read `maxRange`).
 * @param out receives 64 distances, m, from −150° to +150°, unclipped below, at `offset`.
 */
export function castLidar(world: World, pose: { x: number; y: number; heading: number }, maxRange: number, out: Float32Array | Float64Array, offset = 0, ignore: Body | null = null, sees: LidarFilter = SEES_OBJECTS): void {
  for (let i = 0; i < LIDAR_RAYS; i++) {
    const a = pose.heading - LIDAR_HALF_ANGLE + (i * 2 * LIDAR_HALF_ANGLE) / (LIDAR_RAYS - 1);
    from.set(pose.x, pose.y);
    to.set(pose.x + maxRange * Math.cos(a), pose.y + maxRange * Math.sin(a));
    let best = 1;
    world.rayCast(from, to, (fixture, _point, _normal, fraction) => {
      if (fixture.getBody() === ignore || !sees(fixture.getBody().getUserData())) return -1; // ignore and continue
      if (fraction < best) best = fraction;
      return fraction; // clip the ray here, keep looking for nearer hits
    });
    out[offset + i] = best * maxRange;
  }
}

/** Writes the `LIDAR` observation: 64 ranges clipped to [0.15, 1.0] m. */
export function writeLidar(world: World, pose: { x: number; y: number; heading: number }, out: Float32Array, offset: number, ignore: Body | null = null, sees: LidarFilter = SEES_OBJECTS): void {
  castLidar(world, pose, LIDAR_MAX_M, out, offset, ignore, sees);
  for (let i = 0; i < LIDAR_RAYS; i++) out[offset + i] = Math.max(LIDAR_MIN_M, out[offset + i]);
}

const rays = new Float32Array(LIDAR_RAYS);

/** Writes the `SECTOR_LIDAR` observation: 8 values, 1 when the sector sees something within 0.5 m. */
export function writeSectorLidar(world: World, pose: { x: number; y: number; heading: number }, out: Float32Array, offset: number, ignore: Body | null = null, sees: LidarFilter = SEES_OBJECTS): void {
  castLidar(world, pose, SECTOR_LIDAR_CLIP_M, rays, 0, ignore, sees);
  const per = LIDAR_RAYS / SECTOR_LIDAR_SECTORS;
  for (let s = 0; s < SECTOR_LIDAR_SECTORS; s++) {
    let hit = 0;
    for (let i = s * per; i < (s + 1) * per; i++) if (rays[i] < SECTOR_LIDAR_CLIP_M) hit = 1;
    out[offset + s] = hit;
  }
}

/**
 * Writes the `DISCRETIZED_SECTOR_LIDAR` observation: sectors × valuesPerSector values of 0/1.
 * @throws Error when `sectors` does not divide 64 or `valuesPerSector` < 1.
 */
export function writeDiscretizedSectorLidar(
  world: World,
  pose: { x: number; y: number; heading: number },
  config: DiscretizedSectorLidarConfig,
  out: Float32Array,
  offset: number,
  ignore: Body | null = null,
  sees: LidarFilter = SEES_OBJECTS,
): void {
  const { sectors, valuesPerSector, rangeM } = config;
  if (!Number.isInteger(sectors) || sectors < 1 || LIDAR_RAYS % sectors !== 0) throw new Error(`DISCRETIZED_SECTOR_LIDAR: sectors must divide 64, got ${sectors}`);
  if (!Number.isInteger(valuesPerSector) || valuesPerSector < 1) throw new Error(`DISCRETIZED_SECTOR_LIDAR: valuesPerSector must be ≥ 1, got ${valuesPerSector}`);
  castLidar(world, pose, rangeM, rays, 0, ignore, sees);
  const per = LIDAR_RAYS / sectors;
  for (let s = 0; s < sectors; s++) {
    let d = rangeM;
    for (let i = s * per; i < (s + 1) * per; i++) d = Math.min(d, rays[i]);
    for (let j = 0; j < valuesPerSector; j++) out[offset + s * valuesPerSector + j] = d < rangeM && d <= (rangeM * (j + 1)) / valuesPerSector ? 1 : 0;
  }
}
