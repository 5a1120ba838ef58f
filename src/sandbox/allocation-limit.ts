/**
 * A guard, not a boundary: refuses single buffer allocations above a limit in the sandbox worker
 * (`new ArrayBuffer(n)`, `new Float64Array(n)` and the other typed arrays, resizable buffers'
 * `maxByteLength`), so that a reward function asking for gigabytes fails at once with a clear
 * RangeError instead of growing the sandbox process. What this does not catch (many small
 * allocations, huge JS arrays or strings) is stopped by the real boundaries: the sandbox frame's
 * own process, which the browser ends when it runs out of memory, and the page's liveness check
 * (docs/security.md). Views on existing buffers (Pyodide's memory views) are not affected.
 */

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

/**
 * Replaces the global buffer constructors with ones that refuse more than `limitMiB` at once.
 * @param limitMiB largest single allocation, MiB (≤ 0 or non-finite: no limit).
 */
export function limitAllocations(limitMiB: number): void {
  if (!(limitMiB > 0) || !Number.isFinite(limitMiB)) return;
  const limit = limitMiB * 2 ** 20;
  const check = (bytes: number) => {
    if (bytes > limit) {
      throw new RangeError(
        `Raceline's reward sandbox refused to allocate ${(bytes / 2 ** 20).toFixed(0)} MiB at once: reward code may use at most ${limitMiB} MiB per buffer (a reward function needs a few kilobytes)`,
      );
    }
  };
  const g = globalThis as unknown as Record<string, unknown>;
  g.ArrayBuffer = new Proxy(ArrayBuffer, {
    construct(target, args, newTarget) {
      check(Number(args[0]) || 0);
      const max = (args[1] as { maxByteLength?: unknown } | undefined)?.maxByteLength;
      if (max !== undefined) check(Number(max) || 0);
      return Reflect.construct(target, args, newTarget);
    },
  });
  for (const name of TYPED_ARRAYS) {
    const ctor = g[name] as (new (...a: unknown[]) => unknown) & { BYTES_PER_ELEMENT: number };
    if (typeof ctor !== 'function') continue;
    g[name] = new Proxy(ctor, {
      construct(target, args, newTarget) {
        if (typeof args[0] === 'number') check(args[0] * ctor.BYTES_PER_ELEMENT);
        else if (args[0] && typeof args[0] === 'object' && !(args[0] instanceof ArrayBuffer) && typeof (args[0] as { length?: unknown }).length === 'number') {
          check((args[0] as { length: number }).length * ctor.BYTES_PER_ELEMENT);
        }
        return Reflect.construct(target, args, newTarget);
      },
    });
  }
}
