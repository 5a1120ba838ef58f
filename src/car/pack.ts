/**
 * The car pack: the POLICY network of a trained model in a compact binary a car can run, with what
 * the car needs around it (observation spec, preprocessing, action spec) and the SHA-256 model hash.
 * The value network, optimizer state and training files stay behind. Byte layout: docs/car-protocol.md §6.
 *
 *   header    magic "RLPK", pack version (1, or 2 when a conv2d or parallel layer is present),
 *             weight type (1 float32, 2 int8), u32 body length
 *   name      u8 length + UTF-8
 *   sensors   u8 count; each: u8 length + ASCII name, u16 size (float values)
 *   preproc   u8 count; each: u8 op (1 clip, 2 affine), f32 a, f32 b
 *   action    u8 kind (1 discrete: u16 n + n × (f32 steering_angle deg, f32 speed m/s);
 *             2 continuous: f32 steering low, high (deg), f32 speed low, high (m/s))
 *   layers    (4-byte aligned) u16 count, u16 0; each: u8 kind, 3 zero bytes, then per kind
 *             (dense: u16 in, u16 out, kernel tensor [in, out], bias tensor [out]; relu, tanh: nothing;
 *             version 2: conv2d: u16 in height, in width, in channels, filters, u8 kernel size, u8 stride,
 *             u16 0, kernel tensor [k, k, in channels, filters], bias tensor [filters];
 *             parallel: u8 branch count, 3 zero bytes, per branch u32 input size, u16 layer count, u16 0
 *             and its layers, none of them parallel)
 *   tensor    u8 dtype (1 float32, 2 int8), u8 rank, u16 0, rank × u32 dims, f32 scale,
 *             values (row-major; int8 value v means v × scale), zero padding to 4 bytes
 *   hash      SHA-256 of every byte before it (the "model hash")
 *
 * Values between layers are flat, images row-major with channels last ([height, width, channels]),
 * which is also the order a dense layer after a convolution reads them in. Layer kinds 0x11
 * max_pool2d and 0x12 flatten are reserved; readers refuse them by name.
 */
import { ByteReader, ByteWriter, FormatError, bytesEqual, toHex } from './byte-io';
import { HASH_SIZE, sha256 } from './sha256';
import type { ActionSpace } from '../sim/action-space';

export const PACK_MAGIC = 'RLPK';
/** The newest pack version this code reads and writes; dense-only packs are still written as version 1. */
export const PACK_VERSION = 2;
/** Bytes of the fixed header (magic, version, weight type, reserved, body length). */
export const PACK_HEADER_SIZE = 12;

/** Number type of the kernels; biases are always float32. Also the protocol's pack format code. */
export type WeightType = 'float32' | 'int8';
export const WEIGHT_TYPE_CODE: Readonly<Record<WeightType, number>> = { float32: 1, int8: 2 };

/** One sensor's slice of the observation vector, in order. */
export interface SensorSpec {
  /** DeepRacer-style sensor name: `TRACK_GEOMETRY`, later `FRONT_FACING_CAMERA`, `LIDAR`, `SECTOR_LIDAR`. */
  name: string;
  /** Number of float values it contributes. */
  size: number;
}

/** An elementwise step applied, in order, to the concatenated observation before the first layer. */
export type PreprocessStep = { op: 'clip'; low: number; high: number } | { op: 'affine'; scale: number; offset: number };

/** A weight tensor; real value = data[i] × scale (scale 1 for float32). */
export interface PackTensor {
  dtype: 'float32' | 'int8';
  shape: number[];
  scale: number;
  data: Float32Array | Int8Array;
}

/**
 * One layer. `conv2d` is a 'valid' convolution (Keras `Conv2D(padding='valid')`, no activation) over a
 * [inHeight, inWidth, inChannels] image, giving [outHeight, outWidth, filters] with
 * out = floor((in − kernelSize) / stride) + 1. `parallel` splits its input into consecutive slices of
 * each branch's `inputSize`, runs each branch's layers on its slice and concatenates the outputs
 * (DeepRacer's camera and LiDAR embedders before the middleware).
 */
