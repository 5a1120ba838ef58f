import { describe, expect, it } from 'vitest';
import { DriveSession, DRIVE_ACTIONS } from '../../../src/ui/lessons/drive-session';
import { loadTrackData } from '../../helpers/tracks';

const still = { go: false, brake: false, left: false, right: false };

describe('DriveSession (keyboard driving)', () => {
  it('offers 49 actions from −30° to 30° and 0.1 to 3 m/s', () => {
    expect(DRIVE_ACTIONS.actions).toHaveLength(49);
    expect(Math.min(...DRIVE_ACTIONS.actions.map((a) => a.speed))).toBe(0.1);
    expect(Math.max(...DRIVE_ACTIONS.actions.map((a) => a.steering_angle))).toBe(30);
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

  it('steering hard left at speed leaves the track; the episode ends off track and restarts', () => {
    const s = new DriveSession(loadTrackData('reinvent_base'));
    let ended: string | null = null;
    for (let k = 0; k < 300 && !ended; k++) ended = s.step({ ...still, go: true, left: true }).ended;
    expect(ended).toBe('off_track');
    expect(s.episodes).toBe(1);
    expect(s.step(still).params.progress).toBeLessThan(1);
  });
});
