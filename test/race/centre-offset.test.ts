import { describe, expect, it } from 'vitest';
import { centreLineStats, thinTrail } from '../../src/race/centre-offset';
import { shippedTrack } from '../helpers/tracks';

const track = shippedTrack('reinvent_base');
const leftShare = (path: Float32Array) => centreLineStats(track, path)?.leftShare ?? null;

/** A path along the track at `offset` m to the left of the centre line (negative: right), one point per 5 cm. */
function pathAt(offset: number, metres = track.length): Float32Array {
  const out: number[] = [];
  for (let s = 0; s < metres; s += 0.05) {
    const p = track.pointAt(s);
    out.push(p.x - offset * Math.sin(p.heading), p.y + offset * Math.cos(p.heading), p.heading);
  }
  return Float32Array.from(out);
}

describe('where a trail drove', () => {
  it('tells the left of the centre line from the right, in the driving direction', () => {
    expect(leftShare(pathAt(0.2))).toBeGreaterThan(0.99);
    expect(leftShare(pathAt(-0.2))).toBeLessThan(0.01);
    expect(leftShare(new Float32Array(0))).toBeNull();
    // Half the lap on each side.
    const half = track.length / 2;
    const mixed = Float32Array.from([...pathAt(0.2, half), ...Array.from(pathAt(-0.2)).slice(Math.round(half / 0.05) * 3)]);
    expect(leftShare(mixed)).toBeCloseTo(0.5, 1);
    expect(centreLineStats(track, pathAt(-0.2))?.centreOffset).toBeCloseTo(0.2 / (track.nominalWidth / 2), 1);
  });

  it('thins a trail to at most the points asked, keeping its ends, to the centimetre', () => {
    const path = pathAt(0);
    const steps = path.length / 3;
    const t = thinTrail(path, 100);
    expect(t.length).toBe(200);
    expect(t.slice(0, 2)).toEqual([Math.round(path[0] * 100) / 100, Math.round(path[1] * 100) / 100]);
    expect(t.slice(-2)).toEqual([Math.round(path[3 * (steps - 1)] * 100) / 100, Math.round(path[3 * (steps - 1) + 1] * 100) / 100]);
    expect(thinTrail(path.slice(0, 9), 100)).toHaveLength(6);
    expect(thinTrail(new Float32Array(0))).toEqual([]);
  });
});
