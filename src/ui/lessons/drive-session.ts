/**
 * "You are the agent": one car on a track driven from the keyboard. The simulator is the one training uses
 * (`RacingEnv`, run here on the main thread at DeepRacer's 15 control steps per second), so the `params` shown are
 * the ones a reward function would get. Keys set a wish (go, brake, left, right); each step turns it into one action
 * of a 7 × 7 discrete grid (steering −30..30°, speed 0.1..3 m/s), ramping like a gentle driver.
 */
import { RacingEnv } from '../../sim/racing-env-single';
import { CONTROL_HZ } from '../../sim/racing-env-types';
import type { DiscreteActionSpace } from '../../sim/action-space';
import type { DeepRacerParams } from '../../reward/params';
import type { RewardFunction } from '../../reward/reward-function';
import { Track } from '../../track/track';
import type { TrackData } from '../../track/track-data';

/** Steering angles of the grid, degrees (positive = left). */
const STEERINGS = [-30, -20, -10, 0, 10, 20, 30];
/** Speeds of the grid, m/s. */
const SPEEDS = [0.1, 0.5, 1, 1.5, 2, 2.5, 3];

/** The keyboard car's action space: every steering with every speed, steering outer. */
export const DRIVE_ACTIONS: DiscreteActionSpace = {
  type: 'discrete',
  actions: STEERINGS.flatMap((steering_angle) => SPEEDS.map((speed) => ({ steering_angle, speed }))),
};

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
  params: DeepRacerParams;
  reward: number;
  /** [3] car origin x, y (m), heading (rad). */
  pose: Float32Array;
  /** How the episode ended on this step (`off_track`, `lap_complete`, ...), or null while driving. */
  ended: string | null;
}

export class DriveSession {
  readonly track: Track;
  /** Best progress of any episode, percent of a lap. */
  bestProgress = 0;
  episodes = 0;
  private readonly env: RacingEnv;
  private steer = 3;
  private speed = 0;
  private stepIndex = 0;

  constructor(data: TrackData) {
    this.track = new Track(data);
    this.env = new RacingEnv({ track: this.track, actionSpace: DRIVE_ACTIONS, reward: CENTRE_LINE_REWARD, roundRobinAdvance: 0 });
    this.env.reset({ seed: 1 });
  }

  /** Seconds of simulated time per step. */
  static readonly STEP_S = 1 / CONTROL_HZ;

  /**
   * Advances one control step with the keys held now. An episode that ends (off track, lap, reversed, stopped)
   * restarts from the start line on the next step.
   */
  step(keys: DriveKeys): DriveFrame {
    this.stepIndex++;
    const wantSteer = keys.left && !keys.right ? 6 : keys.right && !keys.left ? 0 : 3;
    this.steer += Math.sign(wantSteer - this.steer);
    if (keys.brake) this.speed = Math.max(0, this.speed - 1);
    else if (keys.go) this.speed = Math.min(SPEEDS.length - 1, this.speed + (this.stepIndex % 3 === 0 ? 1 : 0));
    else if (this.stepIndex % 5 === 0) this.speed = Math.max(0, this.speed - 1);
    const r = this.env.step(this.steer * SPEEDS.length + this.speed);
    const params = r.info.params!;
    this.bestProgress = Math.max(this.bestProgress, params.progress);
    const pose = this.env.vec.poses().slice(0, 3);
    let ended: string | null = null;
    if (r.terminated || r.truncated) {
      ended = r.info.status ?? 'ended';
      this.episodes++;
      this.env.reset();
      this.speed = 0;
      this.steer = 3;
    }
    return { params, reward: r.reward, pose, ended };
  }
}
