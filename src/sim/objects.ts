/**
 * Objects on the track — DeepRacer's box obstacles, bot cars and (head to head) the other racers — as plain
 * geometry: their footprints, the two lanes they sit in, where the simulator puts the boxes, the crash test, and
 * the `objects_*` reward params. No planck and no DOM here; `racing-env.ts` mirrors the objects as planck bodies.
 *
 * Sources (deepracer-simapp, reference/deepracer.md §1.1–1.2, §3.4):
 * - footprints: `markov/track_geom/constants.py` `ObstacleDimensions` — a box is `(0.4, 0.5)` and a bot car
 *   `(0.1961, 0.32352)`, read by `TrackData.get_object_bounding_rect` as (width across, length along the heading);
 *   the racer itself is registered with the bot-car footprint (`rollout_agent_ctrl.py`).
 * - lanes: `track_data.py` — inner lane = midpoints of centre and inner border rows, outer lane likewise.
 * - box placement: `agent_ctrl/obstacles_agent_ctrl.py` `_compute_obstacle_poses`.
 * - params: `TrackData.get_object_reward_params`; crash: `TrackData.get_collided_object_name`; camera frustum:
 *   `markov/cameras/frustum.py`.
 *
 * Units: metres, radians (headings CCW from +x) unless a name says degrees.
 */
import type { Track } from '../track/track';
import { emptyNearest, type Nearest } from '../track/polyline';
import type { Rng } from './rng';

/** What an object is: a static box, a bot car, or another racer (head-to-head against models). */
export type ObjectKind = 'object' | 'bot' | 'car';

/**
 * Objects as the track view draws them (`TrackView.setObjects`): OBJECT_VIEW_STRIDE floats each,
 * x, y (m), heading (rad), length, width (m), kind code.
 */
export const OBJECT_VIEW_STRIDE = 6;
export const OBJECT_VIEW_KIND: Readonly<Record<ObjectKind, number>> = Object.freeze({ object: 0, bot: 1, car: 2 });

/** A rectangle centred on an object's origin: `length` along its heading, `width` across, m. */
export interface Footprint {
  length: number;
  width: number;
}

/** DeepRacer's box obstacle, buffer included (`BOX_OBSTACLE_DIMENSION = (0.4, 0.5)`): 0.5 m along the lane, 0.4 m across. */
export const BOX_FOOTPRINT: Readonly<Footprint> = Object.freeze({ length: 0.5, width: 0.4 });
/** DeepRacer's bot car (`BOT_CAR_DIMENSION = (0.1961, 0.32352)`), also the racer's own footprint for the crash test. */
export const BOT_CAR_FOOTPRINT: Readonly<Footprint> = Object.freeze({ length: 0.32352, width: 0.1961 });
export const RACECAR_FOOTPRINT = BOT_CAR_FOOTPRINT;
/** Height of a box's centre above the floor, m (simapp OBSTACLE_Z; bot cars sit at 0). Used by the camera test. */
export const BOX_Z = 0.1;

/** Console limits: up to 6 boxes (DROA), up to 4 bot cars (DeepRacer docs). */
export const MAX_OBSTACLES = 6;
export const MAX_BOTS = 4;

/** One object as the simulator and the renderers see it. */
export interface SceneObject {
  kind: ObjectKind;
  /** Index among the objects of its kind (box 0, 1, ...; bot 0, 1, ...; racer index for cars). */
  index: number;
  /** Origin (footprint centre), m. */
  x: number;
  y: number;
  /** rad, CCW from +x. */
  heading: number;
  length: number;
  width: number;
  /** m/s as DeepRacer reports it in `objects_speed` (0 for boxes and other racers, the set speed for bots). */
  speed: number;
  /** Height of the reference point above the floor for the camera test, m. */
  z: number;
}

export type Lane = 'inner' | 'outer';

/** A point on a lane with the lane's direction there. */
export interface LanePose {
  x: number;
  y: number;
  heading: number;
}

/**
 * DeepRacer's two lanes: the inner lane runs through the midpoints of each centre and inner-border row, the outer
 * lane through those of centre and outer border (simapp `_inner_lane_`, `_outer_lane_`). A lane is addressed by the
 * centre line's arc length, as simapp's `TrackSpline` does: each lane vertex is labelled with its projection on the
 * centre line (wrapped to increase along the lap), and a point at arc length `s` is interpolated between the two
 * vertices whose labels bracket `s`. (simapp fits a cubic spline through the same labelled points; this is its
 * piecewise-linear version.)
 */
