/**
 * Observation and action spaces, after Gymnasium's `spaces.Box` and `spaces.Discrete`
 * (https://gymnasium.farama.org/api/spaces/fundamental/).
 */

/** A box of real vectors; `low`/`high` have `size` entries (±Infinity for unbounded). */
export interface BoxSpace {
  readonly type: 'box';
  /** Shape of one sample, e.g. `[17]` for a vector or `[120, 160, 1]` for an image. */
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
}

/** Integers `0 .. n-1`. */
export interface DiscreteSpace {
  readonly type: 'discrete';
  readonly n: number;
}

export type Space = BoxSpace | DiscreteSpace;

/** Number of scalars in one sample of a box space. */
export function spaceSize(space: BoxSpace): number {
  return space.shape.reduce((a, b) => a * b, 1);
}

/**
 * Builds a box space.
 * @param shape sample shape; @param low,high scalar bounds for every entry or per-entry arrays.
 * @throws Error when an explicit bound array does not have one entry per scalar.
 */
export function box(shape: readonly number[], low: number | ArrayLike<number>, high: number | ArrayLike<number>): BoxSpace {
  const size = shape.reduce((a, b) => a * b, 1);
  const fill = (v: number | ArrayLike<number>, name: string): Float32Array => {
    if (typeof v === 'number') return new Float32Array(size).fill(v);
    if (v.length !== size) throw new Error(`box(): ${name} has ${v.length} entries, the shape [${shape}] needs ${size}`);
    return Float32Array.from(v);
  };
  return { type: 'box', shape: [...shape], low: fill(low, 'low'), high: fill(high, 'high') };
}

/** Builds a discrete space of `n` actions. @throws Error when n is not a positive integer. */
export function discrete(n: number): DiscreteSpace {
  if (!Number.isInteger(n) || n < 1) throw new Error(`discrete(): n must be a positive integer, got ${n}`);
  return { type: 'discrete', n };
}

/** True when every entry of `x` lies inside the box (NaN is outside). */
export function boxContains(space: BoxSpace, x: ArrayLike<number>, offset = 0): boolean {
  const n = space.low.length;
  for (let i = 0; i < n; i++) {
    const v = x[offset + i];
    if (!(v >= space.low[i] && v <= space.high[i])) return false;
  }
  return true;
}
