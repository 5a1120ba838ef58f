/**
 * Track geometry as the DeepRacer simulator measures it: centre line, inner and outer borders,
 * the road polygon between them, projection and progress along the centre line, local width and
 * side of the centre line. Source of the semantics: deepracer-simapp
 * `markov/track_geom/track_data.py` (see reference/deepracer.md §1.1 and §5).
 *
 * Pure geometry: no physics, no DOM. Units are metres and radians unless a name says otherwise.
 */
import { Polyline, emptyNearest, type Nearest } from './polyline';
import type { TrackData } from './track-data';

/** Height of the horizontal bands that bucket road-boundary edges for point-in-road tests, m. */
const BAND_HEIGHT = 0.1;

export class Track {
  readonly name: string;
  readonly displayName: string;
  /** True for a closed loop (the last waypoint repeats the first). */
  readonly loop: boolean;
  /** Driving direction of this track object: 'ccw' or 'cw' (a reversed track flips it). */
  readonly direction: 'ccw' | 'cw';
  /** True when this is the reverse of the file's direction (DeepRacer `is_reversed`). */
  readonly isReversed: boolean;
  readonly center: Polyline;
  readonly inner: Polyline;
  readonly outer: Polyline;
  /** Centre-line length, m (DeepRacer `track_length`). */
  readonly length: number;
  /** Median local width from the file, m. */
  readonly nominalWidth: number;
  /** Centre-line waypoints as DeepRacer's `params.waypoints`: frozen `[x, y]` pairs. */
  readonly waypoints: ReadonlyArray<readonly [number, number]>;
  /** [numWaypoints] arc length of each centre waypoint, m. */
  readonly waypointDistances: Float64Array;
  /** The data this track was built from (for saving and reversing). */
  readonly data: TrackData;

  // Road boundary edges bucketed by y band: [x1, y1, x2, y2] per edge.
  private readonly edges: Float64Array;
  private readonly bands: Int32Array[];
  private readonly minY: number;
  private readonly scratch: Nearest = emptyNearest();

  /**
   * @param data a validated track (see `parseTrackData`); @param reversed drive it the other way.
   * @throws Error when the track has fewer than 3 waypoints.
   */
  constructor(data: TrackData, reversed = false) {
    const rows = reversed ? [...data.waypoints].reverse() : data.waypoints;
    if (rows.length < 3) throw new Error(`track '${data.name}': needs at least 3 waypoints, has ${rows.length}`);
    this.data = data;
    this.name = data.name;
    this.displayName = data.displayName;
    this.loop = data.loop;
    this.isReversed = reversed;
    const fileDirection = data.direction ?? 'ccw';
    this.direction = reversed ? (fileDirection === 'ccw' ? 'cw' : 'ccw') : fileDirection;
    const pick = (c: number): number[] => rows.flatMap((r) => [r[c], r[c + 1]]);
    this.center = new Polyline(pick(0), this.loop);
    this.inner = new Polyline(pick(2), this.loop);
    this.outer = new Polyline(pick(4), this.loop);
    this.length = this.center.length;
    this.nominalWidth = data.widthM;
    this.waypoints = Object.freeze(rows.map((r) => Object.freeze([r[0], r[1]] as [number, number])));
    this.waypointDistances = this.center.cum;

    const edgeList: number[] = [];
    const addLine = (p: Polyline, reverse: boolean): void => {
      const n = p.xs.length;
      for (let k = 0; k < n - 1; k++) {
        const i = reverse ? n - 1 - k : k;
        const j = reverse ? i - 1 : i + 1;
        edgeList.push(p.xs[i], p.ys[i], p.xs[j], p.ys[j]);
      }
    };
    addLine(this.inner, false);
    if (this.loop) {
      addLine(this.outer, false);
    } else {
      // One ring: inner forward, cap at the end, outer backward, cap at the start.
      const ni = this.inner.xs.length - 1;
      const no = this.outer.xs.length - 1;
      edgeList.push(this.inner.xs[ni], this.inner.ys[ni], this.outer.xs[no], this.outer.ys[no]);
      addLine(this.outer, true);
      edgeList.push(this.outer.xs[0], this.outer.ys[0], this.inner.xs[0], this.inner.ys[0]);
    }
    this.edges = Float64Array.from(edgeList);
    let minY = Infinity;
    let maxY = -Infinity;
    for (let e = 0; e < this.edges.length; e += 4) {
      minY = Math.min(minY, this.edges[e + 1], this.edges[e + 3]);
      maxY = Math.max(maxY, this.edges[e + 1], this.edges[e + 3]);
    }
    this.minY = minY;
    const numBands = Math.max(1, Math.ceil((maxY - minY) / BAND_HEIGHT) + 1);
    const lists: number[][] = Array.from({ length: numBands }, () => []);
    for (let e = 0; e < this.edges.length; e += 4) {
      const y1 = Math.min(this.edges[e + 1], this.edges[e + 3]);
      const y2 = Math.max(this.edges[e + 1], this.edges[e + 3]);
      const b1 = Math.floor((y1 - minY) / BAND_HEIGHT);
      const b2 = Math.floor((y2 - minY) / BAND_HEIGHT);
      for (let b = b1; b <= b2; b++) lists[b].push(e);
    }
    this.bands = lists.map((l) => Int32Array.from(l));
  }