export type PackLayer =
  | { kind: 'dense'; inSize: number; outSize: number; kernel: PackTensor; bias: PackTensor }
  | { kind: 'relu' }
  | { kind: 'tanh' }
  | { kind: 'conv2d'; inHeight: number; inWidth: number; inChannels: number; filters: number; kernelSize: number; stride: number; kernel: PackTensor; bias: PackTensor }
  | { kind: 'parallel'; branches: PackBranch[] };

/** One branch of a `parallel` layer. */
export interface PackBranch {
  inputSize: number;
  layers: PackLayer[];
}

export const LAYER_KIND_CODE = { dense: 0x01, relu: 0x02, tanh: 0x03, conv2d: 0x10, parallel: 0x13 } as const;
/** Reserved codes, refused by readers. */
export const RESERVED_LAYER_KINDS: Readonly<Record<number, string>> = { 0x11: 'max_pool2d', 0x12: 'flatten' };

/** Output height or width of a 'valid' convolution. */
export function convOutputSize(size: number, kernelSize: number, stride: number): number {
  return Math.floor((size - kernelSize) / stride) + 1;
}

/** The pack version a content needs: 2 with a conv2d or parallel layer, else 1 (so version-1 cars still take dense packs). */
export function packVersionFor(layers: readonly PackLayer[]): 1 | 2 {
  return layers.some((l) => l.kind === 'conv2d' || l.kind === 'parallel') ? 2 : 1;
}

/** A pack's content, without the hash. */
export interface CarPackContent {
  name: string;
  weightType: WeightType;
  sensors: SensorSpec[];
  preprocessing: PreprocessStep[];
  /** What the network's output means (DeepRacer's action space). */
  action: ActionSpace;
  layers: PackLayer[];
}

/** A parsed pack. */
export interface CarPack extends CarPackContent {
  /** SHA-256 of the body, 32 bytes. */
  hash: Uint8Array;
  /** Size of the whole pack, bytes. */
  byteLength: number;
}

/** Length of the observation vector the pack reads (sum of the sensor sizes). */
export function packObservationSize(pack: Pick<CarPackContent, 'sensors'>): number {
  return pack.sensors.reduce((n, s) => n + s.size, 0);
}

/**
 * Writes a pack and appends its SHA-256 model hash.
 * @returns the pack bytes.
 * @throws FormatError when layer shapes do not chain, the observation size differs from the first
 *   layer's input, or the output size does not fit the action spec.
 */
export async function writePack(content: CarPackContent): Promise<Uint8Array> {
  checkContent(content);
  const w = new ByteWriter();
  w.bytes(new TextEncoder().encode(PACK_MAGIC)).u8(packVersionFor(content.layers)).u8(WEIGHT_TYPE_CODE[content.weightType]).u16(0).u32(0);
  w.shortString(content.name, 'pack name');
  w.u8(content.sensors.length);
  for (const s of content.sensors) w.shortString(s.name, 'sensor name').u16(s.size);
  w.u8(content.preprocessing.length);
  for (const p of content.preprocessing) {
    if (p.op === 'clip') w.u8(1).f32(p.low).f32(p.high);
    else w.u8(2).f32(p.scale).f32(p.offset);
  }
  const a = content.action;
  if (a.type === 'discrete') {
    w.u8(1).u16(a.actions.length);
    for (const x of a.actions) w.f32(x.steering_angle).f32(x.speed);
  } else {
    w.u8(2).f32(a.steering_angle.low).f32(a.steering_angle.high).f32(a.speed.low).f32(a.speed.high);
  }
  w.align(4).u16(content.layers.length).u16(0);
  writeLayers(w, content.layers);
  const body = w.finish();
  new DataView(body.buffer).setUint32(8, body.length, true);
  const out = new Uint8Array(body.length + HASH_SIZE);
  out.set(body);
  out.set(await sha256(body), body.length);
  return out;
}

