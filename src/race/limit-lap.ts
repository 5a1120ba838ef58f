/**
 * The car's own limit lap: the fastest lap Raceline's simulated car could drive on a track, as a yardstick for
 * trained models ("lap 11.2 s · limit 5.0 s · 2.2×").
 *
 * Two classic steps, both on the car's own limits (`sim/car.ts`):
 * 1. **Racing line** — the minimum-curvature line inside the borders, less half the car's width and a margin:
 *    lateral offsets α_i along the centre line's normals minimise Σ (n̂_i·(P_{i−1} − 2P_i + P_{i+1}))² / h_i³, the
 *    discrete ∫κ² ds of the line P_i = C_i + α_i·N_i (n̂_i: the line's own normal, h_i: its spacing), under box
 *    constraints on α. Only the second difference's normal part is curvature; its tangential part only measures
 *    uneven spacing, and penalising it too (as a first version did) held the line near the centre (re:Invent 2018:
 *    17.74 m and 5.29 s instead of 16.74 m and 4.84 s, a limit trained models beat). This is the quadratic programme
 *    of Heilmeier et al. 2019, "Minimum curvature trajectory planning and control for an autonomous race car"
 *    (Vehicle System Dynamics 58(10)), with its curvature linearised about the current line (n̂ and h are refreshed
 *    as the line moves); it is solved by projected successive over-relaxation, which converges for a convex
 *    quadratic with box constraints.
 * 2. **Speed profile** — the forward–backward integration of a point mass (e.g. Velenis & Tsiotras 2005; Heilmeier
 *    et al. 2019 §3.3): the corner speed √(μ·g/κ) capped at the top speed, then a forward pass limited by the drive
 *    acceleration and a backward pass limited by the braking deceleration. Raceline's car limits its sideways grip
 *    and its drive independently (no friction circle), so the two passes do not share the grip.
 *
 * The lap is a standing-start lap from the start line, as DeepRacer's evaluation trials are: the line starts on
 * the centre line at rest and ends where it crosses the start line again (loops) or at the far end (open tracks).
 * Pure computation: runs in Node and in a worker; a shipped track takes a few tens of milliseconds.
 */
import { CAR } from '../sim/car';
import { MAX_SPEED } from '../sim/action-space';
import type { Track } from '../track/track';

/** The car limits a limit lap is computed for. Units: m, m/s, m/s². */
export interface CarLimits {
  /** Sideways grip coefficient μ (the tyres hold μ·g sideways). */
  grip: number;
  gravity: number;
  /** Largest drive acceleration, m/s². */
  maxAccel: number;
  /** Largest braking deceleration, m/s² (positive). */
  maxBrake: number;
  /** Top speed, m/s (the simulator's command limit). */
  topSpeed: number;
  /** Half the car's width, m: the line keeps the car's sides this far inside the borders, plus `margin`. */
  halfWidth: number;
  /** Extra room kept from the borders, m. */
  margin: number;
}

/** Raceline's simulated car (`CAR` in sim/car.ts, the simulator's 4 m/s command limit), with a 5 cm margin. */
export const RACELINE_CAR_LIMITS: Readonly<CarLimits> = Object.freeze({
  grip: CAR.grip,
  gravity: CAR.gravity,
  maxAccel: CAR.maxAccel,
  maxBrake: CAR.maxBrake,
  topSpeed: MAX_SPEED,
  halfWidth: CAR.width / 2,
  margin: 0.05,
});

/** The limit lap of one track. Arrays have one entry a line point, in driving order from the start line. */
export interface LimitLap {
  trackName: string;
  /** Racing line points, m ([n]; a loop's last point is not repeated). */
  xs: Float64Array;
  ys: Float64Array;
  /** Signed lateral offset of each point from the centre line, m (left of the driving direction > 0). */
  offsets: Float64Array;
  /** Curvature of the line, 1/m (unsigned). */
  curvature: Float64Array;
  /** Speed at each point on the limit lap, m/s. */
  speeds: Float64Array;
  /** Time at each point since the start, s. */
  times: Float64Array;
  /** Distance along the centre line of each point's station, m (0 at the start line, increasing). */
  along: Float64Array;
  /** Standing-start lap time on the racing line, s. */
  lapTimeS: number;
  /** Length of the racing line, m. */
  lineLength: number;
  /** The same speed profile on the centre line, for comparison, s. */
  centreLineLapTimeS: number;
  /** Slowest speed after the standing start (1.5 s on) and fastest speed of the lap, m/s (for colour scales). */
  minSpeed: number;
  maxSpeed: number;
}

/** Options of `limitLap`. */
export interface LimitLapOptions {
  limits?: CarLimits;
  /** Spacing of the line's stations along the centre line, m (default 0.1). */
  spacing?: number;
}

