import { describe, expect, it } from 'vitest';
import { runEntry, runTogether, type RaceEntrant } from '../../src/race/race';
import { defaultEvent, rankEntries, leaderboardCsv, type RaceEventConfig } from '../../src/race/rules';
import { tracesToCsv } from '../../src/race/trace-columns';
import type { GreedyPolicy } from '../../src/race/evaluate';
import { defaultActionSpace, type ContinuousActionSpace } from '../../src/sim/action-space';
import { shippedTrack } from '../helpers/tracks';
import { purePursuit, purePursuitDiscrete } from '../helpers/drivers';
import { deepracerUtilsConvertLine, deepracerUtilsReadCsv } from '../helpers/deepracer-utils';
import { initTf } from '../helpers/tf';
import { loadModel } from '../../src/cli/load-model';

const track = shippedTrack('reinvent_base');
const continuous: ContinuousActionSpace = { type: 'continuous', steering_angle: { low: -30, high: 30 }, speed: { low: 0.5, high: 4 } };

/** A deterministic driver: pure pursuit on the TRACK_GEOMETRY observation at `speed` m/s (obs size 22). */
function driver(speed: number): GreedyPolicy {
  return {
    async act(observations, n) {
      const out = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const [s, v] = purePursuit(observations, i * 22, speed);
        out[2 * i] = s;
        out[2 * i + 1] = v;
      }
      return { actions: out };
    },
  };
}

function entrant(name: string, speed: number): RaceEntrant {
  return { name, policy: driver(speed), actionSpace: continuous, sensors: ['TRACK_GEOMETRY'] };
}

function event(over: Partial<RaceEventConfig> = {}, rules: Partial<RaceEventConfig['rules']> = {}): RaceEventConfig {
  const e = defaultEvent('reinvent_base');
  return { ...e, ...over, rules: { ...e.rules, ...rules } };
}

describe('runEntry', () => {
  it('time trial, 3 continuous laps: three lap times, the first from rest the slowest', async () => {
    const run = await runEntry(event(), track, entrant('steady', 1.5));
    const o = run.outcome;
    expect(o.laps).toHaveLength(3);
    expect(o.status).toBe('lap_complete');
    expect(o.laps[0].timeS).toBeGreaterThan(o.laps[1].timeS);
    expect(o.offTracks).toBe(0);
    expect(run.replay.paths[0].length / 3).toBe(run.trace!.length);
  });

  it('is deterministic: the same event and models give identical times, paths and logs', async () => {
    const e = event({ format: 'object_avoidance', obstacles: { count: 4, randomize: true }, seed: 7 }, { laps: 2, collisionPenaltyS: 2 });
    const a = await runEntry(e, track, entrant('A', 2));
    const b = await runEntry(e, track, entrant('A', 2));
    expect(a.outcome).toEqual(b.outcome);
    expect(a.replay).toEqual(b.replay);
    expect(tracesToCsv(a.trace!)).toBe(tracesToCsv(b.trace!));
    const bots = event({ format: 'head_to_bot', bots: { count: 3, speed: 0.6, laneChange: true, randomize: true }, seed: 3 }, { laps: 2 });
    const c = await runEntry(bots, track, entrant('B', 2));
    const d = await runEntry(bots, track, entrant('B', 2));
    expect(c.outcome).toEqual(d.outcome);
    expect(c.replay.bots[0]).toEqual(d.replay.bots[0]);
    expect(c.replay.botCount).toBe(3);
  });

  it('a penalty second is a second on the clock: each off-track adds exactly the off-track penalty', async () => {
    // 3.6 m/s is too fast for the hairpin: the car slides off, is put back and held, and goes on.
    const fast = entrant('fast', 3.6);
    const free = await runEntry(event({}, { laps: 1, offTrackPenaltyS: 0, minLaps: 1 }), track, fast);
    const penalised = await runEntry(event({}, { laps: 1, offTrackPenaltyS: 3, minLaps: 1 }), track, fast);
    expect(free.outcome.offTracks).toBeGreaterThan(0);
    expect(penalised.outcome.offTracks).toBe(free.outcome.offTracks);
    expect(penalised.outcome.penaltyS).toBeCloseTo(3 * penalised.outcome.offTracks, 9);
    expect(penalised.outcome.laps[0].timeS - free.outcome.laps[0].timeS).toBeCloseTo(3 * free.outcome.offTracks, 9);
    // pause_duration is logged: 3 s on the off-track step, counting down while held.
    const pauses = Array.from(penalised.trace!.pause).filter((p) => p > 0);
    expect(Math.max(...pauses)).toBeCloseTo(3, 6);
  });

  it('without resets an off-track ends the run; the entry is not ranked', async () => {
    const run = await runEntry(event({}, { laps: 3, maxResets: 0 }), track, entrant('fast', 3.6));
    expect(run.outcome.status).toBe('off_track');
    expect(run.outcome.laps.length).toBeLessThan(3);
    const board = rankEntries([{ name: 'fast', outcome: run.outcome }], event().rules);
    expect(board[0].rank).toBeNull();
  });

  it('trials (not continuous) each start from the line, each meeting its own random boxes', async () => {
    const e = event({ format: 'object_avoidance', obstacles: { count: 3, randomize: true }, seed: 11 }, { continuous: false, laps: 3, maxResets: 10 });
    const run = await runEntry(e, track, entrant('trials', 1.5));
    expect(run.replay.paths).toHaveLength(3);
    expect(run.replay.boxes[0]).not.toEqual(run.replay.boxes[1]);
    expect(run.outcome.completedFlags).toHaveLength(3);
    // The trace has one episode per trial.
    expect(new Set(run.trace!.episode).size).toBe(3);
  });

  it("writes an evaluation sim-trace that deepracer-utils' rules read", async () => {
    const discrete = defaultActionSpace(); // steering ±30, ±15, 0 × 0.5, 1 m/s
    const policy: GreedyPolicy = {
      async act(observations, n) {
        return { actions: Int32Array.from({ length: n }, (_, i) => purePursuitDiscrete(observations, i * 22)) };
      },
    };
    const run = await runEntry(event({ format: 'object_avoidance', obstacles: { count: 2 } }, { laps: 1, minLaps: 1 }), track, { name: 'log', policy, actionSpace: discrete, sensors: ['TRACK_GEOMETRY'] });
    const csv = tracesToCsv(run.trace!);
    const df = deepracerUtilsReadCsv(csv);
    expect(df.episode.dtype).toBe('int64');
    expect(df.steps.dtype).toBe('float64');
    expect(df.action.dtype).toBe('int64');
    expect(new Set(df.action.values as number[]).size).toBeGreaterThan(1);
    expect(df.done.dtype).toBe('bool');
    expect(df.closest_waypoint.dtype).toBe('int64');
    expect(df.pause_duration.dtype).toBe('float64');
    for (const line of csv.trimEnd().split('\n').slice(1)) expect(() => deepracerUtilsConvertLine(line)).not.toThrow();
  });
});

