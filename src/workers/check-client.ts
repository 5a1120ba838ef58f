/**
 * The page's handle on a reward check: opens a reward sandbox (docs/security.md), runs the check in
 * a worker there with a time limit, and closes the sandbox whatever happens. An endless loop or a
 * runaway allocation in user code ends with a message, never a frozen page.
 */
import * as Comlink from 'comlink';
import type { TrackData } from '../track/track-data';
import type { RewardSource } from '../reward/compile';
import type { RewardCheck } from '../reward/sample-states';
import type { RewardHost } from '../sandbox/reward-host';
import { RewardSandbox } from '../sandbox/reward-sandbox';

/** Time a check may take once the sandbox worker has started, ms: Python includes loading Pyodide. */
export const CHECK_TIME_LIMIT_MS = { python: 20_000, javascript: 2_000 } as const;

export type CheckResult = RewardCheck & {
  /** Lines the reward code printed during the check (the first 200). */
  printed: string[];
};

/**
 * Checks reward code on the sample states of `track` in a fresh sandbox.
 * @returns the rows or the first error; a check over its time limit, or a sandbox that fails or
 *   stops answering, comes back as `{ok: false}` with a message saying so. Never rejects.
 */
export async function checkRewardInWorker(source: RewardSource, track: TrackData): Promise<CheckResult> {
  const fail = (message: string): CheckResult => ({ ok: false, error: { message, line: null }, printed: [] });
  let sandbox: RewardSandbox | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    sandbox = await RewardSandbox.open();
    const { port } = await sandbox.startWorker(source.language);
    const host = Comlink.wrap<RewardHost>(port);
    const limit = CHECK_TIME_LIMIT_MS[source.language];
    const what = source.language === 'python' ? 'loading Python and running reward_function' : 'running reward_function';
    const overdue = new Promise<'overdue'>((resolve) => (timer = setTimeout(() => resolve('overdue'), limit)));
    const result = await Promise.race([host.check(source, track), overdue]);
    if (result !== 'overdue') return result;
    if (!(await sandbox.survives())) {
      return fail(`reward check stopped: the sandbox stopped answering (${what} used too much memory?)`);
    }
    return fail(`reward check stopped after ${limit / 1000} s (${what} on the sample states): is there an endless loop?`);
  } catch (e) {
    return fail(`reward check failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearTimeout(timer);
    sandbox?.close();
  }
}
