/**
 * 8-bit weights for share links: each parameter tensor of the network (`paramLayout` order) is stored as its
 * minimum, a step and one byte per value, `value ≈ min + code · step` with `step = (max − min) / 255`
 * (asymmetric uniform quantisation, as in Jacob et al. 2018, arXiv:1712.05877, per tensor). The error of a value
 * is at most half a step. Whether the car still drives as well is for the caller to check: evaluate
 * `dequantize(spec, quantizeWeights(spec, weights))` and share 8-bit weights only when the result holds.
 */
import type { NetworkSpec } from '../rl/network-spec';
import { weightLayout } from './network-spec';

/** The 8-bit form of one tensor. */
export interface QuantizedTensor {
  /** Smallest value of the tensor (float32). */
  min: number;
  /** Value of one code step (float32); 0 when every value is equal. */
  step: number;
  /** [size] uint8 codes, row-major as the tensor. */
  codes: Uint8Array;
}

/**
 * Quantises flat weights tensor by tensor.
 * @param weights [numParams] float32 in `paramLayout(spec)` order, all finite.
 * @returns one entry per `paramLayout(spec)` tensor. @throws RangeError when the length does not match the spec.
 */
export function quantizeWeights(spec: NetworkSpec, weights: Float32Array): QuantizedTensor[] {
  const layout = weightLayout(spec);
  const total = layout.reduce((n, p) => n + p.size, 0);
  if (weights.length !== total) throw new RangeError(`quantizeWeights: ${weights.length} weights given, the network spec has ${total}`);
  return layout.map((p) => {
    const values = weights.subarray(p.offset, p.offset + p.size);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const min = Math.fround(lo);
    const step = Math.fround((hi - lo) / 255);
    const codes = new Uint8Array(p.size);
    if (step > 0) {
      for (let i = 0; i < p.size; i++) codes[i] = Math.min(255, Math.max(0, Math.round((values[i] - min) / step)));
    }
    return { min, step, codes };
  });
}

/**
 * The weights that 8-bit codes stand for: `min + code · step`, in float32, flat in `paramLayout(spec)` order.
 * This is exactly what a receiver of an 8-bit share link gets.
 * @throws RangeError when the tensors do not match the spec's layout.
 */
export function dequantize(spec: NetworkSpec, tensors: readonly QuantizedTensor[]): Float32Array {
  const layout = weightLayout(spec);
  if (tensors.length !== layout.length || tensors.some((t, i) => t.codes.length !== layout[i].size)) {
    throw new RangeError(`dequantize: the tensors do not match the network spec (expected ${layout.map((p) => `${p.name}[${p.size}]`).join(', ')})`);
  }
  const out = new Float32Array(layout.reduce((n, p) => n + p.size, 0));
  tensors.forEach((t, k) => {
    const at = layout[k].offset;
    for (let i = 0; i < t.codes.length; i++) out[at + i] = t.min + t.codes[i] * t.step;
  });
  return out;
}
