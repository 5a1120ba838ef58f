/**
 * Sector times: where on the track a model loses time. The track is cut into equal runs of waypoints
 * (sectors, numbered from the start line in driving order); every time a car drives through a whole
 * sector, from entering it out of the sector before to leaving it into the sector after, that pass is
 * timed from the logs' timestamps (penalty pauses included: the clock keeps running, as in DeepRacer's
 * races). A sector's time lost is its mean pass time minus its best, and incidents (off track,
 * collisions, reversing) are counted where they happened. This is the racers' "sector analysis" of the
 * DeepRacer log notebooks, done over sim-trace logs (reference/deepracer.md §4).
 */
import { EPISODE_STATUSES } from './sim-trace';
import type { TraceColumns } from './trace-columns';

/** One sector's timings. Times in seconds. */
export interface SectorTiming {
  /** 0-based, in driving order from the start line. */
  index: number;
  /** Waypoints [fromWaypoint, toWaypoint) of the centre line. */
  fromWaypoint: number;
  toWaypoint: number;
  /** Whole passes timed. */
  passes: number;
  /** Mean, best and median pass time; null without a pass. */
  meanS: number | null;
  bestS: number | null;
  medianS: number | null;
  /** meanS − bestS: how much slower than its best the car usually is here; null without a pass. */
  lostS: number | null;
  /** Episode ends and penalties that happened in the sector (off track, crashed, reversed, immobilized). */
  incidents: number;
}

const INCIDENTS = new Set(['off_track', 'crashed', 'reversed', 'immobilized']);

/**
 * Times every whole pass through each sector in the logs.
 * @param traces sim-trace logs (one per iteration), rows of an episode contiguous, `closestWaypoint` in [0, waypointCount).
 * @param waypointCount the track's waypoint count (what `closest_waypoint` indexes).
 * @param sectors how many equal sectors (default 10).
 * @returns one entry per sector, in driving order.
 * @throws RangeError for a waypoint count below the sector count, or a sector count below 2.
 */
export function sectorTimes(traces: readonly TraceColumns[], waypointCount: number, sectors = 10): SectorTiming[] {
  if (!Number.isInteger(sectors) || sectors < 2) throw new RangeError(`sector times: need at least 2 sectors, got ${sectors}`);
  if (!Number.isInteger(waypointCount) || waypointCount < sectors) throw new RangeError(`sector times: ${waypointCount} waypoints cannot make ${sectors} sectors`);
  const sectorOf = (w: number): number => Math.min(sectors - 1, Math.max(0, Math.floor((w * sectors) / waypointCount)));
  const times: number[][] = Array.from({ length: sectors }, () => []);
  const incidents = new Array<number>(sectors).fill(0);
  for (const t of traces) {
    let start = 0;
    while (start < t.length) {
      let end = start + 1;
      while (end < t.length && t.episode[end] === t.episode[start]) end++;
      let current = sectorOf(t.closestWaypoint[start]);
      let entered = false; // an episode starts inside a sector: its first stay is not a whole pass
      let since = t.tstamp[start];
      for (let k = start; k < end; k++) {
        const s = sectorOf(t.closestWaypoint[k]);
        const status = EPISODE_STATUSES[t.status[k]];
        const newPenalty = t.pause[k] > 0 && (k === start || t.pause[k - 1] === 0);
        if ((status && INCIDENTS.has(status)) || newPenalty) incidents[s]++;
        if (s === current) continue;
        const forward = s === (current + 1) % sectors;
        if (entered && forward) times[current].push(t.tstamp[k] - since);
        entered = forward;
        current = s;
        since = t.tstamp[k];
      }
      start = end;
    }
  }
  return times.map((passes, index) => {
    const sorted = [...passes].sort((a, b) => a - b);
    const n = sorted.length;
    const mean = n ? sorted.reduce((a, b) => a + b, 0) / n : null;
    const best = n ? sorted[0] : null;
    const median = n ? (n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2) : null;
    return {
      index,
      fromWaypoint: Math.ceil((index * waypointCount) / sectors),
      toWaypoint: Math.ceil(((index + 1) * waypointCount) / sectors),
      passes: n,
      meanS: mean,
      bestS: best,
      medianS: median,
      lostS: mean !== null && best !== null ? mean - best : null,
      incidents: incidents[index],
    };
  });
}

/**
 * The sector where the most time goes: the largest time lost (penalty pauses inside a pass count
 * there); without any time lost, the most incidents; null when no sector has either.
 */
export function worstSector(timings: readonly SectorTiming[]): SectorTiming | null {
  const byLost = timings.filter((s) => (s.lostS ?? 0) > 0).sort((a, b) => b.lostS! - a.lostS!);
  if (byLost.length) return byLost[0];
  const byIncidents = timings.filter((s) => s.incidents > 0).sort((a, b) => b.incidents - a.incidents);
  return byIncidents[0] ?? null;
}
