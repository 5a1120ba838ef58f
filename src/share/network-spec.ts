/**
 * The network spec's weight layout and its check, without tfjs: `src/rl/networks.ts` defines them next to the
 * tfjs network, and importing that module would put all of tfjs (over a megabyte) into every page that opens a
 * share link. These two functions give the same answers as `paramLayout` and `restoreNetworkSpec` there;
 * `test/share/network-spec.test.ts` fails the moment they differ. (When `src/rl` moves them into a tfjs-free
 * module, import them from there and delete this file.)
 */
import type { NetworkSpec, ParamSpec } from '../rl/networks';

/**
 * Names and shapes of every parameter in flat order: policy tower and head (`policy/log_std` after the mean for a
 * Gaussian head), then value tower and head. Same as `paramLayout` in `src/rl/networks.ts`.
 * @throws Error for non-positive or non-integer sizes.
 */
export function weightLayout(spec: NetworkSpec): ParamSpec[] {
  const out: ParamSpec[] = [];
  let offset = 0;
  const add = (name: string, shape: number[]): void => {
    if (!shape.every((d) => Number.isInteger(d) && d >= 1)) throw new Error(`network spec: ${name} has invalid shape [${shape}]`);
    const size = shape.reduce((a, b) => a * b, 1);
    out.push({ name, shape, offset, size });
    offset += size;
  };
  for (const tower of ['policy', 'value'] as const) {
    let width = spec.observationSize;
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

/** Number of float32 weights of a spec. @throws Error as {@link weightLayout}. */
export function weightCount(spec: NetworkSpec): number {
  return weightLayout(spec).reduce((n, p) => n + p.size, 0);
}

/**
 * Checks a spec read from a file or link and returns a clean copy; same rules as `restoreNetworkSpec`.
 * @throws Error naming what is wrong: type, version, observation size, head, activation, hidden sizes.
 */
export function readNetworkSpec(raw: unknown): NetworkSpec {
  const s = raw as Partial<NetworkSpec> | null;
  if (s === null || typeof s !== 'object' || s.type !== 'raceline/actor-critic-mlp') {
    throw new Error(`network: expected a spec of type 'raceline/actor-critic-mlp', got ${JSON.stringify((s as { type?: unknown } | null)?.type)}`);
  }
  if (s.version !== 1) throw new Error(`network: spec version ${s.version} is not supported (this build reads version 1)`);
  if (!Number.isInteger(s.observationSize) || (s.observationSize as number) < 1) throw new Error(`network: bad observationSize ${s.observationSize}`);
  const head = s.head;
  if (!head || (head.type === 'discrete' ? !(head.n >= 1) : head.type === 'gaussian' ? !(head.size >= 1) : true)) {
    throw new Error(`network: bad head ${JSON.stringify(head)}`);
  }
  if (s.activation !== 'tanh' && s.activation !== 'relu') throw new Error(`network: bad activation ${JSON.stringify(s.activation)}`);
  if (!Array.isArray(s.hiddenSizes)) throw new Error('network: hiddenSizes missing');
  return { type: s.type, version: 1, observationSize: s.observationSize as number, head, hiddenSizes: [...s.hiddenSizes], activation: s.activation };
}
