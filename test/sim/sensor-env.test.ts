import { describe, expect, it } from 'vitest';
import { RacingVectorEnv } from '../../src/sim/racing-env';
import { defaultActionSpace } from '../../src/sim/action-space';
import { compileJsReward } from '../../src/reward/js-reward';
import { SHADE } from '../../src/sim/ground-texture';
import { shippedTrack } from '../helpers/tracks';
import type { DomainRandomization } from '../../src/sim/sensor-rig';

const reward = compileJsReward('function reward_function(params) { return 1.0; }');

function run(sensors: ConstructorParameters<typeof RacingVectorEnv>[0]['sensors'], steps: number, domainRandomization = null as null | DomainRandomization) {
  const env = new RacingVectorEnv({ track: shippedTrack('reinvent_base'), actionSpace: defaultActionSpace(), reward, numEnvs: 2, sensors, domainRandomization });
  const frames = [env.reset({ seed: 3 }).observations];
  for (let t = 0; t < steps; t++) frames.push(env.step(Int32Array.from([t % 10, 4])).observations);
  return { env, frames };
}

describe('RacingVectorEnv with camera and LiDAR sensors', () => {
  it('FRONT_FACING_CAMERA + LIDAR: observations are the image then the 64 ranges, and the car sees the road', () => {
    const { env, frames } = run(['FRONT_FACING_CAMERA', 'LIDAR'], 5);
    expect(env.singleObservationSpace.shape).toEqual([120 * 160 + 64]);
    expect(env.layout.image).toEqual({ height: 120, width: 160, channels: 1 });
    const obs = frames[0].subarray(0, 120 * 160 + 64);
    const image = obs.subarray(0, 120 * 160);
    expect(image[0]).toBe(SHADE.background); // above the horizon
    expect(image.filter((v) => v === SHADE.road).length).toBeGreaterThan(2000);
    expect(image.filter((v) => v === SHADE.border).length).toBeGreaterThan(50);
    expect(Array.from(obs.subarray(120 * 160))).toEqual(new Array(64).fill(1)); // no obstacles: every ray reads 1 m
  });

  it('STEREO_CAMERAS interleaves two slightly different images as 2 channels', () => {
    const { frames } = run(['STEREO_CAMERAS'], 2);
    const obs = frames[2].subarray(0, 120 * 160 * 2);
    let differ = 0;
    for (let k = 0; k < 120 * 160; k++) if (obs[2 * k] !== obs[2 * k + 1]) differ++;
    expect(differ).toBeGreaterThan(50);
    expect(differ).toBeLessThan(120 * 160 / 2);
  });

  it('is deterministic under a seed, domain randomisation included', () => {
    const dr = { brightness: 20, contrast: 0.2, noise: 4, seed: 9 };
    const a = run(['FRONT_FACING_CAMERA'], 4, dr).frames;
    const b = run(['FRONT_FACING_CAMERA'], 4, dr).frames;
    expect(b).toEqual(a);
    const plain = run(['FRONT_FACING_CAMERA'], 4).frames;
    expect(plain[4]).not.toEqual(a[4]);
  });

  it('a box ahead on the track appears in the camera image and in the LiDAR ranges', () => {
    const make = (withBox: boolean) =>
      new RacingVectorEnv({
        track: shippedTrack('reinvent_base'),
        actionSpace: defaultActionSpace(),
        reward,
        numEnvs: 1,
        sensors: ['FRONT_FACING_CAMERA', 'LIDAR'],
        roundRobinAdvance: 0,
        // A box 0.7 m ahead of the start line, in the inner lane.
        objects: withBox ? { obstacles: { count: 1, positions: [{ fraction: 0.7 / shippedTrack('reinvent_base').length, lane: 'inner' }] } } : undefined,
      });
    const plain = make(false).reset({ seed: 1 }).observations;
    const boxed = make(true).reset({ seed: 1 }).observations;
    const image = (o: Float32Array) => o.subarray(0, 120 * 160);
    let changed = 0;
    for (let k = 0; k < 120 * 160; k++) if (image(plain)[k] !== image(boxed)[k]) changed++;
    expect(changed).toBeGreaterThan(200);
    const lidar = Array.from(boxed.subarray(120 * 160));
    expect(Math.min(...lidar)).toBeLessThan(0.9);
    expect(Array.from(plain.subarray(120 * 160))).toEqual(new Array(64).fill(1));
  });

  it('TRACK_GEOMETRY + LIDAR: the geometry vector as alone, then the ranges, which see a box ahead', () => {
    const track = shippedTrack('reinvent_base');
    const make = (sensors: ('TRACK_GEOMETRY' | 'LIDAR')[], withBox: boolean) =>
      new RacingVectorEnv({
        track,
        actionSpace: defaultActionSpace(),
        reward,
        numEnvs: 1,
        sensors,
        roundRobinAdvance: 0,
        objects: withBox ? { obstacles: { count: 1, positions: [{ fraction: 0.7 / track.length, lane: 'inner' }] } } : undefined,
      });
    const geometryOnly = make(['TRACK_GEOMETRY'], true);
    const paired = make(['TRACK_GEOMETRY', 'LIDAR'], true);
    expect(paired.singleObservationSpace.shape).toEqual([86]);
    let a = geometryOnly.reset({ seed: 1 }).observations;
    let b = paired.reset({ seed: 1 }).observations;
    for (let t = 0; t < 3; t++) {
      expect(Array.from(b.subarray(0, 22))).toEqual(Array.from(a));
      a = geometryOnly.step(Int32Array.from([4])).observations;
      b = paired.step(Int32Array.from([4])).observations;
    }
    const ranges = Array.from(paired.reset({ seed: 1 }).observations.subarray(22));
    expect(ranges).toHaveLength(64);
    expect(Math.min(...ranges)).toBeLessThan(0.9);
    expect(Array.from(make(['TRACK_GEOMETRY', 'LIDAR'], false).reset({ seed: 1 }).observations.subarray(22))).toEqual(new Array(64).fill(1));
  });

  it('mount and steering randomisation: a seeded per-episode camera yaw/shift and steering trim, none when off', () => {
    const off = run(['FRONT_FACING_CAMERA'], 6);
    const dr: DomainRandomization = { brightness: 0, contrast: 0, noise: 0, mountYaw: 0.05, mountShift: 0.02, steeringOffset: 0.05, seed: 9 };
    const on = run(['FRONT_FACING_CAMERA'], 6, dr);
    const again = run(['FRONT_FACING_CAMERA'], 6, dr);
    // The same seed gives the same pictures; the askew camera sees a different picture from the first step.
    expect(Array.from(on.frames[6])).toEqual(Array.from(again.frames[6]));
    let differ = 0;
    for (let k = 0; k < 120 * 160; k++) if (on.frames[0][k] !== off.frames[0][k]) differ++;
    expect(differ).toBeGreaterThan(100);
    // The steering trim moves the car: after 6 identical commands the poses differ from the untrimmed run.
    const p = (env: typeof on.env) => Array.from(env.poses(new Float32Array(6)));
    expect(p(on.env)).not.toEqual(p(off.env));
    // Camera error only: the car drives exactly as without randomisation.
    const camOnly = run(['FRONT_FACING_CAMERA'], 6, { ...dr, steeringOffset: 0 });
    expect(p(camOnly.env)).toEqual(p(off.env));
  });
});
