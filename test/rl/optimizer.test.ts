import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, clipByGlobalNorm } from '../../src/rl/optimizer';
import { initTf } from '../helpers/tf';

describe('optimizer', () => {
  beforeAll(initTf);

  it('Adam follows tf.train.adam step for step', () => {
    const target = tf.tensor1d([1, -2, 3, 0.5]);
    const loss = (p: tf.Tensor) => tf.sum(tf.square(tf.sub(tf.mul(p, p), target))) as tf.Scalar;
    const ours = tf.variable(tf.tensor1d([0.3, 0.1, -0.2, 0.9]));
    const theirs = tf.variable(tf.tensor1d([0.3, 0.1, -0.2, 0.9]));
    const adam = new Adam(4, { learningRate: 0.05, epsilon: 1e-5 });
    const reference = tf.train.adam(0.05, 0.9, 0.999, 1e-5);
    for (let i = 0; i < 25; i++) {
      tf.tidy(() => {
        const g = tf.grad(loss)(ours);
        ours.assign(tf.add(ours, adam.computeUpdate(g as tf.Tensor1D)));
        reference.minimize(() => loss(theirs), false, [theirs]);
      });
    }
    const a = Array.from(ours.dataSync());
    const b = Array.from(theirs.dataSync());
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 4)); // float32 rounding differs slightly over 25 steps
    expect(a).not.toEqual([0.3, 0.1, -0.2, 0.9]);
    [ours, theirs, target].forEach((t) => t.dispose());
    adam.dispose();
    reference.dispose();
  });

  it('Adam state round-trips', async () => {
    const adam = new Adam(2, { learningRate: 0.1 });
    tf.tidy(() => adam.computeUpdate(tf.tensor1d([1, -1])));
    const state = await adam.getState();
    const other = new Adam(2, { learningRate: 0.1 });
    other.setState(state);
    const [u1, u2] = tf.tidy(() => [Array.from(adam.computeUpdate(tf.tensor1d([0.5, 2])).dataSync()), Array.from(other.computeUpdate(tf.tensor1d([0.5, 2])).dataSync())]);
    expect(u2).toEqual(u1);
    expect(() => other.setState({ ...state, firstMoment: new Float32Array(3) })).toThrow(/3\/2 entries, the optimizer has 2/);
  });

  it('clipByGlobalNorm scales to the max norm as torch clip_grad_norm_', () => {
    const [clipped, norm, untouched] = tf.tidy(() => {
      const c = clipByGlobalNorm(tf.tensor1d([3, 4]), 1);
      return [Array.from(c.clipped.dataSync()), c.norm.dataSync()[0], Array.from(clipByGlobalNorm(tf.tensor1d([0.3, 0.4]), 1).clipped.dataSync())];
    });
    expect(norm).toBeCloseTo(5, 6);
    expect(clipped[0]).toBeCloseTo(0.6, 6);
    expect(clipped[1]).toBeCloseTo(0.8, 6);
    expect(untouched[0]).toBeCloseTo(0.3, 6);
    expect(untouched[1]).toBeCloseTo(0.4, 6);
  });
});
