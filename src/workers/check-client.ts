/**
 * The page's handle on a reward check: starts a `check.worker.ts`, runs the check with a time limit
 * and ends the worker whatever happens. An endless loop in user code ends with a message, not a
 * frozen page.
 */
import * as Comlink from 'comlink';
import type { TrackData } from '../track/track-data';
import type { RewardSource } from '../reward/compile';
import type { RewardCheck } from '../reward/sample-states';
import type { CheckWorker } from './check.worker';
import { pyodideIndexURL } from './pyodide-url';

/** Time a check may take once the worker has started, ms: Python includes loading Pyodide. */
export const CHECK_TIME_LIMIT_MS = { python: 20_000, javascript: 2_000 } as const;
/** Time the worker itself may take to start, ms (a busy machine during training). */
const START_LIMIT_MS = 30_000;

export type CheckResult = RewardCheck & {
  /** Lines the reward code printed during the check (the first 50). */
  printed: string[];
};

/**
 * Checks reward code on the sample states of `track` in a fresh worker.
 * @returns the rows or the first error; a check over its time limit or a worker that fails comes
 *   back as `{ok: false}` with a message saying so. Never rejects.
 */
export async function checkRewardInWorker(source: RewardSource, track: TrackData): Promise<CheckResult> {
  const worker = new Worker(new URL('./check.worker.ts', import.meta.url), { type: 'module', name: 'raceline-reward-check' });
  const fail = (message: string): CheckResult => ({ ok: false, error: { message, line: null }, printed: [] });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const within = <T>(p: Promise<T>, ms: number, message: string): Promise<T | CheckResult> =>
    Promise.race([p, new Promise<CheckResult>((resolve) => (timer = setTimeout(() => resolve(fail(message)), ms)))]);
  const crashed = new Promise<CheckResult>((resolve) => worker.addEventListener('error', (e) => resolve(fail(`the reward check worker stopped: ${e.message || 'an error with no message'}`))));
  try {
    const remote = Comlink.wrap<CheckWorker>(worker);
    const started = await Promise.race([within(remote.ready(), START_LIMIT_MS, 'the reward check worker did not start'), crashed]);
    clearTimeout(timer);
    if (started !== true) return started;
    const limit = CHECK_TIME_LIMIT_MS[source.language];
    const what = source.language === 'python' ? 'loading Python and running reward_function' : 'running reward_function';
    return await Promise.race([
      within(remote.check(source, track, pyodideIndexURL()) as Promise<CheckResult>, limit, `reward check stopped after ${limit / 1000} s (${what} on the sample states): is there an endless loop?`),
      crashed,
    ]);
  } catch (e) {
    return fail(`reward check failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
}
