/** Test helper: seeded camera and LiDAR networks (DeepRacer's embedders) and observations in each sensor's range. */
import { embedderFor } from '../../src/rl/embedder-spec';
import { initialWeights } from '../../src/rl/networks';
import { networkSpecFor } from '../../src/rl/policy';
import { discrete } from '../../src/sim/spaces';
import { generateDiscreteActionSpace } from '../../src/sim/action-space';
import { observationSpaceFor, sensorLayout, type SensorName } from '../../src/sim/observation';
import { Rng } from '../../src/sim/rng';

export const actionSpace = generateDiscreteActionSpace(30, 5, 1, 1);

/** A seeded network for a sensor list, every weight (biases too) nudged so that none is zero. */
export function networkFor(sensors: SensorName[], seed: number) {
  const layout = sensorLayout(sensors);
  const embedder = embedderFor(layout);
  const hidden = embedder ? [512] : [64, 64];
  const spec = networkSpecFor(observationSpaceFor(sensors), discrete(5), hidden, embedder ? 'relu' : 'tanh', embedder);
  const weights = initialWeights(spec, seed);
  const rng = new Rng(seed);
  for (let i = 0; i < weights.length; i++) weights[i] += (rng.uniform() - 0.5) * 0.02;
  return { spec, weights, layout };
}

/** Observations in each sensor's range: luma 0..255, geometry ±1, LiDAR 0.15..1 m. */
export function observations(sensors: SensorName[], n: number, seed: number): Float32Array {
  const layout = sensorLayout(sensors);
  const rng = new Rng(seed);
  const out = new Float32Array(n * layout.size);
  for (let i = 0; i < n; i++) {
    let at = i * layout.size;
    if (layout.image) for (let k = 0; k < layout.image.height * layout.image.width * layout.image.channels; k++) out[at++] = Math.floor(rng.uniform() * 256);
    if (layout.geometry) for (let k = 0; k < 22; k++) out[at++] = rng.uniform() * 2 - 1;
    while (at < (i + 1) * layout.size) out[at++] = layout.lidar === 'LIDAR' ? 0.15 + 0.85 * rng.uniform() : rng.uniform() < 0.3 ? 1 : 0;
  }
  return out;
}

