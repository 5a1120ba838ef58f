/**
 * A polyline in metres with cumulative arc length and nearest-point queries — the projection
 * the DeepRacer simulator does with shapely's `LineString.project` / `interpolate`
 * (deepracer-simapp `markov/track_geom/track_data.py`).
 *
 * Queries take an optional segment hint: the search then scans a window around the hint and
 * widens it only when the best point sits on the window's edge, so a car that moves a little
 * each step costs a few segment tests instead of a scan of the whole line.
 */

/** Result of a nearest-point query; reused between calls to avoid allocation on the hot path. */
export interface Nearest {
  /** Index of the segment [i, i+1] holding the nearest point. */
  segment: number;
  /** Position on that segment, 0..1. */
  t: number;
  /** Arc length from the first vertex to the nearest point, m. */
  along: number;
  /** Nearest point, m. */
  px: number;
  py: number;
  /** Squared distance from the query point to the nearest point, m². */
  dist2: number;
}

export function emptyNearest(): Nearest {
  return { segment: 0, t: 0, along: 0, px: 0, py: 0, dist2: Infinity };
}

const HINT_WINDOW = 6;

export class Polyline {
  /** [n] vertex x, m. */
  readonly xs: Float64Array;
  /** [n] vertex y, m. */
  readonly ys: Float64Array;
  /** [n] arc length at each vertex, m; `cum[0] = 0`, `cum[n-1] = length`. */
  readonly cum: Float64Array;
  readonly length: number;
  /** True when the last vertex repeats the first (a loop). */
  readonly closed: boolean;
  /** Number of segments (n - 1). */
  readonly segments: number;

  /**
   * @param points flat [x0, y0, x1, y1, ...] in metres, at least 2 points.
   * @param closed whether the line is a loop whose last point repeats the first.
   * @throws Error when fewer than 2 points are given.
   */
  constructor(points: ArrayLike<number>, closed: boolean) {
    const n = points.length / 2;
    if (n < 2 || !Number.isInteger(n)) throw new Error(`Polyline needs at least 2 points, got ${points.length / 2}`);
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.cum = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.xs[i] = points[2 * i];
      this.ys[i] = points[2 * i + 1];
      if (i > 0) this.cum[i] = this.cum[i - 1] + Math.hypot(this.xs[i] - this.xs[i - 1], this.ys[i] - this.ys[i - 1]);
    }
    this.length = this.cum[n - 1];
    this.closed = closed;
    this.segments = n - 1;
  }

  /**
   * Nearest point of the polyline to (x, y), written into `out`.
   * @param hint a segment index near the answer (e.g. last step's), or -1 for a full scan.
   */
  nearest(x: number, y: number, hint: number, out: Nearest): Nearest {
    const m = this.segments;
    if (hint < 0 || m <= 2 * HINT_WINDOW + 1) {
      this.scan(x, y, 0, m, out);
      return out;
    }
    let lo = hint - HINT_WINDOW;
    let hi = hint + HINT_WINDOW + 1;
    for (;;) {
      this.scan(x, y, lo, hi, out);
      const atLow = out.segment === this.wrapSegment(lo) && out.t === 0;
      const atHigh = out.segment === this.wrapSegment(hi - 1) && out.t === 1;
      if (!atLow && !atHigh) return out;
      if (hi - lo >= m) return out;
      lo -= HINT_WINDOW;
      hi += HINT_WINDOW;
      if (hi - lo >= m) {
        this.scan(x, y, 0, m, out);
        return out;
      }
    }
  }

  private wrapSegment(i: number): number {
    const m = this.segments;
    if (this.closed) return ((i % m) + m) % m;
    return Math.min(Math.max(i, 0), m - 1);
  }

  /** Scans segments lo..hi-1 (wrapping on loops, clamped on open lines). */
  private scan(x: number, y: number, lo: number, hi: number, out: Nearest): void {
    const m = this.segments;
    const xs = this.xs;
    const ys = this.ys;
    let best = Infinity;
    let bestSeg = 0;
    let bestT = 0;
    if (!this.closed) {
      lo = Math.max(lo, 0);
      hi = Math.min(hi, m);
    }
    for (let k = lo; k < hi; k++) {
      const i = this.closed ? ((k % m) + m) % m : k;
      const ax = xs[i];
      const ay = ys[i];
      const dx = xs[i + 1] - ax;
      const dy = ys[i + 1] - ay;
      const len2 = dx * dx + dy * dy;
      let t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
      if (t < 0) t = 0;
      else if (t > 1) t = 1;
      const ex = ax + t * dx - x;
      const ey = ay + t * dy - y;
      const d2 = ex * ex + ey * ey;
      if (d2 < best) {
        best = d2;
        bestSeg = i;
        bestT = t;
      }
    }
    out.segment = bestSeg;
    out.t = bestT;
    out.px = xs[bestSeg] + bestT * (xs[bestSeg + 1] - xs[bestSeg]);
    out.py = ys[bestSeg] + bestT * (ys[bestSeg + 1] - ys[bestSeg]);
    out.along = this.cum[bestSeg] + bestT * (this.cum[bestSeg + 1] - this.cum[bestSeg]);
    out.dist2 = best;
  }

  /** Index of the segment containing arc length `s` (wrapped on loops, clamped on open lines). */
  segmentAt(s: number): number {
    s = this.wrapDistance(s);
    const cum = this.cum;
    let lo = 0;
    let hi = this.segments - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cum[mid] <= s) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Arc length wrapped into [0, length) on loops, clamped into [0, length] on open lines. */
  wrapDistance(s: number): number {
    if (this.closed) {
      const L = this.length;
      s %= L;
      return s < 0 ? s + L : s;
    }
    return Math.min(Math.max(s, 0), this.length);
  }

  /**
   * Point and tangent direction at arc length `s` (wrapped on loops, clamped on open lines).
   * Writes `[x, y, headingRad]` into `out` (heading CCW from +x).
   */
  pointAt(s: number, out: Float64Array | number[], offset = 0): void {
    const i = this.segmentAt(s);
    const sw = this.wrapDistance(s);
    const segLen = this.cum[i + 1] - this.cum[i];
    const t = segLen > 0 ? (sw - this.cum[i]) / segLen : 0;
    const dx = this.xs[i + 1] - this.xs[i];
    const dy = this.ys[i + 1] - this.ys[i];
    out[offset] = this.xs[i] + t * dx;
    out[offset + 1] = this.ys[i] + t * dy;
    out[offset + 2] = Math.atan2(dy, dx);
  }
}
