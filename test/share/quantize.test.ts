import { describe, expect, it } from 'vitest';
import { initialWeights, paramLayout, type NetworkSpec } from '../../src/rl/networks';
import { dequantize, quantizeWeights } from '../../src/share/quantize';

const spec: NetworkSpec = { type: 'raceline/actor-critic-mlp', version: 1, observationSize: 22, head: { type: 'gaussian', size: 2 }, hiddenSizes: [16], activation: 'tanh' };

describe('8-bit quantisation per tensor', () => {
  it('keeps every value within half a step, the minimum exactly, and one code per value', () => {
    const weights = initialWeights(spec, 5).map((w, i) => w + Math.sin(i) * 0.3);
    const tensors = quantizeWeights(spec, weights);
    const back = dequantize(spec, tensors);
    const layout = paramLayout(spec);
    expect(tensors).toHaveLength(layout.length);
    layout.forEach((p, k) => {
      const values = Array.from(weights.subarray(p.offset, p.offset + p.size));
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      expect(tensors[k].codes).toHaveLength(p.size);
      expect(tensors[k].min).toBe(lo);
      expect(tensors[k].step).toBeCloseTo((hi - lo) / 255, 6);
      for (let i = 0; i < p.size; i++) {
        expect(Math.abs(back[p.offset + i] - weights[p.offset + i])).toBeLessThanOrEqual(tensors[k].step / 2 + 1e-6);
      }
    });
  });

  it('gives a constant tensor step 0 and gives it back exactly', () => {
    const weights = new Float32Array(paramLayout(spec).reduce((n, p) => n + p.size, 0)).fill(-0.125);
    const tensors = quantizeWeights(spec, weights);
    expect(tensors.every((t) => t.step === 0)).toBe(true);
    expect(dequantize(spec, tensors)).toEqual(weights);
  });

  it('refuses weights or tensors that do not fit the spec', () => {
    expect(() => quantizeWeights(spec, new Float32Array(3))).toThrow(/3 weights given, the network spec has/);
    expect(() => dequantize(spec, [])).toThrow(/do not match the network spec/);
  });
});