/**
 * Computes the limit lap of `track` (see the module comment for the method).
 * @returns the racing line, its speed profile and lap time; a track narrower than the car plus margins keeps the
 *   centre line (offsets 0) there.
 * @throws Error for a track shorter than 1 m.
 */
export function limitLap(track: Track, options: LimitLapOptions = {}): LimitLap {
  const limits = options.limits ?? RACELINE_CAR_LIMITS;
  const spacing = options.spacing ?? 0.1;
  if (!(track.length >= 1)) throw new Error(`limit lap: track '${track.name}' is ${track.length.toFixed(2)} m long; it needs at least 1 m`);
  const loop = track.loop;
  // Coarse to fine: each level starts from the previous one's offsets, so the slow, long-wave part of the solution
  // is found on few stations and the fine levels only sharpen it (a multigrid-style continuation).
  let prev: Stations | null = null;
  let alpha: Float64Array = new Float64Array(0);
  let st: Stations | null = null;
  for (const h of [spacing * 8, spacing * 4, spacing * 2, spacing]) {
    st = stations(track, h, limits.halfWidth + limits.margin);
    const init = new Float64Array(st.along.length);
    if (prev) for (let i = 0; i < init.length; i++) init[i] = interpolate(prev.along, alpha, st.along[i], track.length, loop);
    alpha = minimumCurvatureOffsets(st, init, loop);
    prev = st;
  }
  const { cx, cy, nx, ny, along } = st!;
  const n = along.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = cx[i] + alpha[i] * nx[i];
    ys[i] = cy[i] + alpha[i] * ny[i];
  }
  const line = speedProfile(xs, ys, loop, limits);
  const centre = speedProfile(cx, cy, loop, limits);
  let minSpeed = Infinity;
  let maxSpeed = 0;
  for (let i = 1; i < n; i++) {
    if (line.times[i] > 1.5) minSpeed = Math.min(minSpeed, line.speeds[i]); // past the standing start
    maxSpeed = Math.max(maxSpeed, line.speeds[i]);
  }
  return {
    trackName: track.name,
    xs,
    ys,
    offsets: alpha,
    curvature: line.curvature,
    speeds: line.speeds,
    times: line.times,
    along,
    lapTimeS: line.lapTimeS,
    lineLength: line.length,
    centreLineLapTimeS: centre.lapTimeS,
    minSpeed,
    maxSpeed,
  };
}

/** Stations of a racing line search: centre points, left normals, offset bounds and centre-line distance. */
interface Stations {
  cx: Float64Array;
  cy: Float64Array;
  nx: Float64Array;
  ny: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  along: Float64Array;
}

/**
 * Stations every ~`spacing` m along the centre line, with the offsets a car may take there: the room to the nearest
 * border point on each side less `keep`. The start (and an open track's far end) is pinned to the centre line, where
 * the car starts at rest.
 */
function stations(track: Track, spacing: number, keep: number): Stations {
  const loop = track.loop;
  const n = loop ? Math.max(8, Math.round(track.length / spacing)) : Math.max(3, Math.round(track.length / spacing) + 1);
  const step = loop ? track.length / n : track.length / (n - 1);
  const st: Stations = {
    cx: new Float64Array(n),
    cy: new Float64Array(n),
    nx: new Float64Array(n),
    ny: new Float64Array(n),
    lo: new Float64Array(n),
    hi: new Float64Array(n),
    along: new Float64Array(n),
  };
  const p = [0, 0, 0];
  const near = { segment: 0, t: 0, along: 0, px: 0, py: 0, dist2: 0 };
  for (let i = 0; i < n; i++) {
    const s = i * step;
    st.along[i] = s;
    track.center.pointAt(s, p);
    const [x, y] = p;
    const nx = -Math.sin(p[2]);
    const ny = Math.cos(p[2]);
    let left = Infinity;
    let right = Infinity;
    for (const border of [track.inner, track.outer]) {
      border.nearest(x, y, -1, near);
      const d = Math.sqrt(near.dist2);
      if ((near.px - x) * nx + (near.py - y) * ny >= 0) left = Math.min(left, d);
      else right = Math.min(right, d);
    }
    if (!Number.isFinite(left)) left = right;
    if (!Number.isFinite(right)) right = left;
    st.cx[i] = x;
    st.cy[i] = y;
    st.nx[i] = nx;
    st.ny[i] = ny;
    st.hi[i] = Math.max(0, left - keep);
    st.lo[i] = -Math.max(0, right - keep);
  }
  st.lo[0] = st.hi[0] = 0;
  if (!loop) st.lo[n - 1] = st.hi[n - 1] = 0;
  return st;
}