export class TrackLanes {
  /** Per lane: [m] labels (centre arc length, increasing), vertex x and y. */
  private readonly u: Record<Lane, Float64Array>;
  private readonly xs: Record<Lane, Float64Array>;
  private readonly ys: Record<Lane, Float64Array>;

  constructor(readonly track: Track) {
    const c = track.center;
    const n = c.xs.length;
    const L = track.length;
    const scratch = emptyNearest();
    const build = (b: { xs: Float64Array; ys: Float64Array }): [Float64Array, Float64Array, Float64Array] => {
      const u: number[] = [];
      const xs: number[] = [];
      const ys: number[] = [];
      const raw = new Float64Array(n);
      for (let i = 0; i < n; i++) raw[i] = track.project((c.xs[i] + b.xs[i]) / 2, (c.ys[i] + b.ys[i]) / 2, -1, scratch).along;
      if (track.loop) {
        // simapp: labels near the end at the start of the list belong before 0, those near 0 at its end after L.
        for (let i = 0; i < n && raw[i] >= 0.5 * L; i++) raw[i] -= L;
        for (let i = n - 1; i > 0 && raw[i] <= 0.5 * L; i--) raw[i] += L;
      }
      for (let i = 0; i < n; i++) {
        if (u.length > 0 && raw[i] <= u[u.length - 1]) continue; // keep the labels increasing (np.unique)
        u.push(raw[i]);
        xs.push((c.xs[i] + b.xs[i]) / 2);
        ys.push((c.ys[i] + b.ys[i]) / 2);
      }
      return [Float64Array.from(u), Float64Array.from(xs), Float64Array.from(ys)];
    };
    const [iu, ix, iy] = build(track.inner);
    const [ou, ox, oy] = build(track.outer);
    this.u = { inner: iu, outer: ou };
    this.xs = { inner: ix, outer: ox };
    this.ys = { inner: iy, outer: oy };
  }

  /** The lane point at centre-line arc length `s` (wrapped on loops), written into `out`. */
  pointAt(lane: Lane, s: number, out: LanePose): LanePose {
    const u = this.u[lane];
    const xs = this.xs[lane];
    const ys = this.ys[lane];
    const m = u.length;
    let q = this.track.center.wrapDistance(s);
    if (this.track.loop && q < u[0]) q += this.track.length;
    let i = 0;
    let hi = m - 2;
    while (i < hi) {
      const mid = (i + hi + 1) >> 1;
      if (u[mid] <= q) i = mid;
      else hi = mid - 1;
    }
    const t = Math.min(1, Math.max(0, (q - u[i]) / (u[i + 1] - u[i])));
    const dx = xs[i + 1] - xs[i];
    const dy = ys[i + 1] - ys[i];
    out.x = xs[i] + t * dx;
    out.y = ys[i] + t * dy;
    out.heading = Math.atan2(dy, dx);
    return out;
  }

  /**
   * A point between two lanes: `u` = 0 on `from`, 1 on `to`, with a smooth (C¹) blend; heading from the blended
   * curve's direction. Bots changing lanes drive along this (simapp `LaneChangeSpline`, a cubic through both lanes).
   * @param s centre arc length, m; @param u blend 0..1; @param ds arc length over which u goes 0 → 1 (for the heading).
   */
  blendAt(from: Lane, to: Lane, s: number, u: number, ds: number, out: LanePose): LanePose {
    const a = this.pointAt(from, s, { x: 0, y: 0, heading: 0 });
    const b = this.pointAt(to, s, { x: 0, y: 0, heading: 0 });
    const w = u * u * (3 - 2 * u);
    const dw = ds > 0 ? (6 * u * (1 - u)) / ds : 0; // d(w)/ds
    out.x = a.x + w * (b.x - a.x);
    out.y = a.y + w * (b.y - a.y);
    // Tangent of the blend: the lanes' mean direction plus the sideways drift dw/ds · (b − a).
    const hx = (1 - w) * Math.cos(a.heading) + w * Math.cos(b.heading) + dw * (b.x - a.x);
    const hy = (1 - w) * Math.sin(a.heading) + w * Math.sin(b.heading) + dw * (b.y - a.y);
    out.heading = Math.atan2(hy, hx);
    return out;
  }

