/**
 * Hand-written backward pass of the actor-critic MLP: from the gradients of the loss w.r.t. the network
 * outputs (head, value, log-std) to the gradient w.r.t. the flat weight vector, with plain tf ops and no
 * autodiff tape. Standard backpropagation for `y = act(x·W + b)` layers (Rumelhart, Hinton and Williams 1986):
 *   dW = xᵀ·dz,  db = Σ_batch dz,  dx = dz·Wᵀ,  dz_prev = dx ⊙ act′  (tanh′ = 1 − h², relu′ = [h > 0]).
 * On tfjs-wasm the tape's per-op bookkeeping costs more than the arithmetic of a 64-wide MLP, so this path
 * (with the loss gradient computed in JS, `ppo-loss-grad.ts`) makes a PPO minibatch step about 2.5–3× faster.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from './config';
import { constantScalar } from './layers';
import { LOG_STD_MAX, LOG_STD_MIN, type ActorCriticNetwork, type ForwardTrace } from './networks';

/** Gradients of the loss w.r.t. the network outputs of a batch of n. */
export interface OutputGradients {
  /** [n, k] float32, dL/dlogits (discrete) or dL/dmean (Gaussian). */
  head: tf.Tensor2D;
  /** [n] float32, dL/dV. */
  value: tf.Tensor1D;
  /** [k] float32, dL/d(clipped log-std); Gaussian head only. */
  logStd?: tf.Tensor1D;
}

/** act′ expressed through the activation's output h. */
function activationDerivative(h: tf.Tensor2D, activation: Activation): tf.Tensor2D {
  if (activation === 'tanh') return tf.sub(constantScalar(1), tf.square(h)) as tf.Tensor2D;
  return tf.step(h) as tf.Tensor2D;
}

/**
 * The gradient of the loss w.r.t. `network`'s flat weights, [numParams] float32 in `layout` order, given
 * a trace from `network.forward(obs, trace)` and the output gradients. Call inside a `tf.tidy`.
 * @throws Error when the trace does not come from a forward pass of this network's shape.
 */
export function backward(network: ActorCriticNetwork, trace: ForwardTrace, grads: OutputGradients): tf.Tensor1D {
  const { spec, layout } = network;
  const hidden = spec.hiddenSizes.length;
  const w = trace.weights;
  if (w.length !== layout.length || trace.policyInputs.length !== hidden + 1 || trace.valueInputs.length !== hidden + 1) {
    throw new Error('backward(): the trace does not match the network (pass a trace filled by network.forward(obs, trace))');
  }
  const flat: tf.Tensor[] = new Array(layout.length);

  // Dense layer j of a tower uses kernel w[first + 2j] and bias w[first + 2j + 1]; layer `hidden` is the output layer.
  const towerBackward = (inputs: tf.Tensor2D[], dOut: tf.Tensor2D, first: number) => {
    let dz = dOut;
    for (let j = hidden; j >= 0; j--) {
      const kernel = first + 2 * j;
      flat[kernel] = tf.reshape(tf.matMul(tf.transpose(inputs[j]), dz), [-1]);
      flat[kernel + 1] = tf.sum(dz, 0);
      if (j > 0) {
        // inputs[j] is the output h of layer j−1's activation.
        dz = tf.mul(tf.matMul(dz, tf.transpose(w[kernel])), activationDerivative(inputs[j], spec.activation)) as tf.Tensor2D;
      }
    }
  };

  towerBackward(trace.policyInputs, grads.head, 0);
  let valueFirst = 2 * (hidden + 1);
  if (spec.head.type === 'gaussian') {
    if (!grads.logStd) throw new Error('backward(): a Gaussian head needs grads.logStd');
    const raw = w[valueFirst];
    // The forward pass clipped log-std to [LOG_STD_MIN, LOG_STD_MAX]: no gradient where the clip was active.
    const inside = tf.cast(tf.logicalAnd(tf.greaterEqual(raw, LOG_STD_MIN), tf.lessEqual(raw, LOG_STD_MAX)), 'float32');
    flat[valueFirst] = tf.mul(grads.logStd, inside);
    valueFirst++;
  }
  towerBackward(trace.valueInputs, tf.reshape(grads.value, [-1, 1]) as tf.Tensor2D, valueFirst);
  return tf.concat(flat) as tf.Tensor1D;
}
