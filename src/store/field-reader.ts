/**
 * Field checks for `restore` (records.ts): small type tests that carry the words of their error message, and a
 * reader that throws {@link RestoreError} naming the field and the record.
 */
import { RestoreError } from './errors';

/** A short printable form of a value for error messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** A type test with the words for the error message. */
export interface Check<T> {
  test(value: unknown): boolean;
  expected: string;
  /** Phantom, for inference only. */
  readonly _t?: T;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str: Check<string> = { test: (v) => typeof v === 'string', expected: 'a string' };
export const nonEmpty: Check<string> = { test: (v) => typeof v === 'string' && v !== '', expected: 'a non-empty string' };
export const num: Check<number> = { test: (v) => typeof v === 'number' && Number.isFinite(v), expected: 'a finite number' };
export const count: Check<number> = { test: (v) => num.test(v) && (v as number) >= 0, expected: 'a number >= 0' };
export const uint32: Check<number> = {
  test: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff,
  expected: 'an unsigned 32-bit integer',
};
export const object: Check<Record<string, unknown>> = { test: isObject, expected: 'an object' };
export const array: Check<unknown[]> = { test: Array.isArray, expected: 'an array' };
export const defined: Check<unknown> = { test: (v) => v !== undefined, expected: 'a value' };
/** Tag test, so that an ArrayBuffer from another realm (worker, test environment) still counts. */
export const arrayBuffer: Check<ArrayBuffer> = {
  test: (v) => Object.prototype.toString.call(v) === '[object ArrayBuffer]',
  expected: 'an ArrayBuffer',
};
export const oneOf = <T extends string>(...values: T[]): Check<T> => ({
  test: (v) => (values as unknown[]).includes(v),
  expected: `one of ${values.map((x) => `'${x}'`).join(', ')}`,
});
export const nullable = <T>(c: Check<T>): Check<T | null> => ({ test: (v) => v === null || c.test(v), expected: `${c.expected} or null` });
/** Reads the fields of one raw record, throwing {@link RestoreError} that names the field and the record. */
export class FieldReader {
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly type: string,
    private readonly id: string | null,
  ) {}

  private fail(field: string, what: string): never {
    throw new RestoreError(`${describeRecord(this.type, this.id)}: ${what}`, this.type, this.id, field);
  }

  /** A required field: missing (undefined, or null where null is not allowed) or mistyped throws. */
  req<T>(key: string, check: Check<T>): T {
    const v = this.raw[key];
    if (v === undefined || (v === null && !check.test(null))) {
      this.fail(key, `missing required field '${key}' (${check.expected}); the record is damaged or was not written by Raceline`);
    }
    if (!check.test(v)) this.fail(key, `field '${key}' must be ${check.expected}, got ${show(v)}`);
    return v as T;
  }

  /** An optional field: missing (undefined, or null where null is not allowed) gives `fallback`; mistyped throws. */
  opt<T>(key: string, check: Check<T>, fallback: T): T {
    const v = this.raw[key];
    if (v === undefined || (v === null && !check.test(null))) return fallback;
    if (!check.test(v)) this.fail(key, `field '${key}' must be ${check.expected}, got ${show(v)}`);
    return v as T;
  }
}

/** How a record is named in messages: `model "m-1"`, `weights of model "m-1"`, `run record (no id)`. */
export function describeRecord(type: string, id: string | null): string {
  const noun = type === 'weights' ? 'weights of model' : type;
  return id === null ? `${type} record (no id)` : `${noun} "${id}"`;
}
