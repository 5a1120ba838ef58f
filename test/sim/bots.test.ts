import { describe, expect, it } from 'vitest';
import { Track } from '../../src/track/track';
import { BotFleet, resolveBotConfig } from '../../src/sim/bots';
import { TrackLanes } from '../../src/sim/objects';
import { Rng } from '../../src/sim/rng';
import { squareTrackData } from '../helpers/tracks';

// Square track (16 m): the bottom side runs from (0, 0) to (4, 0); the inner lane is y = 0.25 there, the outer y = −0.25.
const lanes = new TrackLanes(new Track(squareTrackData()));

/** Advances `fleet` by `seconds` in control steps of 1/15 s. */
function run(fleet: BotFleet, seconds: number, rng: Rng): void {
  for (let k = 0; k < Math.round(seconds * 15); k++) fleet.advance(1 / 15, rng);
}

describe('bot cars (simapp bot_cars_agent_ctrl.py)', () => {
  it('start evenly spaced from 2 m to length − 1 m in alternating lanes, and drive their lane at the set speed', () => {
    const rng = new Rng(1);
    const fleet = new BotFleet(lanes, { count: 2, speed: 1 });
    fleet.reset(rng);
    expect(fleet.distance(0)).toBeCloseTo(2, 12);
    expect(fleet.distance(1)).toBeCloseTo(15, 12);
    const [a, b] = fleet.objects;
    expect(a.x).toBeCloseTo(2, 12);
    expect(a.y).toBeCloseTo(0.25, 12); // inner lane
    expect(b.x).toBeCloseTo(-0.25, 12); // outer lane of the left side, going down
    expect(b.heading).toBeCloseTo(-Math.PI / 2, 12);
    run(fleet, 1, rng);
    expect(fleet.distance(0)).toBeCloseTo(3, 9);
    expect(a.x).toBeCloseTo(3, 9);
    expect(a.y).toBeCloseTo(0.25, 9);
    expect(a.heading).toBeCloseTo(0, 9);
    expect(a.speed).toBe(1);
  });

  it('change lanes smoothly every U(lo, hi) s, taking laneChangeDistance / speed', () => {
    const rng = new Rng(1);
    // Fixed 3 s between changes; a change takes 1 m at 1 m/s = 1 s: the first runs from 3 s to 4 s.
    const fleet = new BotFleet(lanes, { count: 1, speed: 1, laneChange: true, laneChangeTimeS: [3, 3], laneChangeDistance: 1, minGap: 0 });
    fleet.reset(rng);
    const bot = fleet.objects[0];
    const on = (lane: 'inner' | 'outer') => lanes.pointAt(lane, fleet.distance(0), { x: 0, y: 0, heading: 0 });
    run(fleet, 44 / 15, rng); // 2.93 s
    expect(bot.y).toBeCloseTo(on('inner').y, 9);
    run(fleet, 8 / 15, rng); // 3.47 s: in the middle of the change
    expect(bot.y).toBeLessThan(0.2);
    expect(bot.y).toBeGreaterThan(-0.2);
    expect(bot.heading).toBeLessThan(-0.3); // steering across to the outer lane
    run(fleet, 9 / 15, rng); // 4.07 s
    expect(bot.x).toBeCloseTo(on('outer').x, 9);
    expect(bot.y).toBeCloseTo(on('outer').y, 9);
    // The next change ends 3 + 1 s after the first ended (at 8 s): back on the inner lane after it.
    run(fleet, 4, rng);
    expect(bot.x).toBeCloseTo(on('inner').x, 9);
    expect(bot.y).toBeCloseTo(on('inner').y, 9);
  });

  it('wait the penalty when one hits a racer ahead of it', () => {
    const rng = new Rng(1);
    const fleet = new BotFleet(lanes, { count: 1, speed: 1, penaltyS: 2 });
    fleet.reset(rng);
    run(fleet, 1, rng);
    fleet.penalize();
    fleet.penalize(); // ignored while already waiting
    expect(fleet.crashCount).toBe(1);
    run(fleet, 2, rng);
    expect(fleet.distance(0)).toBeCloseTo(3, 9); // 2 m start + 1 s before the pause
    run(fleet, 1, rng);
    expect(fleet.distance(0)).toBeCloseTo(4, 9);
  });

  it('draw random starts and lane changes from the seed: same seed, same traffic', () => {
    const trace = (seed: number): number[] => {
      const rng = new Rng(seed);
      const fleet = new BotFleet(lanes, { count: 3, speed: 0.8, laneChange: true, randomize: true, minGap: 1 });
      fleet.reset(rng);
      const out: number[] = [];
      for (let k = 0; k < 300; k++) {
        fleet.advance(1 / 15, rng);
        for (const o of fleet.objects) out.push(o.x, o.y);
      }
      return out;
    };
    expect(trace(5)).toEqual(trace(5));
    expect(trace(5)).not.toEqual(trace(6));
  });

  it('refuse configs outside the console limits', () => {
    expect(() => resolveBotConfig({ count: 5 })).toThrow(/0\.\.4/);
    expect(() => resolveBotConfig({ count: 1, speed: 0 })).toThrow(/speed/);
    expect(() => resolveBotConfig({ count: 1, laneChangeTimeS: [5, 3] })).toThrow(/lane changes/);
  });
});
