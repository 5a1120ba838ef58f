/**
 * 'valid' 2-D convolution with bias for the camera CNNs, on every tfjs backend.
 *
 * GPU backends (webgpu, webgl) use `tf.conv2d` and its own gradients. The CPU backends cannot train a
 * CNN that way: tfjs-backend-wasm 4.22 registers no `Conv2DBackpropFilter` kernel at all, and
 * tfjs-cpu's is about 50× slower than its forward pass (measured: 22 s for one 4×4×32×64 layer on a
 * batch of 8). There the convolution is lowered to a matrix product (im2col, as Caffe does):
 * patches [N·oh·ow, k·k·cin] × kernel [k·k·cin, cout], with the patch gather and the gradient's
 * scatter-add done in JS and both products in tfjs (fast on wasm).
 */
import * as tf from '@tensorflow/tfjs';

/** Whether the active backend runs convolutions natively (a GPU backend). */
function nativeConv(): boolean {
  const b = tf.getBackend();
  return b === 'webgpu' || b === 'webgl';
}

/** Whether a gradient tape is recording (inside `tf.grad`/`variableGrads`): only then is the lowering needed. */
function recordingGradients(): boolean {
  return ((tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth ?? 0) > 0;
}

/** Gathers the k×k×cin patch under each output pixel: [n·oh·ow, k·k·cin], (ky, kx, c) order as the kernel. */
function im2col(x: Float32Array, n: number, h: number, w: number, c: number, k: number, stride: number, oh: number, ow: number): Float32Array {
  const cols = k * k * c;
  const out = new Float32Array(n * oh * ow * cols);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < k; ky++) {
          const row = ((b * h + oy * stride + ky) * w + ox * stride) * c;
          const len = k * c; // kx and c are contiguous in NHWC
          out.set(x.subarray(row, row + len), o);
          o += len;
        }
      }
    }
  }
  return out;
}

/** The adjoint of im2col: adds each patch gradient back into the input gradient [n, h, w, c]. */
function col2im(d: Float32Array, n: number, h: number, w: number, c: number, k: number, stride: number, oh: number, ow: number): Float32Array {
  const out = new Float32Array(n * h * w * c);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < k; ky++) {
          const row = ((b * h + oy * stride + ky) * w + ox * stride) * c;
          for (let j = 0; j < k * c; j++) out[row + j] += d[o++];
        }
      }
    }
  }
  return out;
}

/**
 * `relu`-free convolution: y = conv2d(x, kernel, stride, 'valid') + bias.
 * @param x [n, h, w, cin] float32; @param kernel [k, k, cin, cout]; @param bias [cout].
 * @param inputGrad false when x is data (the image), whose gradient nobody needs.
 * @returns [n, oh, ow, cout] with oh = floor((h − k)/stride) + 1 (likewise ow).
 */
export function conv2dValid(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D, stride: number, inputGrad = true): tf.Tensor4D {
  // The forward kernels exist on every backend; only the CPU backends' gradients need the lowering below.
  if (nativeConv() || !recordingGradients()) return tf.add(tf.conv2d(x, kernel, stride, 'valid'), bias) as tf.Tensor4D;
  const [n, h, w, c] = x.shape;
  const [k, , , cout] = kernel.shape;
  const oh = Math.floor((h - k) / stride) + 1;
  const ow = Math.floor((w - k) / stride) + 1;
  const op = tf.customGrad((xIn, kIn, bIn, save) => {
    (save as tf.GradSaveFunc)([xIn as tf.Tensor, kIn as tf.Tensor]);
    return {
      // Forward with the backend's own convolution (several times faster than the lowering on wasm).
      value: tf.add(tf.conv2d(xIn as tf.Tensor4D, kIn as tf.Tensor4D, stride, 'valid'), bIn as tf.Tensor1D) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const p = tf.tensor2d(im2col(saved[0].dataSync() as Float32Array, n, h, w, c, k, stride, oh, ow), [n * oh * ow, k * k * c]);
        const kk = tf.reshape(saved[1], [k * k * c, cout]) as tf.Tensor2D;
        const dy2 = tf.reshape(dy, [n * oh * ow, cout]) as tf.Tensor2D;
        // Transpose first: tfjs-wasm's transposed matMul is several times slower (see layers.ts).
        const dKernel = tf.reshape(tf.matMul(tf.transpose(p), dy2), [k, k, c, cout]);
        const dx = inputGrad
          ? tf.tensor4d(col2im(tf.matMul(dy2, tf.transpose(kk)).dataSync() as Float32Array, n, h, w, c, k, stride, oh, ow), [n, h, w, c])
          : tf.zeros([n, h, w, c]);
        return [dx, dKernel, tf.sum(dy2, 0)];
      },
    };
  });
  return op(x, kernel, bias) as tf.Tensor4D;
}