function writeLayers(w: ByteWriter, layers: readonly PackLayer[]): void {
  for (const layer of layers) {
    w.u8(LAYER_KIND_CODE[layer.kind]).u8(0).u16(0);
    if (layer.kind === 'dense') {
      w.u16(layer.inSize).u16(layer.outSize);
      writeTensor(w, layer.kernel);
      writeTensor(w, layer.bias);
    } else if (layer.kind === 'conv2d') {
      w.u16(layer.inHeight).u16(layer.inWidth).u16(layer.inChannels).u16(layer.filters).u8(layer.kernelSize).u8(layer.stride).u16(0);
      writeTensor(w, layer.kernel);
      writeTensor(w, layer.bias);
    } else if (layer.kind === 'parallel') {
      w.u8(layer.branches.length).u8(0).u16(0);
      for (const b of layer.branches) {
        w.u32(b.inputSize).u16(b.layers.length).u16(0);
        writeLayers(w, b.layers);
      }
    }
  }
}

function writeTensor(w: ByteWriter, t: PackTensor): void {
  w.u8(t.dtype === 'float32' ? 1 : 2).u8(t.shape.length).u16(0);
  for (const d of t.shape) w.u32(d);
  w.f32(t.scale);
  if (t.dtype === 'float32') for (const v of t.data) w.f32(v);
  else w.bytes(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.length));
  w.align(4);
}

function checkContent(c: CarPackContent): void {
  const width = packObservationSize(c);
  if (width < 1) throw new FormatError('pack: the observation spec is empty');
  const out = checkLayers(c.layers, width, 'layer', true);
  const want = c.action.type === 'discrete' ? c.action.actions.length : 2;
  if (out !== want) throw new FormatError(`pack: the network gives ${out} outputs, the ${c.action.type} action space needs ${want}`);
}

/** Checks that the layers chain from `width` inputs. @returns their output width. @throws FormatError naming the layer. */
function checkLayers(layers: readonly PackLayer[], width: number, where: string, top: boolean): number {
  layers.forEach((l, i) => {
    const name = `${where} ${i}`;
    if (l.kind === 'dense') {
      if (l.inSize !== width) throw new FormatError(`pack: ${name} (dense) takes ${l.inSize} inputs, the previous layer gives ${width}`);
      if (l.kernel.data.length !== l.inSize * l.outSize || l.bias.data.length !== l.outSize) {
        throw new FormatError(`pack: ${name} (dense ${l.inSize}→${l.outSize}) has ${l.kernel.data.length} kernel and ${l.bias.data.length} bias values`);
      }
      width = l.outSize;
    } else if (l.kind === 'conv2d') {
      const inSize = l.inHeight * l.inWidth * l.inChannels;
      if (inSize !== width) throw new FormatError(`pack: ${name} (conv2d on ${l.inHeight}×${l.inWidth}×${l.inChannels}) takes ${inSize} inputs, the previous layer gives ${width}`);
      const outH = convOutputSize(l.inHeight, l.kernelSize, l.stride);
      const outW = convOutputSize(l.inWidth, l.kernelSize, l.stride);
      if (l.kernelSize < 1 || l.stride < 1 || l.filters < 1 || outH < 1 || outW < 1) throw new FormatError(`pack: ${name} (conv2d) has kernel ${l.kernelSize}, stride ${l.stride} and ${l.filters} filters on a ${l.inHeight}×${l.inWidth} image`);
      if (l.kernel.data.length !== l.kernelSize * l.kernelSize * l.inChannels * l.filters || l.bias.data.length !== l.filters) {
        throw new FormatError(`pack: ${name} (conv2d ${l.kernelSize}×${l.kernelSize}, ${l.inChannels}→${l.filters}) has ${l.kernel.data.length} kernel and ${l.bias.data.length} bias values`);
      }
      width = outH * outW * l.filters;
    } else if (l.kind === 'parallel') {
      if (!top) throw new FormatError(`pack: ${name} is a parallel layer inside a branch; branches hold no parallel layers`);
      const inputs = l.branches.reduce((n, b) => n + b.inputSize, 0);
      if (l.branches.length < 1 || inputs !== width) throw new FormatError(`pack: ${name} (parallel) splits ${inputs} inputs over ${l.branches.length} branches, the previous layer gives ${width}`);
      width = l.branches.reduce((n, b, k) => n + checkLayers(b.layers, b.inputSize, `${name} branch ${k} layer`, false), 0);
    }
  });
  return width;
}

