import { describe, expect, it } from 'vitest';
import { Track } from '../../src/track/track';
import { emptyNearest } from '../../src/track/polyline';
import { shippedTrack, squareTrackData } from '../helpers/tracks';

describe('Track on a hand-built square loop', () => {
  const track = new Track(squareTrackData());

  it('measures length and projects points onto the centre line', () => {
    expect(track.length).toBeCloseTo(16, 12);
    const p = track.project(1, 0.2, -1, emptyNearest());
    expect(p.along).toBeCloseTo(1, 12);
    expect(Math.sqrt(p.dist2)).toBeCloseTo(0.2, 12);
    const q = track.project(4.3, 2, -1, emptyNearest());
    expect(q.along).toBeCloseTo(6, 12);
    expect(track.normalizedDistance(q.along)).toBeCloseTo(6 / 16, 12);
  });

  it('tests the road polygon between the borders (infield and outside are off the road)', () => {
    expect(track.contains(2, 0)).toBe(true);
    expect(track.contains(2, 0.45)).toBe(true);
    expect(track.contains(2, 0.55)).toBe(false); // infield
    expect(track.contains(2, 2)).toBe(false);
    expect(track.contains(2, -0.55)).toBe(false); // outside
    expect(track.contains(4.4, 4.4)).toBe(true);
    expect(track.contains(10, 10)).toBe(false);
  });

  it('gives the local width and the side of the centre line', () => {
    expect(track.widthAt(2, 0, -1)).toBeCloseTo(1, 12);
    // Driving ccw along y = 0 towards +x, left is +y (the infield side).
    expect(track.isLeftOfCenter(2, 0.2, -1)).toBe(true);
    expect(track.isLeftOfCenter(2, -0.2, -1)).toBe(false);
  });

  it('brackets a distance with the closest waypoints, wrapping at the end', () => {
    expect(track.closestWaypoints(1)).toEqual([0, 1]);
    expect(track.closestWaypoints(4)).toEqual([1, 2]);
    expect(track.closestWaypoints(15.9)).toEqual([3, 4]);
    expect(track.closestWaypoints(16)).toEqual([0, 1]); // wraps to the start
  });

  it('reverses: cw direction, mirrored side, same road', () => {
    const rev = track.reversed();
    expect(rev.direction).toBe('cw');
    expect(rev.isReversed).toBe(true);
    // Reversed, the first segment runs from (0,0) up to (0,4): at (0.2, 2) the car drives +y... left is -x.
    expect(rev.isLeftOfCenter(0.2, 2, -1)).toBe(false);
    expect(rev.isLeftOfCenter(-0.2, 2, -1)).toBe(true);
    expect(rev.contains(2, 0)).toBe(true);
    expect(rev.waypoints[1]).toEqual([0, 4]);
  });

  it('finds the same projection with and without a segment hint', () => {
    const a = emptyNearest();
    const b = emptyNearest();
    for (let s = 0; s < 16; s += 0.37) {
      const pt = track.pointAt(s);
      track.project(pt.x + 0.1, pt.y - 0.05, -1, a);
      track.project(pt.x + 0.1, pt.y - 0.05, (a.segment + 1) % 4, b);
      expect(b.along).toBeCloseTo(a.along, 12);
    }
  });
});

describe('Track on real DeepRacer data', () => {
  it('re:Invent 2018: length, start, width and direction match the route file', () => {
    const t = shippedTrack('reinvent_base');
    expect(t.length).toBeCloseTo(17.709, 3);
    expect(t.direction).toBe('ccw');
    expect(t.waypoints.length).toBe(119);
    const start = t.pointAt(0);
    expect(start.x).toBeCloseTo(3.059734, 6);
    expect(start.y).toBeCloseTo(0.682655, 6);
    expect(t.widthAt(start.x, start.y, -1)).toBeCloseTo(0.762, 3);
  });

  it('every centre waypoint of every shipped loop is on the road, and points 1 m outside are not', () => {
    for (const name of ['reinvent_base', 'Oval_track', 'Bowtie_track', 'reInvent2019_track', '2022_reinvent_champ_ccw', 'Straight_track']) {
      const t = shippedTrack(name);
      for (let i = 0; i < t.waypoints.length - 1; i++) {
        const [x, y] = t.waypoints[i];
        expect(t.contains(x, y), `${name} waypoint ${i}`).toBe(true);
      }
      const far = t.waypoints[0];
      expect(t.contains(far[0] + 100, far[1])).toBe(false);
    }
  });

  it('an open track (Straight) projects and clamps at its ends', () => {
    const t = shippedTrack('Straight_track');
    expect(t.loop).toBe(false);
    expect(t.normalizedDistance(t.length + 3)).toBe(1);
    expect(t.closestWaypoints(t.length)).toEqual([t.waypoints.length - 1, t.waypoints.length - 1]);
  });
});
