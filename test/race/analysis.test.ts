import { describe, expect, it } from 'vitest';
import { actionHistogram, actionMap, actionMeans, aggregateEpisodes, bestEpisodes, fastestLaps, heatMap, iterationStats, spread, thin } from '../../src/race/analysis';
import { rewardGrid, paramsFromRow } from '../../src/race/reward-grid';
import { TraceBuilder, type TraceColumns } from '../../src/race/trace-columns';
import { RacingVectorEnv } from '../../src/sim/racing-env';
import { TraceRecorder } from '../../src/race/trace-columns';
import { defaultActionSpace } from '../../src/sim/action-space';
import { shippedTrack } from '../helpers/tracks';
import { purePursuitDiscrete } from '../helpers/drivers';

/** A log of `episodes` episodes of `steps` steps; episode e completes a lap when `lap(e)`. */
function log(episodes: number, steps: number, lap: (e: number) => boolean, reward = (e: number, s: number) => e + s / 100): TraceColumns {
  const b = new TraceBuilder();
  for (let e = 0; e < episodes; e++) {
    for (let s = 1; s <= steps; s++) {
      const last = s === steps;
      b.push({
        episode: e, steps: s, x: 0.05 + s * 0.1, y: 0.05, yaw: 0, steer: 0, throttle: 1 + (e % 2), action: (e + s) % 3, reward: reward(e, s),
        done: last, allWheelsOnTrack: true, progress: last && lap(e) ? 100 : (s / steps) * 50, closestWaypoint: 0, trackLen: 17.7,
        tstamp: s / 15, episodeStatus: last ? (lap(e) ? 'lap_complete' : 'off_track') : s === 1 ? 'prepare' : 'in_progress', pauseDuration: 0,
        obstacleCrashCounter: null, wallClock: null,
      });
    }
  }
  return b.build();
}