/**
 * Parses a pack and checks its hash.
 * @returns the pack with typed-array views of its tensors (copies, safe to keep).
 * @throws FormatError naming the problem: wrong magic, a newer pack version, a reserved or unknown
 *   layer kind, truncation, inconsistent shapes, or a hash that does not match the body.
 */
export async function readPack(bytes: Uint8Array): Promise<CarPack> {
  const pack = parsePackBody(bytes);
  const bodyLength = bytes.length - HASH_SIZE;
  const digest = await sha256(bytes.subarray(0, bodyLength));
  if (!bytesEqual(digest, pack.hash)) {
    throw new FormatError(`pack: the model hash in the pack (${toHex(pack.hash).slice(0, 16)}…) does not match its bytes (${toHex(digest).slice(0, 16)}…): the pack is corrupt`);
  }
  return pack;
}

/** `readPack` without the hash check (for tools that inspect a damaged pack). */
export function parsePackBody(bytes: Uint8Array): CarPack {
  const r = new ByteReader(bytes, 'pack');
  const magic = new TextDecoder().decode(r.bytesView(4, 'magic'));
  if (magic !== PACK_MAGIC) throw new FormatError(`pack: starts with '${magic}', a car pack starts with '${PACK_MAGIC}'`);
  const version = r.u8('version');
  if (version < 1 || version > PACK_VERSION) throw new FormatError(`pack: version ${version} is not supported (this reader reads versions 1 to ${PACK_VERSION}); update Raceline or the car runtime`);
  const typeCode = r.u8('weight type');
  const weightType = (Object.keys(WEIGHT_TYPE_CODE) as WeightType[]).find((k) => WEIGHT_TYPE_CODE[k] === typeCode);
  if (!weightType) throw new FormatError(`pack: weight type ${typeCode} is unknown (1 float32, 2 int8)`);
  r.u16('reserved');
  const bodyLength = r.u32('body length');
  if (bodyLength + HASH_SIZE !== bytes.length) {
    throw new FormatError(`pack: header says ${bodyLength} body bytes + ${HASH_SIZE} hash bytes, the pack has ${bytes.length} (truncated or padded)`);
  }
  const name = r.shortString('name');
  const sensors: SensorSpec[] = [];
  for (let i = r.u8('sensor count'); i > 0; i--) sensors.push({ name: r.shortString('sensor name'), size: r.u16('sensor size') });
  const preprocessing: PreprocessStep[] = [];
  for (let i = r.u8('preprocessing count'); i > 0; i--) {
    const op = r.u8('preprocessing op');
    const a = r.f32('preprocessing a');
    const b = r.f32('preprocessing b');
    if (op === 1) preprocessing.push({ op: 'clip', low: a, high: b });
    else if (op === 2) preprocessing.push({ op: 'affine', scale: a, offset: b });
    else throw new FormatError(`pack: preprocessing op ${op} is unknown (1 clip, 2 affine)`);
  }
  let action: ActionSpace;
  const kind = r.u8('action kind');
  if (kind === 1) {
    const n = r.u16('action count');
    const actions = Array.from({ length: n }, (_, index) => ({ steering_angle: r.f32('steering_angle'), speed: r.f32('speed'), index }));
    action = { type: 'discrete', actions };
  } else if (kind === 2) {
    const st = { low: r.f32('steering low'), high: r.f32('steering high') };
    action = { type: 'continuous', steering_angle: st, speed: { low: r.f32('speed low'), high: r.f32('speed high') } };
  } else throw new FormatError(`pack: action kind ${kind} is unknown (1 discrete, 2 continuous)`);
  r.align(4, 'layers');
  const layerCount = r.u16('layer count');
  r.u16('reserved');
  const layers = readLayers(r, layerCount, version, 'layer', true);
  if (r.offset !== bodyLength) throw new FormatError(`pack: ${bodyLength - r.offset} unexpected bytes after the last layer`);
  const hash = bytes.slice(bodyLength);
  const content: CarPackContent = { name, weightType, sensors, preprocessing, action, layers };
  checkContent(content);
  if (packVersionFor(layers) !== version) throw new FormatError(`pack: version ${version} does not match its layers (a pack with conv2d or parallel layers is version 2, any other version 1)`);
  return { ...content, hash, byteLength: bytes.length };
}

