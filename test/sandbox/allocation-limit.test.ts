/** Runs in its own process (vitest pool 'forks'), so replacing the globals touches no other test. */
import { describe, expect, it } from 'vitest';
import { limitAllocations } from '../../src/sandbox/allocation-limit';

describe('limitAllocations (the sandbox worker guard)', () => {
  limitAllocations(4);

  it('refuses a single buffer above the limit with a message naming both sizes', () => {
    expect(() => new Uint8Array(8 * 2 ** 20)).toThrow(/refused to allocate 8 MiB at once: reward code may use at most 4 MiB per buffer/);
    expect(() => new Float64Array(2 ** 20)).toThrow(RangeError);
    expect(() => new ArrayBuffer(5 * 2 ** 20)).toThrow(RangeError);
    const Resizable = ArrayBuffer as unknown as new (n: number, options: { maxByteLength: number }) => ArrayBuffer;
    expect(() => new Resizable(8, { maxByteLength: 2 ** 30 })).toThrow(RangeError);
    expect(() => new Float32Array(new Array(2 ** 21).fill(0))).toThrow(RangeError);
  });

  it('leaves small buffers, views on existing buffers and instanceof as they were', () => {
    const a = new Float64Array(1000);
    expect(a).toBeInstanceOf(Float64Array);
    expect(a.buffer).toBeInstanceOf(ArrayBuffer);
    const big = Buffer.alloc(8 * 2 ** 20); // allocated outside the guard, as Pyodide's memory is
    const view = new Uint8Array(big.buffer, big.byteOffset, big.length);
    expect(view.length).toBe(8 * 2 ** 20);
    expect(Uint8Array.from([1, 2, 3])).toEqual(new Uint8Array([1, 2, 3]));
  });
});
