import { describe, expect, it } from 'vitest';
import { buildParams, emptyMeasure, measureCar, PARAMS_KEYS, type DeepRacerParams } from '../../src/reward/params';
import type { Track } from '../../src/track/track';
import { shippedTrack } from '../helpers/tracks';

/** Params of a car whose origin is `offset` m left of the centre line at arc length s, facing along it. */
function paramsAt(track: Track, s: number, offset: number, headingDelta = 0, steps = 5): DeepRacerParams {
  const c = track.pointAt(s);
  const x = c.x - offset * Math.sin(c.heading);
  const y = c.y + offset * Math.cos(c.heading);
  const heading = c.heading + headingDelta;
  const m = measureCar(track, x, y, heading, -1, emptyMeasure());
  return buildParams(track, m, heading, { steeringAngle: -15, speed: 1.5, steps, progress: 42, simTime: steps / 15 });
}

describe('DeepRacer params on re:Invent 2018', () => {
  const track = shippedTrack('reinvent_base');

  it('has every documented key', () => {
    const p = paramsAt(track, 0, 0);
    for (const k of PARAMS_KEYS) expect(p, k).toHaveProperty(k);
  });

  it('puts x, y at the agent point 0.14 m ahead of the car origin (sim-trace check: 3.1999, 0.6831 at spawn)', () => {
    const p = paramsAt(track, 0, 0);
    expect(p.x).toBeCloseTo(3.059734 + 0.14, 3);
    expect(p.y).toBeCloseTo(0.6831, 3);
    expect(p.heading).toBeCloseTo((Math.atan2(0.683134 - 0.682655, 3.209509 - 3.059734) * 180) / Math.PI, 6);
    expect(p.closest_waypoints).toEqual([0, 1]);
    expect(p.distance_from_center).toBeLessThan(0.002);
  });

  it('passes the commanded action, steps and progress through', () => {
    const p = paramsAt(track, 3, 0);
    expect(p.steering_angle).toBe(-15);
    expect(p.speed).toBe(1.5);
    expect(p.steps).toBe(5);
    expect(p.progress).toBe(42);
    expect(p.sim_time).toBeCloseTo(5 / 15, 12);
  });

  it('measures the distance from the centre line from the agent point and the side in the driving direction', () => {
    const left = paramsAt(track, 1, 0.2);
    expect(left.distance_from_center).toBeCloseTo(0.2, 2);
    expect(left.is_left_of_center).toBe(true);
    const right = paramsAt(track, 1, -0.2);
    expect(right.distance_from_center).toBeCloseTo(0.2, 2);
    expect(right.is_left_of_center).toBe(false);
  });

  it('reports local track width and track length', () => {
    const p = paramsAt(track, 6, 0);
    expect(p.track_width).toBeGreaterThan(0.74);
    expect(p.track_width).toBeLessThan(0.78);
    expect(p.track_length).toBeCloseTo(17.709, 3);
    expect(p.waypoints.length).toBe(119);
    expect(p.waypoints[0]).toEqual([3.059734, 0.682655]);
  });

  it('all_wheels_on_track turns false when one side leaves; is_offtrack only when all four wheels are off', () => {
    const half = 0.762 / 2;
    const inside = paramsAt(track, 1, half - 0.081 - 0.03);
    expect(inside.all_wheels_on_track).toBe(true);
    expect(inside.is_offtrack).toBe(false);
    const straddling = paramsAt(track, 1, half);
    expect(straddling.all_wheels_on_track).toBe(false);
    expect(straddling.is_offtrack).toBe(false);
    const off = paramsAt(track, 1, half + 0.081 + 0.03);
    expect(off.all_wheels_on_track).toBe(false);
    expect(off.is_offtrack).toBe(true);
  });

  it('gives heading in degrees within -180..180 and closest waypoints by projection, wrapping at the finish', () => {
    const p = paramsAt(track, 0, 0, Math.PI * 1.1);
    expect(p.heading).toBeGreaterThanOrEqual(-180);
    expect(p.heading).toBeLessThanOrEqual(180);
    const nearEnd = paramsAt(track, track.length - 0.2, 0, 0);
    // The agent point is 0.14 m ahead: still before the finish, between the last two waypoints.
    expect(nearEnd.closest_waypoints).toEqual([117, 118]);
    const past = paramsAt(track, track.length - 0.05, 0, 0);
    expect(past.closest_waypoints).toEqual([0, 1]);
  });

  it('has empty object lists and no crash without objects', () => {
    const p = paramsAt(track, 2, 0);
    expect(p.is_crashed).toBe(false);
    expect(p.objects_location).toEqual([]);
    expect(p.closest_objects).toEqual([]);
    expect(p.is_reversed).toBe(false);
  });

  it('on the reversed track, is_reversed is true and left/right follow the new direction', () => {
    const rev = track.reversed();
    const s = 5;
    const p = paramsAt(rev, s, 0.2);
    expect(p.is_reversed).toBe(true);
    expect(p.is_left_of_center).toBe(true);
    expect(paramsAt(rev, s, -0.2).is_left_of_center).toBe(false);
  });
});
