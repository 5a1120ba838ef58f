/**
 * SVG path data for a small track preview: the road between the two borders and the centre line.
 * Pure (no DOM), so it is tested in Node. y is flipped (track frame y up, SVG y down).
 */
import type { TrackData } from '../track/track-data';

/** Path data of one track preview, in metres with y negated. */
export interface TrackThumbnail {
  /** `"minX minY width height"` of the road plus `pad` on every side. */
  viewBox: string;
  /**
   * The road: for a loop two closed rings (outer and inner border), to fill with
   * `fill-rule="evenodd"` so the infield stays empty; for an open track one ring (inner border
   * forward, outer border back).
   */
  road: string;
  /** The centre line, open (`M … L …`), or closed with `Z` for a loop. */
  centre: string;
}

/** Coordinates are written with this many decimals (1 mm). */
const DECIMALS = 3;

/**
 * @param data a validated track (`[N, 6]` waypoint rows in metres).
 * @param pad margin around the road, m.
 * @returns the viewBox and the path data of the road and the centre line.
 */
export function trackThumbnail(data: TrackData, pad = 0.25): TrackThumbnail {
  const rows = data.waypoints;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const r of rows) {
    for (const c of [0, 2, 4]) {
      const x = r[c];
      const y = -r[c + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  const n = (v: number): string => String(Number(v.toFixed(DECIMALS)) + 0);
  const pt = (r: readonly number[], c: number): string => `${n(r[c])} ${n(-r[c + 1])}`;
  // A loop's last row repeats the first: drop it and close the path with Z instead.
  const ring = data.loop ? rows.slice(0, -1) : rows;
  const line = (list: readonly (readonly number[])[], c: number): string =>
    list.map((r, i) => `${i === 0 ? 'M' : 'L'}${pt(r, c)}`).join(' ');

  let road: string;
  let centre: string;
  if (data.loop) {
    road = `${line(ring, 4)} Z ${line(ring, 2)} Z`;
    centre = `${line(ring, 0)} Z`;
  } else {
    const back = [...rows].reverse().map((r) => `L${pt(r, 4)}`).join(' ');
    road = `${line(rows, 2)} ${back} Z`;
    centre = line(rows, 0);
  }
  const viewBox = [minX - pad, minY - pad, maxX - minX + 2 * pad, maxY - minY + 2 * pad].map(n).join(' ');
  return { viewBox, road, centre };
}

/**
 * SVG path data of a driven path in the same frame as {@link trackThumbnail} (metres, y negated), open.
 * @param points `[k * 2]` x, y in metres (an evaluation's `bestPath`). @returns '' for fewer than 2 points.
 */
export function pathThumbnail(points: readonly number[]): string {
  if (points.length < 4) return '';
  const n = (v: number): string => String(Number(v.toFixed(DECIMALS)) + 0);
  const parts: string[] = [];
  for (let k = 0; k + 1 < points.length; k += 2) parts.push(`${k === 0 ? 'M' : 'L'}${n(points[k])} ${n(-points[k + 1])}`);
  return parts.join(' ');
}
