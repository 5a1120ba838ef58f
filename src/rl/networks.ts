/**
 * The actor-critic MLP: separate policy and value towers, as CleanRL's `Agent` in `ppo.py` and
 * `ppo_continuous_action.py`, with orthogonal init (gain √2 hidden, 0.01 policy output, 1 value output)
 * and zero biases. Discrete head: logits. Continuous head: a mean and a state-independent log-std.
 *
 * All parameters live in ONE flat float32 `tf.Variable` (layout in `paramLayout`) and are split into
 * per-layer views inside the forward pass: the optimizer and gradient clipping then run as a handful of
 * ops on one vector instead of ~20 ops per layer, and the flat buffer is exactly tf.io's `weightData`.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../sim/rng';
import { activate, dense } from './layers';
import { orthogonalMatrix } from './orthogonal';
import { embed } from './embedders';
import { paramLayout, restoreNetworkSpec, type NetworkSpec, type ParamSpec } from './network-spec';

export { paramLayout, restoreNetworkSpec, type ActionHead, type NetworkSpec, type ParamSpec } from './network-spec';

/** Range the Gaussian head's log-std is clipped to when used (SB3/rl-zoo practice). */
export const LOG_STD_MIN = -20;
export const LOG_STD_MAX = 2;

/** One named weight as plain data (row-major float32). */
export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Forward-pass outputs for a batch of `n` observations. */
export interface NetworkOutput {
  /** [n, actions] float32, discrete head only. */
  logits?: tf.Tensor2D;
  /** [n, size] float32, Gaussian head only. */
  mean?: tf.Tensor2D;
  /** [size] float32, clipped to [LOG_STD_MIN, LOG_STD_MAX], Gaussian head only. */
  logStd?: tf.Tensor1D;
  /** [n] float32, V(observation). */
  value: tf.Tensor1D;
}

/**
 * What a forward pass recorded for a hand-written backward pass (`backprop.ts`): the per-layer weight
 * tensors it used and, per tower, the input of every dense layer (observations, then each hidden activation).
 */
export interface ForwardTrace {
  weights: tf.Tensor[];
  /** [n, width] float32 per dense layer of the policy tower, in order. */
  policyInputs: tf.Tensor2D[];
  /** [n, width] float32 per dense layer of the value tower, in order. */
  valueInputs: tf.Tensor2D[];
}

/** The spec and the flat weights, for storage and for sending to a worker (transfer `weightData`). */
export interface SerializedNetwork {
  spec: NetworkSpec;
  /** float32 little-endian, `paramLayout(spec)` order. */
  weightData: ArrayBuffer;
}

/** A subset of `tf.io.ModelArtifacts` that tf.io's weight helpers (`decodeWeights`) read. */
export interface NetworkArtifacts {
  modelTopology: NetworkSpec;
  format: 'raceline-actor-critic';
  generatedBy: string;
  convertedBy: null;
  weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[];
  weightData: ArrayBuffer;
}

/**
 * Fresh weights, flat float32: orthogonal kernels (gain √2 hidden, 0.01 policy output, 1 value output,
 * CleanRL `layer_init`), zero biases, log-std 0. Same seed, same weights.
 */
export function initialWeights(spec: NetworkSpec, seed: number): Float32Array {
  const rng = new Rng(seed);
  const layout = paramLayout(spec);
  const flat = new Float32Array(layout.reduce((a, p) => a + p.size, 0));
  for (const p of layout) {
    if (!p.name.endsWith('/kernel')) continue; // biases and log-std stay 0
    // Networks with embedders are DeepRacer's: Keras' default init for the embedders and the middleware
    // (and an orthogonal 11,264 × 512 matrix would take a minute to make).
    if (spec.embedder && p.name.includes('/dense_')) {
      flat.set(glorotUniform(p.shape, rng), p.offset);
      continue;
    }
    if (/\/(conv|image_dense|vector_dense)_/.test(p.name)) {
      flat.set(glorotUniform(p.shape, rng), p.offset);
      continue;
    }
    const isOutput = !p.name.includes('/dense_');
    const gain = !isOutput ? Math.SQRT2 : p.name.startsWith('policy/') ? 0.01 : 1;
    flat.set(orthogonalMatrix(p.shape[0], p.shape[1], gain, rng), p.offset);
  }
  return flat;
}

