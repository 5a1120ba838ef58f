/**
 * Nearest point on a polyline by a full scan of its segments: what shapely's
 * `line.interpolate(line.project(p))` returns, which is how the DeepRacer simulator finds the border
 * points it measures `track_width` between (deepracer-simapp `markov/track_geom/track_data.py`,
 * `get_nearest_points`). O(segments) per query; fine for the few hundred waypoints of a track.
 */

/** A point in the track plane, metres. */
export interface PolylinePoint {
  x: number;
  y: number;
}

/** The nearest point on a polyline and where it lies. */
export interface NearestOnPolyline {
  /** Nearest point, metres. */
  x: number;
  y: number;
  /** Euclidean distance from the query point, metres. */
  distance: number;
  /** Index `i` of the segment `[points[i], points[i+1]]` holding the point (0 for a one-point polyline). */
  segmentIndex: number;
  /** Position along that segment, 0 at `points[i]` and 1 at `points[i+1]`. */
  t: number;
}

/**
 * Finds the point of the polyline `points[0] → points[1] → ... → points[n-1]` nearest to (x, y).
 * A closed ring is passed with its first point repeated at the end. Zero-length segments are allowed.
 * Ties keep the earliest segment, as numpy's `argmin` would.
 * @param x,y query point, metres.
 * @param points polyline vertices, `[n]` of `{x, y}` in metres, n >= 1.
 * @throws Error when `points` is empty.
 */
export function nearestPointOnPolyline(x: number, y: number, points: readonly PolylinePoint[]): NearestOnPolyline {
  if (points.length === 0) throw new Error('nearestPointOnPolyline(): the polyline has no points');
  let best: NearestOnPolyline = {
    x: points[0].x,
    y: points[0].y,
    distance: Math.hypot(x - points[0].x, y - points[0].y),
    segmentIndex: 0,
    t: 0,
  };
  for (let i = 0; i + 1 < points.length; i++) {
    const ax = points[i].x;
    const ay = points[i].y;
    const dx = points[i + 1].x - ax;
    const dy = points[i + 1].y - ay;
    const len2 = dx * dx + dy * dy;
    let t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const qx = ax + t * dx;
    const qy = ay + t * dy;
    const distance = Math.hypot(x - qx, y - qy);
    if (distance < best.distance) best = { x: qx, y: qy, distance, segmentIndex: i, t };
  }
  return best;
}
