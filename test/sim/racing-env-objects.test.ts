import { describe, expect, it } from 'vitest';
import { Track } from '../../src/track/track';
import { RacingVectorEnv, CONTROL_HZ, type CarStepEvent, type RacingEnvConfig } from '../../src/sim/racing-env';
import { objectParams } from '../../src/sim/objects';
import type { ContinuousActionSpace } from '../../src/sim/action-space';
import type { RewardFunction } from '../../src/reward/reward-function';
import { shippedTrack, squareTrackData } from '../helpers/tracks';
import { purePursuit } from '../helpers/drivers';
import { isVisibleTo } from '../../src/sim/race-scenery';

const square = new Track(squareTrackData());
const continuous: ContinuousActionSpace = { type: 'continuous', steering_angle: { low: -30, high: 30 }, speed: { low: 0.5, high: 4 } };
const progressReward: RewardFunction = { language: 'javascript', evaluate: (batch) => batch.map((p) => p.progress / 100) };

/** Continuous actions for n cars: straight on at `speed` m/s. */
function straight(n: number, speed: number): Float32Array {
  const a = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) a[2 * i + 1] = (speed - 2.25) / 1.75;
  return a;
}

function env(over: Partial<RacingEnvConfig> = {}): RacingVectorEnv {
  return new RacingVectorEnv({ track: square, actionSpace: continuous, reward: progressReward, autoreset: false, roundRobinAdvance: 0, ...over });
}

/** A box on the inner lane 1 m along the bottom side: footprint x 0.75..1.25, y 0.05..0.45. */
const oneBox = { obstacles: { count: 0, positions: [{ fraction: 1 / 16, lane: 'inner' as const }] } };