describe('runTogether (head to head between models)', () => {
  it('runs every entry at once from the grid; the faster one wins; same inputs, same result', async () => {
    const e = event({ format: 'head_to_model' }, { laps: 2, minLaps: 2 });
    // 'quick' starts on the line, 'slow' 0.75 m behind it (DeepRacer's grid).
    const entrants = [entrant('quick', 1.8), entrant('slow', 1.2)];
    const [quick, slow] = await runTogether(e, track, entrants);
    expect(quick.outcome.laps).toHaveLength(2);
    const board = rankEntries([{ name: 'slow', outcome: slow.outcome }, { name: 'quick', outcome: quick.outcome }], e.rules);
    expect(board[0].name).toBe('quick');
    const again = await runTogether(e, track, entrants);
    expect(again[0].outcome).toEqual(quick.outcome);
    expect(again[1].outcome).toEqual(slow.outcome);
    expect(leaderboardCsv(board).split('\n')[1]).toMatch(/^1,quick,/);
  });

  it('refuses entries whose sensors differ', async () => {
    const other: RaceEntrant = { ...entrant('lidar', 1), sensors: ['LIDAR'] };
    await expect(runTogether(event({ format: 'head_to_model' }), track, [entrant('a', 1), other])).rejects.toThrow(/shares one simulator/);
  });
});

describe('a race of trained models (the fixture model, tfjs)', () => {
  it('gives identical times when run twice from the same seed', async () => {
    await initTf();
    const model = loadModel('test/fixtures/models/reinvent-base-seed1');
    const racer: RaceEntrant = { name: 'fixture', policy: model.policy, actionSpace: model.actionSpace, sensors: ['TRACK_GEOMETRY'] };
    const e = event({ format: 'head_to_bot', bots: { count: 2, speed: 0.4, laneChange: true }, seed: 5 }, { laps: 2, minLaps: 1 });
    const a = await runEntry(e, track, racer);
    const b = await runEntry(e, track, racer);
    expect(a.outcome.laps.length + a.outcome.crashes + a.outcome.offTracks).toBeGreaterThan(0);
    expect(b.outcome).toEqual(a.outcome);
    expect(tracesToCsv(b.trace!)).toBe(tracesToCsv(a.trace!));
  });
});