  /** Lane whose centre is nearer to (x, y) at centre arc length `s`. */
  nearestLane(x: number, y: number, s: number): Lane {
    const p = { x: 0, y: 0, heading: 0 };
    this.pointAt('inner', s, p);
    const di = Math.hypot(p.x - x, p.y - y);
    this.pointAt('outer', s, p);
    return di < Math.hypot(p.x - x, p.y - y) ? 'inner' : 'outer';
  }
}

/** Where the boxes go (simapp `ObstaclesCtrl`: OBJECT_POSITIONS, NUMBER_OF_OBSTACLES, RANDOMIZE_OBSTACLE_LOCATIONS). */
export interface ObstacleConfig {
  /** Number of boxes, 0..6; ignored when `positions` is given. */
  count: number;
  /**
   * Fixed boxes: `fraction` of the lap from the start line (0..1) and lane. DeepRacer's OBJECT_POSITIONS
   * `"ndist,lane"` strings, lane 1 = inner and −1 = outer.
   */
  positions?: { fraction: number; lane: Lane }[];
  /** Draw positions and lanes again for every episode (evaluation trial) from the seeded generator. Default false. */
  randomize?: boolean;
  /** Smallest gap between boxes, percent of the lap (simapp MIN_DISTANCE_BETWEEN_OBSTACLES, default 2). */
  minGapPercent?: number;
}

/** The boxes' centre-line arc lengths and lanes, before they become poses. */
export interface ObstacleSlot {
  /** Centre-line arc length of the box, m. */
  along: number;
  lane: Lane;
}

/**
 * DeepRacer's box placement. Fixed `positions` win; otherwise `count` boxes evenly spaced from `minGap` to
 * `length − 1 m`, in alternating lanes starting inner, or, with `randomize`, each moved to a uniform point between
 * its neighbours (visited in random order, keeping `minGap`) in a random lane.
 * @throws RangeError for more than {@link MAX_OBSTACLES} boxes, a fraction outside 0..1 or a negative gap.
 */
export function placeObstacles(trackLength: number, cfg: ObstacleConfig, rng: Rng): ObstacleSlot[] {
  if (cfg.positions && cfg.positions.length > 0) {
    if (cfg.positions.length > MAX_OBSTACLES) throw new RangeError(`object avoidance: at most ${MAX_OBSTACLES} boxes, got ${cfg.positions.length}`);
    return cfg.positions.map((p, i) => {
      if (!(p.fraction >= 0 && p.fraction <= 1)) throw new RangeError(`object avoidance: box ${i + 1} is at ${p.fraction} of the lap; use 0..1`);
      return { along: p.fraction * trackLength, lane: p.lane };
    });
  }
  const n = cfg.count;
  if (!Number.isInteger(n) || n < 0 || n > MAX_OBSTACLES) throw new RangeError(`object avoidance: the number of boxes must be 0..${MAX_OBSTACLES}, got ${n}`);
  const gapPercent = cfg.minGapPercent ?? 2;
  if (!(gapPercent >= 0)) throw new RangeError(`object avoidance: the smallest gap must be ≥ 0 % of the lap, got ${gapPercent}`);
  const minGap = (gapPercent / 100) * trackLength;
  return spreadAlong(n, minGap, trackLength - 1, minGap, cfg.randomize ?? false, rng);
}

/**
 * simapp's spacing rule shared by boxes and bot cars: `n` points `linspace(start, end)`, optionally perturbed in a
 * random order within their neighbours ± `minGap`, lanes alternating from inner (or random when perturbed).
 */
export function spreadAlong(n: number, start: number, end: number, minGap: number, randomize: boolean, rng: Rng): ObstacleSlot[] {
  const d = Array.from({ length: n }, (_, i) => (n === 1 ? start : start + ((end - start) * i) / (n - 1)));
  const lanes: Lane[] = [];
  if (randomize) {
    const order = d.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const i of order) {
      const lo = i === 0 ? start : d[i - 1] + minGap;
      const hi = i === n - 1 ? end : d[i + 1] - minGap;
      if (lo < hi) d[i] = lo + rng.uniform() * (hi - lo);
    }
    for (let i = 0; i < n; i++) lanes.push(rng.uniform() < 0.5 ? 'inner' : 'outer');
  } else {
    for (let i = 0; i < n; i++) lanes.push(i % 2 === 0 ? 'inner' : 'outer');
  }
  return d.map((along, i) => ({ along, lane: lanes[i] }));
}