/** Glorot-uniform kernel (Keras `glorot_uniform`): U(±√(6 / (fanIn + fanOut))), fans as Keras counts them. */
function glorotUniform(shape: number[], rng: Rng): Float32Array {
  const receptive = shape.length === 4 ? shape[0] * shape[1] : 1;
  const fanIn = shape.at(-2)! * receptive;
  const fanOut = shape.at(-1)! * receptive;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = (rng.uniform() * 2 - 1) * limit;
  return out;
}

export class ActorCriticNetwork {
  readonly spec: NetworkSpec;
  readonly layout: ParamSpec[];
  readonly numParams: number;
  /** [numParams] float32, every weight in `layout` order. */
  private readonly params: tf.Variable<tf.Rank.R1>;
  /** Per-layer views of `params` for inference; rebuilt after every change. */
  private views: tf.Tensor[] | null = null;

  /** @param weights flat float32 in `paramLayout(spec)` order. @throws Error on a length mismatch. */
  constructor(spec: NetworkSpec, weights: Float32Array) {
    this.spec = restoreNetworkSpec(spec);
    this.layout = paramLayout(this.spec);
    this.numParams = this.layout.reduce((a, p) => a + p.size, 0);
    if (weights.length !== this.numParams) throw new Error(`ActorCriticNetwork: ${weights.length} weights given, the spec needs ${this.numParams}`);
    const initial = tf.tensor1d(weights, 'float32');
    this.params = tf.variable(initial, true, undefined, 'float32');
    initial.dispose();
  }

  /** A network with seeded initial weights (`initialWeights`). */
  static create(spec: NetworkSpec, seed: number): ActorCriticNetwork {
    return new ActorCriticNetwork(spec, initialWeights(spec, seed));
  }

  /** The single trainable variable, [numParams] float32 (for `tf.variableGrads`). */
  get trainableVariable(): tf.Variable<tf.Rank.R1> {
    return this.params;
  }

  /**
   * Differentiable forward pass. @param obs [n, obsSize].
   * @param trace when given, filled with what `backprop.ts` needs to differentiate by hand.
   * @param weights per-layer tensors to use (`weightTensors(false)`, as leaves of a `tf.grads` tape);
   *   default: views split from the variable inside the tape.
   */
  forward(obs: tf.Tensor2D, trace?: ForwardTrace, weights: tf.Tensor[] = this.weightTensors()): NetworkOutput {
    if (trace) trace.weights = weights;
    return this.run(obs, weights, trace);
  }

  /**
   * Per-layer tensors from the flat variable, `layout` order (1-D ones need no reshape: every op counts on wasm).
   * @param differentiable true (default): `tf.split`, so gradients reach the variable. false: copies
   *   outside any tape; on wasm each part is read alone, where tfjs-wasm's Slice copies the whole input
   *   once per part (measured: 1.1 s to split DeepRacer's 11.5 M-weight shallow camera network, 30 ms this way).
   */
  weightTensors(differentiable = true): tf.Tensor[] {
    const shaped = (t: tf.Tensor, i: number) => (this.layout[i].shape.length === 1 ? t : t.reshape(this.layout[i].shape));
    if (!differentiable && tf.getBackend() === 'wasm') {
      const backend = tf.backend() as unknown as { readSync(dataId: object, start: number, end: number): Float32Array };
      return this.layout.map((p) => tf.tensor(backend.readSync(this.params.dataId, p.offset, p.offset + p.size), p.shape, 'float32'));
    }
    return tf.split(this.params, this.layout.map((p) => p.size)).map(shaped);
  }

  /** Inference forward pass with cached views; do not take gradients through it. @param obs [n, obsSize]. */
  predict(obs: tf.Tensor2D): NetworkOutput {
    if (this.views === null) this.views = tf.tidy(() => this.weightTensors(false).map((t) => tf.keep(t)));
    return this.run(obs, this.views);
  }

