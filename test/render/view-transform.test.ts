import { describe, expect, it } from 'vitest';
import { loadTrackData } from '../../src/track/node/track-files';
import {
  dashSegments,
  fitTransform,
  ringArea,
  roadPolygon,
  trackBounds,
  trackPreviewPaths,
  worldToScreen,
} from '../../src/render/view-transform';
import { squareTrackData } from '../helpers/tracks';

/** Coordinates of every `M`/`L` command of SVG path data, split per subpath (`M`). */
function subpaths(d: string): number[][][] {
  const out: number[][][] = [];
  for (const m of d.matchAll(/([ML])(-?[\d.]+) (-?[\d.]+)/g)) {
    if (m[1] === 'M') out.push([]);
    out[out.length - 1].push([Number(m[2]), Number(m[3])]);
  }
  return out;
}

describe('trackBounds', () => {
  it('covers the border points, not only the centre line', () => {
    expect(trackBounds(squareTrackData())).toEqual({ minX: -0.5, minY: -0.5, maxX: 4.5, maxY: 4.5 });
  });
});

describe('fitTransform', () => {
  const bounds = { minX: 0, minY: 0, maxX: 10, maxY: 5 }; // 2:1 box

  it('keeps the aspect ratio, pads the tight axis exactly and centres the other', () => {
    const t = fitTransform(bounds, 400, 400, 20);
    expect(t.scale).toBeCloseTo(36); // (400 − 40) px / 10 m
    const [x0, y0] = worldToScreen(t, 0, 0);
    const [x1, y1] = worldToScreen(t, 10, 5);
    expect(x0).toBeCloseTo(20);
    expect(x1).toBeCloseTo(380);
    expect(x1 - x0).toBeCloseTo(2 * (y0 - y1)); // same scale on both axes
    expect((y0 + y1) / 2).toBeCloseTo(200); // centred vertically
    expect(y1).toBeGreaterThan(20); // more than the padding on the loose axis
  });

  it('fits by height on a wide screen', () => {
    const t = fitTransform(bounds, 1000, 100, 10);
    expect(t.scale).toBeCloseTo(16); // (100 − 20) px / 5 m
    const [x0] = worldToScreen(t, 0, 0);
    const [x1] = worldToScreen(t, 10, 0);
    expect((x0 + x1) / 2).toBeCloseTo(500);
  });

  it('flips y: world up is screen up', () => {
    const t = fitTransform(bounds, 400, 400, 20);
    const [, yLow] = worldToScreen(t, 5, 0);
    const [, yHigh] = worldToScreen(t, 5, 5);
    expect(yHigh).toBeLessThan(yLow);
    const [, yTop] = worldToScreen(t, 5, 5);
    expect(yTop).toBeCloseTo(110); // (400 − 5·36) / 2
  });

  it('stays finite and positive for a degenerate box or a tiny screen', () => {
    const t = fitTransform({ minX: 1, minY: 1, maxX: 1, maxY: 1 }, 10, 10, 20);
    expect(Number.isFinite(t.scale) && t.scale > 0).toBe(true);
    expect(worldToScreen(t, 1, 1)).toEqual([5, 5]);
  });
});

describe('roadPolygon and dashSegments', () => {
  it('uses the larger ring as the outline of a loop', () => {
    const { outline, hole } = roadPolygon(squareTrackData());
    expect(Math.abs(ringArea(outline))).toBeCloseTo(25);
    expect(Math.abs(ringArea(hole!))).toBeCloseTo(9);
  });

  it('cuts a 4 m line into 0.5 m dashes with 0.5 m gaps', () => {
    const dashes = dashSegments([0, 0, 1.2, 0, 4, 0], 0.5, 0.5);
    expect(dashes.length).toBe(4);
    expect(dashes[0]).toEqual([0, 0, 0.5, 0]);
    // The dash across the corner at x = 1.2 keeps the corner point.
    expect(dashes[1][0]).toBeCloseTo(1);
    expect(dashes[1][2]).toBeCloseTo(1.2);
    expect(dashes[1][dashes[1].length - 2]).toBeCloseTo(1.5);
    for (const d of dashes) {
      let len = 0;
      for (let i = 2; i < d.length; i += 2) len += Math.hypot(d[i] - d[i - 2], d[i + 1] - d[i - 1]);
      expect(len).toBeCloseTo(0.5);
    }
  });
});

describe('trackPreviewPaths', () => {
  it('draws a loop as two closed rings and a closed centre line inside the box', () => {
    const track = loadTrackData('reinvent_base');
    const n = track.waypoints.length - 1; // distinct rows; the last repeats the first
    const p = trackPreviewPaths(track, 64);
    expect(p.viewBox).toBe('0 0 64 64');
    const rings = subpaths(p.road);
    expect(rings.map((r) => r.length)).toEqual([n, n]);
    expect(p.road.match(/Z/g)?.length).toBe(2);
    const centre = subpaths(p.centre);
    expect(centre.length).toBe(1);
    expect(centre[0].length).toBe(n);
    expect(p.centre.endsWith('Z')).toBe(true);
    for (const [x, y] of rings.flat()) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(64);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(64);
    }
  });

  it('flips y in the thumbnail', () => {
    const track = squareTrackData(); // the centre goes (0,0) → (4,0) → (4,4): right, then up
    const [[a, b, c]] = subpaths(trackPreviewPaths(track, 100).centre);
    expect(b[0]).toBeGreaterThan(a[0]);
    expect(c[1]).toBeLessThan(b[1]); // world up = smaller screen y
  });

  it('draws an open track as one ring: inner forward, outer backward, and an open centre line', () => {
    const track = loadTrackData('Straight_track');
    const n = track.waypoints.length;
    const p = trackPreviewPaths(track, 100);
    const rings = subpaths(p.road);
    expect(rings.length).toBe(1);
    expect(rings[0].length).toBe(2 * n);
    expect(p.road.endsWith('Z')).toBe(true);
    // Inner border first (world y 1.5058 is above the centre, so smaller screen y), then outer border backward.
    const [first, last] = [rings[0][0], rings[0][2 * n - 1]];
    expect(first[0]).toBeCloseTo(last[0], 1);
    expect(first[1]).toBeLessThan(last[1]);
    expect(rings[0][n - 1][0]).toBeCloseTo(rings[0][n][0], 1); // the turn at the far end
    const centre = subpaths(p.centre);
    expect(centre[0].length).toBe(n);
    expect(p.centre.includes('Z')).toBe(false);
    // A 5.7 m × 0.6 m strip fits by width: 6% margins left and right.
    const xs = rings[0].map(([x]) => x);
    expect(Math.min(...xs)).toBeCloseTo(6, 0);
    expect(Math.max(...xs)).toBeCloseTo(94, 0);
  });
});
