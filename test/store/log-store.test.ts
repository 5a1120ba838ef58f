import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LogStore, restoreTrace, simTraceForModel } from '../../src/store/log-store';
import { TraceBuilder, tracesToCsv } from '../../src/race/trace-columns';
import { parseSimTrace } from '../../src/race/sim-trace';
import { RestoreError } from '../../src/store/errors';

let dbCount = 0;
function freshStore(): LogStore {
  return new LogStore(`raceline-logs-test-${process.pid}-${dbCount++}`);
}

function trace(episodes: number, steps: number, shift = 0) {
  const b = new TraceBuilder(4);
  for (let e = 0; e < episodes; e++) {
    for (let s = 1; s <= steps; s++) {
      b.push({
        episode: e, steps: s, x: 3.1999 + s * 0.05 + shift, y: 0.6831, yaw: 0.5, steer: -15, throttle: 1, action: 3, reward: 1e-3 * s,
        done: s === steps, allWheelsOnTrack: s % 5 !== 0, progress: s * 1.5, closestWaypoint: s, trackLen: 17.71, tstamp: s / 15,
        episodeStatus: s === 1 ? 'prepare' : s === steps ? 'off_track' : 'in_progress', pauseDuration: 0, obstacleCrashCounter: null, wallClock: null,
      });
    }
  }
  return b.build();
}

describe('LogStore', () => {
  it('keeps logs per owner, phase and iteration, and gives the model zip its CSV files', async () => {
    const store = freshStore();
    await store.putTrace('run-1', 'training', 1, trace(2, 5, 1));
    await store.putTrace('run-1', 'training', 0, trace(3, 4));
    await store.putTrace('model-1', 'evaluation', 0, trace(1, 6));
    await store.putTrace('run-2', 'training', 0, trace(1, 2));
    const logs = await simTraceForModel(store, { id: 'model-1', runId: 'run-1' });
    expect(logs.training.map((l) => l.iteration)).toEqual([0, 1]);
    expect(logs.evaluation.map((l) => l.iteration)).toEqual([0]);
    expect(logs.training[0].csv).toBe(tracesToCsv(trace(3, 4)));
    expect(parseSimTrace(logs.training[1].csv).rows).toHaveLength(10);
    expect(await store.summary('run-1')).toEqual([
      { phase: 'training', iteration: 0, steps: 12 },
      { phase: 'training', iteration: 1, steps: 10 },
    ]);
    await store.deleteOwner('run-1');
    expect((await simTraceForModel(store, { id: 'model-1', runId: 'run-1' })).training).toEqual([]);
    store.close();
  });

  it('an imported model without a run has only its evaluation logs here', async () => {
    const store = freshStore();
    await store.putTrace('m', 'evaluation', 0, trace(1, 3));
    const logs = await simTraceForModel(store, { id: 'm', runId: null });
    expect(logs.training).toEqual([]);
    expect(logs.evaluation).toHaveLength(1);
    store.close();
  });

  it('refuses a damaged record, naming the column', () => {
    const t = trace(1, 3);
    const ok = { type: 'sim-trace', version: 1, id: 'a/training/0', owner: 'a', phase: 'training', iteration: 0, createdAt: 0, columns: t };
    expect(restoreTrace(ok)).toBe(ok);
    expect(() => restoreTrace({ ...ok, columns: { ...t, reward: new Float64Array(1) } })).toThrow(/column 'reward'/);
    expect(() => restoreTrace({ ...ok, version: 2 })).toThrow(RestoreError);
  });
});