/** The box of a slot: on its lane at the slot's arc length, facing along the lane. */
export function boxAt(lanes: TrackLanes, slot: ObstacleSlot, index: number): SceneObject {
  const p = lanes.pointAt(slot.lane, slot.along, { x: 0, y: 0, heading: 0 });
  return { kind: 'object', index, x: p.x, y: p.y, heading: p.heading, length: BOX_FOOTPRINT.length, width: BOX_FOOTPRINT.width, speed: 0, z: BOX_Z };
}

/** The 4 corners of a footprint at a pose, written as [x0, y0, ... x3, y3] into `out`. */
export function footprintCorners(x: number, y: number, heading: number, f: Footprint, out: Float64Array = new Float64Array(8)): Float64Array {
  const c = Math.cos(heading);
  const s = Math.sin(heading);
  const hl = f.length / 2;
  const hw = f.width / 2;
  const local = [hl, hw, hl, -hw, -hl, -hw, -hl, hw];
  for (let k = 0; k < 4; k++) {
    out[2 * k] = x + local[2 * k] * c - local[2 * k + 1] * s;
    out[2 * k + 1] = y + local[2 * k] * s + local[2 * k + 1] * c;
  }
  return out;
}

/** Whether (px, py) lies strictly inside the object's footprint (shapely `Polygon.contains`). */
export function insideFootprint(o: SceneObject, px: number, py: number): boolean {
  const c = Math.cos(o.heading);
  const s = Math.sin(o.heading);
  const dx = px - o.x;
  const dy = py - o.y;
  const along = dx * c + dy * s;
  const across = -dx * s + dy * c;
  return Math.abs(along) < o.length / 2 && Math.abs(across) < o.width / 2;
}

const corners = new Float64Array(8);

/**
 * DeepRacer's crash test (`get_collided_object_name`): a racer at (x, y, heading) — its origin, with
 * {@link RACECAR_FOOTPRINT} — hit object `o` when one of the racer's four corners is inside the object's footprint.
 * Checked once per control step, as the simulator judges each step.
 */
export function hitsObject(x: number, y: number, heading: number, o: SceneObject): boolean {
  footprintCorners(x, y, heading, RACECAR_FOOTPRINT, corners);
  for (let k = 0; k < 4; k++) if (insideFootprint(o, corners[2 * k], corners[2 * k + 1])) return true;
  return false;
}

/** simapp `find_prev_next`: `bisect_right` of x in sorted a, wrapping −1 → last and len → 0. */
export function findPrevNext(sorted: ArrayLike<number>, x: number): [number, number] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  let next = lo;
  let prev = next - 1;
  if (prev === -1) prev = sorted.length - 1;
  if (next === sorted.length) next = 0;
  return [prev, next];
}

/** DeepRacer's front camera for `object_in_camera` (simapp `Frustum`, simapp version ≥ 3, single camera). */
export const CAMERA_FRUSTUM = Object.freeze({
  /** Camera position in the car frame (ahead, left, up), m. */
  offset: [0.14529379, 0, 0.13032555] as const,
  /** Down-pitch, rad (15°). */
  pitch: 0.2618,
  near: 0.2, // m
  far: 300, // m
  /** Horizontal field of view, rad (≈ 65°). */
  horizontalFov: 1.13,
  /** Image height / width (480 / 640). */
  viewRatio: 0.75,
});

/**
 * Whether a 3-D point is inside the front camera's view frustum of a car at (x, y, heading) (strictly inside all
 * six planes, as `Frustum.test_visibility`).
 */
export function inCameraFrustum(x: number, y: number, heading: number, px: number, py: number, pz: number): boolean {
  const f = CAMERA_FRUSTUM;
  const c = Math.cos(heading);
  const s = Math.sin(heading);
  const camX = x + f.offset[0] * c - f.offset[1] * s;
  const camY = y + f.offset[0] * s + f.offset[1] * c;
  const camZ = f.offset[2];
  const cp = Math.cos(f.pitch);
  const sp = Math.sin(f.pitch);
  const dx = px - camX;
  const dy = py - camY;
  const dz = pz - camZ;
  // Camera axes: forward pitched down by `pitch`, up tilted forward by it, right = −left.
  const forward = dx * cp * c + dy * cp * s - dz * sp;
  const up = dx * sp * c + dy * sp * s + dz * cp;
  const right = dx * s - dy * c;
  if (!(forward > f.near && forward < f.far)) return false;
  const halfW = Math.tan(f.horizontalFov / 2) * forward;
  return Math.abs(right) < halfW && Math.abs(up) < halfW * f.viewRatio;
}

