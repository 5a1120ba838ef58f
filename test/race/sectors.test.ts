import { describe, expect, it } from 'vitest';
import { sectorTimes, worstSector } from '../../src/race/sectors';
import { TraceBuilder, type TraceColumns } from '../../src/race/trace-columns';

/**
 * Laps over a 100-waypoint track at one waypoint a step (15 steps a second), except where `slow` says a
 * waypoint takes 3 steps; an episode may stop early off track, and a penalty pause may start at a waypoint.
 */
function log(episodes: { slow?: (w: number) => boolean; stopAt?: number; pauseAt?: number }[]): TraceColumns {
  const b = new TraceBuilder();
  episodes.forEach((ep, e) => {
    let step = 0;
    const last = ep.stopAt ?? 99;
    for (let w = 0; w <= last; w++) {
      const n = ep.slow?.(w) ? 3 : 1;
      for (let r = 0; r < n; r++) {
        step++;
        const end = w === last && r === n - 1;
        b.push({
          episode: e, steps: step, x: w * 0.1, y: 0, yaw: 0, steer: 0, throttle: 1, action: 0, reward: 1,
          done: end, allWheelsOnTrack: true, progress: w, closestWaypoint: w, trackLen: 10,
          tstamp: step / 15, episodeStatus: end ? (ep.stopAt !== undefined ? 'off_track' : 'lap_complete') : 'in_progress',
          pauseDuration: ep.pauseAt === w ? 3 - r : 0, obstacleCrashCounter: null, wallClock: null,
        });
      }
    }
  });
  return b.build();
}

describe('sector times (where on the track time is lost)', () => {
  it('times whole passes only, finds the slow sector, and counts incidents where they happen', () => {
    const inSector3 = (w: number) => w >= 30 && w < 40;
    const traces = [log([{}, { slow: inSector3 }]), log([{ slow: inSector3, stopAt: 75 }])];
    const t = sectorTimes(traces, 100, 10);
    expect(t).toHaveLength(10);
    expect(t.map((s) => [s.fromWaypoint, s.toWaypoint])[3]).toEqual([30, 40]);
    // The first sector is where episodes start (never entered from behind), the last is never left: no whole pass.
    expect(t[0].passes).toBe(0);
    expect(t[9].passes).toBe(0);
    expect(t.slice(1, 7).map((s) => s.passes)).toEqual([3, 3, 3, 3, 3, 3]);
    expect(t[7].passes).toBe(2); // the third episode left the track in sector 7
    expect(t[1].meanS).toBeCloseTo(10 / 15, 9);
    expect(t[1].lostS).toBeCloseTo(0, 9);
    expect(t[3].bestS).toBeCloseTo(10 / 15, 9);
    expect(t[3].meanS).toBeCloseTo((10 + 30 + 30) / 3 / 15, 9);
    expect(t[3].medianS).toBeCloseTo(2, 9);
    expect(t[3].lostS).toBeCloseTo((70 / 3 - 10) / 15, 9);
    expect(t[7].incidents).toBe(1);
    expect(t.reduce((n, s) => n + s.incidents, 0)).toBe(1);
    expect(worstSector(t)?.index).toBe(3);
  });

  it('a penalty pause counts as an incident in its sector; without time lost the incidents decide', () => {
    const t = sectorTimes([log([{}, { pauseAt: 55 }])], 100, 10);
    expect(t[5].incidents).toBe(1);
    expect(worstSector(t)?.index).toBe(5);
    expect(worstSector(sectorTimes([log([{ stopAt: 42 }])], 100, 10))?.index).toBe(4); // no time lost anywhere: the incident decides
    expect(worstSector(sectorTimes([], 100, 10))).toBeNull();
  });

  it('refuses sector counts it cannot make', () => {
    expect(() => sectorTimes([], 5, 10)).toThrow(/5 waypoints cannot make 10 sectors/);
    expect(() => sectorTimes([], 100, 1)).toThrow(/at least 2 sectors/);
  });
});
