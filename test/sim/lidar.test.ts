import { describe, expect, it } from 'vitest';
import { Box, Vec2, World } from 'planck';
import { castLidar, LIDAR_HALF_ANGLE, LIDAR_RAYS, writeDiscretizedSectorLidar, writeLidar, writeSectorLidar } from '../../src/sim/lidar';

/** A world with axis-aligned boxes (centre, half sizes) that the LiDAR sees, plus one it must not see. */
function world(boxes: [number, number, number, number][]): World {
  const w = new World({ gravity: Vec2(0, 0) });
  for (const [x, y, hx, hy] of boxes) w.createBody({ type: 'static', position: Vec2(x, y), userData: { kind: 'object', index: 0 } }).createFixture(new Box(hx, hy));
  // A training car's body (user data: its index): invisible to the LiDAR.
  w.createBody({ type: 'static', position: Vec2(-0.4, 0), userData: 1 }).createFixture(new Box(0.15, 0.1));
  return w;
}

/** Distance along a ray from the origin at angle a to the nearest box, or Infinity. */
function rayToBoxes(a: number, boxes: [number, number, number, number][]): number {
  const dx = Math.cos(a);
  const dy = Math.sin(a);
  let best = Infinity;
  for (const [x, y, hx, hy] of boxes) {
    let t0 = 0;
    let t1 = Infinity;
    for (const [p, d, lo, hi] of [[0, dx, x - hx, x + hx], [0, dy, y - hy, y + hy]]) {
      if (Math.abs(d) < 1e-12) {
        if (p < lo || p > hi) t0 = Infinity;
        continue;
      }
      const ta = Math.min((lo - p) / d, (hi - p) / d);
      const tb = Math.max((lo - p) / d, (hi - p) / d);
      t0 = Math.max(t0, ta);
      t1 = Math.min(t1, tb);
    }
    if (t0 <= t1) best = Math.min(best, t0);
  }
  return best;
}

const boxes: [number, number, number, number][] = [
  [0.55, 0, 0.1, 0.1], // ahead, face at 0.45 m
  [0, 0.35, 0.3, 0.05], // left, face at 0.3 m
  [-0.05, -0.9, 0.2, 0.2], // right, beyond 0.5 m, within 1 m
];

describe('LiDAR', () => {
  const w = world(boxes);
  const pose = { x: 0, y: 0, heading: 0 };

  it('LIDAR: 64 rays over ±150°, distances to placed boxes within 1 cm, clipped to [0.15, 1.0]', () => {
    const out = new Float32Array(LIDAR_RAYS);
    writeLidar(w, pose, out, 0);
    let hits = 0;
    for (let i = 0; i < LIDAR_RAYS; i++) {
      const a = -LIDAR_HALF_ANGLE + (i * 2 * LIDAR_HALF_ANGLE) / (LIDAR_RAYS - 1);
      const expected = Math.min(1, Math.max(0.15, rayToBoxes(a, boxes)));
      expect(Math.abs(out[i] - expected)).toBeLessThan(0.01);
      if (expected < 1) hits++;
    }
    expect(hits).toBeGreaterThan(10);
    expect(out[31]).toBeCloseTo(0.45, 2); // straight ahead
  });

  it('turns with the car', () => {
    const a = new Float32Array(LIDAR_RAYS);
    castLidar(w, { x: 0, y: 0, heading: Math.PI / 2 }, 1, a);
    // Heading +90°: the box at +y (face 0.3 m) is now straight ahead.
    expect(Math.min(a[31], a[32])).toBeCloseTo(0.3, 2);
  });

  it('SECTOR_LIDAR: 8 sectors, 1 where something is within 0.5 m', () => {
    const out = new Float32Array(8);
    writeSectorLidar(w, pose, out, 0);
    const expected = Array.from({ length: 8 }, (_, s) => {
      let d = Infinity;
      for (let i = s * 8; i < s * 8 + 8; i++) d = Math.min(d, rayToBoxes(-LIDAR_HALF_ANGLE + (i * 2 * LIDAR_HALF_ANGLE) / (LIDAR_RAYS - 1), boxes));
      return d < 0.5 ? 1 : 0;
    });
    expect(Array.from(out)).toEqual(expected);
    expect(expected).toEqual([0, 0, 0, 1, 1, 1, 1, 1]); // the box ahead (0.45 m) and the one on the left; the right one is beyond 0.5 m
  });

  it('DISCRETIZED_SECTOR_LIDAR: a thermometer code of each sector\'s nearest distance', () => {
    const out = new Float32Array(8 * 4);
    writeDiscretizedSectorLidar(w, pose, { sectors: 8, valuesPerSector: 4, rangeM: 2 }, out, 0);
    // Sectors 3 and 4 hold the box ahead at 0.45 m ≤ 2·1/4: all four values are 1. Sector 0 (right rear)
    // sees nothing within 2 m; sector 1 sees the right box at about 0.7 m: values for 1.0, 1.5 and 2.0 m.
    expect(Array.from(out.subarray(3 * 4, 4 * 4))).toEqual([1, 1, 1, 1]);
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(() => writeDiscretizedSectorLidar(w, pose, { sectors: 7, valuesPerSector: 4, rangeM: 2 }, out, 0)).toThrow(/divide 64/);
  });
});
