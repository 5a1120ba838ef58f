/**
 * Building a car pack from a trained network: the policy tower and head of Raceline's actor-critic
 * MLP (`src/rl/networks.ts`) as dense + activation layers, optionally with int8 kernels.
 *
 * The flat weight order is `paramLayout(spec)`'s: policy tower (kernel [in, out], bias [out] per
 * hidden layer), then the policy head; the value tower comes after and is left out. The layout is
 * recomputed here (rather than importing networks.ts, which loads tfjs) and a test checks that it
 * agrees with `paramLayout`.
 */
import type { NetworkSpec } from '../rl/network-spec';
import type { ActionSpace } from '../sim/action-space';
import { observationSpaceFor, type SensorName } from '../sim/observation';
import { FormatError } from './byte-io';
import { writePack, type CarPackContent, type PackLayer, type PackTensor, type PreprocessStep, type SensorSpec, type WeightType } from './pack';

/** What a pack is built from: the network spec and ALL its weights, flat float32 (`weights.bin`). */
export interface PackSource {
  spec: NetworkSpec;
  /** [numParams] float32 in `paramLayout(spec)` order (policy and value). */
  weights: Float32Array;
  actionSpace: ActionSpace;
  /** Sensor names from `model_metadata.json` (`sensor`). */
  sensorNames: string[];
}

export interface PackOptions {
  /** Name shown by the car (HELLO slot info); default "model". */
  name?: string;
  /** Kernel number type; default float32. */
  weightType?: WeightType;
}

/** One weight of the policy: name, shape, and its place in the flat vector. */
export interface PolicyParam {
  name: string;
  shape: number[];
  offset: number;
}

/**
 * The policy's weights in flat order (the prefix of `paramLayout(spec)` up to the head's bias).
 * @throws FormatError for a spec that is not the actor-critic MLP.
 */
export function policyLayout(spec: NetworkSpec): PolicyParam[] {
  if (spec.type !== 'raceline/actor-critic-mlp') throw new FormatError(`car pack: network type '${spec.type}' is not supported (expected 'raceline/actor-critic-mlp')`);
  // Spec version 2 puts embedder weights (camera CNN, LiDAR dense) before the hidden layers; a version-1
  // pack holds none of them, so such a network must be refused, not packed with shifted weights.
  const embedder = (spec as { embedder?: { image?: unknown; vectorDense?: readonly unknown[] } | null }).embedder;
  if (embedder && (embedder.image || (embedder.vectorDense?.length ?? 0) > 0)) {
    throw new FormatError('car pack: networks with a camera or LiDAR embedder are not supported by pack version 1 yet (it holds dense layers on a vector observation)');
  }
  const out: PolicyParam[] = [];
  let offset = 0;
  const add = (name: string, shape: number[]) => {
    out.push({ name, shape, offset });
    offset += shape.reduce((a, b) => a * b, 1);
  };
  let width = spec.observationSize;
  spec.hiddenSizes.forEach((h, i) => {
    add(`policy/dense_${i}/kernel`, [width, h]);
    add(`policy/dense_${i}/bias`, [h]);
    width = h;
  });
  const head = spec.head.type === 'discrete' ? 'logits' : 'mean';
  const n = spec.head.type === 'discrete' ? spec.head.n : spec.head.size;
  add(`policy/${head}/kernel`, [width, n]);
  add(`policy/${head}/bias`, [n]);
  return out;
}

/**
 * Per-tensor symmetric int8 quantisation: scale = max|w| / 127, q = round(w / scale) in −127..127, so
 * w ≈ q × scale with error at most scale / 2. An all-zero tensor gets scale 1.
 * @param values float32 weights. @returns the int8 tensor (same shape).
 */
export function quantizeInt8(values: Float32Array, shape: number[]): PackTensor {
  let maxAbs = 0;
  for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs > 0 ? Math.fround(maxAbs / 127) : 1;
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = Math.max(-127, Math.min(127, Math.round(values[i] / scale)));
  return { dtype: 'int8', shape: [...shape], scale, data };
}

