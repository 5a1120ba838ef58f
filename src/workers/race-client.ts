/**
 * The page's handle on a race: spreads the entries over race workers (one per spare core; head to head between
 * models runs in one worker, all cars in one simulator), reports progress, and returns one reply per entry in entry
 * order. The results do not depend on how entries were spread: each entry's race is deterministic on its own.
 */
import * as Comlink from 'comlink';
import type { TrackData } from '../track/track-data';
import type { RaceEventConfig } from '../race/rules';
import type { RaceEntryBlob, RaceReply, RaceWorker } from './race.worker';
import { WASM_PATHS } from './wasm-paths';

export type { RaceEntryBlob, RaceReply } from './race.worker';

/**
 * Runs the event for the entries.
 * @param onProgress overall fraction done, 0..1.
 * @param workers race workers to use (default: spare cores, at least 1, at most the number of entries).
 * @returns per entry, its run or the reason it could not race. Rejects only when a worker cannot start.
 */
export async function runRaceInWorkers(
  event: RaceEventConfig,
  track: TrackData,
  entries: readonly RaceEntryBlob[],
  onProgress?: (fraction: number) => void,
  workers?: number,
): Promise<RaceReply> {
  if (entries.length === 0) return [];
  const together = event.format === 'head_to_model';
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 2;
  const n = together ? 1 : Math.max(1, Math.min(workers ?? cores - 1, entries.length));
  const groups: number[][] = Array.from({ length: n }, () => []);
  entries.forEach((_, i) => groups[i % n].push(i));
  const progress = new Float64Array(entries.length);
  const report = (): void => onProgress?.(progress.reduce((a, b) => a + b, 0) / entries.length);
  const started: Worker[] = [];
  try {
    const replies = await Promise.all(
      groups.map(async (group, w) => {
        const worker = new Worker(new URL('./race.worker.ts', import.meta.url), { type: 'module', name: `raceline-race-${w}` });
        started.push(worker);
        const remote = Comlink.wrap<RaceWorker>(worker);
        const onEntry = Comlink.proxy((k: number, f: number) => {
          if (together) progress.fill(f);
          else progress[group[k]] = f;
          report();
        });
        const reply = await remote.run(
          { event, track, entries: group.map((i) => entries[i]), mode: together ? 'together' : 'each', wasmPaths: WASM_PATHS },
          onEntry,
        );
        for (const i of group) progress[i] = 1;
        report();
        return { group, reply };
      }),
    );
    const out: RaceReply = new Array(entries.length);
    for (const { group, reply } of replies) group.forEach((i, k) => (out[i] = reply[k]));
    return out;
  } finally {
    for (const w of started) w.terminate();
  }
}
