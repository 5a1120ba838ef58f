/**
 * RacingVectorEnv: N DeepRacer cars on one track, stepped in lockstep in one planck world (the
 * cars never collide with each other), with DeepRacer's episode rules and same-step autoreset.
 *
 * ## Action Space
 * Discrete(n) over the model's list of {steering_angle, speed}, or Box([-1, 1]²) rescaled to the
 * continuous ranges (see `action-space.ts`).
 * ## Observation Space
 * Box([TRACK_GEOMETRY_SIZE], −5, 5): the TRACK_GEOMETRY vector (see `observation.ts`).
 * ## Rewards
 * The user's `reward_function(params)`; the first step of every episode gets 0 without calling it
 * (DeepRacer's `prepare` step). Invalid values stop the run with a `RewardError`.
 * ## Starting State
 * Car origin on the centre line, heading along it, at rest; each new episode starts 5% of the
 * lap further on than the previous one (DeepRacer's round-robin start; open tracks start at 0).
 * ## Episode End
 * Terminated: lap complete (progress 100), all four wheels off track, progress fell for 15
 * consecutive steps (reversed), moved ≤ 0.3 mm a step for 15 consecutive steps (immobilized).
 * Truncated: `maxSteps` reached. (deepracer-simapp `rollout_agent_ctrl.py`; reference §3.2.)
 * ## Timing
 * 15 control steps per simulated second, each split into `substeps` physics steps.
 */
import { Vec2, World, type Body } from 'planck';
import type { Track } from '../track/track';
import { applyCarForces, createCarBody, type CarControl } from './car';
import { decodeAction, policyActionSpace, MAX_STEERING_DEG, MIN_SPEED, MAX_SPEED, type ActionSpace } from './action-space';
import { observationSpaceFor, writeGeometryObservation, TRACK_GEOMETRY_SIZE, type SensorName } from './observation';
import type { BoxSpace, Space } from './spaces';
import type { EpisodeRecord, ResetOptions, VectorEnv, VectorStepResult } from './env';
import { Rng } from './rng';
import { buildParams, emptyMeasure, measureCar, type CarMeasure, type DeepRacerParams } from '../reward/params';
import { checkRewardValue, type AnyRewardFunction } from '../reward/reward-function';

/** Control steps per simulated second (DeepRacer's camera rate). */
export const CONTROL_HZ = 15;
/** DeepRacer's NUMBER_OF_REVERSE_COUNTS and immobilised count. */
export const REVERSE_STEPS = 15;
export const IMMOBILE_STEPS = 15;
/** Largest move per step that counts as immobile, m. */
export const IMMOBILE_DISTANCE = 0.0003;
/** DeepRacer's ROUND_ROBIN_ADVANCE_DIST, fraction of a lap. */
export const ROUND_ROBIN_ADVANCE = 0.05;

export type EpisodeStatus = 'prepare' | 'in_progress' | 'lap_complete' | 'off_track' | 'reversed' | 'immobilized' | 'time_up';

export interface RacingEnvConfig {
  track: Track;
  actionSpace: ActionSpace;
  /** Local (synchronous) or remote (sandboxed; use `stepAsync`). */
  reward: AnyRewardFunction;
  /** Parallel cars (default 1). */
  numEnvs?: number;
  sensor?: SensorName;
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
}

/** Per-car information of the last step. */
export interface CarStepInfo {
  status: EpisodeStatus;
  /** Percent 0..100. */
  progress: number;
  steps: number;
  /** Lap time in simulated seconds when the lap was completed this step, else null. */
  lapTimeS: number | null;
}