  private run(obs: tf.Tensor2D, w: tf.Tensor[], trace?: ForwardTrace): NetworkOutput {
    if (obs.shape[1] !== this.spec.observationSize) {
      throw new Error(`ActorCriticNetwork: observations have ${obs.shape[1]} features, the network expects ${this.spec.observationSize}`);
    }
    let k = 0;
    const embedder = this.spec.embedder;
    if (embedder && trace) throw new Error('ActorCriticNetwork: networks with embedders are trained with autodiff only');
    const tower = (inputs: tf.Tensor2D[] | undefined): tf.Tensor2D => {
      let h = obs;
      if (embedder) {
        const e = embed(obs, embedder, w, k);
        h = e.out;
        k = e.next;
      }
      for (let i = 0; i < this.spec.hiddenSizes.length; i++) {
        inputs?.push(h);
        // The first layer reads observations, which need no gradient (an embedding does).
        h = activate(dense(h, w[k] as tf.Tensor2D, w[k + 1] as tf.Tensor1D, i > 0 || !!embedder), this.spec.activation);
        k += 2;
      }
      inputs?.push(h);
      const out = dense(h, w[k] as tf.Tensor2D, w[k + 1] as tf.Tensor1D);
      k += 2;
      return out;
    };
    const head = tower(trace?.policyInputs);
    const out: Partial<NetworkOutput> = {};
    if (this.spec.head.type === 'discrete') out.logits = head;
    else {
      out.mean = head;
      out.logStd = tf.clipByValue(w[k++], LOG_STD_MIN, LOG_STD_MAX) as tf.Tensor1D;
    }
    out.value = tf.reshape(tower(trace?.valueInputs), [obs.shape[0]]) as tf.Tensor1D;
    return out as NetworkOutput;
  }

  /** Adds `delta` ([numParams] float32) to the weights (an optimizer step). */
  applyUpdate(delta: tf.Tensor1D): void {
    tf.tidy(() => this.params.assign(tf.add(this.params, delta)));
    this.invalidateViews();
  }

  /** Flat float32 copy of every weight in `layout` order (one async read: GPU backends have no sync read). */
  async getFlatWeights(): Promise<Float32Array> {
    return (await this.params.data()) as Float32Array;
  }

  /** Every weight as `{name, shape, data}` in `layout` order. */
  async getWeights(): Promise<NamedWeight[]> {
    const flat = await this.getFlatWeights();
    return this.layout.map((p) => ({ name: p.name, shape: [...p.shape], data: flat.slice(p.offset, p.offset + p.size) }));
  }

  /**
   * Replaces the weights: a flat array in `layout` order, or named weights (all of them, any order).
   * @throws Error for a missing, unknown or wrongly shaped weight.
   */
  setWeights(weights: Float32Array | NamedWeight[]): void {
    let flat: Float32Array;
    if (weights instanceof Float32Array) {
      if (weights.length !== this.numParams) throw new Error(`setWeights: ${weights.length} values given, the network has ${this.numParams}`);
      flat = weights;
    } else {
      flat = new Float32Array(this.numParams);
      const byName = new Map(weights.map((w) => [w.name, w]));
      for (const p of this.layout) {
        const w = byName.get(p.name);
        if (!w) throw new Error(`setWeights: weight '${p.name}' is missing`);
        if (w.shape.join(',') !== p.shape.join(',') || w.data.length !== p.size) {
          throw new Error(`setWeights: '${p.name}' has shape [${w.shape}], expected [${p.shape}]`);
        }
        flat.set(w.data, p.offset);
        byName.delete(p.name);
      }
      if (byName.size > 0) throw new Error(`setWeights: unknown weights ${[...byName.keys()].join(', ')}`);
    }
    tf.tidy(() => this.params.assign(tf.tensor1d(flat, 'float32')));
    this.invalidateViews();
  }

