/**
 * The configuration, constants and per-step records of `RacingVectorEnv` (racing-env.ts), kept apart
 * so the env's file holds only its behaviour. Sources: deepracer-simapp (`rollout_agent_ctrl.py`,
 * `constants.py`); reference/deepracer.md §3.
 */
import type { Track } from '../track/track';
import type { ActionSpace } from './action-space';
import type { SensorName } from './observation';
import type { DomainRandomization } from './sensor-rig';
import type { DeepRacerParams } from './params';
import type { AnyRewardFunction } from './reward-function';
import type { SceneConfig } from './scene';
import type { ObjectKind, SceneObject } from './objects';

/** Control steps per simulated second (DeepRacer's camera rate). */
export const CONTROL_HZ = 15;
/** DeepRacer's NUMBER_OF_REVERSE_COUNTS and immobilised count. */
export const REVERSE_STEPS = 15;
export const IMMOBILE_STEPS = 15;
/** Largest move per step that counts as immobile, m. */
export const IMMOBILE_DISTANCE = 0.0003;
/** DeepRacer's ROUND_ROBIN_ADVANCE_DIST, fraction of a lap. */
export const ROUND_ROBIN_ADVANCE = 0.05;
/** Gap between cars on a head-to-head start grid, m (simapp START_POS_OFFSET). */
export const GRID_SPACING = 0.75;

/** DeepRacer's episode statuses (simapp `EpisodeStatus`); `pause` = held after a race reset. */
export type EpisodeStatus = 'prepare' | 'in_progress' | 'lap_complete' | 'off_track' | 'crashed' | 'reversed' | 'immobilized' | 'time_up' | 'pause';

/**
 * DeepRacer's race resets (simapp `NUMBER_OF_RESETS`, `OFF_TRACK_PENALTY`, `COLLISION_PENALTY`): up to `maxResets`
 * times an episode, a car that leaves the track, reverses, stops or crashes is put back and held for the penalty
 * (time runs on) instead of ending the episode. Training uses none (DeepRacer: 0 resets).
 */
export interface RaceResets {
  maxResets: number;
  /** Held time after leaving the track, s (DeepRacer evaluation default 2; DRFC 5). */
  offTrackPenaltyS: number;
  /** Held time after a crash, s (DeepRacer evaluation default 5). */
  collisionPenaltyS: number;
  /** After reversing, s (default: the off-track penalty, as simapp). */
  reversePenaltyS?: number;
  /** After stopping (immobilized), s (default 0, as simapp). */
  immobilizedPenaltyS?: number;
}

/** One simulated step of one car, for logs (sim-trace): what DeepRacer's `SIM_TRACE_LOG` line holds. */
export interface CarStepEvent {
  car: number;
  /** The step's params (objects included). */
  params: DeepRacerParams;
  /** Discrete action index, or the continuous action as [steering deg, speed m/s]. */
  action: number | [number, number];
  reward: number;
  status: EpisodeStatus;
  /** The episode ended on this step. */
  done: boolean;
  /** Penalty time still to wait, s (DeepRacer's `pause_duration`). */
  pauseDuration: number;
}

/** An object's pose for drawing (see `objectPoses`): kind, index, footprint centre and size (m), heading (rad). */
export type ObjectPose = Pick<SceneObject, 'kind' | 'index' | 'x' | 'y' | 'heading' | 'length' | 'width'>;

export interface RacingEnvConfig {
  track: Track;
  actionSpace: ActionSpace;
  /** Local (synchronous) or remote (sandboxed; use `stepAsync`). */
  reward: AnyRewardFunction;
  /** Parallel cars (default 1). */
  numEnvs?: number;
  /** One sensor (default TRACK_GEOMETRY); `sensors` takes precedence. */
  sensor?: SensorName;
  /** DeepRacer's sensor list: one camera kind and at most one LiDAR kind, or TRACK_GEOMETRY alone. */
  sensors?: readonly SensorName[];
  /** Camera randomisation for sim-to-real transfer (off by default; seeded by `reset`). */
  domainRandomization?: DomainRandomization | null;
  /** Step limit of an episode, after which it is truncated (DeepRacer MAX_STEPS = 10000). */
  maxSteps?: number;
  /** Start of the first episode as a fraction of the lap (default 0 = the start line). */
  startFraction?: number;
  /** Advance of the start per new episode, fraction of a lap (default 0.05; 0 = always the same start). */
  roundRobinAdvance?: number;
  /** Restart finished cars in the same step (default true). Without it, finished cars stay parked. */
  autoreset?: boolean;
  /** Random start perturbation, uniform ±lateral m and ±heading rad (default none). */
  startNoise?: { lateral: number; heading: number };
  /** Physics sub-steps per control step (default 4, i.e. 60 Hz). */
  substeps?: number;
  /**
   * Lowest speed command the car accepts, m/s (default MIN_SPEED = 0.1, as simapp, which never lets a car stop).
   * The keyboard lesson passes 0 so that a student who lets go of the keys can bring the car to rest.
   */
  minSpeed?: number;
  /** Boxes and bot cars on the track (object avoidance, head to bot), and whether cars race each other. Default none. */
  objects?: SceneConfig;
  /** Race resets with penalties instead of ending the episode (DeepRacer evaluation rules). Default none. */
  resets?: RaceResets;
  /** Laps an episode lasts (DeepRacer continuous evaluation: laps follow one another). Default 1. */
  laps?: number;
  /**
   * Start cars as DeepRacer starts a head-to-head race: car i 0.75·i m behind the start line, odd cars in the inner
   * lane and even ones in the outer (simapp `get_start_positions`, `_start_lane_`); they race to the line. Default false.
   */
  grid?: boolean;
}

/** Per-car information of the last step. */
export interface CarStepInfo {
  status: EpisodeStatus;
  /** Percent 0..100 of the current lap. */
  progress: number;
  steps: number;
  /** Lap time in simulated seconds (penalties included) when a lap was completed this step, else null. */
  lapTimeS: number | null;
  /** Laps completed in this episode. */
  laps: number;
  /** Race resets used in this episode. */
  resets: number;
  /** Penalty time still to wait, s (0 when driving). */
  pauseDuration: number;
  /** What the car hit this step, when it crashed. */
  crashedInto: { kind: ObjectKind; index: number } | null;
}

