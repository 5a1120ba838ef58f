/**
 * ONNX export of a car pack's policy, for cars that run onnxruntime instead of Raceline's runtime.
 * The protobuf is written by hand (the few messages of onnx.proto we need), so the page and the
 * car tools need no ONNX or protobuf package.
 *
 * The graph computes exactly what `packForward` computes (docs/car-protocol.md §6.3), in float32:
 *
 *   observation [N, obsSize] float32          the sensors concatenated, as for the car pack
 *   → Clip(min, max) / Mul + Add              the pack's preprocessing steps, in order
 *   → Gemm(kernel [in, out], bias [out])      one per dense layer (int8 kernels dequantised: q × scale)
 *   → Conv(kernel [out, in, k, k], strides)   one per conv2d layer, on [N, C, H, W]: the flat
 *                                             channels-last image is reshaped and transposed before
 *                                             the first, and transposed back and flattened after the last
 *   → Slice per branch … Concat(axis 1)       a parallel layer (camera and LiDAR embedders)
 *   → Tanh / Relu                             the activations between them
 *   discrete:   logits [N, n] and probabilities = Softmax(logits, axis 1) [N, n];
 *               the action is argmax(logits), its (steering, speed) the n-th entry of the action
 *               space (in the model's metadata_props `raceline.action_space`, DeepRacer's JSON)
 *   continuous: mean [N, 2] (the Gaussian mean) and command = Clip(mean, −1, 1) rescaled to
 *               [N, 2] (steering_angle degrees, speed m/s), as `decodeAction`
 *
 * Opset 13 (Clip with min/max inputs, Softmax over one axis), IR version 8 (onnxruntime 1.10 and
 * later). The protobuf encoding follows https://protobuf.dev/programming-guides/encoding/ and the
 * field numbers of onnx/onnx `onnx.proto3`.
 */
import { FormatError } from './byte-io';
import type { CarPackContent, PackLayer, PackTensor } from './pack';
import { convOutputSize, packObservationSize } from './pack';

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 13;
/** Input and output names of the exported graph. */
export const ONNX_NAMES = { observation: 'observation', logits: 'logits', probabilities: 'probabilities', mean: 'mean', command: 'command' } as const;

// ---------------------------------------------------------------------------------------------
// Protobuf wire format: a message is a list of fields, each a key (field number << 3 | wire type)
// then the value: varint (0), 64-bit (1), length-delimited bytes (2) or 32-bit (5).

const enum Wire {
  Varint = 0,
  LengthDelimited = 2,
  Fixed32 = 5,
}

/** Writes one protobuf message; nested messages are written by their own `Proto` and added as bytes. */
class Proto {
  private parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  /** Unsigned varint (7 bits a byte, low first). @throws RangeError for negative or unsafe integers. */
  private varint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`protobuf varint: ${v} is not a non-negative safe integer`);
    const out: number[] = [];
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: Wire): void {
    this.varint(field * 8 + wire);
  }

  /** int32, int64 or enum field (non-negative values only: none of ours is negative). */
  int(field: number, v: number): this {
    this.key(field, Wire.Varint);
    this.varint(v);
    return this;
  }

  /** float field, little-endian IEEE 754 single. */
  float(field: number, v: number): this {
    this.key(field, Wire.Fixed32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }

  bytes(field: number, v: Uint8Array): this {
    this.key(field, Wire.LengthDelimited);
    this.varint(v.length);
    this.push(v);
    return this;
  }

  string(field: number, v: string): this {
    return this.bytes(field, new TextEncoder().encode(v));
  }

  message(field: number, m: Proto): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

// onnx.proto field numbers and enums used here.
const TENSOR_FLOAT = 1; // TensorProto.DataType.FLOAT
const TENSOR_INT64 = 7; // TensorProto.DataType.INT64
const ATTRIBUTE_INT = 2; // AttributeProto.AttributeType.INT
const ATTRIBUTE_INTS = 7; // AttributeProto.AttributeType.INTS

/** TensorProto {dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian float32)}. */
function tensorProto(name: string, dims: number[], values: ArrayLike<number>): Proto {
  const t = new Proto();
  for (const d of dims) t.int(1, d);
  t.int(2, TENSOR_FLOAT);
  t.string(8, name);
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  return t.bytes(9, raw);
}

/** An INT64 TensorProto (shapes and slice bounds), raw little-endian; values may be negative. */
function int64TensorProto(name: string, values: number[]): Proto {
  const t = new Proto().int(1, values.length).int(2, TENSOR_INT64).string(8, name);
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return t.bytes(9, raw);
}

/** ValueInfoProto {name = 1, type = 2: TypeProto {tensor_type = 1: {elem_type = 1, shape = 2: {dim = 1: {dim_value = 1 | dim_param = 2}}}}}. */
function valueInfo(name: string, dims: (number | string)[]): Proto {
  const shape = new Proto();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new Proto().int(1, d) : new Proto().string(2, d));
  const tensorType = new Proto().int(1, TENSOR_FLOAT).message(2, shape);
  return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
}