function readLayers(r: ByteReader, count: number, version: number, where: string, top: boolean): PackLayer[] {
  const layers: PackLayer[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${where} ${i}`;
    const code = r.u8(`${name} kind`);
    r.bytesView(3, `${name} reserved`);
    if (code === LAYER_KIND_CODE.relu) layers.push({ kind: 'relu' });
    else if (code === LAYER_KIND_CODE.tanh) layers.push({ kind: 'tanh' });
    else if (code === LAYER_KIND_CODE.dense) {
      const inSize = r.u16(`${name} inputs`);
      const outSize = r.u16(`${name} outputs`);
      layers.push({ kind: 'dense', inSize, outSize, kernel: readTensor(r, `${name} kernel`), bias: readTensor(r, `${name} bias`) });
    } else if (version >= 2 && code === LAYER_KIND_CODE.conv2d) {
      const [inHeight, inWidth, inChannels, filters] = [r.u16(`${name} height`), r.u16(`${name} width`), r.u16(`${name} channels`), r.u16(`${name} filters`)];
      const kernelSize = r.u8(`${name} kernel size`);
      const stride = r.u8(`${name} stride`);
      r.u16(`${name} reserved`);
      layers.push({ kind: 'conv2d', inHeight, inWidth, inChannels, filters, kernelSize, stride, kernel: readTensor(r, `${name} kernel`), bias: readTensor(r, `${name} bias`) });
    } else if (version >= 2 && code === LAYER_KIND_CODE.parallel) {
      if (!top) throw new FormatError(`pack: ${name} is a parallel layer inside a branch; branches hold no parallel layers`);
      const n = r.u8(`${name} branch count`);
      r.bytesView(3, `${name} reserved`);
      const branches: PackBranch[] = [];
      for (let k = 0; k < n; k++) {
        const inputSize = r.u32(`${name} branch ${k} inputs`);
        const layerCount = r.u16(`${name} branch ${k} layer count`);
        r.u16(`${name} branch ${k} reserved`);
        branches.push({ inputSize, layers: readLayers(r, layerCount, version, `${name} branch ${k} layer`, false) });
      }
      layers.push({ kind: 'parallel', branches });
    } else if (RESERVED_LAYER_KINDS[code]) {
      throw new FormatError(`pack: ${name} is ${RESERVED_LAYER_KINDS[code]}, reserved for a later pack version; this reader runs dense, relu, tanh, conv2d and parallel layers`);
    } else throw new FormatError(`pack: ${name} has unknown kind 0x${code.toString(16)}${version < 2 && (code === LAYER_KIND_CODE.conv2d || code === LAYER_KIND_CODE.parallel) ? ' in a version-1 pack (conv2d and parallel need version 2)' : ''}`);
  }
  return layers;
}

function readTensor(r: ByteReader, what: string): PackTensor {
  const code = r.u8(`${what} dtype`);
  if (code !== 1 && code !== 2) throw new FormatError(`pack: ${what} has dtype ${code} (1 float32, 2 int8)`);
  const rank = r.u8(`${what} rank`);
  r.u16(`${what} reserved`);
  const shape = Array.from({ length: rank }, () => r.u32(`${what} dims`));
  const scale = r.f32(`${what} scale`);
  const count = shape.reduce((a, b) => a * b, 1);
  let data: Float32Array | Int8Array;
  if (code === 1) {
    const raw = r.bytesView(count * 4, `${what} values`);
    data = new Float32Array(count);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(4 * i, true);
  } else {
    data = new Int8Array(r.bytesView(count, `${what} values`).slice().buffer);
  }
  r.align(4, what);
  return { dtype: code === 1 ? 'float32' : 'int8', shape, scale, data };
}

/** The model hash of pack bytes (its last 32 bytes), without parsing. @throws FormatError when too short. */
export function packHash(bytes: Uint8Array): Uint8Array {
  if (bytes.length < PACK_HEADER_SIZE + HASH_SIZE) throw new FormatError(`pack: ${bytes.length} bytes is too short to be a pack`);
  return bytes.slice(bytes.length - HASH_SIZE);
}
