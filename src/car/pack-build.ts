/**
 * Building a car pack from a trained network: the policy tower and head of Raceline's actor-critic
 * network (`src/rl/networks.ts`, `embedders.ts`) as pack layers, optionally with int8 kernels:
 * a camera's convolutions (ReLU) and dense layers, a LiDAR's dense layers (ReLU), side by side in a
 * `parallel` layer when the model has both, then the middleware or MLP hidden layers and the head.
 *
 * The network divides camera luma by 255 before its first convolution; the pack folds that into the
 * first convolution's kernel, so a car feeds raw luma 0..255. The flat weight order is
 * `paramLayout(spec)`'s (`rl/network-spec.ts`, which needs no tfjs).
 */
import { paramLayout, type NetworkSpec } from '../rl/network-spec';
import { convShapes } from '../rl/embedder-spec';
import type { ActionSpace } from '../sim/action-space';
import { observationSpaceFor, sensorLayout, sensorSize, type SensorName } from '../sim/observation';
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
 * The policy's weights in flat order: the policy tower's embedders (camera convolutions and dense
 * layers, LiDAR dense layers), its hidden layers and its head, as `paramLayout(spec)` names them; the
 * continuous head's `log_std` and the value tower are left out (a car acts greedily).
 * @throws FormatError for a spec that is not Raceline's actor-critic network.
 */
export function policyLayout(spec: NetworkSpec): PolicyParam[] {
  if (spec.type !== 'raceline/actor-critic-mlp') throw new FormatError(`car pack: network type '${spec.type}' is not supported (expected 'raceline/actor-critic-mlp')`);
  return paramLayout(spec)
    .filter((p) => p.name.startsWith('policy/') && p.name !== 'policy/log_std')
    .map(({ name, shape, offset }) => ({ name, shape, offset }));
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
 * The observation spec of a model: its sensors in observation order with their sizes (a camera
 * image 120 × 160 × channels luma values, row-major, channels last; TRACK_GEOMETRY 22; a LiDAR
 * kind its vector), and the clip the simulator applied when every value shares one range
 * (TRACK_GEOMETRY ±5; camera and LiDAR 0..255).
 * @throws FormatError for a sensor the simulator does not have, a list DeepRacer refuses, or sizes that disagree with the network.
 */
export function observationSpecFor(sensorNames: string[], observationSize: number): { sensors: SensorSpec[]; preprocessing: PreprocessStep[] } {
  let layout;
  try {
    layout = sensorLayout(sensorNames as SensorName[]);
  } catch (e) {
    throw new FormatError(`car pack: ${(e as Error).message}`);
  }
  if (layout.size !== observationSize) throw new FormatError(`car pack: sensors ${layout.sensors.join(', ')} give ${layout.size} values, the network reads ${observationSize}`);
  const sensors: SensorSpec[] = layout.sensors.map((name) => ({ name, size: sensorSize(name) }));
  const space = observationSpaceFor(layout.sensors);
  const low = space.low[0];
  const high = space.high[0];
  const uniform = space.low.every((v) => v === low) && space.high.every((v) => v === high);
  const preprocessing: PreprocessStep[] = uniform && Number.isFinite(low) && Number.isFinite(high) ? [{ op: 'clip', low, high }] : [];
  return { sensors, preprocessing };
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
  const byName = new Map(layout.map((p) => [p.name, p]));
  const tensor = (name: string, quantize: boolean, factor = 1): PackTensor => {
    const p = byName.get(name);
    if (!p) throw new FormatError(`car pack: the network has no weight '${name}'`);
    const size = p.shape.reduce((a, b) => a * b, 1);
    const values = weights.slice(p.offset, p.offset + size);
    if (factor !== 1) for (let i = 0; i < values.length; i++) values[i] *= factor;
    return quantize && weightType === 'int8' ? quantizeInt8(values, p.shape) : { dtype: 'float32', shape: [...p.shape], scale: 1, data: values };
  };
  const denseLayer = (prefix: string): PackLayer => {
    const [inSize, outSize] = byName.get(`${prefix}/kernel`)?.shape ?? [0, 0];
    return { kind: 'dense', inSize, outSize, kernel: tensor(`${prefix}/kernel`, true), bias: tensor(`${prefix}/bias`, false) };
  };
  const layers: PackLayer[] = [];
  const e = spec.embedder;
  const image: PackLayer[] = [];
  if (e?.image) {
    const img = e.image;
    const shapes = convShapes(img);
    img.convs.forEach((c, i) => {
      const [inHeight, inWidth, inChannels] = i === 0 ? [img.height, img.width, img.channels] : shapes[i - 1];
      const scale = i === 0 ? 1 / 255 : 1;
      image.push({ kind: 'conv2d', inHeight, inWidth, inChannels, filters: c.filters, kernelSize: c.kernel, stride: c.stride, kernel: tensor(`policy/conv_${i}/kernel`, true, scale), bias: tensor(`policy/conv_${i}/bias`, false) }, { kind: 'relu' });
    });
    img.dense.forEach((_, i) => image.push(denseLayer(`policy/image_dense_${i}`), { kind: 'relu' }));
  }
  const vector: PackLayer[] = [];
  if (e && e.vectorSize > 0) e.vectorDense.forEach((_, i) => vector.push(denseLayer(`policy/vector_dense_${i}`), { kind: 'relu' }));
  if (e?.image && e.vectorSize > 0) {
    layers.push({ kind: 'parallel', branches: [{ inputSize: e.image.height * e.image.width * e.image.channels, layers: image }, { inputSize: e.vectorSize, layers: vector }] });
  } else layers.push(...image, ...vector);
  spec.hiddenSizes.forEach((_, i) => layers.push(denseLayer(`policy/dense_${i}`), { kind: spec.activation }));
  layers.push(denseLayer(`policy/${spec.head.type === 'discrete' ? 'logits' : 'mean'}`));
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
