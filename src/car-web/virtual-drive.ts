/**
 * The virtual car on the track: each control step (1/15 s of simulated time) the simulator's sensors
 * go to the virtual car's active model (`VirtualCar.drive`, the car pack's own arithmetic), and its
 * command steers the simulated car. The car restarts from the start line when an episode ends (a lap,
 * off track, reversed, stopped). No DOM here: the page calls `advance` from its animation frames,
 * tests call `step`.
 *
 * Cost: one planck world with one car and a 22→64→64→10 network take well under 1 ms a control step
 * (about 0.1 ms warm on an idle core of the development machine, of which 0.04 ms inference;
 * test/car-web/virtual-drive.test.ts prints it), against the 67 ms a step lasts: it runs on the page,
 * no worker needed.
 */
import type { VirtualCar } from '../car/virtual-car';
import type { CarPack } from '../car/pack';
import { RacingEnv } from '../sim/racing-env-single';
import { CONTROL_HZ, type EpisodeStatus } from '../sim/racing-env';
import type { SensorName } from '../sim/observation';
import type { RewardFunction } from '../reward/reward-function';
import { Track } from '../track/track';
import type { TrackData } from '../track/track-data';

/** The virtual car needs no reward: it only drives. */
const NO_REWARD: RewardFunction = { language: 'javascript', evaluate: (batch) => batch.map(() => 0) };

/** Most control steps one `advance` runs (a background tab's long frame must not stall the page). */
const MAX_STEPS_PER_ADVANCE = 8;
/** Wall time one `advance` may spend, ms (most of a 30 Hz frame). */
const ADVANCE_BUDGET_MS = 25;
/** Points kept in the trail. */
const TRAIL_POINTS = 300;

/** How the last episode ended. */
export interface EpisodeEnd {
  status: EpisodeStatus;
  /** Percent of the lap. */
  progress: number;
  /** Simulated seconds; null unless the lap was completed. */
  lapTimeS: number | null;
}

export class VirtualDrive {
  readonly track: Track;
  /** Laps completed since the drive started. */
  laps = 0;
  /** Episodes ended (laps included). */
  episodes = 0;
  lastEnd: EpisodeEnd | null = null;
  /** Percent of the lap in the current episode. */
  progress = 0;
  /** Control steps run. */
  steps = 0;
  /** Measured speed of the last step, m/s (distance moved × 15 Hz). */
  speed = 0;
  private env: RacingEnv | null = null;
  private pack: CarPack | null = null;
  private observation: Float32Array | null = null;
  private pose = new Float32Array(3);
  private trailBuf = new Float32Array(TRAIL_POINTS * 2);
  private trailLen = 0;
  /** Control steps due and not yet run (fractional). */
  private due = 0;

  constructor(
    readonly car: VirtualCar,
    trackData: TrackData,
  ) {
    this.track = new Track(trackData);
  }

  /**
   * Puts the car on the start line, at rest, with the car's active model.
   * @returns false when the car has no model (nothing changes).
   */
  reset(): boolean {
    const pack = this.car.device.activePack;
    if (!pack) return false;
    this.restart(pack);
    return true;
  }

  /** A fresh episode from the start line for `pack` (its action space and sensor). */
  private restart(pack: CarPack): void {
    if (this.pack !== pack) {
      const sensors = (pack.sensors.length ? pack.sensors.map((s) => s.name) : ['TRACK_GEOMETRY']) as SensorName[];
      this.env = new RacingEnv({ track: this.track, actionSpace: pack.action, reward: NO_REWARD, sensors, roundRobinAdvance: 0, startFraction: 0 });
      this.pack = pack;
    }
    this.observation = this.env!.reset().observation;
    this.env!.vec.poses(this.pose);
    this.progress = 0;
  }

  /**
   * One control step: observation → the car's active model → the simulator.
   * @returns false (and nothing moves) when the car has no model.
   */
  step(): boolean {
    const pack = this.car.device.activePack;
    if (!pack) return false;
    if (pack !== this.pack || !this.env || !this.observation) this.restart(pack);
    const env = this.env!;
    const command = this.car.drive(this.observation!);
    if (!command) return false;
    const action = pack.action.type === 'discrete' ? command.index : Float32Array.from([command.outputs[0], command.outputs[1]]);
    const x0 = this.pose[0];
    const y0 = this.pose[1];
    const r = env.step(action);
    this.steps++;
    env.vec.poses(this.pose);
    this.speed = Math.hypot(this.pose[0] - x0, this.pose[1] - y0) * CONTROL_HZ;
    this.car.measured.speed = this.speed;
    this.pushTrail(this.pose[0], this.pose[1]);
    this.progress = r.info.progress ?? this.progress;
    this.observation = r.observation;
    if (r.terminated || r.truncated) {
      const status = r.info.status ?? (r.truncated ? 'time_up' : 'off_track');
      this.lastEnd = { status, progress: r.info.progress ?? 0, lapTimeS: r.info.lapTimeS ?? null };
      this.episodes++;
      if (status === 'lap_complete') this.laps++;
      this.restart(pack);
    }
    return true;
  }

  /**
   * Runs the control steps due after `elapsedMs` of real time (at most MAX_STEPS_PER_ADVANCE), and
   * stops early once `budgetMs` of wall time is spent, dropping the rest: a camera pack (tens of ms
   * of inference a step on the page) then drives in slow motion instead of freezing the page.
   * @returns steps run.
   */
  advance(elapsedMs: number, budgetMs = ADVANCE_BUDGET_MS): number {
    this.due = Math.min(this.due + (Math.max(0, elapsedMs) * CONTROL_HZ) / 1000, MAX_STEPS_PER_ADVANCE);
    const start = performance.now();
    let n = 0;
    while (this.due >= 1) {
      this.due -= 1;
      if (!this.step()) {
        this.due = 0;
        break;
      }
      n++;
      if (performance.now() - start > budgetMs) {
        this.due = 0;
        break;
      }
    }
    return n;
  }

  /** The car's pose `[x m, y m, heading rad]` (a copy, for the track view). */
  poses(): Float32Array {
    return this.pose.slice();
  }

  /** The last TRAIL_POINTS positions `[m * 2]` x, y (m), oldest first (a copy). */
  trail(): Float32Array {
    return this.trailBuf.slice(0, this.trailLen * 2);
  }

  private pushTrail(x: number, y: number): void {
    if (this.trailLen === TRAIL_POINTS) {
      this.trailBuf.copyWithin(0, 2);
      this.trailLen--;
    }
    this.trailBuf[2 * this.trailLen] = x;
    this.trailBuf[2 * this.trailLen + 1] = y;
    this.trailLen++;
  }
}
