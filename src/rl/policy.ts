/**
 * `ActorCritic`: the policy as the rollout and the trainer use it. Acting is one batched forward pass
 * for all envs, one read of a packed [n, k] output, then sampling in JS with the seeded `Rng`
 * (CleanRL's `get_action_and_value`, split into a JS half for acting and a tf half for the loss).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../sim/rng';
import { spaceSize, type BoxSpace, type Space } from '../sim/spaces';
import type { Activation } from './config';
import { argmax, categoricalLogProb, categoricalStats, gaussianLogProb, gaussianStats, sampleCategorical, sampleGaussian, type DistributionStats } from './distributions';
import { ActorCriticNetwork, type NetworkSpec } from './networks';
import type { EmbedderSpec } from './embedders';

export interface ActOptions {
  /** Greedy actions: argmax of the logits, or the Gaussian mean. */
  deterministic?: boolean;
  /** Source of the sampling noise; required unless `deterministic`. */
  rng?: Rng;
}

export interface ActResult {
  /** Discrete: Int32Array [n]. Gaussian: Float32Array [n * actionSize], unclipped samples (the env clips). */
  actions: Int32Array | Float32Array;
  /** [n] float32, log π(action | observation). */
  logProbs: Float32Array;
  /** [n] float32, V(observation). */
  values: Float32Array;
}

/** Per-sample quantities for the PPO loss, all [batch] float32. */
export interface EvaluatedActions extends DistributionStats {
  values: tf.Tensor1D;
}

/**
 * The network spec for an env's spaces: a discrete action space gets a categorical head, a box action
 * space a Gaussian head over its `size` dimensions; with `embedder` (camera CNN, LiDAR), a version-2
 * spec whose hidden layers are DeepRacer's middleware.
 * @throws Error for an observation space that is not a flat vector.
 */
export function networkSpecFor(observationSpace: BoxSpace, actionSpace: Space, hiddenSizes: number[], activation: Activation, embedder: EmbedderSpec | null = null): NetworkSpec {
  if (observationSpace.shape.length !== 1) {
    throw new Error(`networkSpecFor: observations must be a flat vector (images flattened, see sensorLayout), got shape [${observationSpace.shape}]`);
  }
  const base = {
    type: 'raceline/actor-critic-mlp' as const,
    observationSize: spaceSize(observationSpace),
    head: actionSpace.type === 'discrete' ? ({ type: 'discrete', n: actionSpace.n } as const) : ({ type: 'gaussian', size: spaceSize(actionSpace) } as const),
    hiddenSizes: [...hiddenSizes],
    activation,
  };
  return embedder ? { ...base, version: 2, embedder } : { ...base, version: 1 };
}

export class ActorCritic {
  readonly network: ActorCriticNetwork;
  readonly observationSize: number;
  /** Discrete: number of actions. Gaussian: action dimensions. */
  readonly actionSize: number;
  readonly discrete: boolean;
  private probs: Float64Array;

  constructor(network: ActorCriticNetwork) {
    this.network = network;
    const { head, observationSize } = network.spec;
    this.observationSize = observationSize;
    this.discrete = head.type === 'discrete';
    this.actionSize = head.type === 'discrete' ? head.n : head.size;
    this.probs = new Float64Array(this.actionSize);
  }

  /** A policy with seeded initial weights for the given spaces. */
  static create(observationSpace: BoxSpace, actionSpace: Space, options: { hiddenSizes: number[]; activation: Activation; seed: number; embedder?: EmbedderSpec | null }): ActorCritic {
    return new ActorCritic(ActorCriticNetwork.create(networkSpecFor(observationSpace, actionSpace, options.hiddenSizes, options.activation, options.embedder ?? null), options.seed));
  }

  private toTensor(observations: Float32Array, n: number): tf.Tensor2D {
    if (observations.length !== n * this.observationSize) {
      throw new Error(`ActorCritic: observations have ${observations.length} values, expected ${n} × ${this.observationSize}`);
    }
    return tf.tensor2d(observations, [n, this.observationSize], 'float32');
  }

  /**
   * Chooses actions for `n` observations with one forward pass and one read.
   * @param observations [n * obsSize] float32, row-major.
   * @throws Error when sampling without an `rng`, or on a size mismatch.
   */
  async act(observations: Float32Array, n: number, options: ActOptions = {}): Promise<ActResult> {
    const deterministic = options.deterministic ?? false;
    const rng = options.rng;
    if (!deterministic && rng === undefined) throw new Error('ActorCritic.act(): pass options.rng to sample, or deterministic: true');
    const k = this.actionSize;
    // Packed row: discrete [logits(k), value]; Gaussian [mean(k), logStd(k), value].
    const packed = tf.tidy(() => {
      const out = this.network.predict(this.toTensor(observations, n));
      const value = tf.reshape(out.value, [n, 1]);
      if (out.logits) return tf.concat([out.logits, value], 1);
      return tf.concat([out.mean!, tf.broadcastTo(tf.reshape(out.logStd!, [1, k]), [n, k]), value], 1);
    });
    const row = packed.shape[1]!;
    const data = (await packed.data()) as Float32Array;
    packed.dispose();
    const logProbs = new Float32Array(n);
    const values = new Float32Array(n);
    if (this.discrete) {
      const actions = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const off = i * row;
        if (deterministic) {
          actions[i] = argmax(data, off, k);
          logProbs[i] = categoricalLogProb(data, off, k, actions[i]);
        } else {
          const s = sampleCategorical(data, off, k, rng!, this.probs);
          actions[i] = s.action;
          logProbs[i] = s.logProb;
        }
        values[i] = data[off + k];
      }
      return { actions, logProbs, values };
    }
    const actions = new Float32Array(n * k);
    for (let i = 0; i < n; i++) {
      const off = i * row;
      if (deterministic) {
        for (let d = 0; d < k; d++) actions[i * k + d] = data[off + d];
        logProbs[i] = gaussianLogProb(actions, i * k, data, off, data, off + k, k);
      } else {
        logProbs[i] = sampleGaussian(data, off, data, off + k, k, rng!, actions, i * k);
      }
      values[i] = data[off + 2 * k];
    }
    return { actions, logProbs, values };
  }

  /** V(observation) for `n` observations ([n * obsSize] float32) → [n] float32. */
  async value(observations: Float32Array, n: number): Promise<Float32Array> {
    const v = tf.tidy(() => this.network.predict(this.toTensor(observations, n)).value);
    const data = (await v.data()) as Float32Array;
    v.dispose();
    return data;
  }

  /**
   * tf-side log-probabilities, entropies and values of given actions, differentiable w.r.t. the network.
   * @param obs [batch, obsSize] float32; @param actions discrete [batch] int32, Gaussian [batch, size] float32.
   * @param weights per-layer weights to differentiate against (`network.weightTensors(false)`); default the variable's.
   */
  evaluateActions(obs: tf.Tensor2D, actions: tf.Tensor, weights?: tf.Tensor[]): EvaluatedActions {
    const out = this.network.forward(obs, undefined, weights);
    const stats = out.logits ? categoricalStats(out.logits, actions as tf.Tensor1D) : gaussianStats(out.mean!, out.logStd!, actions as tf.Tensor2D);
    return { ...stats, values: out.value };
  }

  dispose(): void {
    this.network.dispose();
  }
}
