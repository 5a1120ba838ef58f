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
 * consecutive steps (reversed), moved ≤ 0.3 mm a step for 15 consecutive steps (immobilized),
 * hit a box, a bot car or (head to head) a racer ahead of it (crashed).
 * Truncated: `maxSteps` reached. (deepracer-simapp `rollout_agent_ctrl.py`; reference §3.2.)
 * Race rules (`resets`, `laps`): an off-track or crash puts the car back on the track and holds it
 * for the penalty instead (status `pause`, time runs on); laps follow one another without a stop.
 * ## Objects
 * `objects`: boxes and bot cars (`scene.ts`, `objects.ts`, `bots.ts`), one scene per car or one
 * shared by all cars, mirrored as planck sensor bodies (boxes static, bots kinematic) whose user data
 * is `{kind: 'object' | 'bot', index, scene}` (`scene` = the car index owning it, −1 when shared).
 * They fill the `objects_*` params and end episodes on a crash.
 * ## Timing
 * 15 control steps per simulated second, each split into `substeps` physics steps.
 */
import { Vec2, World, type Body } from 'planck';
import type { Track } from '../track/track';
import { applyCarForces, createCarBody, type CarControl } from './car';
import { decodeAction, policyActionSpace, MAX_STEERING_DEG, MIN_SPEED, MAX_SPEED, type ActionSpace } from './action-space';
import { observationSpaceFor, sensorLayout, TRACK_GEOMETRY_SIZE, type SensorLayout } from './observation';
import { SensorRig, writeTrackGeometry } from './sensor-rig';
import type { BoxSpace, Space } from './spaces';
import type { EpisodeRecord, ResetOptions, VectorEnv, VectorStepResult } from './env';
import { Rng } from './rng';
import { buildParams, emptyMeasure, measureCar, type CarMeasure, type DeepRacerParams } from './params';
import { checkRewardValue } from './reward-function';
import { alongGap, objectParams, TrackLanes, type SceneObject } from './objects';
import { resetPose, startBesideObject } from './reset-pose';
import { cameraObjects, isVisibleTo, RaceScenery } from './race-scenery';
import { CONTROL_HZ, GRID_SPACING, IMMOBILE_DISTANCE, IMMOBILE_STEPS, REVERSE_STEPS, ROUND_ROBIN_ADVANCE } from './racing-env-types';
import type { CarStepEvent, CarStepInfo, EpisodeStatus, ObjectPose, RacingEnvConfig } from './racing-env-types';

export * from './racing-env-types';