describe('RacingVectorEnv with objects', () => {
  it('fills objects_* as objectParams does and ends the episode on a crash with is_crashed', () => {
    const e = env({ objects: oneBox });
    e.reset({ seed: 1 });
    e.placeCar(0, 0.2, 0.25, 0);
    const events: CarStepEvent[] = [];
    e.setStepListener((ev) => events.push(ev));
    let terminated = false;
    for (let k = 0; k < 30 && !terminated; k++) terminated = e.step(straight(1, 1)).terminated[0] === 1;
    expect(terminated).toBe(true);
    const last = events.at(-1)!;
    expect(last.status).toBe('crashed');
    expect(last.params.is_crashed).toBe(true);
    expect(last.done).toBe(true);
    expect(e.lastInfo[0].crashedInto).toEqual({ kind: 'object', index: 0 });
    // Every earlier step: not crashed, and the objects params are objectParams of the same scene.
    const first = events[1];
    expect(first.params.is_crashed).toBe(false);
    expect(first.params.objects_location).toEqual([[1, 0.25]]);
    expect(first.params.objects_distance[0]).toBeCloseTo(1, 9);
    expect(first.params.objects_left_of_center).toEqual([true]);
    expect(first.params.closest_objects).toEqual([0, 0]);
    const car = e.poses();
    const again = objectParams(square, e.objectsFor(0), last.params.projection_distance, { x: car[0], y: car[1], heading: car[2] });
    expect(last.params.objects_location).toEqual(again.objects_location);
    expect(last.params.object_in_camera).toBe(again.object_in_camera);
  });

  it('mirrors boxes and bots as planck bodies with {kind, index, scene} user data', () => {
    const e = env({ numEnvs: 2, objects: { obstacles: { count: 2, randomize: true }, bots: { count: 1, speed: 1 } } });
    e.reset({ seed: 3 });
    const poses0 = e.objectPoses(0);
    const poses1 = e.objectPoses(1);
    expect(poses0.map((p) => p.kind)).toEqual(['object', 'object', 'bot']);
    expect(poses0[0].length).toBe(0.5);
    expect(poses0[0].width).toBe(0.4);
    // One scene per car: randomised boxes differ between the cars.
    expect(poses0[0]).not.toEqual(poses1[0]);
    expect(isVisibleTo({ kind: 'object', index: 0, scene: 0 }, 0)).toBe(true);
    expect(isVisibleTo({ kind: 'object', index: 0, scene: 0 }, 1)).toBe(false);
    expect(isVisibleTo({ kind: 'bot', index: 0, scene: -1 }, 1)).toBe(true);
    expect(isVisibleTo(0, 0)).toBe(false); // a car body
  });

  it('the same seed gives the same random boxes; a new episode draws new ones', () => {
    const cfg = { numEnvs: 1, objects: { obstacles: { count: 3, randomize: true } } };
    const a = env(cfg);
    const b = env(cfg);
    a.reset({ seed: 9 });
    b.reset({ seed: 9 });
    expect(a.objectPoses()).toEqual(b.objectPoses());
    const first = a.objectPoses();
    a.placeCar(0, 2, 0, 0); // a new episode
    expect(a.objectPoses()).not.toEqual(first);
  });

  it('race resets: a crash holds the car for the collision penalty while time runs, then it drives on', () => {
    const e = env({ objects: oneBox, resets: { maxResets: 3, offTrackPenaltyS: 2, collisionPenaltyS: 1 }, maxSteps: 400 });
    e.reset({ seed: 1 });
    e.placeCar(0, 0.2, 0.25, 0);
    const events: CarStepEvent[] = [];
    e.setStepListener((ev) => events.push(ev));
    for (let k = 0; k < 40; k++) e.step(straight(1, 1));
    const crash = events.findIndex((ev) => ev.status === 'crashed');
    expect(crash).toBeGreaterThan(0);
    expect(events[crash].done).toBe(false);
    expect(events[crash].pauseDuration).toBe(1);
    // 15 held steps (1 s at 15 Hz) with no reward, then driving again.
    const held = events.slice(crash + 1, crash + 1 + CONTROL_HZ);
    expect(held.every((ev) => ev.status === 'pause' && ev.reward === 0)).toBe(true);
    expect(held.at(-1)!.pauseDuration).toBe(0);
    expect(held[0].params.x).toBeCloseTo(held.at(-1)!.params.x, 12);
    expect(events[crash + 1 + CONTROL_HZ].status).toBe('in_progress');
    // Reset 1 m behind the box (simapp RESET_BEHIND_DIST: at the corner of this square), in the outer lane.
    expect(held[0].params.x).toBeLessThan(0.75 - 0.5);
    expect(held[0].params.y).toBeLessThan(0);
    expect(e.lastInfo[0].resets).toBe(1);
    expect(events.map((ev) => ev.params.steps)).toEqual(events.map((_, k) => k + 1)); // steps keep counting
  });

  it('race resets: an off-track puts the car back on the nearer lane where it was a step before', () => {
    const e = env({ resets: { maxResets: 1, offTrackPenaltyS: 0.2, collisionPenaltyS: 5 } });
    e.reset({ seed: 1 });
    e.placeCar(0, 1, 0, Math.PI / 2); // facing the infield: off the track within a few steps
    const events: CarStepEvent[] = [];
    e.setStepListener((ev) => events.push(ev));
    for (let k = 0; k < 20; k++) e.step(straight(1, 1));
    const off = events.findIndex((ev) => ev.status === 'off_track');
    expect(off).toBeGreaterThan(0);
    expect(events[off].done).toBe(false);
    expect(events[off + 1].status).toBe('pause');
    expect(events[off + 3].status).toBe('pause'); // 0.2 s = 3 steps
    expect(events[off + 4].status).not.toBe('pause');
    // After the reset the car faces along the track (heading 0 on the bottom side), on the inner lane.
    expect(events[off + 1].params.heading).toBeCloseTo(0, 6);
    expect(events[off + 1].params.y).toBeCloseTo(0.25, 6);
    // The second off-track ends the episode (one reset allowed).
    const second = events.findIndex((ev, k) => k > off && ev.status === 'off_track');
    if (second >= 0) expect(events[second].done).toBe(true);
  });

  it('continuous laps: a lap does not end the episode; each lap reports its own time', () => {
    const track = shippedTrack('reinvent_base');
    const e = new RacingVectorEnv({ track, actionSpace: continuous, reward: progressReward, autoreset: false, roundRobinAdvance: 0, laps: 2 });
    let obs = e.reset({ seed: 1 }).observations;
    const laps: number[] = [];
    let ended = false;
    for (let k = 0; k < 2000 && !ended; k++) {
      const [s, v] = purePursuit(obs, 0, 1.5);
      const r = e.step(Float32Array.of(s, v));
      obs = r.observations;
      if (e.lastInfo[0].lapTimeS !== null) laps.push(e.lastInfo[0].lapTimeS);
      ended = r.terminated[0] === 1 || r.truncated[0] === 1;
    }
    expect(e.lastInfo[0].status).toBe('lap_complete');
    expect(e.lastInfo[0].laps).toBe(2);
    expect(laps).toHaveLength(2);
    // The second lap starts at speed: faster than the first, which starts from rest.
    expect(laps[1]).toBeLessThan(laps[0]);
  });

  it('head to head: racers see each other as objects; the one behind is the one that crashed', () => {
    const e = env({ numEnvs: 2, objects: { shared: true, carsAreObjects: true }, grid: true });
    e.reset({ seed: 1 });
    // Car 1 0.5 m behind car 0, 2 cm to its left, faster: it runs into car 0.
    e.placeCar(0, 1.5, 0, 0);
    e.placeCar(1, 1.0, 0.02, 0);
    let crashed: number | null = null;
    for (let k = 0; k < 30 && crashed === null; k++) {
      const a = straight(2, 0.5);
      a[3] = (2.5 - 2.25) / 1.75;
      const r = e.step(a);
      for (const ep of r.episodes) if (ep.extra?.status === 'crashed') crashed = ep.envIndex;
    }
    expect(crashed).toBe(1);
    expect(e.lastInfo[0].status).toBe('in_progress');
    expect(e.lastParams[1]!.is_crashed).toBe(true);
    expect(e.lastParams[1]!.objects_location).toHaveLength(1); // car 0 seen by car 1
    expect(e.objectsFor(0)).toHaveLength(0); // car 1 is parked: out of the race
  });

  it('step and stepAsync give the same steps with objects and bots', async () => {
    const cfg = { objects: { obstacles: { count: 2, randomize: true }, bots: { count: 2, speed: 0.5, laneChange: true } }, numEnvs: 2 };
    const a = env(cfg);
    const b = env(cfg);
    a.reset({ seed: 4 });
    b.reset({ seed: 4 });
    for (let k = 0; k < 60; k++) {
      const ra = a.step(straight(2, 1));
      const rb = await b.stepAsync(straight(2, 1));
      expect(Array.from(ra.rewards)).toEqual(Array.from(rb.rewards));
    }
    expect(a.objectPoses(1)).toEqual(b.objectPoses(1));
    expect(a.poses()).toEqual(b.poses());
  });
});
