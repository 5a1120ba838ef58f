import { describe, expect, it } from 'vitest';
import { bestTrialIndex, checkClaim, claimFromTrials, evaluationRecord, thinPath } from '../../src/ui/evaluation-record';
import { restoreAs } from '../../src/store/records';
import type { TrialResult } from '../../src/race/evaluate';

const trial = (i: number, lapTimeS: number | null, progress = lapTimeS === null ? 40 : 100, path?: Float32Array): TrialResult => ({
  trial: i, progress, lapTimeS, steps: 300, status: lapTimeS === null ? 'off_track' : 'lap_complete', offTrackCount: lapTimeS === null ? 1 : 0, ...(path ? { path } : {}),
});

/** A path of `steps` poses (x = k m, y = 2k m, heading 0). */
const path = (steps: number) => Float32Array.from({ length: steps * 3 }, (_, i) => (i % 3 === 0 ? i / 3 : i % 3 === 1 ? (2 * (i - 1)) / 3 : 0));

describe('evaluation records', () => {
  it('picks the fastest lap, else the furthest trial', () => {
    expect(bestTrialIndex([trial(0, 30), trial(1, 28.5), trial(2, null, 99)])).toBe(1);
    expect(bestTrialIndex([trial(0, null, 20), trial(1, null, 60), trial(2, null, 60)])).toBe(1);
    expect(bestTrialIndex([trial(0, null, 99), trial(1, 40)])).toBe(1);
    expect(bestTrialIndex([])).toBe(-1);
  });

  it('thins a path to at most the limit, keeping its ends, in metres rounded to 1 mm', () => {
    const thin = thinPath(path(1000), 50);
    expect(thin.length / 2).toBeLessThanOrEqual(50);
    expect(thin.slice(0, 2)).toEqual([0, 0]);
    expect(thin.slice(-2)).toEqual([999, 1998]);
    expect(thinPath(Float32Array.from([1.23456, -2.34567, 0]))).toEqual([1.235, -2.346]);
    expect(thinPath(new Float32Array(0))).toEqual([]);
  });

  it('stores trials without paths, the summary and the best trial path, as a record restore accepts', () => {
    const record = evaluationRecord('m', 'reinvent_base', 7, [trial(0, 30, 100, path(10)), trial(1, 25, 100, path(20))], 1234);
    expect(restoreAs(record, 'evaluation')).toEqual(record);
    expect(record.trials.every((t) => !('path' in t))).toBe(true);
    expect(record.summary).toEqual({ completed: 2, trials: 2, meanLapTimeS: 27.5, meanProgress: 100 });
    expect(record.bestPath?.slice(-2)).toEqual([19, 38]); // trial 2, the faster lap
    expect(evaluationRecord('m', 'x', 1, [trial(0, 30)]).bestPath).toBeNull();
  });

  it('checks a re-run against a claim trial by trial', () => {
    const claim = claimFromTrials(5, [trial(0, 27.2), trial(1, null, 81.25)]);
    expect(claim).toEqual({ seed: 5, trials: [{ progress: 100, lapTimeS: 27.2, steps: 300, status: 'lap_complete' }, { progress: 81.25, lapTimeS: null, steps: 300, status: 'off_track' }] });
    expect(checkClaim(claim, [trial(0, 27.2), trial(1, null, 81.25)])).toEqual({ reproduced: true, differences: [] });
    const off = checkClaim(claim, [trial(0, 27.266666), trial(1, 30.1)]);
    expect(off.reproduced).toBe(false);
    expect(off.differences).toEqual(['trial 1: claimed 27.20 s, got 27.27 s', 'trial 2: claimed no lap (off_track at 81.3%), got 30.10 s']);
    expect(checkClaim(claim, [trial(0, 27.2)]).differences).toEqual(['claimed 2 trials, ran 1']);
  });
});
