/**
 * The reward check for code in either language: compiles it with `compileRewardFunction` (loading
 * Pyodide for Python) and runs it on `sampleStates(track)`, applying DeepRacer's rule to each value.
 * Async because Python compiles asynchronously; the studio runs it in `check.worker.ts`, so user
 * code never runs on the page's thread. Pure: no DOM.
 */
import type { Track } from '../track/track';
import { compileRewardFunction, type CompileOptions, type RewardSource } from './compile';
import { checkRewardValue, RewardError } from './reward-function';
import { sampleStates, type RewardCheck } from './sample-states';

/**
 * @param options where Pyodide is (`pyodideIndexURL`) and where printed lines go (`onPrint`).
 * @returns `{ok: true, rows}` with one reward per sample state, or `{ok: false, error}` with the
 *   first problem (syntax error, runtime error, missing `reward_function`, invalid value) and its
 *   line when known; an invalid value names the state it was returned for. Never rejects.
 */
export async function checkRewardSource(source: RewardSource, track: Track, options: CompileOptions = {}): Promise<RewardCheck> {
  try {
    const fn = await compileRewardFunction(source, options);
    const rows: { label: string; reward: number }[] = [];
    for (const { label, params } of sampleStates(track)) {
      try {
        const [value] = fn.evaluate([params]);
        rows.push({ label, reward: checkRewardValue(value, params.steps) });
      } catch (e) {
        if (e instanceof RewardError) throw new RewardError(e.kind, `${e.message} (state: ${label.toLowerCase()})`, e.line);
        throw e;
      }
    }
    return { ok: true, rows };
  } catch (e) {
    if (e instanceof RewardError) return { ok: false, error: { message: e.message, line: e.line } };
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { ok: false, error: { message: `reward check failed: ${message}`, line: null } };
  }
}
