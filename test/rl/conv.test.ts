import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { conv2dValid } from '../../src/rl/conv';
import { selectBackend } from '../../src/rl/backend';

/** Max |a − b| over two tensors. */
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

describe('conv2dValid (CPU backends: im2col on cpu, forward-convolution gradients on wasm)', () => {
  it("equals tf.conv2d + bias, and its gradients equal tf's, for DeepRacer's strides", async () => {
    await tf.setBackend('cpu');
    for (const [k, stride, cin, cout, h, w] of [[8, 4, 1, 4, 20, 24], [4, 2, 3, 5, 11, 13], [3, 1, 2, 3, 7, 6]]) {
      const x = tf.randomNormal([2, h, w, cin], 0, 1, 'float32', 1) as tf.Tensor4D;
      const kernel = tf.randomNormal([k, k, cin, cout], 0, 1, 'float32', 2) as tf.Tensor4D;
      const bias = tf.randomNormal([cout], 0, 1, 'float32', 3) as tf.Tensor1D;
      const ours = conv2dValid(x, kernel, bias, stride);
      const ref = tf.add(tf.conv2d(x, kernel, stride, 'valid'), bias);
      expect(ours.shape).toEqual(ref.shape);
      expect(maxDiff(ours, ref)).toBeLessThan(1e-4);
      const loss = (f: (a: tf.Tensor4D, b: tf.Tensor4D, c: tf.Tensor1D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(f(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor1D)));
      const g1 = tf.grads(loss((a, b, c) => conv2dValid(a, b, c, stride)))([x, kernel, bias]);
      const g2 = tf.grads(loss((a, b, c) => tf.add(tf.conv2d(a, b, stride, 'valid'), c)))([x, kernel, bias]);
      for (let i = 0; i < 3; i++) expect(maxDiff(g1[i], g2[i]) / (tf.max(tf.abs(g2[i])).dataSync()[0] + 1e-6)).toBeLessThan(1e-4);
    }
  });

  it("on wasm: the gradients as forward convolutions equal tf-cpu's own, for both DeepRacer CNNs' layers and uneven sizes", async () => {
    // [k, stride, cin, cout, h, w]: the shallow CNN's three layers (small images), the 5-layer CNN's
    // 5/2 and 3/2 (kernel not a multiple of the stride), and sizes that leave a remainder row or column.
    const cases = [[8, 4, 1, 4, 23, 26], [4, 2, 3, 5, 12, 13], [3, 1, 2, 3, 7, 6], [5, 2, 2, 3, 14, 11], [3, 2, 3, 2, 10, 9], [3, 3, 1, 2, 11, 12]];
    const loss = (f: (a: tf.Tensor4D, b: tf.Tensor4D, c: tf.Tensor1D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor1D), tf.randomNormal(f(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor1D).shape, 0, 1, 'float32', 9)));
    for (const [k, stride, cin, cout, h, w] of cases) {
      await tf.setBackend('cpu');
      const make = () => [tf.randomNormal([2, h, w, cin], 0, 1, 'float32', 1), tf.randomNormal([k, k, cin, cout], 0, 1, 'float32', 2), tf.randomNormal([cout], 0, 1, 'float32', 3)];
      const ref = tf.grads(loss((a, b, c) => tf.add(tf.conv2d(a, b, stride, 'valid'), c)))(make()).map((g) => g.arraySync());
      await selectBackend({ preferred: ['wasm'], measure: false });
      expect(tf.getBackend()).toBe('wasm');
      const ours = tf.grads(loss((a, b, c) => conv2dValid(a, b, c, stride)))(make());
      ours.forEach((g, i) => {
        const r = tf.tensor(ref[i] as number[]);
        expect(g.shape, `case ${[k, stride, cin, cout, h, w]} grad ${i}`).toEqual(r.shape);
        expect(maxDiff(g, r) / (tf.max(tf.abs(r)).dataSync()[0] + 1e-6), `case ${[k, stride, cin, cout, h, w]} grad ${i}`).toBeLessThan(1e-4);
      });
    }
    await tf.setBackend('cpu');
  });
});
