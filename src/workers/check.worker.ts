/**
 * Check worker: runs the "Check reward function" of the reward editor (`checkRewardSource`) off the
 * page's thread, so user code (an endless loop, a crash, Pyodide's loading) never blocks the page.
 * Short-lived: `check-client.ts` starts one per check and ends it, on time or not.
 */
import * as Comlink from 'comlink';
import { Track } from '../track/track';
import type { TrackData } from '../track/track-data';
import type { RewardSource } from '../reward/compile';
import type { RewardCheck } from '../reward/sample-states';
import { checkRewardSource } from '../reward/check-source';
import { LogLimiter } from './log-limiter';

/** Most printed lines a check sends back. */
const MAX_PRINTED = 50;

export class CheckWorker {
  /** Answers once the worker's code has loaded (the check's time limit starts after). */
  ready(): true {
    return true;
  }

  /**
   * @param pyodideIndexURL where Pyodide's files are (`pyodideIndexURL()` on the page).
   * @returns the check, and the first MAX_PRINTED lines the code printed.
   */
  async check(source: RewardSource, track: TrackData, pyodideIndexURL: string): Promise<RewardCheck & { printed: string[] }> {
    const printed: string[] = [];
    const log = new LogLimiter((line) => printed.push(line), undefined, MAX_PRINTED);
    const result = await checkRewardSource(source, new Track(track), { pyodideIndexURL, onPrint: (line) => log.push(line) });
    return { ...result, printed };
  }
}

Comlink.expose(new CheckWorker());
