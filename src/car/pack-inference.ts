/**
 * Pure-TypeScript inference of a car pack: what the car computes, so the browser can show the same
 * actions the car will take and the tests can compare float32 and int8 packs. Arithmetic in float64
 * over the stored float32/int8 values; the Python runtime does the same in numpy. A camera pack
 * (DeepRacer's shallow CNN, about 22 M multiply-adds) takes tens of milliseconds a step here.
 */
import type { CarPack, PackLayer } from './pack';
import { convOutputSize, packObservationSize } from './pack';

/** The car's command for one observation. */
export interface PackAction {
  /** Discrete: the chosen action's index (argmax of the outputs, first on ties). Continuous: −1. */
  index: number;
  /** Degrees, positive = left. */
  steering_angle: number;
  /** m/s. */
  speed: number;
  /** The network's raw outputs: logits (discrete) or the Gaussian mean in [−1, 1] units (continuous). */
  outputs: Float64Array;
}

/**
 * Runs the pack's network on one observation.
 * @param observation [packObservationSize(pack)] values, the sensors concatenated in the pack's order.
 * @throws RangeError when the observation has the wrong length.
 */
export function packForward(pack: Pick<CarPack, 'sensors' | 'preprocessing' | 'layers'>, observation: ArrayLike<number>): Float64Array {
  const size = packObservationSize(pack);
  if (observation.length !== size) throw new RangeError(`observation has ${observation.length} values, the pack reads ${size} (${pack.sensors.map((s) => `${s.name} ${s.size}`).join(', ')})`);
  let x: Float64Array = Float64Array.from(observation);
  for (const p of pack.preprocessing) {
    for (let i = 0; i < x.length; i++) x[i] = p.op === 'clip' ? Math.min(p.high, Math.max(p.low, x[i])) : x[i] * p.scale + p.offset;
  }
  for (const layer of pack.layers) x = applyLayer(layer, x);
  return x;
}

function applyLayer(layer: PackLayer, x: Float64Array): Float64Array {
  switch (layer.kind) {
    case 'relu':
      return x.map((v) => (v > 0 ? v : 0));
    case 'tanh':
      return x.map(Math.tanh);
    case 'dense':
      return dense(layer, x);
    case 'conv2d':
      return conv2d(layer, x);
    case 'parallel': {
      const outs: Float64Array[] = [];
      let at = 0;
      for (const b of layer.branches) {
        let y = x.subarray(at, at + b.inputSize);
        for (const l of b.layers) y = applyLayer(l, y);
        outs.push(y);
        at += b.inputSize;
      }
      const out = new Float64Array(outs.reduce((n, y) => n + y.length, 0));
      let k = 0;
      for (const y of outs) {
        out.set(y, k);
        k += y.length;
      }
      return out;
    }
  }
}

function dense(layer: Extract<PackLayer, { kind: 'dense' }>, x: Float64Array): Float64Array {
  const { inSize, outSize, kernel, bias } = layer;
  const y = new Float64Array(outSize);
  const k = kernel.data;
  for (let i = 0; i < inSize; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = i * outSize;
    for (let j = 0; j < outSize; j++) y[j] += xi * k[row + j];
  }
  for (let j = 0; j < outSize; j++) y[j] = y[j] * kernel.scale + bias.data[j] * bias.scale;
  return y;
}

/** 'valid' convolution on [inHeight, inWidth, inChannels] (channels last); kernel [k, k, in, filters]. */
function conv2d(layer: Extract<PackLayer, { kind: 'conv2d' }>, x: Float64Array): Float64Array {
  const { inWidth, inChannels: c, filters: f, kernelSize: k, stride, kernel, bias } = layer;
  const outH = convOutputSize(layer.inHeight, k, stride);
  const outW = convOutputSize(inWidth, k, stride);
  const w = kernel.data;
  const y = new Float64Array(outH * outW * f);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const out = (oy * outW + ox) * f;
      for (let dy = 0; dy < k; dy++) {
        for (let dx = 0; dx < k; dx++) {
          const input = ((oy * stride + dy) * inWidth + ox * stride + dx) * c;
          const tap = (dy * k + dx) * c;
          for (let ci = 0; ci < c; ci++) {
            const v = x[input + ci];
            if (v === 0) continue;
            const row = (tap + ci) * f;
            for (let j = 0; j < f; j++) y[out + j] += v * w[row + j];
          }
        }
      }
      for (let j = 0; j < f; j++) y[out + j] = y[out + j] * kernel.scale + bias.data[j] * bias.scale;
    }
  }
  return y;
}

/**
 * The greedy action of the pack's policy: argmax of the logits (discrete), or the Gaussian mean
 * clipped to [−1, 1] and rescaled to the continuous ranges, steering first (as `decodeAction`).
 * @param observation see `packForward`.
 */
export function packPolicyAct(pack: Pick<CarPack, 'sensors' | 'preprocessing' | 'layers' | 'action'>, observation: ArrayLike<number>): PackAction {
  const outputs = packForward(pack, observation);
  const a = pack.action;
  if (a.type === 'discrete') {
    let best = 0;
    for (let i = 1; i < outputs.length; i++) if (outputs[i] > outputs[best]) best = i;
    return { index: best, steering_angle: a.actions[best].steering_angle, speed: a.actions[best].speed, outputs };
  }
  const s = Math.min(1, Math.max(-1, outputs[0]));
  const v = Math.min(1, Math.max(-1, outputs[1]));
  return {
    index: -1,
    steering_angle: a.steering_angle.low + ((s + 1) / 2) * (a.steering_angle.high - a.steering_angle.low),
    speed: a.speed.low + ((v + 1) / 2) * (a.speed.high - a.speed.low),
    outputs,
  };
}