export class RacingVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: Space;
  readonly track: Track;
  readonly actionSpace: ActionSpace;
  /** The params of each car's last step (null before the first step). */
  readonly lastParams: (DeepRacerParams | null)[];
  readonly lastInfo: CarStepInfo[];

  private readonly cfg: Required<Omit<RacingEnvConfig, 'startNoise' | 'objects' | 'resets' | 'laps' | 'grid'>> & { startNoise: { lateral: number; heading: number } };
  /** Boxes, bots and race rules (see `objects`, `resets`, `laps`, `grid` in the config). */
  private readonly scenery: RaceScenery;
  private readonly pauseSteps: Int32Array; // [numEnvs] held steps left
  private readonly resetCount: Int32Array; // [numEnvs] race resets this episode
  private readonly lapCount: Int32Array; // [numEnvs] laps completed this episode
  private readonly lapStartStep: Int32Array; // [numEnvs] step at which the current lap began
  private readonly done: Uint8Array; // [numEnvs] the episode ended this step
  private lastActions: Int32Array | Float32Array | null = null;
  private stepListener: ((event: CarStepEvent) => void) | null = null;
  private readonly world: World;
  private readonly bodies: Body[] = [];
  private readonly controls: CarControl[] = [];
  private readonly measures: CarMeasure[] = [];
  private readonly obsSize: number;
  /** What the sensors are and how an observation is laid out. */
  readonly layout: SensorLayout;
  /** Camera and LiDAR (null for TRACK_GEOMETRY). */
  private readonly rig: SensorRig | null;
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
      sensors: config.sensors ?? [config.sensor ?? 'TRACK_GEOMETRY'],
      domainRandomization: config.domainRandomization ?? null,
      maxSteps: config.maxSteps ?? 10_000,
      startFraction: config.startFraction ?? 0,
      roundRobinAdvance: config.roundRobinAdvance ?? ROUND_ROBIN_ADVANCE,
      autoreset: config.autoreset ?? true,
      startNoise: config.startNoise ?? { lateral: 0, heading: 0 },
      substeps: config.substeps ?? 4,
      minSpeed: config.minSpeed ?? MIN_SPEED,
    };
    this.numEnvs = numEnvs;
    this.track = config.track;
    this.actionSpace = config.actionSpace;
    this.layout = sensorLayout(this.cfg.sensors);
    this.singleObservationSpace = observationSpaceFor(this.cfg.sensors);
    this.singleActionSpace = policyActionSpace(config.actionSpace);
    this.obsSize = this.layout.size;
    this.rig = this.layout.image || this.layout.lidar ? new SensorRig(this.layout, config.track, numEnvs, this.cfg.domainRandomization) : null;
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
    this.lastInfo = Array.from({ length: numEnvs }, () => ({
      status: 'prepare' as EpisodeStatus, progress: 0, steps: 0, lapTimeS: null, laps: 0, resets: 0, pauseDuration: 0, crashedInto: null,
    }));
    this.pauseSteps = new Int32Array(numEnvs);
    this.resetCount = new Int32Array(numEnvs);
    this.lapCount = new Int32Array(numEnvs);
    this.lapStartStep = new Int32Array(numEnvs);
    this.done = new Uint8Array(numEnvs);
    this.scenery = new RaceScenery(this.world, this.track, numEnvs, config);
  }

  /** What car i meets, in the order of its `objects_*` params (see `RaceScenery.objectsFor`). */
  objectsFor(i: number): SceneObject[] {
    return this.scenery.objectsFor(i, this.parked);
  }

  /** Poses of the objects car i meets (default car 0), for renderers. Footprint m, heading rad. */
  objectPoses(i = 0): ObjectPose[] {
    return this.objectsFor(i).map((o) => ({ kind: o.kind, index: o.index, x: o.x, y: o.y, heading: o.heading, length: o.length, width: o.width }));
  }

  /**
   * Calls `listener` for every simulated step of every car, after its reward is known and before an autoreset
   * (for sim-trace logs); null removes it.
   */
  setStepListener(listener: ((event: CarStepEvent) => void) | null): void {
    this.stepListener = listener;
  }

  /** Resets every car; a seed restarts the round-robin and the noise generator. */
  reset(options: ResetOptions = {}): { observations: Float32Array } {
    if (options.seed !== undefined || !this.started) {
      this.rng = new Rng(options.seed ?? 0);
      this.episodeCounter = 0;
      // Each scene draws from its own stream, so one car's episodes never shift another's boxes.
      this.scenery.scenes.forEach((s, k) => s.reseed((options.seed ?? 0) * 7919 + 104_729 + k));
    }
    this.started = true;
    if (this.scenery.rules.objects?.shared) {
      this.scenery.scenes[0].reset();
      this.scenery.syncBodies(0);
    }
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
      const speed = Math.min(MAX_SPEED, Math.max(this.cfg.minSpeed, this.cmd[1]));
      this.commands[2 * i] = steering;
      this.commands[2 * i + 1] = speed;
      this.controls[i].steerCmd = (steering * Math.PI) / 180 + (this.rig?.steeringOffset(i) ?? 0);
      this.controls[i].speedCmd = speed;
    }
    this.lastActions = actions;
    for (let k = 0; k < this.cfg.substeps; k++) {
      for (let i = 0; i < n; i++) {
        if (this.parked[i]) continue;
        if (this.pauseSteps[i] > 0) this.hold(i);
        else applyCarForces(this.bodies[i], this.controls[i], dt);
      }
      this.world.step(dt, 8, 3);
    }
    this.scenery.advance(1 / CONTROL_HZ, this.parked, this.bodies, !!this.layout.lidar);

    const batch: DeepRacerParams[] = [];
    const batchCars: number[] = [];
    for (let i = 0; i < n; i++) {
      if (this.parked[i]) continue;
      const params = this.advanceEpisode(i);
      // Held cars get no reward call (DeepRacer: ZERO_REWARD in the pause phase).
      if (this.steps[i] > 1 && this.lastInfo[i].status !== 'pause') {
        batch.push(params);
        batchCars.push(i);
      }
    }
    return { batch, batchCars };
  }

  /** Keeps a held car (race reset penalty) still for the next physics sub-step. */
  private hold(i: number): void {
    const body = this.bodies[i];
    body.setLinearVelocity(Vec2(0, 0));
    body.setAngularVelocity(0);
  }

  /** Applies the rewards, ends and restarts episodes, and builds the step's result. */
  private finishStep(pending: { batch: DeepRacerParams[]; batchCars: number[] }, values: readonly unknown[]): VectorStepResult {
    const n = this.numEnvs;
    const { batch, batchCars } = pending;
    const rewards = new Float32Array(n);
    const exact = this.stepListener ? new Float64Array(n) : null; // the logs keep the rewards as the function returned them
    for (let k = 0; k < batch.length; k++) {
      const r = checkRewardValue(values[k], batch[k].steps);
      rewards[batchCars[k]] = r;
      if (exact) exact[batchCars[k]] = r;
    }

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
      const ended = this.done[i] === 1;
      if (exact && this.lastParams[i]) this.emitStep(i, exact[i]);
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
          laps: info.laps,
          resets: info.resets,
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

  /** Hands car i's step to the step listener. */
  private emitStep(i: number, reward: number): void {
    const info = this.lastInfo[i];
    const a = this.lastActions;
    const action: number | [number, number] =
      this.actionSpace.type === 'discrete' && a ? a[i] : [this.commands[2 * i], this.commands[2 * i + 1]];
    this.stepListener!({ car: i, params: this.lastParams[i]!, action, reward, status: info.status, done: this.done[i] === 1, pauseDuration: info.pauseDuration });
  }

  /**
   * Moves car i's progress to its agent point's new normalised distance `ndist` (0..1). A loop adds the
   * change (crossing the start line jumps `ndist` by about ±1, which is unwrapped). An open track measures
   * from the episode's start to the far end: (ndist − start) / (1 − start) · 100, exactly 100 at the end.
   */
  private moveProgress(i: number, ndist: number): void {
    if (this.track.loop) {
      let delta = ndist - this.prevNdist[i];
      if (delta > 0.5) delta -= 1;
      else if (delta < -0.5) delta += 1;
      this.progress[i] += delta * 100;
    } else {
      const start = this.startOf(i);
      this.progress[i] = ((ndist - start) / Math.max(1e-9, 1 - start)) * 100;
    }
    this.prevNdist[i] = ndist;
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
    const scene = this.scenery.sceneOf(i);
    if (scene && !this.scenery.rules.objects?.shared) {
      scene.reset(); // a new episode draws this car's boxes again (when randomised) and restarts its bots
      this.scenery.syncBodies(i);
    }
    if (pose) {
      ({ x, y, heading } = pose);
    } else {
      const frac = track.loop ? (((this.cfg.startFraction + this.episodeCounter * this.cfg.roundRobinAdvance) % 1) + 1) % 1 : 0;
      this.episodeCounter++;
      this.starts[i] = frac;
      let start = track.pointAt(frac * track.length);
      if (this.scenery.rules.grid && this.numEnvs > 1 && this.scenery.lanes) {
        start = this.scenery.lanes.pointAt(i % 2 === 1 ? 'inner' : 'outer', frac * track.length - GRID_SPACING * i, { x: 0, y: 0, heading: 0 });
      } else if (scene && this.scenery.lanes) {
        start = startBesideObject(this.scenery.lanes, frac * track.length, this.objectsFor(i)) ?? start;
      }
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
    // Progress counts from where the agent point (the car's front) is. On an open track 100% is the far
    // end, so it is scaled by what is left of the track from there (else the end could not be reached).
    if (pose || !track.loop) this.starts[i] = this.prevNdist[i];
    this.progress[i] = 0;
    if (this.scenery.rules.grid && !pose && track.loop) {
      // Grid starts race to the start line: progress counts from it (negative behind it).
      this.progress[i] = (alongGap(track, this.starts[i] * track.length, m.projection.along) / track.length) * 100;
    }
    this.pauseSteps[i] = 0;
    this.resetCount[i] = 0;
    this.lapCount[i] = 0;
    this.lapStartStep[i] = 0;
    this.done[i] = 0;
    this.steps[i] = 0;
    this.returns[i] = 0;
    this.reverseCount[i] = 0;
    this.immobileCount[i] = 0;
    this.prevX[i] = x;
    this.prevY[i] = y;
    this.parked[i] = 0;
    this.lastParams[i] = null;
    this.rig?.newEpisode(i);
    const info = this.lastInfo[i];
    info.status = 'prepare';
    info.progress = 0;
    info.steps = 0;
    info.lapTimeS = null;
    info.laps = 0;
    info.resets = 0;
    info.pauseDuration = 0;
    info.crashedInto = null;
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
    const prevAlong = this.prevNdist[i] * track.length; // last step's agent point, where an off-track reset goes
    const lastX = this.prevX[i];
    const lastY = this.prevY[i];
    const m = measureCar(track, pos.x, pos.y, heading, this.measures[i].projection.segment, this.measures[i]);
    this.steps[i]++;
    const steps = this.steps[i];

    const before = this.progress[i];
    this.moveProgress(i, track.normalizedDistance(m.projection.along));
    this.reverseCount[i] = this.progress[i] < before ? this.reverseCount[i] + 1 : 0;
    const moved = Math.hypot(pos.x - this.prevX[i], pos.y - this.prevY[i]);
    this.immobileCount[i] = moved <= IMMOBILE_DISTANCE ? this.immobileCount[i] + 1 : 0;
    this.prevX[i] = pos.x;
    this.prevY[i] = pos.y;

    const info = this.lastInfo[i];
    info.crashedInto = null;
    info.lapTimeS = null;
    let status: EpisodeStatus = steps === 1 ? 'prepare' : 'in_progress';
    let hit: SceneObject | null = null;
    if (this.pauseSteps[i] > 0) {
      // Held after a race reset: time runs, nothing is judged (simapp pause phase), the rules restart after it.
      this.pauseSteps[i]--;
      this.reverseCount[i] = 0;
      this.immobileCount[i] = 0;
      status = steps >= this.cfg.maxSteps ? 'time_up' : 'pause';
    } else {
      hit = this.scenery.scenes.length > 0 || this.scenery.carObjects.length > 0 ? this.scenery.crashCheck(this.track, i, this.parked, pos.x, pos.y, heading, m.projection.along) : null;
      // Lap first: a car may crash on the finish line (simapp _check_for_episode_termination).
      if (this.progress[i] >= 100) status = 'lap_complete';
      else if (hit) status = 'crashed';
      else if (m.wheelsOnTrack === 0) status = 'off_track';
      else if (this.reverseCount[i] >= REVERSE_STEPS) status = 'reversed';
      else if (this.immobileCount[i] >= IMMOBILE_STEPS) status = 'immobilized';
      else if (steps >= this.cfg.maxSteps) status = 'time_up';
    }
    info.pauseDuration = this.pauseSteps[i] / CONTROL_HZ;
    const progress = Math.min(100, Math.max(0, this.progress[i]));
    info.status = status;
    info.progress = progress;
    info.steps = steps;
    if (hit) info.crashedInto = { kind: hit.kind, index: hit.index };
    let done = status !== 'in_progress' && status !== 'prepare' && status !== 'pause';
    if (status === 'lap_complete') {
      this.lapCount[i]++;
      info.laps = this.lapCount[i];
      info.lapTimeS = (steps - this.lapStartStep[i]) / CONTROL_HZ;
      this.lapStartStep[i] = steps;
      if (this.lapCount[i] < this.scenery.rules.laps) {
        // Continuous laps: the next lap starts now, from where the car is (simapp IS_CONTINUOUS).
        this.progress[i] -= 100;
        done = false;
      }
    }

    const params = buildParams(track, m, heading, {
      steeringAngle: this.commands[2 * i],
      speed: this.commands[2 * i + 1],
      steps,
      progress,
      simTime: steps / CONTROL_HZ,
      isCrashed: status === 'crashed',
    });
    const objects = this.scenery.scenes.length > 0 || this.scenery.carObjects.length > 0 ? this.objectsFor(i) : null;
    if (objects && objects.length > 0) Object.assign(params, objectParams(track, objects, m.projection.along, { x: pos.x, y: pos.y, heading }));
    this.lastParams[i] = params;

    const resets = this.scenery.rules.resets;
    if (done && resets && this.resetCount[i] < resets.maxResets && (status === 'off_track' || status === 'crashed' || status === 'reversed' || status === 'immobilized')) {
      this.raceReset(i, status, hit, prevAlong, lastX, lastY);
      done = false;
    }
    this.done[i] = done ? 1 : 0;
    return params;
  }

  /**
   * DeepRacer's race reset (simapp `_judge_action_at_run_phase`): after leaving the track, reversing or stopping,
   * the car goes back where it was a step ago, in the nearer lane (1 m behind a box that is in the way, in the other
   * lane); after hitting a box, 1 m behind it; after hitting a bot or racer, it stays where it is. Then it is held,
   * at rest, for the penalty.
   */
  private raceReset(i: number, status: EpisodeStatus, hit: SceneObject | null, prevAlong: number, lastX: number, lastY: number): void {
    const r = this.scenery.rules.resets!;
    const penalty =
      status === 'crashed' ? r.collisionPenaltyS : status === 'off_track' ? r.offTrackPenaltyS : status === 'reversed' ? r.reversePenaltyS : r.immobilizedPenaltyS;
    this.resetCount[i]++;
    const info = this.lastInfo[i];
    info.resets = this.resetCount[i];
    const body = this.bodies[i];
    const lanes = (this.scenery.lanes ??= new TrackLanes(this.track));
    const boxes = this.scenery.sceneOf(i)?.boxes ?? [];
    const pos = body.getPosition();
    let pose: { x: number; y: number; heading: number } | null = null;
    if (status !== 'crashed') pose = resetPose(lanes, prevAlong, lastX, lastY, boxes);
    else if (hit?.kind === 'object') pose = resetPose(lanes, this.measures[i].projection.along, pos.x, pos.y, boxes);
    if (pose) body.setTransform(Vec2(pose.x, pose.y), pose.heading);
    body.setLinearVelocity(Vec2(0, 0));
    body.setAngularVelocity(0);
    this.controls[i].steer = 0;
    const p = body.getPosition();
    const m = measureCar(this.track, p.x, p.y, body.getAngle(), -1, this.measures[i]);
    this.moveProgress(i, this.track.normalizedDistance(m.projection.along));
    this.prevX[i] = p.x;
    this.prevY[i] = p.y;
    this.reverseCount[i] = 0;
    this.immobileCount[i] = 0;
    this.pauseSteps[i] = Math.round(penalty * CONTROL_HZ);
    info.pauseDuration = penalty;
  }

  /** Writes car i's observation into its row of `out`. */
  private writeObservation(i: number, out: Float32Array): void {
    const body = this.bodies[i];
    let at = i * this.obsSize;
    if (this.layout.geometry) {
      const params = this.lastParams[i];
      writeTrackGeometry(this.track, body, this.measures[i], this.controls[i].steer, params ? params.track_width : this.track.nominalWidth, out, at);
      at += TRACK_GEOMETRY_SIZE;
    }
    if (this.rig) {
      const pos = body.getPosition();
      this.rig.write(i, { x: pos.x, y: pos.y, heading: body.getAngle() }, this.world, body, this.layout.image ? cameraObjects(this.objectsFor(i)) : [], out, at, (data) => isVisibleTo(data, i));
    }
  }
}