/** Whether any corner of the object's footprint, or its origin, is in the car's camera frustum. */
export function objectInCamera(x: number, y: number, heading: number, o: SceneObject): boolean {
  if (inCameraFrustum(x, y, heading, o.x, o.y, o.z)) return true;
  footprintCorners(o.x, o.y, o.heading, o, corners);
  for (let k = 0; k < 4; k++) if (inCameraFrustum(x, y, heading, corners[2 * k], corners[2 * k + 1], o.z)) return true;
  return false;
}

const nearestScratch: Nearest = emptyNearest();

/** Edges of the inner-half polygon bucketed by horizontal bands (as Track.contains buckets the road's), per track. */
interface EdgeBands {
  edges: Float64Array; // [x1, y1, x2, y2] per edge
  bands: Int32Array[];
  minY: number;
}
const BAND = 0.1; // m
const innerHalves = new WeakMap<Track, EdgeBands>();

function innerHalfBands(track: Track): EdgeBands {
  let cached = innerHalves.get(track);
  if (cached) return cached;
  const c = track.center;
  const b = track.inner;
  const list: number[] = [];
  const n = c.xs.length;
  const m = b.xs.length;
  for (let i = 0; i < n - 1; i++) list.push(c.xs[i], c.ys[i], c.xs[i + 1], c.ys[i + 1]);
  for (let i = 0; i < m - 1; i++) list.push(b.xs[i], b.ys[i], b.xs[i + 1], b.ys[i + 1]);
  if (!track.loop) {
    // One ring: centre forward, then the inner border backward; close both gaps.
    list.push(c.xs[n - 1], c.ys[n - 1], b.xs[m - 1], b.ys[m - 1], b.xs[0], b.ys[0], c.xs[0], c.ys[0]);
  }
  const edges = Float64Array.from(list);
  let minY = Infinity;
  let maxY = -Infinity;
  for (let e = 0; e < edges.length; e += 4) {
    minY = Math.min(minY, edges[e + 1], edges[e + 3]);
    maxY = Math.max(maxY, edges[e + 1], edges[e + 3]);
  }
  const lists: number[][] = Array.from({ length: Math.max(1, Math.ceil((maxY - minY) / BAND) + 1) }, () => []);
  for (let e = 0; e < edges.length; e += 4) {
    const b1 = Math.floor((Math.min(edges[e + 1], edges[e + 3]) - minY) / BAND);
    const b2 = Math.floor((Math.max(edges[e + 1], edges[e + 3]) - minY) / BAND);
    for (let k = b1; k <= b2; k++) lists[k].push(e);
  }
  cached = { edges, bands: lists.map((l) => Int32Array.from(l)), minY };
  innerHalves.set(track, cached);
  return cached;
}

/**
 * Even-odd test of whether (x, y) lies between the centre line and the inner border (simapp `_inner_poly_`:
 * `Polygon(center_line, [inner_border])` on loops, the ring centre + reversed inner border on open tracks).
 */
export function inInnerHalf(track: Track, x: number, y: number): boolean {
  const h = innerHalfBands(track);
  const k = Math.floor((y - h.minY) / BAND);
  if (k < 0 || k >= h.bands.length) return false;
  const e = h.edges;
  let inside = false;
  for (const i of h.bands[k]) {
    const ay = e[i + 1];
    const by = e[i + 3];
    if (ay > y !== by > y && x < e[i] + ((y - ay) / (by - ay)) * (e[i + 2] - e[i])) inside = !inside;
  }
  return inside;
}

/** What `objectParams` keeps of an object between steps: its geometry on the track, for as long as it stays put. */
interface ObjectGeometry {
  track: Track;
  x: number;
  y: number;
  segment: number;
  along: number;
  fromCenter: number;
  inner: boolean;
}
const geometry = new WeakMap<SceneObject, ObjectGeometry>();

