import { describe, expect, it } from 'vitest';
import { loadTrackData } from '../../src/track/node/track-files';
import { Track } from '../../src/track/track';
import { pathThumbnail, trackThumbnail } from '../../src/ui/track-thumbnail';

/** Splits path data into rings of [x, y] points (one per M), noting which are closed with Z. */
function parsePath(d: string): { points: [number, number][]; closed: boolean }[] {
  const rings: { points: [number, number][]; closed: boolean }[] = [];
  for (const tok of d.match(/[MLZ][^MLZ]*/g) ?? []) {
    if (tok[0] === 'Z') {
      rings[rings.length - 1].closed = true;
      continue;
    }
    const [x, y] = tok.slice(1).trim().split(/\s+/).map(Number);
    if (tok[0] === 'M') rings.push({ points: [], closed: false });
    rings[rings.length - 1].points.push([x, y]);
  }
  return rings;
}

/** SVG's even-odd fill rule over all rings: is (x, y) painted? */
function evenOddInside(rings: { points: [number, number][] }[], x: number, y: number): boolean {
  let inside = false;
  for (const { points } of rings) {
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i];
      const [xj, yj] = points[j];
      if (yi > y !== yj > y && x < xi + ((y - yi) / (yj - yi)) * (xj - xi)) inside = !inside;
    }
  }
  return inside;
}

describe('trackThumbnail', () => {
  it('draws a loop as two closed border rings and a closed centre line, y flipped', () => {
    const data = loadTrackData('reinvent_base');
    const t = trackThumbnail(data);
    const road = parsePath(t.road);
    const centre = parsePath(t.centre);
    const n = data.waypoints.length - 1; // the closing row is replaced by Z
    expect(road.map((r) => [r.points.length, r.closed])).toEqual([[n, true], [n, true]]);
    expect(centre.map((r) => [r.points.length, r.closed])).toEqual([[n, true]]);
    const [x0, y0] = data.waypoints[0];
    expect(centre[0].points[0][0]).toBeCloseTo(x0, 3);
    expect(centre[0].points[0][1]).toBeCloseTo(-y0, 3);
  });

  it('frames every point with the padding', () => {
    const data = loadTrackData('reinvent_base');
    const t = trackThumbnail(data, 0.5);
    const [vx, vy, vw, vh] = t.viewBox.split(' ').map(Number);
    const all = parsePath(t.road).flatMap((r) => r.points);
    const xs = all.map((p) => p[0]);
    const ys = all.map((p) => p[1]);
    expect(Math.min(...xs) - vx).toBeCloseTo(0.5, 2);
    expect(Math.min(...ys) - vy).toBeCloseTo(0.5, 2);
    expect(vx + vw - Math.max(...xs)).toBeCloseTo(0.5, 2);
    expect(vy + vh - Math.max(...ys)).toBeCloseTo(0.5, 2);
  });

  it('fills the road and leaves the infield empty under the even-odd rule, as Track.contains does', () => {
    const data = loadTrackData('reinvent_base');
    const track = new Track(data);
    const road = parsePath(trackThumbnail(data).road);
    for (const k of [0, 30, 60, 90]) {
      const [cx, cy, ix, iy] = data.waypoints[k];
      expect(evenOddInside(road, cx, -cy), `centre ${k}`).toBe(true);
      // Just past the inner border, on the infield side.
      const fx = ix + 0.3 * (ix - cx);
      const fy = iy + 0.3 * (iy - cy);
      expect(track.contains(fx, fy)).toBe(false);
      expect(evenOddInside(road, fx, -fy), `infield ${k}`).toBe(false);
    }
  });

  it('draws an open track as one ring around the road and an open centre line', () => {
    const data = loadTrackData('Straight_track');
    const t = trackThumbnail(data);
    const road = parsePath(t.road);
    expect(road).toHaveLength(1);
    expect(road[0].closed).toBe(true);
    expect(road[0].points).toHaveLength(2 * data.waypoints.length);
    const centre = parsePath(t.centre);
    expect(centre).toEqual([{ points: expect.any(Array), closed: false }]);
    expect(centre[0].points).toHaveLength(data.waypoints.length);
    const [cx, cy] = data.waypoints[5];
    expect(evenOddInside(road, cx, -cy)).toBe(true);
  });
});

describe('pathThumbnail', () => {
  it('draws a driven path in the thumbnail frame (y negated), open', () => {
    expect(pathThumbnail([0, 0, 1.5, 2, 3.0004, -1])).toBe('M0 0 L1.5 -2 L3 1');
    expect(pathThumbnail([1, 2])).toBe('');
  });
});
