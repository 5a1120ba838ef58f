/**
 * "You are the agent": one car on a track driven from the keyboard. The simulator is the one training uses
 * (`RacingEnv`, run here on the main thread at DeepRacer's 15 control steps per second), so the `params` shown are
 * the ones a reward function would get. Keys set a wish (go, brake, left, right); each step turns it into one action
 * of a fine discrete grid (steering −30..30° every 1°, speed 0..3 m/s every 0.1 m/s), ramping like a gentle driver:
 *
 * - Speed: Up speeds up at 2.25 m/s², Down brakes at 4.5 m/s², and with neither key the car lifts off and brakes
 *   gently (1.5 m/s²) down to rest (0 m/s). The simulator is asked to accept 0 m/s (`minSpeed: 0`; DeepRacer's
 *   own floor is 0.1 m/s, at which a released car would creep on for ever).
 * - Rest: once the car has stopped with Up released, it waits for Up: the simulator is not stepped while it rests
 *   (no steps, no reward, the clock stands still), so DeepRacer's "immobilized" ending (15 still steps) never ends
 *   a rest. A new episode starts at rest too.
 * - Steering: the wheels turn at most as far as keeps the sideways acceleration of the turn under
 *   `DRIVE_LATERAL_ACCEL` (kinematic bicycle: a = v² tan δ / wheelbase), i.e. 30° up to about 1 m/s, 14° at 2 m/s,
 *   6° at 3 m/s, well inside the tyres' grip; a held key reaches that limit in 0.5 s and a released key lets the
 *   wheels come back to straight in 0.25 s, so a short tap is a small correction.
 */
import { RacingEnv } from '../../sim/racing-env-single';
import { CONTROL_HZ } from '../../sim/racing-env-types';
import { CAR } from '../../sim/car';
import type { DiscreteActionSpace } from '../../sim/action-space';
import type { DeepRacerParams } from '../../reward/params';
import type { RewardFunction } from '../../reward/reward-function';
import { Track } from '../../track/track';
import type { TrackData } from '../../track/track-data';

/** Steering angles of the grid, degrees (positive = left): −30..30 every 1°. */
const STEERINGS = Array.from({ length: 61 }, (_, i) => i - 30);
/** Speeds of the grid, m/s: 0..3 every 0.1 (0 is below DeepRacer's 0.1: this grid is the lesson's, never a model's). */
const SPEEDS = Array.from({ length: 31 }, (_, i) => i / 10);
/** Top speed of the keyboard car, m/s. */
export const DRIVE_MAX_SPEED = 3;
/** Acceleration with Up held, m/s². */
const GO_ACCEL = 2.25;
/** Deceleration with Down held, m/s². */
const BRAKE_DECEL = 4.5;
/** Deceleration with no speed key (lifting off and braking gently), m/s². */
const COAST_DECEL = 1.5;
/** Time for a held steering key to reach the speed's steering limit, s. */
const STEER_RAMP_S = 0.5;
/** Time for the wheels to come back to straight from the limit once the key is released, s. */
const STEER_RETURN_S = 0.25;
/** A car that moved less than this in a step, with no speed asked, is at rest, m. */
const REST_MOVE = 0.001;
/** Car wheelbase, m. */
const WHEELBASE = CAR.frontAxleX - CAR.rearAxleX;
/** Largest sideways acceleration a steering wish may ask for, m/s²: 60% of the tyres' grip μ·g. */
export const DRIVE_LATERAL_ACCEL = 0.6 * CAR.grip * CAR.gravity;

/** The keyboard car's action space: every steering with every speed, steering outer. */
export const DRIVE_ACTIONS: DiscreteActionSpace = {
  type: 'discrete',
  actions: STEERINGS.flatMap((steering_angle) => SPEEDS.map((speed) => ({ steering_angle, speed }))),
};

/**
 * Steering limit of the keyboard car at a speed: the angle whose turn has sideways acceleration
 * `DRIVE_LATERAL_ACCEL`, at most 30°.
 * @param speed m/s (≥ 0). @returns degrees, 0 < limit ≤ 30.
 */
export function steeringLimitDeg(speed: number): number {
  if (speed <= 0) return 30;
  return Math.min(30, (Math.atan((DRIVE_LATERAL_ACCEL * WHEELBASE) / (speed * speed)) * 180) / Math.PI);
}