describe('log analysis (deepracer-analysis notebooks)', () => {
  const traces = [log(4, 30, (e) => e === 3), log(4, 15, () => true)];
  const episodes = aggregateEpisodes(traces);

  it('aggregates episodes: steps, total reward, final progress and status, lap time', () => {
    expect(episodes).toHaveLength(8);
    const e = episodes[1];
    expect(e.steps).toBe(30);
    expect(e.reward).toBeCloseTo(30 * 1 + (30 * 31) / 2 / 100, 9);
    expect(e.progress).toBe(50);
    expect(e.status).toBe('off_track');
    expect(e.lapTimeS).toBeNull();
    expect(episodes[3].lapTimeS).toBeCloseTo(30 / 15, 9); // as the env reports it: steps / 15
    expect(episodes[4].iteration).toBe(1);
  });

  it('per iteration: reward and progress spread, completion and lap times', () => {
    const stats = iterationStats(episodes, 2);
    expect(stats[0].episodes).toBe(4);
    expect(stats[0].completion).toBe(0.25);
    expect(stats[0].lapTimes).toEqual([2]);
    expect(stats[1].completion).toBe(1);
    expect(stats[0].progress.max).toBe(100);
    expect(stats[0].reward.std).toBeGreaterThan(0);
  });

  it('per-action maps: the share of the steps in each cell that took an action, and what each action commands', () => {
    const bounds = { minX: 0, minY: 0, maxX: 4, maxY: 1 };
    const maps = [0, 1, 2].map((a) => actionMap(traces, bounds, a, 0.1));
    // every step is in exactly one action's sum, and every map counts all steps
    for (let k = 0; k < maps[0].count.length; k++) {
      expect(maps[0].sum[k] + maps[1].sum[k] + maps[2].sum[k]).toBe(maps[0].count[k]);
      expect(maps[1].count[k]).toBe(maps[0].count[k]);
    }
    // the cell of step s (x = 0.05 + 0.1 s) holds 8 steps (one per episode); action (e + s) % 3
    const cell = 5; // step 5
    expect(maps[0].count[cell]).toBe(8);
    const expected = [0, 1, 2].map((a) => [0, 1, 2, 3, 0, 1, 2, 3].filter((e) => (e + 5) % 3 === a).length);
    expect([0, 1, 2].map((a) => maps[a].sum[cell])).toEqual(expected);
    const means = actionMeans(traces);
    expect(means).toHaveLength(3);
    expect(means.reduce((n, m) => n + m.steps, 0)).toBe(4 * 30 + 4 * 15);
    for (const m of means) expect(m.steer).toBe(0);
    for (const m of means) expect(m.speed).toBeGreaterThan(1);
  });

  it('spread matches numpy (population std, linear quantiles)', () => {
    const s = spread([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(s.q25).toBe(1.75);
    expect(s.median).toBe(2.5);
    expect(s.q75).toBe(3.25);
  });

  it('fastest laps, best episodes, action histogram and heat map', () => {
    const fastest = fastestLaps(episodes, 3);
    expect(fastest.map((e) => e.lapTimeS)).toEqual([1, 1, 1]);
    expect(fastest[0].iteration).toBe(1);
    expect(bestEpisodes(episodes, 'reward', 1)[0].episode).toBe(3);
    const h = actionHistogram(traces);
    expect(h.reduce((a, b) => a + b, 0)).toBe(4 * 30 + 4 * 15);
    const map = heatMap(traces, { minX: 0, minY: 0, maxX: 4, maxY: 1 }, 0.1);
    // x = 0.05 + 0.1 s lands in cell s (row 0); every episode passes cells 1..15.
    expect(map.count[1]).toBe(8);
    expect(map.count[20]).toBe(4);
    expect(map.sum[1] / map.count[1]).toBeCloseTo((0 + 1 + 2 + 3) / 4 + 0.01, 9);
  });

  it('stays fast on a million steps', () => {
    const big = [log(1000, 1000, (e) => e % 3 === 0)];
    const t0 = performance.now();
    const eps = aggregateEpisodes(big);
    iterationStats(eps, 1);
    heatMap(big, { minX: 0, minY: 0, maxX: 110, maxY: 1 }, 0.1);
    actionHistogram(big);
    fastestLaps(eps);
    const ms = performance.now() - t0;
    expect(eps).toHaveLength(1000);
    expect(ms).toBeLessThan(2000); // measured about 60 ms here; generous for a loaded machine
    expect(thin(1_000_000, 2000)).toHaveLength(2000);
  });
});

describe('reward debugger params', () => {
  const track = shippedTrack('reinvent_base');
  it('covers the road with points whose params have the chosen speed and heading', () => {
    const g = rewardGrid(track, { speed: 2, headingOffsetDeg: 0, spacing: 0.1 });
    expect(g.params.length).toBeGreaterThan(1000); // 17.7 m × 0.76 m at 0.1 m
    for (const p of g.params) {
      expect(p.speed).toBe(2);
      expect(p.steps).toBe(2);
      expect(p.distance_from_center).toBeLessThan(p.track_width / 2 + 0.11);
    }
    // x, y are the agent point itself.
    expect(g.params[0].x).toBeCloseTo(g.points[0], 5);
  });

  it('rebuilds a logged step as the env built it', () => {
    const env = new RacingVectorEnv({ track, actionSpace: defaultActionSpace(), reward: { language: 'javascript', evaluate: (b) => b.map(() => 1) }, autoreset: false });
    const rec = new TraceRecorder();
    const seen: import('../../src/reward/params').DeepRacerParams[] = [];
    env.setStepListener((ev) => {
      rec.listener(ev);
      seen.push(ev.params);
    });
    let obs = env.reset({ seed: 1 }).observations;
    for (let k = 0; k < 40; k++) obs = env.step(Int32Array.of(purePursuitDiscrete(obs, 0))).observations;
    const t = rec.flush();
    for (const i of [1, 10, 39]) {
      const p = paramsFromRow(track, t, i);
      const q = seen[i];
      expect(p.x).toBeCloseTo(q.x, 4);
      expect(p.y).toBeCloseTo(q.y, 4);
      expect(p.distance_from_center).toBeCloseTo(q.distance_from_center, 4);
      expect(p.closest_waypoints).toEqual(q.closest_waypoints);
      expect(p.all_wheels_on_track).toBe(q.all_wheels_on_track);
      expect(p.speed).toBeCloseTo(q.speed, 5);
      expect(p.steps).toBe(q.steps);
    }
  });
});

describe('trace columns', () => {
  it('tracesToCsv writes exactly what formatSimTraceRow writes for each row', async () => {
    const { formatSimTraceRow } = await import('../../src/race/sim-trace');
    const { rowAt, tracesToCsv } = await import('../../src/race/trace-columns');
    const b = new TraceBuilder();
    for (let i = 0; i < 500; i++) {
      b.push({
        episode: i >> 4, steps: (i % 16) + 1, x: Math.sin(i) * 7.123456, y: Math.cos(i) * 0.00001234, yaw: -179.99 + i, steer: [-30, 15, 0][i % 3],
        throttle: 0.5 + (i % 7) * 0.55, action: i % 5 === 0 ? [-12.5, 1.75] : i % 10, reward: i % 9 === 0 ? 1e-7 : i / 3, done: i % 16 === 15,
        allWheelsOnTrack: i % 4 !== 0, progress: (i % 16) * 6.6666, closestWaypoint: i % 118, trackLen: 17.709159380834848, tstamp: (i % 16) / 15 + 1234.5,
        episodeStatus: ['prepare', 'in_progress', 'off_track', 'crashed', 'lap_complete', 'pause'][i % 6], pauseDuration: i % 6 === 5 ? 2.9333 : 0,
        obstacleCrashCounter: null, wallClock: null,
      });
    }
    const t = b.build();
    const lines = tracesToCsv(t).trimEnd().split('\n').slice(1);
    expect(lines).toHaveLength(500);
    lines.forEach((line, i) => expect(line).toBe(formatSimTraceRow(rowAt(t, i))));
  });
});
