import { describe, expect, it } from 'vitest';
import { bestConsecutiveAverage, DEFAULT_RULES, leaderboardCsv, rankEntries, validateEvent, defaultEvent, type RaceOutcome } from '../../src/race/rules';

function outcome(times: number[], over: Partial<RaceOutcome> = {}): RaceOutcome {
  return {
    laps: times.map((timeS, i) => ({ lap: i + 1, timeS, offTracks: 0, crashes: 0, penaltyS: 0 })),
    lapsPlanned: 3, completedFlags: times.map(() => true), offTracks: 0, crashes: 0, resets: 0, penaltyS: 0,
    lastProgress: times.length === 3 ? 100 : 40, status: times.length === 3 ? 'lap_complete' : 'off_track', ...over,
  };
}

describe('ranking (reference/deepracer.md §3.5)', () => {
  it('average of 3 consecutive laps: the best window; trials broken by a failure are not consecutive', () => {
    expect(bestConsecutiveAverage(outcome([10, 9, 8, 12]))).toBeCloseTo(9, 12);
    // Trials: ok, ok, failed, ok, ok → no 3 in a row.
    const broken = outcome([10, 9, 8, 7], { completedFlags: [true, true, false, true, true] });
    expect(bestConsecutiveAverage(broken)).toBeNull();
  });

  it('total time, best lap and average rank the same entries differently', () => {
    const entries = [
      { name: 'steady', outcome: outcome([10, 10, 10]) },
      { name: 'one fast lap', outcome: outcome([8, 12, 12]) },
      { name: 'dnf', outcome: outcome([7]) },
    ];
    const total = rankEntries(entries, { ...DEFAULT_RULES, ranking: 'total_time' });
    expect(total.map((r) => [r.rank, r.name])).toEqual([[1, 'steady'], [2, 'one fast lap'], [null, 'dnf']]);
    const best = rankEntries(entries, { ...DEFAULT_RULES, ranking: 'best_lap', minLaps: 1 });
    expect(best.map((r) => [r.rank, r.name])).toEqual([[1, 'dnf'], [2, 'one fast lap'], [3, 'steady']]);
    const avg = rankEntries(entries, { ...DEFAULT_RULES, ranking: 'average_3' });
    expect(avg.map((r) => r.name)).toEqual(['steady', 'one fast lap', 'dnf']);
    expect(avg[0].timeS).toBe(10);
  });

  it('ties keep entry order; unranked entries follow by laps then progress', () => {
    const rows = rankEntries(
      [
        { name: 'b', outcome: outcome([], { lastProgress: 20 }) },
        { name: 'a', outcome: outcome([], { lastProgress: 60 }) },
        { name: 'x', outcome: outcome([10, 10, 10]) },
        { name: 'y', outcome: outcome([10, 10, 10]) },
      ],
      DEFAULT_RULES,
    );
    expect(rows.map((r) => r.name)).toEqual(['x', 'y', 'a', 'b']);
  });

  it('exports CSV with a header, quoting names that need it', () => {
    const csv = leaderboardCsv(rankEntries([{ name: 'Ada, "the fast"', outcome: outcome([10.1234, 10, 10]) }], DEFAULT_RULES));
    expect(csv).toBe('rank,name,time_s,laps,best_lap_s,total_s,off_tracks,crashes,penalty_s,status\n1,"Ada, ""the fast""",30.123,3,10,30.123,0,0,0,lap_complete\n');
  });

  it('refuses rules out of range, naming the field', () => {
    const e = defaultEvent('reinvent_base');
    expect(() => validateEvent({ ...e, rules: { ...e.rules, laps: 0 } })).toThrow(/laps must be 1\.\.20/);
    expect(() => validateEvent({ ...e, rules: { ...e.rules, laps: 2, ranking: 'average_3', minLaps: 2 } })).toThrow(/at least 3 laps/);
    expect(() => validateEvent({ ...e, rules: { ...e.rules, minLaps: 5 } })).toThrow(/minimum laps/);
    expect(validateEvent(e)).toBe(e);
  });
});