/** NodeProto {input = 1, output = 2, name = 3, op_type = 4, attribute = 5: AttributeProto {name = 1, i = 3, type = 20}}. */
function node(opType: string, name: string, inputs: string[], outputs: string[], attributes: Record<string, number | number[]> = {}): Proto {
  const n = new Proto();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(3, name).string(4, opType);
  for (const [k, v] of Object.entries(attributes)) {
    // AttributeProto {name = 1, i = 3, ints = 8, type = 20}
    const a = new Proto().string(1, k);
    if (typeof v === 'number') a.int(3, v).int(20, ATTRIBUTE_INT);
    else {
      for (const x of v) a.int(8, x);
      a.int(20, ATTRIBUTE_INTS);
    }
    n.message(5, a);
  }
  return n;
}

/** A tensor's real values as float32: int8 values times their scale. */
function dequantize(t: PackTensor): Float32Array {
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = t.data[i] * t.scale;
  return out;
}

/** A value in the graph: flat [N, width], or an image [N, C, H, W] after a convolution. */
interface GraphValue {
  name: string;
  width: number;
  image: { channels: number; height: number; width: number } | null;
}

/**
 * Appends the nodes of `layers` (a pack's, or one branch's). Pack values are flat with images
 * channels last; ONNX's Conv wants [N, C, H, W], so an image is reshaped and transposed before the
 * first convolution and transposed back and flattened before anything that reads it flat.
 * @param output the name the last layer writes (the graph's output), if any.
 */
