import { describe, expect, it } from 'vitest';
import { DriveSession, DRIVE_ACTIONS, type DriveKeys } from '../../../src/ui/lessons/drive-session';
import { loadTrackData } from '../../helpers/tracks';

const still: DriveKeys = { go: false, brake: false, left: false, right: false };
/** Control steps in `s` seconds at 15 Hz. */
const steps = (s: number): number => Math.round(s * 15);

/** Holds Up from rest until the commanded speed reaches `target` m/s; returns the session. */
function accelerateTo(target: number): DriveSession {
  const s = new DriveSession(loadTrackData('reinvent_base'));
  for (let k = 0; k < 100; k++) {
    const f = s.step({ ...still, go: true });
    expect(f.ended).toBeNull();
    if (f.params.speed >= target) return s;
  }
  throw new Error(`the car never reached ${target} m/s`);
}

describe('DriveSession (keyboard driving)', () => {
  it('offers a fine grid from −30° to 30° and 0 to 3 m/s', () => {
    const speeds = DRIVE_ACTIONS.actions.map((a) => a.speed);
    const angles = DRIVE_ACTIONS.actions.map((a) => a.steering_angle);
    expect(Math.min(...speeds)).toBe(0);
    expect(Math.max(...speeds)).toBe(3);
    expect(Math.min(...angles)).toBe(-30);
    expect(Math.max(...angles)).toBe(30);
    expect(new Set(angles).size).toBeGreaterThanOrEqual(25);
  });

  it('holding Up drives the car along the track; the params are the simulator’s', () => {
    const s = new DriveSession(loadTrackData('reinvent_base'));
    let last = s.step(still);
    for (let k = 0; k < 20; k++) last = s.step({ ...still, go: true });
    expect(last.params.speed).toBeGreaterThan(1.5);
    expect(last.params.progress).toBeGreaterThan(3);
    expect(s.bestProgress).toBeCloseTo(last.params.progress, 5);
    expect(last.params.track_length).toBeCloseTo(s.track.length, 6);
    expect(last.ended).toBeNull();
  });

  it('after all keys are released the car comes to rest within a few seconds and stays there (no creep)', () => {
    const s = accelerateTo(2);
    const poses: Float32Array[] = [];
    let f = s.step(still);
    for (let k = 0; k < steps(3); k++) {
      f = s.step(still);
      poses.push(f.pose);
      expect(f.ended).toBeNull();
    }
    expect(f.params.speed).toBe(0);
    expect(f.resting).toBe(true);
    const at = f.pose;
    for (let k = 0; k < steps(3); k++) f = s.step(still);
    // Resting is not an ending: no "immobilized" after many still seconds, and the car has not moved.
    expect(f.ended).toBeNull();
    expect(Math.hypot(f.pose[0] - at[0], f.pose[1] - at[1])).toBeLessThan(1e-3);
    // Up drives again from rest.
    for (let k = 0; k < 10; k++) f = s.step({ ...still, go: true });
    expect(f.resting).toBe(false);
    expect(Math.hypot(f.pose[0] - at[0], f.pose[1] - at[1])).toBeGreaterThan(0.1);
  });

  it('a 150 ms tap of Right at 2 m/s on the start straight keeps the car on the track', () => {
    const s = accelerateTo(2);
    for (let k = 0; k < 2; k++) expect(s.step({ ...still, go: true, right: true }).ended).toBeNull();
    let minOnTrack = true;
    for (let k = 0; k < steps(2); k++) {
      const f = s.step(still);
      expect(f.ended).toBeNull();
      expect(f.params.is_offtrack).toBe(false);
      minOnTrack &&= f.params.all_wheels_on_track;
    }
    expect(minOnTrack).toBe(true);
  });

  it('the steering limit falls with speed: full lock at walking pace, a few degrees at 3 m/s', () => {
    const slow = accelerateTo(0.5);
    let f = slow.step({ ...still, left: true, go: true });
    for (let k = 0; k < 10; k++) f = slow.step({ ...still, left: true });
    expect(f.params.steering_angle).toBeGreaterThanOrEqual(25);
    const fast = accelerateTo(3);
    for (let k = 0; k < 8; k++) {
      f = fast.step({ ...still, go: true, left: true });
      expect(f.ended).toBeNull();
    }
    expect(f.params.steering_angle).toBeGreaterThan(0);
    expect(f.params.steering_angle).toBeLessThanOrEqual(8);
  });

  it('steering hard left at speed leaves the track; the episode ends off track and restarts at rest', () => {
    const s = new DriveSession(loadTrackData('reinvent_base'));
    let ended: string | null = null;
    for (let k = 0; k < 600 && !ended; k++) ended = s.step({ ...still, go: true, left: k > 30 }).ended;
    expect(ended).toBe('off_track');
    expect(s.episodes).toBe(1);
    const f = s.step(still);
    expect(f.params.progress).toBeLessThan(1);
    expect(f.resting).toBe(true);
  });
});