  /** The same track driven in the opposite direction (DeepRacer's reverse-direction training). */
  reversed(): Track {
    return new Track(this.data, !this.isReversed);
  }

  /** True for a counter-clockwise driving direction. */
  get isCcw(): boolean {
    return this.direction === 'ccw';
  }

  /**
   * Whether (x, y) lies on the road: inside the polygon between the borders (even-odd rule over
   * both border rings, so the infield of a loop is outside). DeepRacer tests each wheel this way.
   */
  contains(x: number, y: number): boolean {
    const b = Math.floor((y - this.minY) / BAND_HEIGHT);
    if (b < 0 || b >= this.bands.length) return false;
    const list = this.bands[b];
    const e = this.edges;
    let inside = false;
    for (let k = 0; k < list.length; k++) {
      const i = list[k];
      const y1 = e[i + 1];
      const y2 = e[i + 3];
      if (y1 > y !== y2 > y) {
        const xCross = e[i] + ((y - y1) / (y2 - y1)) * (e[i + 2] - e[i]);
        if (x < xCross) inside = !inside;
      }
    }
    return inside;
  }

  /**
   * Projects (x, y) onto the centre line (shapely `project`), writing into `out`.
   * `out.along` is the distance from the first waypoint along the centre line, m.
   * @param hint last known centre segment, or -1 to scan the whole line.
   */
  project(x: number, y: number, hint: number, out: Nearest): Nearest {
    return this.center.nearest(x, y, hint, out);
  }

  /** Progress fraction 0..1 of a distance along the centre line (DeepRacer's normalised distance). */
  normalizedDistance(along: number): number {
    return this.center.wrapDistance(along) / this.length;
  }

  /**
   * DeepRacer `closest_waypoints`: the waypoints before and after a distance along the centre
   * line (`bisect_right` over waypoint distances), wrapping at the ends of a loop.
   * @returns `[prev, next]` waypoint indices into `waypoints`.
   */
  closestWaypoints(along: number): [number, number] {
    const d = this.center.cum;
    const n = d.length;
    const s = this.center.wrapDistance(along);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (d[mid] <= s) lo = mid + 1;
      else hi = mid;
    }
    let next = lo;
    let prev = next - 1;
    if (next >= n) next = this.loop ? 0 : n - 1;
    if (prev < 0) prev = this.loop ? n - 1 : 0;
    return [prev, next];
  }

  /**
   * DeepRacer's local `track_width` at a centre-line point: the distance between the nearest
   * inner-border point and the nearest outer-border point to (cx, cy).
   * @param hint the centre segment of (cx, cy), or -1.
   */
  widthAt(cx: number, cy: number, hint: number): number {
    const s = this.scratch;
    this.inner.nearest(cx, cy, hint, s);
    const ix = s.px;
    const iy = s.py;
    this.outer.nearest(cx, cy, hint, s);
    return Math.hypot(s.px - ix, s.py - iy);
  }

  /**
   * DeepRacer `is_left_of_center`: `(distance to inner border < distance to outer border) XOR
   * not ccw`, with the direction of this (possibly reversed) track.
   * @param hint the centre segment nearest to (x, y), or -1.
   */
  isLeftOfCenter(x: number, y: number, hint: number): boolean {
    const s = this.scratch;
    const dInner = this.inner.nearest(x, y, hint, s).dist2;
    const dOuter = this.outer.nearest(x, y, hint, s).dist2;
    return dInner < dOuter !== !this.isCcw;
  }

  /**
   * Point on the centre line at arc length `s` and the centre line's direction there.
   * @returns `{x, y, heading}` with heading in radians CCW from +x.
   */
  pointAt(s: number): { x: number; y: number; heading: number } {
    const out = [0, 0, 0];
    this.center.pointAt(s, out);
    return { x: out[0], y: out[1], heading: out[2] };
  }
}
