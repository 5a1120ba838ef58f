/**
 * DeepRacer's bot cars: up to 4 cars that drive the lanes at a set speed and, optionally, change lanes now and
 * then (deepracer-simapp `markov/agent_ctrl/bot_cars_agent_ctrl.py`, reference/deepracer.md §3.4).
 *
 * - Start: evenly spaced from `minGap` (2 m) to `length − 1 m` along the centre line, lanes alternating from the
 *   inner one; with `randomize`, each moved uniformly between its neighbours (keeping `minGap`) in a random lane.
 * - Motion: a bot's centre-line distance is `start + speed · t`, where t is the bot clock: simulated time since the
 *   episode began, less the pauses below. It sits on its lane at that distance, facing along the lane.
 * - Lane changes (`laneChange`): when a change ends (and at the start) the next one is drawn: it ends
 *   U(3, 5) s + `laneChangeDistance / speed` later and lasts `laneChangeDistance / speed`; during it the bot blends
 *   smoothly from its lane to the other.
 * - Pause: when a racer that is ahead of a bot is hit by it, every bot waits `penaltyS` (simapp adds the penalty to
 *   all bots' clocks).
 *
 * Pure and seeded: a fleet is a function of its config, the generator's draws and the clock.
 */
import type { Rng } from './rng';
import { BOT_CAR_FOOTPRINT, MAX_BOTS, spreadAlong, type Lane, type LanePose, type SceneObject, type TrackLanes } from './objects';

export interface BotConfig {
  /** Number of bot cars, 0..4. */
  count: number;
  /** Speed along the centre line, m/s (simapp BOT_CAR_SPEED; DeepRacer community races allow 0.2..6). Default 0.2. */
  speed?: number;
  /** Change lanes now and then (simapp IS_LANE_CHANGE). Default false. */
  laneChange?: boolean;
  /** Time between lane changes, drawn uniformly, s (LOWER_/UPPER_LANE_CHANGE_TIME). Default [3, 5]. */
  laneChangeTimeS?: [number, number];
  /** Distance a lane change takes, m (LANE_CHANGE_DISTANCE). Default 1. */
  laneChangeDistance?: number;
  /** Random start positions and lanes, drawn per episode (RANDOMIZE_BOT_CAR_LOCATIONS). Default false. */
  randomize?: boolean;
  /** Smallest gap between bots at the start, m (MIN_DISTANCE_BETWEEN_BOT_CARS). Default 2. */
  minGap?: number;
  /** How long the bots wait after one of them hit a racer that was ahead, s (PENALTY_SECONDS). Default 2. */
  penaltyS?: number;
}

/** The config with every default filled. */
export type ResolvedBotConfig = Required<BotConfig>;

/**
 * Fills defaults and checks ranges.
 * @throws RangeError naming the bad field: count outside 0..4, speed outside (0, 12] m/s, an empty or reversed
 *   lane-change time range, a non-positive lane-change distance, a negative gap or penalty.
 */
export function resolveBotConfig(cfg: BotConfig): ResolvedBotConfig {
  const r: ResolvedBotConfig = {
    count: cfg.count,
    speed: cfg.speed ?? 0.2,
    laneChange: cfg.laneChange ?? false,
    laneChangeTimeS: cfg.laneChangeTimeS ?? [3, 5],
    laneChangeDistance: cfg.laneChangeDistance ?? 1,
    randomize: cfg.randomize ?? false,
    minGap: cfg.minGap ?? 2,
    penaltyS: cfg.penaltyS ?? 2,
  };
  if (!Number.isInteger(r.count) || r.count < 0 || r.count > MAX_BOTS) throw new RangeError(`bot cars: the number must be 0..${MAX_BOTS}, got ${r.count}`);
  if (!(r.speed > 0 && r.speed <= 12)) throw new RangeError(`bot cars: speed must be above 0 and at most 12 m/s, got ${r.speed}`);
  const [lo, hi] = r.laneChangeTimeS;
  if (!(lo >= 0 && hi >= lo)) throw new RangeError(`bot cars: the time between lane changes must be a range lo ≤ hi of seconds ≥ 0, got [${lo}, ${hi}]`);
  if (!(r.laneChangeDistance > 0)) throw new RangeError(`bot cars: a lane change must take a distance above 0 m, got ${r.laneChangeDistance}`);
  if (!(r.minGap >= 0)) throw new RangeError(`bot cars: the smallest gap must be ≥ 0 m, got ${r.minGap}`);
  if (!(r.penaltyS >= 0)) throw new RangeError(`bot cars: the penalty must be ≥ 0 s, got ${r.penaltyS}`);
  return r;
}

