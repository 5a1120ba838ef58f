import { describe, expect, it } from 'vitest';
import { LOOKAHEAD_M, TRACK_GEOMETRY_LABELS, TRACK_GEOMETRY_SIZE, writeGeometryObservation, type CentreLine } from '../../src/sim/observation';

/** A straight centre line along +x: the point at arc length s is (s, 0), direction 0. */
const straight: CentreLine = {
  pointAt(s: number, out: Float64Array, offset = 0) {
    out[offset] = s;
    out[offset + 1] = 0;
    out[offset + 2] = 0;
  },
};

describe('TRACK_GEOMETRY_LABELS', () => {
  it('names every number of the geometry vector, once, with a unit', () => {
    expect(TRACK_GEOMETRY_LABELS).toHaveLength(TRACK_GEOMETRY_SIZE);
    expect(new Set(TRACK_GEOMETRY_LABELS.map((l) => l.name)).size).toBe(TRACK_GEOMETRY_SIZE);
    for (const l of TRACK_GEOMETRY_LABELS) {
      expect(l.unit, l.name).not.toBe('');
      expect(l.scale, l.name).toBeGreaterThan(0);
    }
    // The lookahead entries: a (forward, left) pair per LOOKAHEAD_M distance, after the car's own six numbers.
    expect(TRACK_GEOMETRY_LABELS.slice(6).map((l) => l.lookahead)).toEqual(LOOKAHEAD_M.flatMap((d) => [{ aheadM: d, axis: 'forward' }, { aheadM: d, axis: 'left' }]));
    expect(TRACK_GEOMETRY_LABELS.slice(0, 6).every((l) => !l.lookahead)).toBe(true);
  });

  it('turns each number back into the quantity its label names, in its unit', () => {
    const out = new Float32Array(TRACK_GEOMETRY_SIZE);
    // 1.5 m/s straight along the line, 0.1 m left of it on a 1 m wide track, turning left at 0.5 rad/s, wheels 10° left.
    writeGeometryObservation(straight, { x: 2, y: 0.1, heading: 0, vx: 1.5, vy: 0, yawRate: 0.5, steer: (10 * Math.PI) / 180, along: 2, offset: 0.1, width: 1 }, out, 0);
    const value = (name: string): number => {
      const i = TRACK_GEOMETRY_LABELS.findIndex((l) => l.name.startsWith(name));
      expect(i, name).toBeGreaterThanOrEqual(0);
      return out[i] * TRACK_GEOMETRY_LABELS[i].scale;
    };
    expect(value('forward speed')).toBeCloseTo(1.5, 5);
    expect(value('sideways slide')).toBeCloseTo(0, 5);
    expect(value('turning rate')).toBeCloseTo((0.5 * 180) / Math.PI, 3);
    expect(value('front-wheel angle')).toBeCloseTo(10, 4);
    expect(value('heading error')).toBeCloseTo(0, 5);
    expect(value('distance from centre line')).toBeCloseTo(20, 4); // 0.1 m of a 0.5 m half-width
    for (const d of LOOKAHEAD_M) {
      expect(value(`centre line ${d} m ahead: forward`)).toBeCloseTo(d, 5);
      expect(value(`centre line ${d} m ahead: left`)).toBeCloseTo(-0.1, 5);
    }
  });
});
