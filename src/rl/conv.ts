/**
 * 'valid' 2-D convolution with bias for the camera CNNs, on every tfjs backend.
 *
 * GPU backends (webgpu, webgl) use `tf.conv2d` and its own gradients. The CPU backends need help:
 * tfjs-backend-wasm 4.22 registers no `Conv2DBackpropFilter` kernel at all (and its
 * `Conv2DBackpropInput` is a plain loop), and tfjs-cpu's filter gradient is about 50× slower than its
 * forward pass (measured: 22 s for one 4×4×32×64 layer on a batch of 8). So:
 * - wasm: both gradients are rewritten as forward convolutions, which run in XNNPACK
 *   (`nativeGradients` below: the filter gradient as a dilated convolution, the input gradient as s²
 *   stride-1 convolutions, one per output phase). Measured on this machine for a minibatch of 64 of
 *   the shallow CNN: 2–5× faster than the matrix-product lowering.
 * - cpu: the convolution is lowered to a matrix product (im2col, as Caffe does): patches
 *   [N·oh·ow, k·k·cin] × kernel [k·k·cin, cout], the patch gather and the gradient's scatter-add in JS.
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
 * dL/dkernel [k, k, cin, cout] of a 'valid' convolution, as one forward convolution: the input with
 * batch and channels swapped [cin, h, w, n] correlated with dy [oh, ow, n, cout] dilated by the stride
 * gives [cin, k', k', cout] (k' ≥ k; the extra taps are cut).
 */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const c = x.shape[3];
    const cout = dy.shape[3];
    const xT = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D;
    const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const full = tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', stride);
    return tf.transpose(tf.slice(full, [0, 0, 0, 0], [c, k, k, cout]), [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * dL/dx [n, h, w, cin] of a 'valid' convolution with stride s, as s² stride-1 convolutions (one per
 * output phase (py, px): the rows y ≡ py and columns x ≡ px mod s take only the kernel taps
 * ky ≡ py, kx ≡ px), each a full correlation of dy with its flipped sub-kernel; the phases are then
 * interleaved. No zeros are inserted, so it costs what the forward pass costs.
 */
function inputGradient(dy: tf.Tensor4D, kernel: tf.Tensor4D, h: number, w: number, stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, oh, ow] = dy.shape;
    const [k, , c, cout] = kernel.shape;
    const s = stride;
    const kp = Math.ceil(k / s) * s; // taps padded with zeros to a multiple of the stride
    const j = kp / s;
    const kern = kp > k ? tf.pad(kernel, [[0, kp - k], [0, kp - k], [0, 0], [0, 0]]) : kernel;
    const dyPad = tf.pad(dy, [[0, 0], [j - 1, j - 1], [j - 1, j - 1], [0, 0]]) as tf.Tensor4D;
    const rows: tf.Tensor[] = [];
    for (let py = 0; py < s; py++) {
      const phases: tf.Tensor4D[] = [];
      for (let px = 0; px < s; px++) {
        const sub = tf.stridedSlice(kern, [py, px, 0, 0], [kp, kp, c, cout], [s, s, 1, 1]) as tf.Tensor4D;
        const flipped = tf.transpose(tf.reverse(sub, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [j, j, cout, cin]
        phases.push(tf.conv2d(dyPad, flipped, 1, 'valid'));
      }
      const m = oh + j - 1;
      const q = ow + j - 1;
      rows.push(s === 1 ? phases[0] : tf.reshape(tf.stack(phases, 3), [n, m, q * s, c]));
    }
    const m = oh + j - 1;
    const q = ow + j - 1;
    let dx = s === 1 ? (rows[0] as tf.Tensor4D) : (tf.reshape(tf.stack(rows, 2), [n, m * s, q * s, c]) as tf.Tensor4D);
    const hh = Math.min(h, m * s);
    const ww = Math.min(w, q * s);
    dx = tf.slice(dx, [0, 0, 0, 0], [n, hh, ww, c]);
    // Input rows and columns past the last window (the remainder of (h − k)/s) get no gradient.
    return hh < h || ww < w ? (tf.pad(dx, [[0, 0], [0, h - hh], [0, w - ww], [0, 0]]) as tf.Tensor4D) : dx;
  });
}

/**
 * `relu`-free convolution: y = conv2d(x, kernel, stride, 'valid') + bias.
 * @param x [n, h, w, cin] float32; @param kernel [k, k, cin, cout]; @param bias [cout].
 * @param inputGrad false when x is data (the image), whose gradient nobody needs.
 * @returns [n, oh, ow, cout] with oh = floor((h − k)/stride) + 1 (likewise ow).
 */
export function conv2dValid(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D, stride: number, inputGrad = true): tf.Tensor4D {
  // The forward kernels exist on every backend; only the CPU backends' gradients need the rewrites below.
  if (nativeConv() || !recordingGradients()) return tf.add(tf.conv2d(x, kernel, stride, 'valid'), bias) as tf.Tensor4D;
  const [n, h, w, c] = x.shape;
  const [k, , , cout] = kernel.shape;
  if (tf.getBackend() === 'wasm') {
    const native = tf.customGrad((xIn, kIn, bIn, save) => {
      (save as tf.GradSaveFunc)([xIn as tf.Tensor, kIn as tf.Tensor]);
      return {
        value: tf.add(tf.conv2d(xIn as tf.Tensor4D, kIn as tf.Tensor4D, stride, 'valid'), bIn as tf.Tensor1D) as tf.Tensor4D,
        gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => [
          inputGrad ? inputGradient(dy, saved[1] as tf.Tensor4D, h, w, stride) : tf.zeros([n, h, w, c]),
          filterGradient(saved[0] as tf.Tensor4D, dy, k, stride),
          tf.sum(dy, [0, 1, 2]),
        ],
      };
    });
    return native(x, kernel, bias) as tf.Tensor4D;
  }
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
