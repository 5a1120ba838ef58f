/**
 * The network spec (what a saved model's `modelTopology` holds), its weight layout and its check,
 * without tfjs, so that code that only reads or writes models (share links, zips, car packs) does not
 * load tfjs. The network itself is `networks.ts`.
 */
import type { Activation } from './config';
import { embedderObservationSize, embedderParams, embeddingWidth, restoreEmbedderSpec, type EmbedderSpec } from './embedder-spec';

/** Output head: `n` discrete actions, or a diagonal Gaussian over `size` reals. */
export type ActionHead = { type: 'discrete'; n: number } | { type: 'gaussian'; size: number };

/**
 * Everything needed to rebuild a network's shape; saved with the weights. Version 1: an MLP on a
 * vector. Version 2 adds DeepRacer's embedders (camera CNN, LiDAR dense) in front of the hidden
 * layers, which then play DeepRacer's middleware (`embedders.ts`).
 */
export interface NetworkSpec {
  type: 'raceline/actor-critic-mlp';
  version: 1 | 2;
  observationSize: number;
  head: ActionHead;
  hiddenSizes: number[];
  activation: Activation;
  /** Version 2 only: the input embedders of each tower. */
  embedder?: EmbedderSpec | null;
}

/** One parameter tensor inside the flat vector: `data[offset .. offset+size)` reshaped to `shape`. */
export interface ParamSpec {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/**
 * Names and shapes of every parameter in flat order: policy tower, policy head, value tower, value head.
 * @throws Error for a spec with non-positive sizes.
 */
export function paramLayout(spec: NetworkSpec): ParamSpec[] {
  const out: ParamSpec[] = [];
  let offset = 0;
  const add = (name: string, shape: number[]) => {
    if (!shape.every((d) => Number.isInteger(d) && d >= 1)) throw new Error(`network spec: ${name} has invalid shape [${shape}]`);
    const size = shape.reduce((a, b) => a * b, 1);
    out.push({ name, shape, offset, size });
    offset += size;
  };
  for (const tower of ['policy', 'value'] as const) {
    let width = spec.observationSize;
    if (spec.embedder) {
      for (const p of embedderParams(tower, spec.embedder)) add(p.name, p.shape);
      width = embeddingWidth(spec.embedder);
    }
    spec.hiddenSizes.forEach((h, i) => {
      add(`${tower}/dense_${i}/kernel`, [width, h]);
      add(`${tower}/dense_${i}/bias`, [h]);
      width = h;
    });
    if (tower === 'value') {
      add('value/out/kernel', [width, 1]);
      add('value/out/bias', [1]);
    } else if (spec.head.type === 'discrete') {
      add('policy/logits/kernel', [width, spec.head.n]);
      add('policy/logits/bias', [spec.head.n]);
    } else {
      add('policy/mean/kernel', [width, spec.head.size]);
      add('policy/mean/bias', [spec.head.size]);
      add('policy/log_std', [spec.head.size]);
    }
  }
  return out;
}

/** Checks a restored spec; the one place old saved versions would be repaired. @throws Error when unusable. */
export function restoreNetworkSpec(raw: unknown): NetworkSpec {
  const s = raw as Partial<NetworkSpec> | null;
  if (s === null || typeof s !== 'object' || s.type !== 'raceline/actor-critic-mlp') {
    throw new Error(`network: expected a spec of type 'raceline/actor-critic-mlp', got ${JSON.stringify((s as { type?: unknown } | null)?.type)}`);
  }
  if (s.version !== 1 && s.version !== 2) throw new Error(`network: spec version ${s.version} is not supported (this build reads versions 1 and 2); update Raceline`);
  if (!Number.isInteger(s.observationSize) || (s.observationSize as number) < 1) throw new Error(`network: bad observationSize ${s.observationSize}`);
  const head = s.head;
  if (!head || (head.type === 'discrete' ? !(head.n >= 1) : head.type === 'gaussian' ? !(head.size >= 1) : true)) {
    throw new Error(`network: bad head ${JSON.stringify(head)}`);
  }
  if (s.activation !== 'tanh' && s.activation !== 'relu') throw new Error(`network: bad activation ${JSON.stringify(s.activation)}`);
  if (!Array.isArray(s.hiddenSizes)) throw new Error('network: hiddenSizes missing');
  const base = { type: s.type, observationSize: s.observationSize as number, head, hiddenSizes: [...s.hiddenSizes], activation: s.activation };
  if (s.version === 1) return { ...base, version: 1 };
  const embedder = restoreEmbedderSpec(s.embedder);
  if (embedderObservationSize(embedder) !== base.observationSize) {
    throw new Error(`network: observationSize ${base.observationSize} does not match the embedder's inputs (${embedderObservationSize(embedder)})`);
  }
  return { ...base, version: 2, embedder };
}

