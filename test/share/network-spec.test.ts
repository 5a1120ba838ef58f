import { describe, expect, it } from 'vitest';
import { paramLayout, restoreNetworkSpec, type NetworkSpec } from '../../src/rl/networks';
import { readNetworkSpec, weightCount, weightLayout } from '../../src/share/network-spec';

const spec = (over: Partial<NetworkSpec>): NetworkSpec => ({
  type: 'raceline/actor-critic-mlp', version: 1, observationSize: 22, head: { type: 'discrete', n: 10 }, hiddenSizes: [64, 64], activation: 'tanh', ...over,
});

/** What `f` does with `x`: its result, or its error message. */
const outcome = (f: (x: unknown) => unknown, x: unknown): unknown => {
  try {
    return { value: f(x) };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

describe("share's network layout (src/rl/network-spec, without tfjs)", () => {
  it('gives the layout paramLayout gives, for discrete and Gaussian heads, any depth', () => {
    const specs = [
      spec({}), spec({ hiddenSizes: [] }), spec({ hiddenSizes: [8, 16, 4], activation: 'relu' }),
      spec({ head: { type: 'gaussian', size: 2 } }), spec({ observationSize: 64, head: { type: 'discrete', n: 1 }, hiddenSizes: [256, 256] }),
    ];
    for (const s of specs) {
      expect(weightLayout(s)).toEqual(paramLayout(s));
      expect(weightCount(s)).toBe(paramLayout(s).reduce((n, p) => n + p.size, 0));
    }
    expect(weightCount(spec({}))).toBe(11979); // the fixture model
  });

  it('accepts and refuses the specs restoreNetworkSpec does, with the same messages', () => {
    const inputs: unknown[] = [
      spec({}), spec({ head: { type: 'gaussian', size: 2 }, activation: 'relu' }), null, 42, { type: 'keras' },
      { ...spec({}), version: 2 }, spec({ observationSize: 0 }), spec({ observationSize: 2.5 }), spec({ head: { type: 'discrete', n: 0 } }),
      spec({ head: { type: 'beta', size: 2 } as unknown as NetworkSpec['head'] }), spec({ activation: 'gelu' as 'tanh' }),
      { ...spec({}), hiddenSizes: undefined },
    ];
    for (const x of inputs) expect(outcome(readNetworkSpec, x), JSON.stringify(x)).toEqual(outcome(restoreNetworkSpec, x));
    expect(() => weightLayout(spec({ hiddenSizes: [0] }))).toThrow(paramLayoutError(spec({ hiddenSizes: [0] })));
  });
});

function paramLayoutError(s: NetworkSpec): string {
  try {
    paramLayout(s);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('paramLayout accepted the spec');
}
