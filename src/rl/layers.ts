/**
 * The two layer operations of the MLPs, with hand-written gradients chosen for tfjs-wasm speed.
 *
 * Why not plain `tf.matMul` + autodiff: tfjs derives the weight gradient as `matMul(x, dy, transposeA)`,
 * and tfjs-wasm 4.22's transposed matmul is 5–7× slower than transposing first (64×64: 500 µs against
 * 70 + 20 µs, measured in Node). `tf.tanh` on wasm is a scalar loop (about 100 µs for 64×64); `sigmoid`
 * is about 20 µs, so tanh is computed as 2·σ(2x) − 1 there. Same maths, fewer microseconds.
 */
import * as tf from '@tensorflow/tfjs';

/** Per-backend cached scalar constants (kept out of every tidy), so hot loops do not upload them. */
const constants = new Map<string, tf.Scalar>();

/** A kept float32 scalar on the active backend. */
export function constantScalar(value: number): tf.Scalar {
  const key = `${tf.getBackend()}:${value}`;
  let t = constants.get(key);
  if (t === undefined || t.isDisposed) {
    t = tf.keep(tf.scalar(value, 'float32'));
    constants.set(key, t);
  }
  return t;
}

/**
 * Fully connected layer `x·kernel + bias`.
 * @param x [batch, in] float32; @param kernel [in, out]; @param bias [out].
 * @param inputGrad false for a layer fed by data (observations) rather than by a trainable layer: its
 *   input gradient is then a zero tensor instead of a matmul.
 * @returns [batch, out] float32.
 */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, inputGrad = true): tf.Tensor2D {
  const op = tf.customGrad((xIn, k, b, save) => {
    const xt = xIn as tf.Tensor2D;
    const kt = k as tf.Tensor2D;
    (save as tf.GradSaveFunc)([xt, kt]);
    return {
      value: tf.add(tf.matMul(xt, kt), b as tf.Tensor1D) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ks] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dx = inputGrad ? tf.matMul(dy, tf.transpose(ks)) : tf.zerosLike(xs);
        return [dx, tf.matMul(tf.transpose(xs), dy), tf.sum(dy, 0)];
      },
    };
  });
  return op(x, kernel, bias);
}

const tanhOp = tf.customGrad((x, save) => {
  const xt = x as tf.Tensor;
  // tanh(x) = 2σ(2x) − 1; on wasm σ is a vectorised kernel and tanh is not (see the file comment).
  let y: tf.Tensor;
  if (tf.getBackend() === 'wasm') {
    const s = tf.sigmoid(tf.add(xt, xt));
    y = tf.sub(tf.add(s, s), constantScalar(1));
  } else {
    y = tf.tanh(xt);
  }
  (save as tf.GradSaveFunc)([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sub(constantScalar(1), tf.square(saved[0]))),
  };
});

/** Elementwise hidden nonlinearity; gradient from the output (tanh: 1 − y², relu: y > 0). */
export function activate(x: tf.Tensor2D, activation: 'tanh' | 'relu'): tf.Tensor2D {
  return (activation === 'tanh' ? tanhOp(x) : tf.relu(x)) as tf.Tensor2D;
}