/** An object's projection, distance from the centre line and inner-half test, recomputed only when it moved. */
function geometryOf(track: Track, o: SceneObject): ObjectGeometry {
  const g = geometry.get(o);
  if (g && g.track === track && g.x === o.x && g.y === o.y) return g;
  // A small move (a bot's step) searches near the last projection; a jump (boxes placed anew) scans the whole line.
  const near = g !== undefined && g.track === track && Math.hypot(o.x - g.x, o.y - g.y) < 0.5;
  track.project(o.x, o.y, near ? g.segment : -1, nearestScratch);
  const fresh = { track, x: o.x, y: o.y, segment: nearestScratch.segment, along: nearestScratch.along, fromCenter: Math.sqrt(nearestScratch.dist2), inner: inInnerHalf(track, o.x, o.y) };
  geometry.set(o, fresh);
  return fresh;
}

/** The object keys of DeepRacer's params for one racer. */
export interface ObjectParams {
  closest_objects: number[];
  objects_location: [number, number][];
  objects_distance: number[];
  objects_heading: number[];
  objects_left_of_center: boolean[];
  objects_speed: number[];
  objects_distance_from_center: number[];
  object_in_camera: boolean;
}

/**
 * The `objects_*` params of a racer, as simapp's `get_object_reward_params` computes them:
 * - `objects_location`: each object's origin `[x, y]`;
 * - `objects_distance`: each origin's projection on the centre line (arc length from the first waypoint, m);
 * - `closest_objects`: `[prev, next]` indices (into the lists above) bracketing the racer's agent point along the
 *   centre line, by `find_prev_next` over the sorted distances (both 0 for one object);
 * - `objects_left_of_center`: origin inside the polygon between centre line and inner border, XOR not ccw;
 * - `objects_distance_from_center`: origin's distance to the centre line, m;
 * - `objects_heading` in degrees and `objects_speed` in m/s (bots; 0 for boxes and other racers);
 * - `object_in_camera`: the next object is in the racer's camera frustum.
 * Without objects every list is empty and `object_in_camera` false.
 * @param agentAlong the racer's agent point (0.14 m ahead) projected on the centre line, m.
 * @param car the racer's origin and heading (rad), for the camera test.
 */
export function objectParams(track: Track, objects: readonly SceneObject[], agentAlong: number, car: { x: number; y: number; heading: number }): ObjectParams {
  const n = objects.length;
  if (n === 0) {
    return {
      closest_objects: [], objects_location: [], objects_distance: [], objects_heading: [], objects_left_of_center: [],
      objects_speed: [], objects_distance_from_center: [], object_in_camera: false,
    };
  }
  const location: [number, number][] = new Array(n);
  const distance: number[] = new Array(n);
  const fromCenter: number[] = new Array(n);
  const left: boolean[] = new Array(n);
  const heading: number[] = new Array(n);
  const speed: number[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const o = objects[k];
    location[k] = [o.x, o.y];
    const g = geometryOf(track, o);
    distance[k] = g.along;
    fromCenter[k] = g.fromCenter;
    left[k] = g.inner !== !track.isCcw;
    heading[k] = o.kind === 'bot' ? toDegrees(o.heading) : 0;
    speed[k] = o.kind === 'bot' ? o.speed : 0;
  }
  const order = distance.map((_, k) => k).sort((a, b) => distance[a] - distance[b] || a - b);
  const [p, q] = findPrevNext(order.map((k) => distance[k]), agentAlong);
  const prev = order[p];
  const next = order[q];
  return {
    closest_objects: [prev, next],
    objects_location: location,
    objects_distance: distance,
    objects_heading: heading,
    objects_left_of_center: left,
    objects_speed: speed,
    objects_distance_from_center: fromCenter,
    object_in_camera: objectInCamera(car.x, car.y, car.heading, objects[next]),
  };
}

/** rad → degrees in (−180, 180]. */
export function toDegrees(rad: number): number {
  const d = (rad * 180) / Math.PI;
  return d > 180 ? d - 360 : d <= -180 ? d + 360 : d;
}

/**
 * Signed gap along the centre line from `fromAlong` to `toAlong`, wrapped into (−L/2, L/2] on loops: positive when
 * `to` is ahead. Decides who hit whom between racers and bots (simapp compares their progress; see bots.ts).
 */
export function alongGap(track: Track, fromAlong: number, toAlong: number): number {
  let d = toAlong - fromAlong;
  if (track.loop) {
    const L = track.length;
    d = ((d % L) + L) % L;
    if (d > L / 2) d -= L;
  }
  return d;
}
