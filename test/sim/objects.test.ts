import { describe, expect, it } from 'vitest';
import { Track } from '../../src/track/track';
import {
  BOX_FOOTPRINT,
  BOT_CAR_FOOTPRINT,
  findPrevNext,
  hitsObject,
  inCameraFrustum,
  objectParams,
  placeObstacles,
  TrackLanes,
  type SceneObject,
} from '../../src/sim/objects';
import { Rng } from '../../src/sim/rng';
import { squareTrackData } from '../helpers/tracks';

// The square track: centre line (0,0)→(4,0)→(4,4)→(0,4), counter-clockwise, 1 m wide; the inner border is
// inset 0.5 m, so the inner lane runs 0.25 m inside the centre line and the outer lane 0.25 m outside.
const square = new Track(squareTrackData());

function box(index: number, x: number, y: number, heading = 0): SceneObject {
  return { kind: 'object', index, x, y, heading, length: BOX_FOOTPRINT.length, width: BOX_FOOTPRINT.width, speed: 0, z: 0.1 };
}

function bot(index: number, x: number, y: number, heading: number, speed: number): SceneObject {
  return { kind: 'bot', index, x, y, heading, length: BOT_CAR_FOOTPRINT.length, width: BOT_CAR_FOOTPRINT.width, speed, z: 0 };
}

/** A hand-built scene: box A on the inner lane at 1 m, box B on the outer lane at 3 m, a bot on the outer lane of the right side. */
const scene = [box(0, 1, 0.25), box(1, 3, -0.25), bot(0, 4.25, 2, Math.PI / 2, 0.5)];

describe('objects params (reference/deepracer.md §1.1–1.2, simapp get_object_reward_params)', () => {
  it('match hand-computed values on a hand-built scene', () => {
    // Agent point at (2, 0): 2 m along the centre line; car origin 0.14 m behind it, facing +x.
    const p = objectParams(square, scene, 2, { x: 1.86, y: 0, heading: 0 });
    expect(p.objects_location).toEqual([[1, 0.25], [3, -0.25], [4.25, 2]]);
    // Projections of the origins on the centre line, from the first waypoint.
    expect(p.objects_distance[0]).toBeCloseTo(1, 12);
    expect(p.objects_distance[1]).toBeCloseTo(3, 12);
    expect(p.objects_distance[2]).toBeCloseTo(6, 12);
    // [prev, next] around the agent's 2 m: box A behind, box B ahead.
    expect(p.closest_objects).toEqual([0, 1]);
    // Inner half of a counter-clockwise track is the left.
    expect(p.objects_left_of_center).toEqual([true, false, false]);
    for (const d of p.objects_distance_from_center) expect(d).toBeCloseTo(0.25, 12);
    // Boxes: heading and speed 0; the bot: its yaw in degrees and its set speed.
    expect(p.objects_heading[0]).toBe(0);
    expect(p.objects_heading[1]).toBe(0);
    expect(p.objects_heading[2]).toBeCloseTo(90, 10);
    expect(p.objects_speed).toEqual([0, 0, 0.5]);
    // Box B is 1.1 m straight ahead: in the camera's view.
    expect(p.object_in_camera).toBe(true);
  });

  it('closest_objects wraps around the lap as find_prev_next does', () => {
    expect(objectParams(square, scene, 7, { x: 0, y: 4, heading: Math.PI }).closest_objects).toEqual([2, 0]);
    expect(objectParams(square, scene, 0.5, { x: 0.36, y: 0, heading: 0 }).closest_objects).toEqual([2, 0]);
    expect(objectParams(square, scene, 3, { x: 2.86, y: 0, heading: 0 }).closest_objects).toEqual([1, 2]); // bisect_right: equal counts as behind
    // One object: both indices 0 (simapp).
    expect(objectParams(square, [scene[1]], 2, { x: 1.86, y: 0, heading: 0 }).closest_objects).toEqual([0, 0]);
    expect(findPrevNext([1, 3, 6], 2)).toEqual([0, 1]);
  });

  it('left of centre flips on the reversed track (XOR not ccw)', () => {
    const reversed = square.reversed();
    expect(reversed.isCcw).toBe(false);
    const p = objectParams(reversed, scene, 2, { x: 0, y: 0, heading: Math.PI });
    expect(p.objects_left_of_center).toEqual([false, true, true]);
  });

  it('object_in_camera is false when the next object is behind the camera or beside it', () => {
    // Facing away from box B.
    expect(objectParams(square, scene, 2, { x: 1.86, y: 0, heading: Math.PI }).object_in_camera).toBe(false);
    // The frustum starts 0.2 m ahead of the camera and is about 65° wide.
    expect(inCameraFrustum(0, 0, 0, 0.3, 0, 0)).toBe(false); // inside the near plane (camera at 0.145 m)
    expect(inCameraFrustum(0, 0, 0, 2, 0, 0)).toBe(true);
    expect(inCameraFrustum(0, 0, 0, 1, 1.5, 0)).toBe(false); // 56° to the left of a camera 1 m away
  });

  it('are empty without objects', () => {
    const p = objectParams(square, [], 2, { x: 1.86, y: 0, heading: 0 });
    expect(p.closest_objects).toEqual([]);
    expect(p.objects_location).toEqual([]);
    expect(p.object_in_camera).toBe(false);
  });
});

