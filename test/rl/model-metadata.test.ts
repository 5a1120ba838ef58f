import { describe, expect, it } from 'vitest';
import { networkNameOf, toModelMetadata, actionSpaceFromMetadata } from '../../src/rl/model-metadata';
import { embedderFor, CAMERA_NETWORKS } from '../../src/rl/embedder-spec';
import { sensorLayout } from '../../src/sim/observation';
import { defaultActionSpace } from '../../src/sim/action-space';

describe('model_metadata.json', () => {
  it("names the network as DeepRacer does: its camera CNN by the convolutions, RACELINE_MLP for a vector", () => {
    expect(networkNameOf({ embedder: null })).toBe('RACELINE_MLP');
    expect(networkNameOf({})).toBe('RACELINE_MLP');
    expect(networkNameOf({ embedder: embedderFor(sensorLayout(['FRONT_FACING_CAMERA'])) })).toBe('DEEP_CONVOLUTIONAL_NETWORK_SHALLOW');
    expect(networkNameOf({ embedder: embedderFor(sensorLayout(['STEREO_CAMERAS', 'LIDAR']), 'DEEP_CONVOLUTIONAL_NETWORK') })).toBe('DEEP_CONVOLUTIONAL_NETWORK');
    expect(networkNameOf({ embedder: embedderFor(sensorLayout(['SECTOR_LIDAR'])) })).toBe('RACELINE_MLP');
    const odd = embedderFor(sensorLayout(['FRONT_FACING_CAMERA']))!;
    odd.image!.convs = CAMERA_NETWORKS.DEEP_CONVOLUTIONAL_NETWORK_SHALLOW.convs.slice(0, 2);
    expect(networkNameOf({ embedder: odd })).toBe('RACELINE_CUSTOM_CNN');
  });

  it('round-trips the action space through DeepRacer keys', () => {
    const meta = toModelMetadata(defaultActionSpace(), 'FRONT_FACING_CAMERA', 'DEEP_CONVOLUTIONAL_NETWORK_SHALLOW');
    expect(meta.sensor).toEqual(['FRONT_FACING_CAMERA']);
    expect(meta.training_algorithm).toBe('clipped_ppo');
    expect(actionSpaceFromMetadata(JSON.parse(JSON.stringify(meta)))).toEqual(defaultActionSpace());
    const both = toModelMetadata(defaultActionSpace(), ['STEREO_CAMERAS', 'LIDAR'], 'DEEP_CONVOLUTIONAL_NETWORK');
    expect(both.sensor).toEqual(['STEREO_CAMERAS', 'LIDAR']);
    expect(both.neural_network).toBe('DEEP_CONVOLUTIONAL_NETWORK');
  });
});
