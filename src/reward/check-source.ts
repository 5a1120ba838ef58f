/**
 * The reward check for code in either language: compiles it with `compileRewardFunction` (loading
 * Pyodide for Python) and runs it on `sampleStates(track)`, applying DeepRacer's rule to each value.
 * Async because Python compiles asynchronously; the studio runs it in the sandbox worker
 * (`src/sandbox/reward-host.ts`), so user code never runs on the page. Pure: no DOM.
 */
import type { Track } from '../track/track';
import { compileRewardFunction, type CompileOptions, type RewardSource } from './compile';
import type { RewardFunction } from './reward-function';
import { runRewardCheck, checkFailure, type RewardCheck } from './sample-states';

/**
 * @param options where Pyodide is (`pyodideIndexURL`) and where printed lines go (`onPrint`).
 * @returns `{ok: true, rows}` with one reward per sample state, or `{ok: false, error}` with the
 *   first problem (syntax error, runtime error, missing `reward_function`, invalid value) and its
 *   line when known; an invalid value names the state it was returned for. Never rejects.
 */
export async function checkRewardSource(source: RewardSource, track: Track, options: CompileOptions = {}): Promise<RewardCheck> {
  let fn: RewardFunction;
  try {
    fn = await compileRewardFunction(source, options);
  } catch (e) {
    return checkFailure(e);
  }
  return runRewardCheck(fn, track);
}

