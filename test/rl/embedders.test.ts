import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CAMERA_NETWORKS, convShapes, embed, embedderFor, embeddingWidth, type EmbedderSpec } from '../../src/rl/embedders';
import { ActorCriticNetwork, paramLayout, restoreNetworkSpec } from '../../src/rl/networks';
import { networkSpecFor } from '../../src/rl/policy';
import { observationSpaceFor, sensorLayout } from '../../src/sim/observation';
import { discrete } from '../../src/sim/spaces';

describe("DeepRacer's networks", () => {
  it('shallow CNN: the layer output shapes of reference/deepracer.md §2.5 for 120×160×1 and ×2', () => {
    for (const channels of [1, 2]) {
      const image = { height: 120, width: 160, channels, ...CAMERA_NETWORKS.DEEP_CONVOLUTIONAL_NETWORK_SHALLOW };
      expect(convShapes(image)).toEqual([
        [29, 39, 32],
        [13, 18, 64],
        [11, 16, 64],
      ]);
      expect(embeddingWidth({ image, vectorSize: 0, vectorDense: [] })).toBe(11_264);
    }
  });

  it('5-layer CNN: the layer output shapes of reference/deepracer.md §2.5', () => {
    const image = { height: 120, width: 160, channels: 1, ...CAMERA_NETWORKS.DEEP_CONVOLUTIONAL_NETWORK };
    expect(convShapes(image)).toEqual([
      [58, 78, 32],
      [56, 76, 32],
      [27, 37, 64],
      [25, 35, 64],
    ]);
    expect(embeddingWidth({ image, vectorSize: 0, vectorDense: [] })).toBe(64); // 56,000 flattened, then Dense 64
  });

  it('the tf forward pass produces those shapes, and camera + LiDAR concatenate before the middleware', () => {
    const layout = sensorLayout(['FRONT_FACING_CAMERA']);
    const e = embedderFor(layout)!;
    const net = ActorCriticNetwork.create(networkSpecFor(observationSpaceFor(['FRONT_FACING_CAMERA']), discrete(5), [512], 'relu', e), 1);
    const obs = tf.randomUniform([2, layout.size], 0, 255) as tf.Tensor2D;
    const w = net.weightTensors();
    const { out } = embed(obs, e, w, 0);
    expect(out.shape).toEqual([2, 11_264]);
    const o = net.predict(obs);
    expect(o.logits!.shape).toEqual([2, 5]);
    expect(o.value.shape).toEqual([2]);
    const both: EmbedderSpec = embedderFor(sensorLayout(['STEREO_CAMERAS', 'LIDAR']))!;
    expect(both.vectorDense).toEqual([256, 256]);
    expect(embeddingWidth(both)).toBe(11_264 + 256);
    const names = paramLayout(networkSpecFor(observationSpaceFor(['STEREO_CAMERAS', 'LIDAR']), discrete(5), [512], 'relu', both)).map((p) => `${p.name}[${p.shape}]`);
    expect(names.slice(0, 10)).toEqual([
      'policy/conv_0/kernel[8,8,2,32]',
      'policy/conv_0/bias[32]',
      'policy/conv_1/kernel[4,4,32,64]',
      'policy/conv_1/bias[64]',
      'policy/conv_2/kernel[3,3,64,64]',
      'policy/conv_2/bias[64]',
      'policy/vector_dense_0/kernel[64,256]',
      'policy/vector_dense_0/bias[256]',
      'policy/vector_dense_1/kernel[256,256]',
      'policy/vector_dense_1/bias[256]',
    ]);
    expect(names).toContain('policy/dense_0/kernel[11520,512]');
    tf.dispose([obs, ...w, o.logits!, o.value, out]);
    net.dispose();
  });

  it('a saved spec with embedders round-trips, and a mismatched observation size is refused', () => {
    const spec = networkSpecFor(observationSpaceFor(['LIDAR']), discrete(3), [512], 'relu', embedderFor(sensorLayout(['LIDAR'])));
    expect(spec.version).toBe(2);
    expect(restoreNetworkSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    expect(() => restoreNetworkSpec({ ...spec, observationSize: 65 })).toThrow(/does not match the embedder/);
  });

  it('sensor lists follow DeepRacer\'s rules', () => {
    expect(sensorLayout(['FRONT_FACING_CAMERA', 'LIDAR']).size).toBe(120 * 160 + 64);
    expect(sensorLayout('STEREO_CAMERAS').image).toEqual({ height: 120, width: 160, channels: 2 });
    expect(() => sensorLayout(['FRONT_FACING_CAMERA', 'STEREO_CAMERAS'])).toThrow(/one camera kind/);
    expect(() => sensorLayout(['LIDAR', 'SECTOR_LIDAR'])).toThrow(/at most one LiDAR/);
    expect(() => sensorLayout(['TRACK_GEOMETRY', 'FRONT_FACING_CAMERA'])).toThrow(/TRACK_GEOMETRY does not go with a camera/);
    expect(() => sensorLayout(['TRACK_GEOMETRY', 'LIDAR', 'SECTOR_LIDAR'])).toThrow(/at most one LiDAR/);
    // The list comes back in observation order: the road sensor, then the LiDAR.
    expect(sensorLayout(['LIDAR', 'FRONT_FACING_CAMERA']).sensors).toEqual(['FRONT_FACING_CAMERA', 'LIDAR']);
  });

  it("Raceline's TRACK_GEOMETRY + LiDAR pair: one MLP on the geometry vector then the LiDAR vector", () => {
    const layout = sensorLayout(['SECTOR_LIDAR', 'TRACK_GEOMETRY']);
    expect(layout).toMatchObject({ sensors: ['TRACK_GEOMETRY', 'SECTOR_LIDAR'], geometry: true, lidar: 'SECTOR_LIDAR', image: null, vectorSize: 30, size: 30 });
    expect(embedderFor(layout)).toBeNull();
    const space = observationSpaceFor(['TRACK_GEOMETRY', 'LIDAR']);
    expect(space.shape).toEqual([86]);
    expect([space.low[0], space.high[21], space.low[22], space.high[85]]).toEqual([-5, 5, 0, 255]);
  });
});