  /** Spec plus a copy of the flat weights. */
  async serialize(): Promise<SerializedNetwork> {
    const flat = await this.getFlatWeights();
    return { spec: structuredClone(this.spec), weightData: flat.buffer.slice(flat.byteOffset, flat.byteOffset + flat.byteLength) as ArrayBuffer };
  }

  /** Rebuilds a network from `serialize()` output. @throws Error for a bad spec or weight size. */
  static fromSerialized(s: SerializedNetwork): ActorCriticNetwork {
    const spec = restoreNetworkSpec(s.spec);
    return new ActorCriticNetwork(spec, new Float32Array(s.weightData.slice(0)));
  }

  /**
   * tf.io-style artifacts: `weightSpecs` + `weightData` in tf.io's layout (so `tf.io.decodeWeights`
   * reads them), the spec as `modelTopology`. Write with `modelJson` + the raw `weightData`.
   */
  async toArtifacts(): Promise<NetworkArtifacts> {
    const s = await this.serialize();
    return {
      modelTopology: s.spec,
      format: 'raceline-actor-critic',
      generatedBy: 'raceline',
      convertedBy: null,
      weightSpecs: this.layout.map((p) => ({ name: p.name, shape: [...p.shape], dtype: 'float32' as const })),
      weightData: s.weightData,
    };
  }

  /**
   * Loads `toArtifacts()` output (or a `tf.io.ModelArtifacts` with the same fields; sharded weight data
   * is joined). @throws Error when the weight specs do not match the spec's layout.
   */
  static fromArtifacts(a: { modelTopology?: unknown; weightSpecs?: { name: string; shape: number[]; dtype?: string }[]; weightData?: ArrayBuffer | ArrayBuffer[] }): ActorCriticNetwork {
    const spec = restoreNetworkSpec(a.modelTopology);
    const layout = paramLayout(spec);
    const specs = a.weightSpecs ?? [];
    if (specs.length !== layout.length || specs.some((w, i) => w.name !== layout[i].name || w.shape.join(',') !== layout[i].shape.join(',') || (w.dtype ?? 'float32') !== 'float32')) {
      throw new Error(`fromArtifacts: weightSpecs do not match the network spec (expected ${layout.map((p) => `${p.name}[${p.shape}]`).join(', ')})`);
    }
    const parts = a.weightData === undefined ? [] : Array.isArray(a.weightData) ? a.weightData : [a.weightData];
    const bytes = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
    let at = 0;
    for (const b of parts) {
      bytes.set(new Uint8Array(b), at);
      at += b.byteLength;
    }
    const expected = layout.reduce((n, p) => n + p.size, 0) * 4;
    if (bytes.byteLength !== expected) throw new Error(`fromArtifacts: weightData has ${bytes.byteLength} bytes, the spec needs ${expected}`);
    return new ActorCriticNetwork(spec, new Float32Array(bytes.buffer));
  }

  private invalidateViews(): void {
    this.views?.forEach((v) => v.dispose());
    this.views = null;
  }

  /** Frees the variable and the cached views. */
  dispose(): void {
    this.invalidateViews();
    this.params.dispose();
  }
}

/** tf.io's `model.json` object for artifacts whose weights are written to one file at `weightsPath`. */
export function modelJson(a: NetworkArtifacts, weightsPath = 'weights.bin'): Record<string, unknown> {
  return {
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [weightsPath], weights: a.weightSpecs }],
  };
}

/**
 * Loads a network from a parsed `model.json` (from `modelJson`) and the bytes of its single weights file.
 * @throws Error when the manifest is not one weights file or does not match the spec.
 */
export function networkFromModelJson(json: { modelTopology?: unknown; weightsManifest?: { paths: string[]; weights: { name: string; shape: number[]; dtype?: string }[] }[] }, weightData: ArrayBuffer): ActorCriticNetwork {
  const manifest = json.weightsManifest;
  if (!manifest || manifest.length !== 1) throw new Error('networkFromModelJson: expected a weightsManifest with one group');
  return ActorCriticNetwork.fromArtifacts({ modelTopology: json.modelTopology, weightSpecs: manifest[0].weights, weightData });
}