/** DeepRacer's "follow the centre line" example, in TypeScript (no user code runs here). */
const CENTRE_LINE_REWARD: RewardFunction = {
  language: 'javascript',
  evaluate: (batch) =>
    batch.map((p) => {
      const d = p.distance_from_center / p.track_width;
      return d <= 0.1 ? 1 : d <= 0.25 ? 0.5 : d <= 0.5 ? 0.1 : 1e-3;
    }),
};

/** What the keys ask for. */
export interface DriveKeys {
  go: boolean;
  brake: boolean;
  left: boolean;
  right: boolean;
}

/** One step's news for the page. */
export interface DriveFrame {
  /** The params of the last simulated step (unchanged while the car rests). */
  params: DeepRacerParams;
  reward: number;
  /** [3] car origin x, y (m), heading (rad). */
  pose: Float32Array;
  /** How the episode ended on this step (`off_track`, `lap_complete`, ...), or null while driving. */
  ended: string | null;
  /** The car is at rest, waiting for Up (the simulator was not stepped). */
  resting: boolean;
}

export class DriveSession {
  readonly track: Track;
  /** Best progress of any episode, percent of a lap. */
  bestProgress = 0;
  episodes = 0;
  private readonly env: RacingEnv;
  /** Wished wheel angle, degrees, positive = left. */
  private steerDeg = 0;
  /** Wished speed, m/s. */
  private speed = 0;
  /** Distance the car moved in the last simulated step, m. */
  private moved = 0;
  private last: DriveFrame;

  constructor(data: TrackData) {
    this.track = new Track(data);
    this.env = new RacingEnv({ track: this.track, actionSpace: DRIVE_ACTIONS, reward: CENTRE_LINE_REWARD, roundRobinAdvance: 0, minSpeed: 0 });
    this.last = this.restart(1);
  }

  /** Seconds of simulated time per step. */
  static readonly STEP_S = 1 / CONTROL_HZ;

  /**
   * Advances one control step with the keys held now. An episode that ends (off track, lap, reversed) restarts
   * from the start line, at rest, on the next step. A car at rest with Up released is not simulated (see the file's
   * doc comment): the frame repeats the last params with `resting` true.
   */
  step(keys: DriveKeys): DriveFrame {
    const dt = DriveSession.STEP_S;
    if (keys.brake) this.speed = Math.max(0, this.speed - BRAKE_DECEL * dt);
    else if (keys.go) this.speed = Math.min(DRIVE_MAX_SPEED, this.speed + GO_ACCEL * dt);
    else this.speed = Math.max(0, this.speed - COAST_DECEL * dt);
    const v = Math.max(this.speed, this.moved / dt);
    const limit = steeringLimitDeg(v);
    const want = keys.left && !keys.right ? limit : keys.right && !keys.left ? -limit : 0;
    const rate = (want === 0 ? limit / STEER_RETURN_S : limit / STEER_RAMP_S) * dt;
    this.steerDeg += Math.max(-rate, Math.min(rate, want - this.steerDeg));
    this.steerDeg = Math.max(-limit, Math.min(limit, this.steerDeg));

    if (!keys.go && this.speed === 0 && this.moved < REST_MOVE) {
      this.last = { ...this.last, pose: this.env.vec.poses().slice(0, 3), ended: null, resting: true };
      return this.last;
    }
    const before = this.env.vec.poses().slice(0, 2);
    const r = this.env.step(this.actionIndex());
    const params = r.info.params!;
    this.bestProgress = Math.max(this.bestProgress, params.progress);
    const pose = this.env.vec.poses().slice(0, 3);
    this.moved = Math.hypot(pose[0] - before[0], pose[1] - before[1]);
    if (r.terminated || r.truncated) {
      this.episodes++;
      this.last = this.restart();
      return { params, reward: r.reward, pose, ended: r.info.status ?? 'ended', resting: false };
    }
    this.last = { params, reward: r.reward, pose, ended: null, resting: false };
    return this.last;
  }

  /** Index into DRIVE_ACTIONS of the grid action nearest the wish. */
  private actionIndex(): number {
    const s = Math.round(this.steerDeg) + 30;
    const v = Math.round(this.speed * 10);
    return s * SPEEDS.length + v;
  }

  /** Starts a new episode at rest: reset, then DeepRacer's `prepare` step at 0 m/s so the params are the new episode's. */
  private restart(seed?: number): DriveFrame {
    this.env.reset(seed === undefined ? {} : { seed });
    this.speed = 0;
    this.steerDeg = 0;
    this.moved = 0;
    const r = this.env.step(this.actionIndex());
    return { params: r.info.params!, reward: r.reward, pose: this.env.vec.poses().slice(0, 3), ended: null, resting: true };
  }
}
