/**
 * Gradient clipping by global norm and Adam (Kingma & Ba 2014, arXiv:1412.6980) on ONE flat parameter
 * vector. Same maths as `tf.train.adam(lr, 0.9, 0.999, eps)` and PyTorch's `Adam`
 * (θ ← θ − lr·m̂/(√v̂ + ε), bias-corrected moments), but about a dozen ops per step instead of ~20 per
 * layer, a settable `learningRate` for annealing, and a state that can be saved with a checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { constantScalar } from './layers';

/**
 * Scales `grad` so its L2 norm is at most `maxNorm`, as `torch.nn.utils.clip_grad_norm_`
 * (coefficient maxNorm / (norm + 1e-6), capped at 1).
 * @param grad [P] float32. @returns the clipped gradient [P] and the norm before clipping (scalar tensor).
 */
export function clipByGlobalNorm(grad: tf.Tensor1D, maxNorm: number): { clipped: tf.Tensor1D; norm: tf.Scalar } {
  const norm = tf.sqrt(tf.sum(tf.square(grad))) as tf.Scalar;
  const coef = tf.minimum(constantScalar(1), tf.div(constantScalar(maxNorm), tf.add(norm, constantScalar(1e-6))));
  return { clipped: tf.mul(grad, coef) as tf.Tensor1D, norm };
}

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Saved optimizer state: the step count and both moment vectors ([P] float32 each). */
export interface AdamState {
  step: number;
  firstMoment: Float32Array;
  secondMoment: Float32Array;
}

export class Adam {
  /** Step size; the trainer lowers it when annealing. */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Updates taken so far (t in the bias corrections). */
  step = 0;
  private readonly m: tf.Variable<tf.Rank.R1>; // [P] float32, first moment
  private readonly v: tf.Variable<tf.Rank.R1>; // [P] float32, second moment

  /** @param size number of parameters P. */
  constructor(size: number, options: AdamOptions) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.m = tf.tidy(() => tf.variable(tf.zeros([size], 'float32'), false));
    this.v = tf.tidy(() => tf.variable(tf.zeros([size], 'float32'), false));
  }

  /**
   * Advances the moments with `grad` and returns the parameter change to ADD, −lr·m̂/(√v̂ + ε).
   * Call inside a `tf.tidy`. @param grad [P] float32.
   */
  computeUpdate(grad: tf.Tensor1D): tf.Tensor1D {
    this.step++;
    const { beta1, beta2 } = this;
    const m = tf.add(tf.mul(this.m, constantScalar(beta1)), tf.mul(grad, constantScalar(1 - beta1)));
    const v = tf.add(tf.mul(this.v, constantScalar(beta2)), tf.mul(tf.square(grad), constantScalar(1 - beta2)));
    this.m.assign(m as tf.Tensor1D);
    this.v.assign(v as tf.Tensor1D);
    // √v̂ = √v / √(1 − β2^t);  m̂ = m / (1 − β1^t), folded into the step size.
    const invSqrtBias2 = 1 / Math.sqrt(1 - beta2 ** this.step);
    const stepSize = this.learningRate / (1 - beta1 ** this.step);
    const denom = tf.add(tf.mul(tf.sqrt(v), tf.scalar(invSqrtBias2)), constantScalar(this.epsilon));
    return tf.mul(tf.div(m, denom), tf.scalar(-stepSize)) as tf.Tensor1D;
  }

  /** A copy of the state for a checkpoint. */
  async getState(): Promise<AdamState> {
    return { step: this.step, firstMoment: (await this.m.data()) as Float32Array, secondMoment: (await this.v.data()) as Float32Array };
  }

  /** Restores `getState()` output. @throws Error when the sizes differ. */
  setState(state: AdamState): void {
    if (state.firstMoment.length !== this.m.size || state.secondMoment.length !== this.v.size) {
      throw new Error(`Adam.setState: moments have ${state.firstMoment.length}/${state.secondMoment.length} entries, the optimizer has ${this.m.size}`);
    }
    this.step = state.step;
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(state.firstMoment, 'float32'));
      this.v.assign(tf.tensor1d(state.secondMoment, 'float32'));
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}
