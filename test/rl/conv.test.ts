import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { conv2dValid } from '../../src/rl/conv';

/** Max |a − b| over two tensors. */
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

describe('conv2dValid (im2col on CPU backends)', () => {
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
});
