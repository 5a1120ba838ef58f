/**
 * The page's limit laps: one worker (started on first use, kept while the page is open) computes each track's limit
 * lap once; later asks for the same track and direction get the kept result.
 */
import * as Comlink from 'comlink';
import type { TrackData } from '../track/track-data';
import type { LimitLapReply, LimitLapWorker } from './limit-lap.worker';

let worker: Comlink.Remote<LimitLapWorker> | null = null;
const kept = new Map<string, Promise<LimitLapReply>>();

/** What identifies a track's geometry: its name, direction and waypoints (an imported track may reuse a name). */
function keyOf(data: TrackData, reversed: boolean): string {
  const w = data.waypoints;
  const last = w[w.length - 1] ?? [];
  return `${data.name}|${reversed ? 'r' : 'f'}|${w.length}|${last.join(',')}`;
}

/**
 * The limit lap of a track, computed in the limit-lap worker.
 * @param reversed the track driven the other way (DeepRacer's reverse direction).
 * @returns the lap and its sector times; rejects with the worker's Error for a track it cannot be computed on.
 */
export function limitLapOf(data: TrackData, reversed = false): Promise<LimitLapReply> {
  const key = keyOf(data, reversed);
  let p = kept.get(key);
  if (!p) {
    worker ??= Comlink.wrap<LimitLapWorker>(new Worker(new URL('./limit-lap.worker.ts', import.meta.url), { type: 'module', name: 'raceline-limit-lap' }));
    p = worker.compute(plainCopy(data), reversed);
    p.catch(() => kept.delete(key));
    kept.set(key, p);
  }
  return p;
}

/** A plain copy of track data that structured clone takes (Svelte state proxies are not cloneable). */
function plainCopy(data: TrackData): TrackData {
  return JSON.parse(JSON.stringify(data)) as TrackData;
}
