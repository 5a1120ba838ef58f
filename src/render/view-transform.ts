/**
 * The pure geometry of drawing a track: world-to-screen fitting, border rings, centre-line dashes and
 * SVG thumbnails. No DOM and no pixi, so it runs (and is tested) in Node.
 *
 * World: metres, y up (the DeepRacer route files' frame). Screen: pixels, y down, origin top left.
 */
import type { TrackData } from '../track/track-data';

/** Axis-aligned box in world metres. */
export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** World metres to screen pixels: `sx = offsetX + scale·x`, `sy = offsetY − scale·y` (y flipped). */
export interface ViewTransform {
  /** Pixels per metre, the same on both axes. */
  scale: number;
  /** Screen x of world x = 0, px. */
  offsetX: number;
  /** Screen y of world y = 0, px. */
  offsetY: number;
}

/** A track's polylines as flat `[x0, y0, x1, y1, …]` arrays in metres. */
export interface TrackRings {
  /** Centre line, all rows (a loop's closing repeat included, so it draws closed). */
  centre: number[];
  /** Inner border; for a loop the closing repeat is dropped (the ring is implicitly closed). */
  inner: number[];
  /** Outer border; same convention as `inner`. */
  outer: number[];
}

/**
 * The box around every centre and border point of a track.
 * @throws Error when the track has no waypoints.
 */