function emitLayers(layers: readonly PackLayer[], input: GraphValue, prefix: string, nodes: Proto[], initializers: Proto[], output?: string): GraphValue {
  let x = input;
  const flatten = (at: string): void => {
    if (!x.image) return;
    nodes.push(node('Transpose', `${at}/nhwc`, [x.name], [`${at}/nhwc`], { perm: [0, 2, 3, 1] }));
    initializers.push(int64TensorProto(`${at}/flat_shape`, [-1, x.width]));
    nodes.push(node('Reshape', `${at}/flatten`, [`${at}/nhwc`, `${at}/flat_shape`], [`${at}/flat`]));
    x = { name: `${at}/flat`, width: x.width, image: null };
  };
  layers.forEach((layer, i) => {
    const at = `${prefix}_${i}`;
    const out = i === layers.length - 1 && output ? output : `${at}/${layer.kind}`;
    if (layer.kind === 'relu' || layer.kind === 'tanh') {
      nodes.push(node(layer.kind === 'tanh' ? 'Tanh' : 'Relu', out, [x.name], [out]));
      x = { ...x, name: out };
    } else if (layer.kind === 'dense') {
      flatten(at);
      if (layer.inSize !== x.width) throw new FormatError(`ONNX export: ${at} reads ${layer.inSize} values, the layer before gives ${x.width}`);
      initializers.push(tensorProto(`${at}/kernel`, [layer.inSize, layer.outSize], dequantize(layer.kernel)));
      initializers.push(tensorProto(`${at}/bias`, [layer.outSize], dequantize(layer.bias)));
      nodes.push(node('Gemm', `${at}/gemm`, [x.name, `${at}/kernel`, `${at}/bias`], [out]));
      x = { name: out, width: layer.outSize, image: null };
    } else if (layer.kind === 'conv2d') {
      const { inHeight: h, inWidth: w, inChannels: c, filters: f, kernelSize: k, stride } = layer;
      if (!x.image) {
        if (h * w * c !== x.width) throw new FormatError(`ONNX export: ${at} reads a ${h}×${w}×${c} image, the layer before gives ${x.width} values`);
        initializers.push(int64TensorProto(`${at}/image_shape`, [-1, h, w, c]));
        nodes.push(node('Reshape', `${at}/image`, [x.name, `${at}/image_shape`], [`${at}/nhwc`]));
        nodes.push(node('Transpose', `${at}/nchw`, [`${at}/nhwc`], [`${at}/nchw`], { perm: [0, 3, 1, 2] }));
        x = { name: `${at}/nchw`, width: x.width, image: { channels: c, height: h, width: w } };
      }
      // Pack kernels are [k, k, in, out] (Keras); ONNX wants [out, in, k, k].
      const src = dequantize(layer.kernel);
      const kernel = new Float32Array(src.length);
      for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) for (let ci = 0; ci < c; ci++) for (let co = 0; co < f; co++) kernel[((co * c + ci) * k + dy) * k + dx] = src[((dy * k + dx) * c + ci) * f + co];
      initializers.push(tensorProto(`${at}/kernel`, [f, c, k, k], kernel), tensorProto(`${at}/bias`, [f], dequantize(layer.bias)));
      const conv = i === layers.length - 1 && output ? `${at}/conv2d` : out;
      nodes.push(node('Conv', `${at}/conv`, [x.name, `${at}/kernel`, `${at}/bias`], [conv], { kernel_shape: [k, k], strides: [stride, stride] }));
      const oh = convOutputSize(h, k, stride);
      const ow = convOutputSize(w, k, stride);
      x = { name: conv, width: oh * ow * f, image: { channels: f, height: oh, width: ow } };
    } else {
      flatten(at);
      const input = x.name;
      const parts: string[] = [];
      let start = 0;
      let width = 0;
      layer.branches.forEach((b, k) => {
        const bp = `${at}/branch_${k}`;
        initializers.push(int64TensorProto(`${bp}/starts`, [start]), int64TensorProto(`${bp}/ends`, [start + b.inputSize]), int64TensorProto(`${bp}/axes`, [1]));
        nodes.push(node('Slice', `${bp}/slice`, [input, `${bp}/starts`, `${bp}/ends`, `${bp}/axes`], [`${bp}/input`]));
        start += b.inputSize;
        let y = emitLayers(b.layers, { name: `${bp}/input`, width: b.inputSize, image: null }, `${bp}/layer`, nodes, initializers);
        if (y.image) {
          x = y;
          flatten(`${bp}/out`);
          y = x;
        }
        parts.push(y.name);
        width += y.width;
      });
      nodes.push(node('Concat', `${at}/concat`, parts, [out], { axis: 1 }));
      x = { name: out, width, image: null };
    }
  });
  return x;
}

export interface OnnxExportOptions {
  /** Producer version written into the model (default "1"). */
  producerVersion?: string;
  /** The pack's model hash, hex, kept in metadata_props `raceline.model_hash` so a car can tell which pack it came from. */
  modelHash?: string;
}

/**
 * The ONNX model (ModelProto bytes) of a car pack's policy. The batch dimension is symbolic ("N").
 * @param pack a pack's content (`packContentFor`) or a parsed pack (`parsePackBody`).
 * @returns the `.onnx` file's bytes.
 * @throws FormatError when the pack has no layers or a dense layer whose size disagrees with its input.
 */