/** Linear interpolation of values at increasing distances `at` (wrapping over `length` on a loop). */
function interpolate(at: Float64Array, values: Float64Array, s: number, length: number, loop: boolean): number {
  const n = at.length;
  let j = 0;
  while (j < n && at[j] <= s) j++;
  if (j === 0) return values[0];
  if (j === n) {
    if (!loop) return values[n - 1];
    const f = (s - at[n - 1]) / (length - at[n - 1]);
    return values[n - 1] + f * (values[0] - values[n - 1]);
  }
  const f = (s - at[j - 1]) / (at[j] - at[j - 1]);
  return values[j - 1] + f * (values[j] - values[j - 1]);
}

/**
 * Weight of the second difference's tangential part (uneven spacing) against its normal part (curvature). A little
 * keeps the stations evenly spread where the centre line's normals fan out at its vertices; with none, single
 * stations slid along the line and left kinks (2022_reinvent_champ_ccw's limit came out slower than its centre
 * line). 0.01 ends the kinks on every shipped track and costs re:Invent 2018 0.6% (4.81 s → 4.84 s); 0.05 costs 4%.
 */
const SPACING_WEIGHT = 0.01;

/**
 * Solves min Σ [(n̂_i·D_i)² + SPACING_WEIGHT·(t̂_i·D_i)²]/h_i³ over offsets α, with D_i = P_{i−1} − 2P_i + P_{i+1},
 * P_i = C_i + α_i·N_i and t̂_i, n̂_i the line's own tangent and normal, under lo ≤ α ≤ hi, by projected SOR.
 * @returns α [n], m.
 */
function minimumCurvatureOffsets(st: Stations, init: Float64Array, loop: boolean): Float64Array {
  const { cx, cy, nx, ny, lo, hi } = st;
  const n = cx.length;
  const alpha = init;
  for (let i = 0; i < n; i++) alpha[i] = Math.min(hi[i], Math.max(lo[i], alpha[i]));
  const at = (i: number): number => (loop ? ((i % n) + n) % n : i);
  const omega = 1.9;
  // With stations spaced by the centre line, a station's curvature part n̂_j·D_j is κ·h², and h shrinks on the
  // inside of a corner; weighting it by 1/h_j³ (h_j: the line's own spacing, refreshed as the line moves) makes the
  // sum approximate ∫κ² ds of the line itself rather than favouring the inside.
  const weight = new Float64Array(n).fill(1);
  // The line's unit normal at each station: D_j's component along it is the curvature part, κ_j·h_j².
  const lnx = new Float64Array(n);
  const lny = new Float64Array(n);
  const reweigh = (): void => {
    for (let j = 0; j < n; j++) {
      const a = at(j - 1);
      const c = at(j + 1);
      const tx = cx[c] + alpha[c] * nx[c] - cx[a] - alpha[a] * nx[a];
      const ty = cy[c] + alpha[c] * ny[c] - cy[a] - alpha[a] * ny[a];
      const chord = Math.hypot(tx, ty);
      const h = chord / 2;
      weight[j] = h > 1e-9 ? 1 / (h * h * h) : 0;
      lnx[j] = chord > 1e-12 ? -ty / chord : nx[j];
      lny[j] = chord > 1e-12 ? tx / chord : ny[j];
    }
  };
  reweigh();
  // Each second difference D_j = P_{j−1} − 2P_j + P_{j+1} that contains α_i is affine in α_i: D_j = A + α_i·B, and
  // so is its normal part n̂_j·D_j.
  for (let sweep = 0; sweep < 3000; sweep++) {
    let change = 0;
    if (sweep % 50 === 49) reweigh();
    for (let i = 0; i < n; i++) {
      if (lo[i] === hi[i]) {
        alpha[i] = lo[i];
        continue;
      }
      let num = 0;
      let den = 0;
      for (let j = i - 1; j <= i + 1; j++) {
        if (!loop && (j < 1 || j > n - 2)) continue;
        const a = at(j - 1);
        const b = at(j);
        const c = at(j + 1);
        const w = j === i ? -2 : 1; // coefficient of P_i in D_j
        const dx = cx[a] + alpha[a] * nx[a] - 2 * (cx[b] + alpha[b] * nx[b]) + cx[c] + alpha[c] * nx[c];
        const dy = cy[a] + alpha[a] * ny[a] - 2 * (cy[b] + alpha[b] * ny[b]) + cy[c] + alpha[c] * ny[c];
        // Remove α_i's own part to get A, and B = w·N_i.
        const bx = w * nx[i];
        const by = w * ny[i];
        const ax = dx - alpha[i] * bx;
        const ay = dy - alpha[i] * by;
        const wj = weight[b];
        const an = ax * lnx[b] + ay * lny[b];
        const bn = bx * lnx[b] + by * lny[b];
        const ta = ax * lny[b] - ay * lnx[b];
        const bt = bx * lny[b] - by * lnx[b];
        num += wj * (an * bn + SPACING_WEIGHT * ta * bt);
        den += wj * (bn * bn + SPACING_WEIGHT * bt * bt);
      }
      if (den === 0) continue;
      const target = -num / den;
      let next = alpha[i] + omega * (target - alpha[i]);
      if (next < lo[i]) next = lo[i];
      else if (next > hi[i]) next = hi[i];
      change = Math.max(change, Math.abs(next - alpha[i]));
      alpha[i] = next;
    }
    if (change < 1e-6) break;
  }
  return alpha;
}