/**
 * The observation spec of a model: its sensors and their sizes, and the preprocessing the simulator
 * applied (TRACK_GEOMETRY: clip to ±5).
 * @throws FormatError for a sensor the simulator does not have, or sizes that disagree with the network.
 */
export function observationSpecFor(sensorNames: string[], observationSize: number): { sensors: SensorSpec[]; preprocessing: PreprocessStep[] } {
  if (sensorNames.length !== 1) throw new FormatError(`car pack: models with ${sensorNames.length} sensors (${sensorNames.join(', ')}) are not supported yet; one sensor expected`);
  let space;
  try {
    space = observationSpaceFor(sensorNames[0] as SensorName);
  } catch {
    throw new FormatError(`car pack: sensor '${sensorNames[0]}' is not one Raceline simulates (TRACK_GEOMETRY, FRONT_FACING_CAMERA, STEREO_CAMERAS, LIDAR, SECTOR_LIDAR, DISCRETIZED_SECTOR_LIDAR)`);
  }
  const size = space.shape.reduce((a, b) => a * b, 1);
  if (size !== observationSize) throw new FormatError(`car pack: sensor ${sensorNames[0]} gives ${size} values, the network reads ${observationSize}`);
  const low = space.low[0];
  const high = space.high[0];
  const uniform = space.low.every((v) => v === low) && space.high.every((v) => v === high);
  const preprocessing: PreprocessStep[] = uniform && Number.isFinite(low) && Number.isFinite(high) ? [{ op: 'clip', low, high }] : [];
  return { sensors: [{ name: sensorNames[0], size }], preprocessing };
}

/**
 * The pack content for a trained network (policy only).
 * @throws FormatError when the weights are too few for the spec, or the head does not match the action space.
 */
export function packContentFor(source: PackSource, options: PackOptions = {}): CarPackContent {
  const { spec, weights, actionSpace } = source;
  const layout = policyLayout(spec);
  const last = layout[layout.length - 1];
  const needed = last.offset + last.shape[0];
  if (weights.length < needed) throw new FormatError(`car pack: ${weights.length} weights given, the policy alone needs ${needed}`);
  const headSize = spec.head.type === 'discrete' ? spec.head.n : spec.head.size;
  const actionSize = actionSpace.type === 'discrete' ? actionSpace.actions.length : 2;
  if (spec.head.type !== (actionSpace.type === 'discrete' ? 'discrete' : 'gaussian') || headSize !== actionSize) {
    throw new FormatError(`car pack: the network's ${spec.head.type} head of ${headSize} does not fit a ${actionSpace.type} action space of ${actionSize}`);
  }
  const weightType = options.weightType ?? 'float32';
  const tensor = (p: PolicyParam, quantize: boolean): PackTensor => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const values = weights.slice(p.offset, p.offset + size);
    return quantize ? quantizeInt8(values, p.shape) : { dtype: 'float32', shape: [...p.shape], scale: 1, data: values };
  };
  const layers: PackLayer[] = [];
  for (let i = 0; i < layout.length; i += 2) {
    const kernel = layout[i];
    layers.push({ kind: 'dense', inSize: kernel.shape[0], outSize: kernel.shape[1], kernel: tensor(kernel, weightType === 'int8'), bias: tensor(layout[i + 1], false) });
    if (i + 2 < layout.length) layers.push({ kind: spec.activation });
  }
  const { sensors, preprocessing } = observationSpecFor(source.sensorNames, spec.observationSize);
  const action: ActionSpace =
    actionSpace.type === 'discrete'
      ? { type: 'discrete', actions: actionSpace.actions.map((a, index) => ({ steering_angle: a.steering_angle, speed: a.speed, index })) }
      : { type: 'continuous', steering_angle: { ...actionSpace.steering_angle }, speed: { ...actionSpace.speed } };
  return { name: options.name ?? 'model', weightType, sensors, preprocessing, action, layers };
}

/** `packContentFor` then `writePack`: the pack bytes with their model hash. */
export async function buildPack(source: PackSource, options: PackOptions = {}): Promise<Uint8Array> {
  return writePack(packContentFor(source, options));
}
