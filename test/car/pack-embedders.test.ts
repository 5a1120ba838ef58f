/**
 * Car packs of networks with DeepRacer's embedders (spec version 2): the LiDAR dense embedder, the
 * camera CNNs (pack version 2: conv2d layers, luma /255 folded into the first kernel), camera + LiDAR
 * side by side (a parallel layer), and Raceline's TRACK_GEOMETRY + LiDAR MLP. The pack's own
 * arithmetic must give the tfjs network's logits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTf } from '../helpers/tf';
import { buildPack, packContentFor, policyLayout } from '../../src/car/pack-build';
import { parsePackBody, readPack } from '../../src/car/pack';
import { packForward } from '../../src/car/pack-inference';
import { ActorCriticNetwork, paramLayout } from '../../src/rl/networks';
import type { SensorName } from '../../src/sim/observation';
import { actionSpace, networkFor, observations } from './embedder-nets';

describe('car packs of camera and LiDAR networks', () => {
  beforeAll(async () => {
    await initTf();
  });

  const cases: { sensors: SensorName[]; version: number; kinds: string }[] = [
    { sensors: ['LIDAR'], version: 1, kinds: 'dense relu dense relu dense relu dense' },
    { sensors: ['SECTOR_LIDAR'], version: 1, kinds: 'dense relu dense relu dense relu dense' },
    { sensors: ['TRACK_GEOMETRY', 'LIDAR'], version: 1, kinds: 'dense tanh dense tanh dense' },
    { sensors: ['FRONT_FACING_CAMERA'], version: 2, kinds: 'conv2d relu conv2d relu conv2d relu dense relu dense' },
    { sensors: ['STEREO_CAMERAS', 'LIDAR'], version: 2, kinds: 'parallel dense relu dense' },
  ];

  for (const c of cases) {
    it(`${c.sensors.join(' + ')}: pack version ${c.version}, and its logits are the network's`, async () => {
      const { spec, weights, layout } = networkFor(c.sensors, 3);
      const bytes = await buildPack({ spec, weights, actionSpace, sensorNames: c.sensors }, { name: c.sensors.join('+') });
      expect(bytes[4]).toBe(c.version);
      const pack = await readPack(bytes);
      expect(pack.layers.map((l) => l.kind).join(' ')).toBe(c.kinds);
      expect(pack.sensors.map((s) => s.name)).toEqual(layout.sensors);
      expect(pack.sensors.reduce((n, s) => n + s.size, 0)).toBe(layout.size);
      const n = 3;
      const obs = observations(c.sensors, n, 5);
      const net = new ActorCriticNetwork(spec, weights);
      const logits = tf.tidy(() => net.predict(tf.tensor2d(obs, [n, layout.size])).logits!.arraySync());
      net.dispose();
      let maxDiff = 0;
      let spread = 0;
      for (let i = 0; i < n; i++) {
        const out = packForward(pack, obs.subarray(i * layout.size, (i + 1) * layout.size));
        out.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - logits[i][k]))));
        spread = Math.max(spread, Math.max(...logits[i]) - Math.min(...logits[i]));
      }
      expect(spread).toBeGreaterThan(1e-3); // the comparison means something
      expect(maxDiff).toBeLessThan(1e-4 + spread * 1e-3);
    });
  }

  it('the camera pack holds the policy only, with luma /255 folded into the first kernel; int8 keeps the logits close', async () => {
    const { spec, weights } = networkFor(['FRONT_FACING_CAMERA'], 4);
    const source = { spec, weights, actionSpace, sensorNames: ['FRONT_FACING_CAMERA'] };
    const content = packContentFor(source);
    const first = content.layers[0];
    expect(first.kind).toBe('conv2d');
    const kernel = policyLayout(spec).find((p) => p.name === 'policy/conv_0/kernel')!;
    if (first.kind === 'conv2d') expect(first.kernel.data[7]).toBeCloseTo(weights[kernel.offset + 7] / 255, 9);
    expect(content.preprocessing).toEqual([{ op: 'clip', low: 0, high: 255 }]);
    const policyCount = policyLayout(spec).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
    expect(policyCount / paramLayout(spec).reduce((n, p) => n + p.size, 0)).toBeCloseTo(0.5, 3); // the value tower stays behind
    const float32 = parsePackBody(await buildPack(source));
    const int8 = parsePackBody(await buildPack(source, { weightType: 'int8' }));
    expect(int8.byteLength).toBeLessThan(float32.byteLength / 3.5);
    const obs = observations(['FRONT_FACING_CAMERA'], 2, 9);
    for (let i = 0; i < 2; i++) {
      const a = packForward(float32, obs.subarray(i * 19_200, (i + 1) * 19_200));
      const b = packForward(int8, obs.subarray(i * 19_200, (i + 1) * 19_200));
      const spread = Math.max(...a) - Math.min(...a);
      a.forEach((v, k) => expect(Math.abs(v - b[k])).toBeLessThan(0.1 * spread + 1e-3));
    }
  });

  it('refuses sensor lists the simulator does not have, naming the rule', async () => {
    const { spec, weights } = networkFor(['LIDAR'], 1);
    await expect(buildPack({ spec, weights, actionSpace, sensorNames: ['LIDAR', 'SECTOR_LIDAR'] })).rejects.toThrow(/car pack: sensors: choose at most one LiDAR kind/);
    await expect(buildPack({ spec, weights, actionSpace, sensorNames: ['SECTOR_LIDAR'] })).rejects.toThrow(/give 8 values, the network reads 64/);
  });
});