export class RacingVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: Space;
  readonly track: Track;
  readonly actionSpace: ActionSpace;
  /** The params of each car's last step (null before the first step). */
  readonly lastParams: (DeepRacerParams | null)[];
  readonly lastInfo: CarStepInfo[];

  private readonly cfg: Required<Omit<RacingEnvConfig, 'startNoise'>> & { startNoise: { lateral: number; heading: number } };
  private readonly world: World;
  private readonly bodies: Body[] = [];
  private readonly controls: CarControl[] = [];
  private readonly measures: CarMeasure[] = [];
  private readonly obsSize: number;
  private rng = new Rng(0);
  private episodeCounter = 0;
  private readonly steps: Int32Array;
  private readonly returns: Float64Array;
  private readonly prevNdist: Float64Array;
  private readonly progress: Float64Array; // cumulative percent, may go below 0 when reversing
  private readonly reverseCount: Int32Array;
  private readonly immobileCount: Int32Array;
  private readonly prevX: Float64Array;
  private readonly prevY: Float64Array;
  private readonly parked: Uint8Array;
  private readonly commands: Float64Array; // [numEnvs * 2] steering deg, speed m/s
  private readonly starts: Float64Array; // [numEnvs] fraction of the lap
  private readonly cmd = new Float64Array(2);
  private started = false;

  /** @throws Error for a bad action space or car count. */
  constructor(config: RacingEnvConfig) {
    const numEnvs = config.numEnvs ?? 1;
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new Error(`numEnvs must be a positive integer, got ${numEnvs}`);
    this.cfg = {
      track: config.track,
      actionSpace: config.actionSpace,
      reward: config.reward,
      numEnvs,
      sensor: config.sensor ?? 'TRACK_GEOMETRY',
      maxSteps: config.maxSteps ?? 10_000,
      startFraction: config.startFraction ?? 0,
      roundRobinAdvance: config.roundRobinAdvance ?? ROUND_ROBIN_ADVANCE,
      autoreset: config.autoreset ?? true,
      startNoise: config.startNoise ?? { lateral: 0, heading: 0 },
      substeps: config.substeps ?? 4,
    };
    this.numEnvs = numEnvs;
    this.track = config.track;
    this.actionSpace = config.actionSpace;
    this.singleObservationSpace = observationSpaceFor(this.cfg.sensor);
    this.singleActionSpace = policyActionSpace(config.actionSpace);
    this.obsSize = TRACK_GEOMETRY_SIZE;
    this.world = new World({ gravity: Vec2(0, 0), allowSleep: false });
    for (let i = 0; i < numEnvs; i++) {
      this.bodies.push(createCarBody(this.world, i, 0, 0, 0));
      this.controls.push({ steerCmd: 0, steer: 0, speedCmd: 0 });
      this.measures.push(emptyMeasure());
    }
    this.steps = new Int32Array(numEnvs);
    this.returns = new Float64Array(numEnvs);
    this.prevNdist = new Float64Array(numEnvs);
    this.progress = new Float64Array(numEnvs);
    this.reverseCount = new Int32Array(numEnvs);
    this.immobileCount = new Int32Array(numEnvs);
    this.prevX = new Float64Array(numEnvs);
    this.prevY = new Float64Array(numEnvs);
    this.parked = new Uint8Array(numEnvs);
    this.commands = new Float64Array(numEnvs * 2);
    this.starts = new Float64Array(numEnvs);
    this.lastParams = new Array(numEnvs).fill(null);
    this.lastInfo = Array.from({ length: numEnvs }, () => ({ status: 'prepare' as EpisodeStatus, progress: 0, steps: 0, lapTimeS: null }));
  }

  /** Resets every car; a seed restarts the round-robin and the noise generator. */
  reset(options: ResetOptions = {}): { observations: Float32Array } {
    if (options.seed !== undefined || !this.started) {
      this.rng = new Rng(options.seed ?? 0);
      this.episodeCounter = 0;
    }
    this.started = true;
    const obs = new Float32Array(this.numEnvs * this.obsSize);
    for (let i = 0; i < this.numEnvs; i++) {
      this.resetCar(i);
      this.writeObservation(i, obs);
    }
    return { observations: obs };
  }

  /**
   * Car poses for drawing: [numEnvs * 3] (x m, y m, heading rad) of each car origin.
   * @param out a buffer of that size to fill instead of allocating one.
   */
  poses(out: Float32Array = new Float32Array(this.numEnvs * 3)): Float32Array {
    for (let i = 0; i < this.numEnvs; i++) {
      const b = this.bodies[i];
      const p = b.getPosition();
      out[3 * i] = p.x;
      out[3 * i + 1] = p.y;
      out[3 * i + 2] = b.getAngle();
    }
    return out;
  }

  /**
   * Starts a new episode for car i at an arbitrary pose, at rest (for tests, and for lessons that
   * put the car somewhere by hand). Progress counts from this pose.
   * @param x,y car origin, m; @param heading rad. @returns car i's new observation [obsSize].
   */
  placeCar(i: number, x: number, y: number, heading: number): Float32Array {
    if (!this.started) this.reset();
    this.resetCar(i, { x, y, heading });
    const out = new Float32Array(this.numEnvs * this.obsSize);
    this.writeObservation(i, out);
    return out.slice(i * this.obsSize, (i + 1) * this.obsSize);
  }

  /** True when car i finished and waits (only without autoreset). */
  isParked(i: number): boolean {
    return this.parked[i] === 1;
  }

  /**
   * Steps all cars one control step (1/15 s).
   * @param actions Int32Array [numEnvs] of action indices, or Float32Array [numEnvs * 2] of continuous samples.
   * @throws RewardError when the reward function fails; Error when called before `reset`, or when the
   *   reward function is remote (sandboxed): use `stepAsync` then.
   */
  step(actions: Int32Array | Float32Array): VectorStepResult {
    const pending = this.simulate(actions);
    if (pending.batch.length === 0) return this.finishStep(pending, []);
    const reward = this.cfg.reward;
    if ('remote' in reward) throw new Error('RacingVectorEnv.step(): the reward function is remote (sandboxed); call stepAsync()');
    return this.finishStep(pending, reward.evaluate(pending.batch));
  }

  /**
   * `step` for a reward function that answers asynchronously (user code in the sandbox worker,
   * see docs/security.md); works with a local one as well.
   * @throws RewardError when the reward function fails or overruns its time limit.
   */
  async stepAsync(actions: Int32Array | Float32Array): Promise<VectorStepResult> {
    const pending = this.simulate(actions);
    if (pending.batch.length === 0) return this.finishStep(pending, []);
    return this.finishStep(pending, await this.cfg.reward.evaluate(pending.batch));
  }

  /** Physics and episode bookkeeping of a step; returns the params of the cars that need a reward. */
  private simulate(actions: Int32Array | Float32Array): { batch: DeepRacerParams[]; batchCars: number[] } {
    if (!this.started) throw new Error('RacingVectorEnv.step() called before reset()');
    const n = this.numEnvs;
    const dt = 1 / CONTROL_HZ / this.cfg.substeps;
    for (let i = 0; i < n; i++) {
      if (this.parked[i]) continue;
      decodeAction(this.actionSpace, actions, i, this.cmd);
      const steering = Math.min(MAX_STEERING_DEG, Math.max(-MAX_STEERING_DEG, this.cmd[0]));
      const speed = Math.min(MAX_SPEED, Math.max(MIN_SPEED, this.cmd[1]));
      this.commands[2 * i] = steering;
      this.commands[2 * i + 1] = speed;
      this.controls[i].steerCmd = (steering * Math.PI) / 180;
      this.controls[i].speedCmd = speed;
    }
    for (let k = 0; k < this.cfg.substeps; k++) {
      for (let i = 0; i < n; i++) if (!this.parked[i]) applyCarForces(this.bodies[i], this.controls[i], dt);
      this.world.step(dt, 8, 3);
    }

    const batch: DeepRacerParams[] = [];
    const batchCars: number[] = [];
    for (let i = 0; i < n; i++) {
      if (this.parked[i]) continue;
      const params = this.advanceEpisode(i);
      if (this.steps[i] > 1) {
        batch.push(params);
        batchCars.push(i);
      }
    }
    return { batch, batchCars };
  }

  /** Applies the rewards, ends and restarts episodes, and builds the step's result. */
  private finishStep(pending: { batch: DeepRacerParams[]; batchCars: number[] }, values: readonly unknown[]): VectorStepResult {
    const n = this.numEnvs;
    const { batch, batchCars } = pending;
    const rewards = new Float32Array(n);
    for (let k = 0; k < batch.length; k++) rewards[batchCars[k]] = checkRewardValue(values[k], batch[k].steps);

    const observations = new Float32Array(n * this.obsSize);
    const terminated = new Uint8Array(n);
    const truncated = new Uint8Array(n);
    const finalObservations: (Float32Array | null)[] = new Array(n).fill(null);
    const episodes: EpisodeRecord[] = [];
    for (let i = 0; i < n; i++) {
      if (this.parked[i]) {
        this.writeObservation(i, observations);
        continue;
      }
      this.returns[i] += rewards[i];
      const info = this.lastInfo[i];
      const ended = info.status !== 'in_progress' && info.status !== 'prepare';
      this.writeObservation(i, observations);
      if (!ended) continue;
      const isTrunc = info.status === 'time_up';
      terminated[i] = isTrunc ? 0 : 1;
      truncated[i] = isTrunc ? 1 : 0;
      episodes.push({
        envIndex: i,
        episodicReturn: this.returns[i],
        episodicLength: this.steps[i],
        terminated: !isTrunc,
        truncated: isTrunc,
        extra: {
          progress: info.progress,
          status: info.status,
          lapCompleted: info.status === 'lap_complete',
          lapTimeS: info.lapTimeS,
          startFraction: this.startOf(i),
        },
      });
      if (this.cfg.autoreset) {
        finalObservations[i] = observations.slice(i * this.obsSize, (i + 1) * this.obsSize);
        this.resetCar(i);
        this.writeObservation(i, observations);
      } else {
        this.park(i);
      }
    }
    return { observations, rewards, terminated, truncated, finalObservations, episodes };
  }

  /** Start of each car's current episode, fraction of the lap. */
  private startOf(i: number): number {
    return this.starts[i];
  }

  /** Places car i at the next start position (or at `pose`), at rest, and clears its episode. */
  private resetCar(i: number, pose?: { x: number; y: number; heading: number }): void {
    const track = this.track;
    let x: number;
    let y: number;
    let heading: number;
    if (pose) {
      ({ x, y, heading } = pose);
    } else {
      const frac = track.loop ? (((this.cfg.startFraction + this.episodeCounter * this.cfg.roundRobinAdvance) % 1) + 1) % 1 : 0;
      this.episodeCounter++;
      this.starts[i] = frac;
      const start = track.pointAt(frac * track.length);
      const noise = this.cfg.startNoise;
      const lateral = noise.lateral > 0 ? (this.rng.uniform() * 2 - 1) * noise.lateral : 0;
      const dHeading = noise.heading > 0 ? (this.rng.uniform() * 2 - 1) * noise.heading : 0;
      x = start.x - lateral * Math.sin(start.heading);
      y = start.y + lateral * Math.cos(start.heading);
      heading = start.heading + dHeading;
    }
    const body = this.bodies[i];
    body.setActive(true);
    body.setTransform(Vec2(x, y), heading);
    body.setLinearVelocity(Vec2(0, 0));
    body.setAngularVelocity(0);
    const ctl = this.controls[i];
    ctl.steer = 0;
    ctl.steerCmd = 0;
    ctl.speedCmd = 0;
    const m = measureCar(track, x, y, heading, -1, this.measures[i]);
    this.prevNdist[i] = track.normalizedDistance(m.projection.along);
    if (pose) this.starts[i] = this.prevNdist[i];
    this.progress[i] = 0;
    this.steps[i] = 0;
    this.returns[i] = 0;
    this.reverseCount[i] = 0;
    this.immobileCount[i] = 0;
    this.prevX[i] = x;
    this.prevY[i] = y;
    this.parked[i] = 0;
    this.lastParams[i] = null;
    const info = this.lastInfo[i];
    info.status = 'prepare';
    info.progress = 0;
    info.steps = 0;
    info.lapTimeS = null;
  }

  private park(i: number): void {
    this.parked[i] = 1;
    const body = this.bodies[i];
    body.setLinearVelocity(Vec2(0, 0));
    body.setAngularVelocity(0);
    body.setActive(false);
  }

  /** Measures car i after physics, applies DeepRacer's episode rules, returns its params. */
  private advanceEpisode(i: number): DeepRacerParams {
    const track = this.track;
    const body = this.bodies[i];
    const pos = body.getPosition();
    const heading = body.getAngle();
    const m = measureCar(track, pos.x, pos.y, heading, this.measures[i].projection.segment, this.measures[i]);
    this.steps[i]++;
    const steps = this.steps[i];

    const ndist = track.normalizedDistance(m.projection.along);
    let delta = ndist - this.prevNdist[i];
    if (track.loop) {
      // Crossing the start line jumps the normalised distance by about ±1.
      if (delta > 0.5) delta -= 1;
      else if (delta < -0.5) delta += 1;
    }
    this.prevNdist[i] = ndist;
    const before = this.progress[i];
    const scale = track.loop ? 100 : 100 / Math.max(1e-9, 1 - this.startOf(i));
    this.progress[i] += delta * scale;
    this.reverseCount[i] = this.progress[i] < before ? this.reverseCount[i] + 1 : 0;
    const moved = Math.hypot(pos.x - this.prevX[i], pos.y - this.prevY[i]);
    this.immobileCount[i] = moved <= IMMOBILE_DISTANCE ? this.immobileCount[i] + 1 : 0;
    this.prevX[i] = pos.x;
    this.prevY[i] = pos.y;

    let status: EpisodeStatus = steps === 1 ? 'prepare' : 'in_progress';
    if (this.progress[i] >= 100) status = 'lap_complete';
    else if (m.wheelsOnTrack === 0) status = 'off_track';
    else if (this.reverseCount[i] >= REVERSE_STEPS) status = 'reversed';
    else if (this.immobileCount[i] >= IMMOBILE_STEPS) status = 'immobilized';
    else if (steps >= this.cfg.maxSteps) status = 'time_up';
    const progress = Math.min(100, Math.max(0, this.progress[i]));
    const info = this.lastInfo[i];
    info.status = status;
    info.progress = progress;
    info.steps = steps;
    info.lapTimeS = status === 'lap_complete' ? steps / CONTROL_HZ : null;

    const params = buildParams(track, m, heading, {
      steeringAngle: this.commands[2 * i],
      speed: this.commands[2 * i + 1],
      steps,
      progress,
      simTime: steps / CONTROL_HZ,
    });
    this.lastParams[i] = params;
    return params;
  }

  /** Writes car i's observation into its row of `out`. */
  private writeObservation(i: number, out: Float32Array): void {
    const body = this.bodies[i];
    const pos = body.getPosition();
    const vel = body.getLinearVelocity();
    const m = this.measures[i];
    const p = m.projection;
    const track = this.track;
    const seg = p.segment;
    const tx = track.center.xs[seg + 1] - track.center.xs[seg];
    const ty = track.center.ys[seg + 1] - track.center.ys[seg];
    const cross = tx * (m.frontY - p.py) - ty * (m.frontX - p.px);
    const dist = Math.sqrt(p.dist2);
    const params = this.lastParams[i];
    writeGeometryObservation(
      track.center,
      {
        x: pos.x,
        y: pos.y,
        heading: body.getAngle(),
        vx: vel.x,
        vy: vel.y,
        yawRate: body.getAngularVelocity(),
        steer: this.controls[i].steer,
        along: p.along,
        offset: cross >= 0 ? dist : -dist,
        width: params ? params.track_width : track.nominalWidth,
      },
      out,
      i * this.obsSize,
    );
  }
}