export function exportOnnx(pack: CarPackContent, options: OnnxExportOptions = {}): Uint8Array {
  if (pack.layers.length === 0) throw new FormatError('ONNX export: the pack has no layers');
  const graph = new Proto();
  const initializers: Proto[] = [];
  const nodes: Proto[] = [];
  let x: string = ONNX_NAMES.observation;
  let width = packObservationSize(pack);
  const obsSize = width;

  pack.preprocessing.forEach((p, i) => {
    if (p.op === 'clip') {
      initializers.push(tensorProto(`pre_${i}/min`, [], [p.low]), tensorProto(`pre_${i}/max`, [], [p.high]));
      nodes.push(node('Clip', `pre_${i}/clip`, [x, `pre_${i}/min`, `pre_${i}/max`], [`pre_${i}`]));
    } else {
      initializers.push(tensorProto(`pre_${i}/scale`, [], [p.scale]), tensorProto(`pre_${i}/offset`, [], [p.offset]));
      nodes.push(node('Mul', `pre_${i}/mul`, [x, `pre_${i}/scale`], [`pre_${i}/scaled`]));
      nodes.push(node('Add', `pre_${i}/add`, [`pre_${i}/scaled`, `pre_${i}/offset`], [`pre_${i}`]));
    }
    x = `pre_${i}`;
  });

  const discrete = pack.action.type === 'discrete';
  const last = pack.layers[pack.layers.length - 1];
  if (last.kind !== 'dense') throw new FormatError('ONNX export: the last layer must be dense (the policy head)');
  const top = emitLayers(pack.layers, { name: x, width, image: null }, 'layer', nodes, initializers, discrete ? ONNX_NAMES.logits : ONNX_NAMES.mean);
  width = top.width;

  const outputs: Proto[] = [];
  if (pack.action.type === 'discrete') {
    nodes.push(node('Softmax', 'softmax', [ONNX_NAMES.logits], [ONNX_NAMES.probabilities], { axis: 1 }));
    outputs.push(valueInfo(ONNX_NAMES.logits, ['N', width]), valueInfo(ONNX_NAMES.probabilities, ['N', width]));
  } else {
    // command = clip(mean, −1, 1) · (high − low) / 2 + (high + low) / 2, steering first.
    const { steering_angle: s, speed: v } = pack.action;
    initializers.push(
      tensorProto('command/min', [], [-1]),
      tensorProto('command/max', [], [1]),
      tensorProto('command/half_range', [2], [(s.high - s.low) / 2, (v.high - v.low) / 2]),
      tensorProto('command/middle', [2], [(s.high + s.low) / 2, (v.high + v.low) / 2]),
    );
    nodes.push(node('Clip', 'command/clip', [ONNX_NAMES.mean, 'command/min', 'command/max'], ['command/clipped']));
    nodes.push(node('Mul', 'command/mul', ['command/clipped', 'command/half_range'], ['command/scaled']));
    nodes.push(node('Add', 'command/add', ['command/scaled', 'command/middle'], [ONNX_NAMES.command]));
    outputs.push(valueInfo(ONNX_NAMES.mean, ['N', width]), valueInfo(ONNX_NAMES.command, ['N', 2]));
  }

  // GraphProto {node = 1, name = 2, initializer = 5, doc_string = 10, input = 11, output = 12}
  for (const n of nodes) graph.message(1, n);
  graph.string(2, pack.name || 'policy');
  for (const t of initializers) graph.message(5, t);
  graph.string(10, `Raceline policy "${pack.name}": ${pack.sensors.map((s) => `${s.name} (${s.size})`).join(', ')} → ${discrete ? `${width} action logits` : 'steering, speed'}`);
  graph.message(11, valueInfo(ONNX_NAMES.observation, ['N', obsSize]));
  for (const o of outputs) graph.message(12, o);

  const metadata: Record<string, string> = {
    'raceline.sensors': JSON.stringify(pack.sensors),
    'raceline.preprocessing': JSON.stringify(pack.preprocessing),
    'raceline.action_space': JSON.stringify(pack.action.type === 'discrete' ? pack.action.actions.map((a, index) => ({ steering_angle: a.steering_angle, speed: a.speed, index })) : { steering_angle: pack.action.steering_angle, speed: pack.action.speed }),
    'raceline.weight_type': pack.weightType,
  };
  if (options.modelHash) metadata['raceline.model_hash'] = options.modelHash;

  // ModelProto {ir_version = 1, producer_name = 2, producer_version = 3, doc_string = 6, graph = 7, opset_import = 8: {domain = 1, version = 2}, metadata_props = 14: {key = 1, value = 2}}
  const model = new Proto().int(1, ONNX_IR_VERSION).string(2, 'raceline').string(3, options.producerVersion ?? '1');
  model.string(6, `Policy of the Raceline model "${pack.name}" (car pack weight type ${pack.weightType}). Inputs and outputs: docs/car-protocol.md §12.`);
  model.message(7, graph);
  model.message(8, new Proto().string(1, '').int(2, ONNX_OPSET));
  for (const [key, value] of Object.entries(metadata)) model.message(14, new Proto().string(1, key).string(2, value));
  return model.finish();
}
