/**
 * Reward functions written in JavaScript with DeepRacer's signature:
 * `function reward_function(params) { ...; return reward; }`.
 *
 * The code is parsed with acorn first, so a syntax error is reported with its line, then compiled
 * with `new Function`. Runtime errors are mapped back to the user's line from the V8 or
 * SpiderMonkey stack. Sandboxing (no storage, network or page) is the job of the worker the code
 * runs in, not of this module.
 */
import { parse } from 'acorn';
import { PARAMS_KEYS, type DeepRacerParams } from './params';
import { RewardError, type RewardFunction } from './reward-function';

/** Lines `new Function` puts before the body ("function anonymous(\n) {"). */
const HEADER_LINES = 2;

/**
 * Compiles JavaScript reward code.
 * @throws RewardError('syntax') with the line for code that does not parse; ('missing-function')
 *   when no `reward_function` is defined; ('runtime') when top-level code throws.
 */
export function compileJsReward(code: string): RewardFunction {
  try {
    parse(code, { ecmaVersion: 'latest', sourceType: 'script' });
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number; column: number } };
    const line = err.loc?.line ?? null;
    const msg = err.message.replace(/\s*\(\d+:\d+\)$/, '');
    throw new RewardError('syntax', `reward_function${line ? ` line ${line}` : ''}: syntax error: ${msg}`, line);
  }
  let fn: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const factory = new Function(`"use strict";\n${code}\n;return typeof reward_function === 'function' ? reward_function : undefined;`);
    fn = factory();
  } catch (e) {
    throw runtimeError(e, 1);
  }
  if (typeof fn !== 'function') {
    throw new RewardError('missing-function', 'no reward_function found: define `function reward_function(params) { ... return reward; }`');
  }
  const user = fn as (params: DeepRacerParams) => unknown;
  let strictCalls = STRICT_CALLS;
  return {
    language: 'javascript',
    evaluate(batch: readonly DeepRacerParams[]): unknown[] {
      const out = new Array<unknown>(batch.length);
      for (let i = 0; i < batch.length; i++) {
        try {
          out[i] = user(strictCalls > 0 ? (strictCalls--, strictParams(batch[i])) : batch[i]);
        } catch (e) {
          throw runtimeError(e, 1);
        }
      }
      return out;
    },
  };
}

/**
 * Calls of a new function that see params behind a Proxy which throws on unknown keys, so a typo
 * such as `params.progres` is caught with a "did you mean" instead of silently giving undefined.
 * Later calls get the plain object (a Proxy costs on the hot path).
 */
const STRICT_CALLS = 256;

function strictParams(params: DeepRacerParams): DeepRacerParams {
  return new Proxy(params, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target) && /^[a-z_][a-z0-9_]*$/.test(key)) {
        const best = closestKey(key);
        throw new ReferenceError(`'${key}' is not a key of params${best ? ` (did you mean '${best}'?)` : ''}`);
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

/** Converts an exception from user code into a RewardError naming the user's line. */
function runtimeError(e: unknown, extraLines: number): RewardError {
  const err = e instanceof Error ? e : new Error(String(e));
  const line = userLine(err.stack ?? '', HEADER_LINES + extraLines);
  let message = `${err.name}: ${err.message}`;
  const hint = keyHint(err.message);
  if (hint) message += ` (${hint})`;
  return new RewardError('runtime', `reward_function${line ? ` line ${line}` : ''}: ${message}`, line);
}

/** First stack frame inside the compiled code, as a 1-based user line. */
function userLine(stack: string, offset: number): number | null {
  // V8: "(eval at ..., <anonymous>:5:6)"; SpiderMonkey: "line 10 > Function:5:6".
  const m = /<anonymous>:(\d+):\d+/.exec(stack) ?? /> Function:(\d+):\d+/.exec(stack);
  if (!m) return null;
  const line = Number(m[1]) - offset;
  return line >= 1 ? line : null;
}

/** "did you mean" for a misspelt params key mentioned in an error message. */
function keyHint(message: string): string | null {
  const m = /'([a-z_]+)'/.exec(message) ?? /reading '([a-z_]+)'/.exec(message);
  if (!m || (PARAMS_KEYS as readonly string[]).includes(m[1])) return null;
  const best = closestKey(m[1]);
  return best ? `is '${m[1]}' a misspelt params key? did you mean '${best}'?` : null;
}

/** The params key nearest to `word` by edit distance, if within 2 edits. */
export function closestKey(word: string): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const k of PARAMS_KEYS) {
    const d = editDistance(word, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