/**
 * Forward–backward speed profile of a standing-start lap along a line of points.
 * @returns curvature (1/m) and speed (m/s) at each point, the time at each point (s), the lap time and the length.
 */
export function speedProfile(
  xs: Float64Array,
  ys: Float64Array,
  loop: boolean,
  limits: CarLimits = RACELINE_CAR_LIMITS,
): { curvature: Float64Array; speeds: Float64Array; times: Float64Array; lapTimeS: number; length: number } {
  const n = xs.length;
  const at = (i: number): number => (loop ? ((i % n) + n) % n : Math.min(n - 1, Math.max(0, i)));
  // Stations 0..n (a loop's station n is the start again) and the distance between consecutive ones.
  const m = loop ? n + 1 : n;
  const ds = new Float64Array(m);
  for (let k = 1; k < m; k++) ds[k] = Math.hypot(xs[at(k)] - xs[at(k - 1)], ys[at(k)] - ys[at(k - 1)]);
  const curvature = new Float64Array(n);
  const SPAN = 2; // Menger curvature over points 2 stations either side: steadier than adjacent points
  for (let i = 0; i < n; i++) {
    if (!loop && (i < SPAN || i > n - 1 - SPAN)) continue;
    const a = at(i - SPAN);
    const c = at(i + SPAN);
    curvature[i] = menger(xs[a], ys[a], xs[i], ys[i], xs[c], ys[c]);
  }
  const cornerLimit = (k: number): number => {
    const kappa = curvature[at(k)];
    return kappa > 1e-9 ? Math.min(limits.topSpeed, Math.sqrt((limits.grip * limits.gravity) / kappa)) : limits.topSpeed;
  };
  const v = new Float64Array(m);
  for (let k = 0; k < m; k++) v[k] = cornerLimit(k);
  v[0] = 0;
  for (let k = 1; k < m; k++) v[k] = Math.min(v[k], Math.sqrt(v[k - 1] * v[k - 1] + 2 * limits.maxAccel * ds[k]));
  for (let k = m - 2; k >= 1; k--) v[k] = Math.min(v[k], Math.sqrt(v[k + 1] * v[k + 1] + 2 * limits.maxBrake * ds[k + 1]));
  const times = new Float64Array(n);
  let t = 0;
  let length = 0;
  for (let k = 1; k < m; k++) {
    const mean = (v[k - 1] + v[k]) / 2;
    t += mean > 1e-9 ? ds[k] / mean : 0;
    length += ds[k];
    if (k < n) times[k] = t;
  }
  const speeds = new Float64Array(n);
  for (let i = 0; i < n; i++) speeds[i] = v[i];
  return { curvature, speeds, times, lapTimeS: t, length };
}

/** Curvature of the circle through three points, 1/m (0 when they are in line). */
function menger(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const cross = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  const ab = Math.hypot(bx - ax, by - ay);
  const bc = Math.hypot(cx - bx, cy - by);
  const ca = Math.hypot(ax - cx, ay - cy);
  const d = ab * bc * ca;
  return d > 1e-12 ? (2 * Math.abs(cross)) / d : 0;
}

/**
 * The limit lap's time in each of `sectors` equal runs of waypoints (the sectors of `race/sectors.ts`: waypoint w
 * is in sector ⌊w·sectors/N⌋), from entering a sector to entering the next, s. The first sector starts at rest.
 * @returns [sectors] times that add up to the lap time.
 */
export function limitSectorTimes(lap: LimitLap, track: Track, sectors = 10): number[] {
  const count = track.waypoints.length - (track.loop ? 1 : 0);
  const bounds: number[] = [];
  for (let k = 1; k < sectors; k++) bounds.push(track.waypointDistances[Math.min(track.waypointDistances.length - 1, Math.ceil((k * count) / sectors))]);
  const timeAt = (s: number): number => {
    const a = lap.along;
    let j = 1;
    while (j < a.length && a[j] < s) j++;
    if (j >= a.length) return lap.lapTimeS;
    const f = (s - a[j - 1]) / (a[j] - a[j - 1]);
    return lap.times[j - 1] + f * (lap.times[j] - lap.times[j - 1]);
  };
  const marks = [0, ...bounds.map(timeAt), lap.lapTimeS];
  return marks.slice(1).map((t, k) => t - marks[k]);
}

export { formatAgainstLimit } from './limit-format';
