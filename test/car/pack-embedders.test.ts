/** Networks with embedders (spec version 2: camera CNN, LiDAR dense) are refused by the version-1 pack builder, not packed with shifted weights. */
import { describe, expect, it } from 'vitest';
import { fixtureSource } from './fixture';
import { buildPack, policyLayout } from '../../src/car/pack-build';
import type { NetworkSpec } from '../../src/rl/networks';

describe('car pack and spec-version-2 networks', () => {
  it('refuses a LiDAR or camera embedder, accepts an embedder without layers', async () => {
    const source = fixtureSource();
    const lidar = { ...source.spec, version: 2, embedder: { image: null, vectorSize: 22, vectorDense: [256, 256] } } as unknown as NetworkSpec;
    expect(() => policyLayout(lidar)).toThrow('car pack: networks with a camera or LiDAR embedder are not supported by pack version 1 yet');
    const camera = { ...source.spec, version: 2, embedder: { image: { height: 120, width: 160, channels: 1, convs: [{ filters: 32, kernel: 8, stride: 4 }], dense: [] }, vectorSize: 0, vectorDense: [] } } as unknown as NetworkSpec;
    await expect(buildPack({ ...source, spec: camera })).rejects.toThrow(/camera or LiDAR embedder/);
    const plain = { ...source.spec, version: 2, embedder: { image: null, vectorSize: 22, vectorDense: [] } } as unknown as NetworkSpec;
    expect(policyLayout(plain).map((p) => p.name)).toEqual(policyLayout(source.spec).map((p) => p.name));
  });
});