export function trackBounds(track: TrackData): Bounds {
  if (track.waypoints.length === 0) throw new Error(`trackBounds: track '${track.name}' has no waypoints`);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const row of track.waypoints) {
    for (let c = 0; c < 6; c += 2) {
      const x = row[c];
      const y = row[c + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return { minX, minY, maxX, maxY };
}

/**
 * The transform that fits `bounds` into a `widthPx × heightPx` screen, centred, with the same scale on both
 * axes and at least `paddingPx` of margin on every side (on the tighter axis exactly `paddingPx`).
 * A zero-size box or a screen smaller than twice the padding still gives a finite, positive scale.
 */
export function fitTransform(bounds: Bounds, widthPx: number, heightPx: number, paddingPx: number): ViewTransform {
  const spanX = Math.max(bounds.maxX - bounds.minX, 1e-9); // m
  const spanY = Math.max(bounds.maxY - bounds.minY, 1e-9); // m
  const availX = Math.max(widthPx - 2 * paddingPx, 1); // px
  const availY = Math.max(heightPx - 2 * paddingPx, 1); // px
  const scale = Math.min(availX / spanX, availY / spanY);
  const cx = (bounds.minX + bounds.maxX) / 2;
  const cy = (bounds.minY + bounds.maxY) / 2;
  return { scale, offsetX: widthPx / 2 - scale * cx, offsetY: heightPx / 2 + scale * cy };
}

/** A world point (m) on the screen (px), y flipped. */
export function worldToScreen(t: ViewTransform, x: number, y: number): [number, number] {
  return [t.offsetX + t.scale * x, t.offsetY - t.scale * y];
}

/** Splits a track's rows into flat centre, inner and outer polylines (see {@link TrackRings}). */
export function trackRings(track: TrackData): TrackRings {
  const rows = track.waypoints;
  const ringRows = track.loop ? rows.length - 1 : rows.length;
  const centre: number[] = [];
  const inner: number[] = [];
  const outer: number[] = [];
  rows.forEach((r, i) => {
    centre.push(r[0], r[1]);
    if (i < ringRows) {
      inner.push(r[2], r[3]);
      outer.push(r[4], r[5]);
    }
  });
  return { centre, inner, outer };
}

/** Signed shoelace area of a closed flat ring `[x0, y0, …]` (positive when counter-clockwise), m². */
export function ringArea(ring: readonly number[]): number {
  let twice = 0;
  const n = ring.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    twice += ring[2 * i] * ring[2 * j + 1] - ring[2 * j] * ring[2 * i + 1];
  }
  return twice / 2;
}

/**
 * The road as polygons: for a loop the larger border ring (by area) is the outline and the smaller one the hole
 * (cw tracks may swap which border encloses which); for an open track one ring, inner forward then outer backward.
 */
export function roadPolygon(track: TrackData): { outline: number[]; hole: number[] | null } {
  const { inner, outer } = trackRings(track);
  if (track.loop) {
    return Math.abs(ringArea(outer)) >= Math.abs(ringArea(inner))
      ? { outline: outer, hole: inner }
      : { outline: inner, hole: outer };
  }
  const ring = inner.slice();
  for (let i = outer.length - 2; i >= 0; i -= 2) ring.push(outer[i], outer[i + 1]);
  return { outline: ring, hole: null };
}

/**
 * Cuts a polyline into dashes: `dashM` drawn, `gapM` skipped, measured along the line from its start.
 * @param points flat `[x0, y0, …]`, metres.
 * @returns flat polylines, one per dash (a dash keeps the polyline's corners).
 * @throws Error when `dashM` or `gapM` is not positive.
 */
export function dashSegments(points: readonly number[], dashM: number, gapM: number): number[][] {
  if (!(dashM > 0) || !(gapM > 0)) throw new Error(`dashSegments: dash and gap must be positive metres; got ${dashM}, ${gapM}`);
  const dashes: number[][] = [];
  if (points.length < 4) return dashes;
  let current: number[] | null = [points[0], points[1]];
  let drawing = true;
  let left = dashM; // m left in the current dash or gap
  for (let i = 2; i + 1 < points.length; i += 2) {
    let x0 = points[i - 2];
    let y0 = points[i - 1];
    const x1 = points[i];
    const y1 = points[i + 1];
    let seg = Math.hypot(x1 - x0, y1 - y0);
    while (seg > left) {
      const f = left / seg;
      const xm = x0 + (x1 - x0) * f;
      const ym = y0 + (y1 - y0) * f;
      if (drawing) {
        current!.push(xm, ym);
        dashes.push(current!);
        current = null;
      } else {
        current = [xm, ym];
      }
      drawing = !drawing;
      seg -= left;
      x0 = xm;
      y0 = ym;
      left = drawing ? dashM : gapM;
    }
    left -= seg;
    if (drawing) current!.push(x1, y1);
  }
  if (drawing && current && current.length >= 4) dashes.push(current);
  return dashes;
}

/** One number for SVG path data: at most 2 decimals, no trailing zeros. */
function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** SVG path data of a flat world polyline through transform `t`; `close` appends `Z`. */
function svgPath(t: ViewTransform, flat: readonly number[], close: boolean): string {
  const parts: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const [sx, sy] = worldToScreen(t, flat[i], flat[i + 1]);
    parts.push(`${i === 0 ? 'M' : 'L'}${num(sx)} ${num(sy)}`);
  }
  if (close) parts.push('Z');
  return parts.join('');
}

/**
 * SVG path data for a `sizePx × sizePx` track thumbnail (y flipped, fitted with a 6% margin).
 * `road`: for a loop the outer ring then the inner ring, each closed: draw it with `fill-rule="evenodd"` so the
 * infield stays empty; for an open track one closed ring, inner border forward then outer border backward.
 * `centre`: the centre polyline (closed with `Z` for a loop, its repeated last row dropped).
 */
export function trackPreviewPaths(track: TrackData, sizePx: number): { viewBox: string; road: string; centre: string } {
  const t = fitTransform(trackBounds(track), sizePx, sizePx, sizePx * 0.06);
  const { centre, inner, outer } = trackRings(track);
  let road: string;
  if (track.loop) {
    road = svgPath(t, outer, true) + svgPath(t, inner, true);
  } else {
    road = svgPath(t, roadPolygon(track).outline, true);
  }
  const centreLine = track.loop ? svgPath(t, centre.slice(0, -2), true) : svgPath(t, centre, false);
  return { viewBox: `0 0 ${num(sizePx)} ${num(sizePx)}`, road, centre: centreLine };
}