describe('crash test (simapp get_collided_object_name)', () => {
  const a = scene[0]; // box 0.5 × 0.4 at (1, 0.25): x in (0.75, 1.25), y in (0.05, 0.45)
  it('is a hit when a corner of the racer is inside the object', () => {
    expect(hitsObject(1, 0.25, 0, a)).toBe(true);
    // Front corners at x = 0.6 + 0.16176 = 0.76176, y = 0.25 ± 0.098: inside.
    expect(hitsObject(0.6, 0.25, 0, a)).toBe(true);
  });
  it('is no hit when no corner is inside', () => {
    expect(hitsObject(0.4, 0.25, 0, a)).toBe(false); // front corners at x = 0.562
    expect(hitsObject(0.6, -0.2, 0, a)).toBe(false); // beside it, in the other lane
  });
});

describe('box placement (simapp ObstaclesCtrl)', () => {
  it('spreads boxes evenly in alternating lanes from the inner one', () => {
    const slots = placeObstacles(16, { count: 3 }, new Rng(1));
    // linspace(2 % of 16 m, 16 − 1, 3)
    expect(slots.map((s) => s.along)).toEqual([0.32, 7.66, 15]);
    expect(slots.map((s) => s.lane)).toEqual(['inner', 'outer', 'inner']);
  });
  it('keeps fixed positions', () => {
    const slots = placeObstacles(16, { count: 0, positions: [{ fraction: 0.25, lane: 'outer' }] }, new Rng(1));
    expect(slots).toEqual([{ along: 4, lane: 'outer' }]);
  });
  it('randomises within the gaps, the same way for the same seed', () => {
    const a = placeObstacles(17.7, { count: 6, randomize: true }, new Rng(42));
    const b = placeObstacles(17.7, { count: 6, randomize: true }, new Rng(42));
    const c = placeObstacles(17.7, { count: 6, randomize: true }, new Rng(43));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const gap = 0.02 * 17.7;
    for (let i = 0; i < a.length; i++) {
      expect(a[i].along).toBeGreaterThanOrEqual(gap - 1e-12);
      expect(a[i].along).toBeLessThanOrEqual(17.7 - 1 + 1e-12);
    }
  });
  it('refuses more than 6 boxes', () => {
    expect(() => placeObstacles(16, { count: 7 }, new Rng(1))).toThrow(/0\.\.6/);
  });
  it('puts a box on its lane, facing along it', () => {
    const lanes = new TrackLanes(square);
    const p = lanes.pointAt('inner', 1, { x: 0, y: 0, heading: 0 });
    expect(p.x).toBeCloseTo(1, 12);
    expect(p.y).toBeCloseTo(0.25, 12);
    expect(p.heading).toBeCloseTo(0, 12);
    const q = lanes.pointAt('outer', 6, { x: 0, y: 0, heading: 0 });
    expect(q.x).toBeCloseTo(4.25, 12);
    expect(q.y).toBeCloseTo(2, 12);
    expect(q.heading).toBeCloseTo(Math.PI / 2, 12);
  });
});