interface BotState {
  /** Centre-line distance at bot time 0, m. */
  start: number;
  lane: Lane;
  /** The lane a change goes to. */
  other: Lane;
  /** Bot time at which the current or next lane change ends (Infinity without lane changes), s. */
  changeEnd: number;
  /** True once `changeEnd` belongs to a drawn change (a change ending swaps the lanes). */
  scheduled: boolean;
}

/** The bot cars of one scene (one racer's episode, or a race all racers share). */
export class BotFleet {
  readonly config: ResolvedBotConfig;
  /** Bot clock: simulated time since the episode began minus penalty pauses, s. */
  private botTime = 0;
  /** Remaining pause, s. */
  private pauseLeft = 0;
  private bots: BotState[] = [];
  private readonly pose: LanePose = { x: 0, y: 0, heading: 0 };
  /** [count] current objects, updated by `advance`. */
  readonly objects: SceneObject[];
  /** Times a bot hit a racer ahead of it (each paused the bots). */
  crashCount = 0;

  constructor(
    private readonly lanes: TrackLanes,
    config: BotConfig,
  ) {
    this.config = resolveBotConfig(config);
    this.objects = Array.from({ length: this.config.count }, (_, index) => ({
      kind: 'bot' as const, index, x: 0, y: 0, heading: 0, length: BOT_CAR_FOOTPRINT.length, width: BOT_CAR_FOOTPRINT.width, speed: this.config.speed, z: 0,
    }));
  }

  get count(): number {
    return this.config.count;
  }

  /** Seconds the bots still wait. */
  get paused(): number {
    return this.pauseLeft;
  }

  /** New episode: start positions and lanes (drawn from `rng` when randomised), clock at 0. */
  reset(rng: Rng): void {
    const c = this.config;
    const L = this.lanes.track.length;
    const slots = spreadAlong(c.count, c.minGap, L - 1, c.minGap, c.randomize, rng);
    this.bots = slots.map((s) => ({ start: s.along, lane: s.lane, other: s.lane === 'inner' ? 'outer' : 'inner', changeEnd: c.laneChange ? 0 : Infinity, scheduled: false }));
    this.botTime = 0;
    this.pauseLeft = 0;
    this.crashCount = 0;
    this.schedule(rng);
    this.place();
  }

  /**
   * Moves the clock on by `dt` seconds (nothing moves while paused) and updates `objects`.
   * @param rng draws the next lane changes.
   */
  advance(dt: number, rng: Rng): void {
    if (this.pauseLeft > 0) {
      this.pauseLeft -= dt;
      if (this.pauseLeft < 1e-9) this.pauseLeft = 0; // steps of 1/15 s do not add up exactly
    } else {
      this.botTime += dt;
      this.schedule(rng);
    }
    this.place();
  }

  /** A bot hit a racer that was ahead of it: every bot waits the penalty (ignored while already waiting). */
  penalize(): void {
    if (this.pauseLeft > 0 || this.config.penaltyS <= 0) return;
    this.crashCount++;
    this.pauseLeft = this.config.penaltyS;
  }

  /** Centre-line distance of bot i now (unwrapped), m. */
  distance(i: number): number {
    return this.bots[i].start + this.config.speed * this.botTime;
  }

  private schedule(rng: Rng): void {
    const c = this.config;
    if (!c.laneChange) return;
    const duration = c.laneChangeDistance / c.speed;
    for (const b of this.bots) {
      if (this.botTime < b.changeEnd) continue;
      if (b.scheduled) [b.lane, b.other] = [b.other, b.lane];
      const [lo, hi] = c.laneChangeTimeS;
      b.changeEnd = this.botTime + lo + rng.uniform() * (hi - lo) + duration;
      b.scheduled = true;
    }
  }

  private place(): void {
    const c = this.config;
    const duration = c.laneChangeDistance / c.speed;
    for (let i = 0; i < this.bots.length; i++) {
      const b = this.bots[i];
      const s = this.distance(i);
      const changeStart = b.changeEnd - duration;
      if (b.scheduled && this.botTime > changeStart && this.botTime < b.changeEnd) {
        const u = (this.botTime - changeStart) / duration;
        this.lanes.blendAt(b.lane, b.other, s, u, c.laneChangeDistance, this.pose);
      } else {
        this.lanes.pointAt(b.lane, s, this.pose);
      }
      const o = this.objects[i];
      o.x = this.pose.x;
      o.y = this.pose.y;
      o.heading = this.pose.heading;
    }
  }
}
