/**
 * Runs a race: each entry's greedy policy drives the event's track under its rules (rules.ts), in one vector env,
 * one batched policy call per step. Time trial, object avoidance and head to head against bots run each entry on
 * its own (DeepRacer races one car at a time against the clock); head to head between models puts every entry on
 * the track at once, on DeepRacer's start grid, each seeing the others as objects.
 *
 * - Continuous rules: one run of `laps` laps; an off-track or crash puts the car back and holds it for the penalty
 *   (at most `maxResets` times; one more ends the run); time runs on. Not continuous: `laps` trials from the start
 *   line, each a lap, with the same resets inside a trial.
 * - Deterministic: the simulator is, and every random draw (start perturbation, random boxes, bot starts and lane
 *   changes) comes from `event.seed`, so the same event and models give the same times on any machine.
 * - Each trial starts with a small seeded perturbation (±2 cm, ±1.5°), as in evaluate.ts.
 */
import { RacingVectorEnv, CONTROL_HZ, type CarStepEvent, type RacingEnvConfig } from '../sim/racing-env';
import { decodeAction, MIN_SPEED, MAX_SPEED, type ActionSpace, type ContinuousActionSpace } from '../sim/action-space';
import type { SensorName } from '../sim/observation';
import type { SceneConfig } from '../sim/scene';
import type { Track } from '../track/track';
import type { RewardFunction } from '../reward/reward-function';
import type { GreedyPolicy } from './evaluate';
import { TraceRecorder, type TraceColumns } from './trace-columns';
import type { LapResult, RaceEventConfig, RaceOutcome } from './rules';

/** One car in the race: a name, its policy and what it was trained with. */
export interface RaceEntrant {
  name: string;
  policy: GreedyPolicy;
  actionSpace: ActionSpace;
  /** The model's sensor list (DeepRacer `sensor`). */
  sensors: SensorName[];
}

/** A replay of one car: its poses and (for moving objects) theirs, step by step. */
export interface RaceReplay {
  /** Trials (1 for continuous runs and head to head), each [steps * 3] car origin x, y (m), heading (rad). */
  paths: Float32Array[];
  /** Per trial, the objects it met: boxes' fixed poses [n * 5] x, y, heading, length, width. */
  boxes: Float32Array[];
  /** Per trial, bot poses per step [steps * bots * 3] x, y, heading (empty without bots). */
  bots: Float32Array[];
  /** Bots per trial. */
  botCount: number;
}

/** An entry's race: its outcome, replay and sim-trace (the evaluation log). */
export interface EntryRun {
  outcome: RaceOutcome;
  replay: RaceReplay;
  /** DeepRacer sim-trace of the run, one episode per trial (or run); rewards are 0 (races do not need them). */
  trace: TraceColumns | null;
}

export interface RaceOptions {
  /** Keep the sim-trace (default true). */
  trace?: boolean;
  /** Called every `progressEvery` steps with the fraction of the time limit used (for progress bars). */
  onProgress?: (fraction: number) => void;
}

/** Rewards are not needed to race: no user code runs. */
const NO_REWARD: RewardFunction = { language: 'javascript', evaluate: (batch) => batch.map(() => 0) };
/** DeepRacer evaluation's start perturbation stand-in (see evaluate.ts). */
const START_NOISE = { lateral: 0.02, heading: (1.5 * Math.PI) / 180 };
/** Head to head: every entry acts in one command space, the simulator's full range. */
const COMMAND_SPACE: ContinuousActionSpace = { type: 'continuous', steering_angle: { low: -30, high: 30 }, speed: { low: MIN_SPEED, high: MAX_SPEED } };

/** The objects the event puts on the track. */
export function eventScene(event: RaceEventConfig): SceneConfig | undefined {
  if (event.format === 'object_avoidance') return { obstacles: event.obstacles };
  if (event.format === 'head_to_bot') return { bots: event.bots };
  if (event.format === 'head_to_model') return { shared: true, carsAreObjects: true };
  return undefined;
}

function envConfig(event: RaceEventConfig, track: Track, actionSpace: ActionSpace, sensors: SensorName[], numEnvs: number): RacingEnvConfig {
  const r = event.rules;
  return {
    track,
    actionSpace,
    sensors,
    reward: NO_REWARD,
    numEnvs,
    autoreset: false,
    roundRobinAdvance: 0,
    startFraction: 0,
    maxSteps: Math.round(r.timeLimitS * CONTROL_HZ),
    startNoise: event.format === 'head_to_model' ? { lateral: 0, heading: 0 } : START_NOISE,
    objects: eventScene(event),
    resets: r.maxResets > 0 ? { maxResets: r.maxResets, offTrackPenaltyS: r.offTrackPenaltyS, collisionPenaltyS: r.collisionPenaltyS } : undefined,
    laps: r.continuous || event.format === 'head_to_model' ? r.laps : 1, // head to head always races continuous laps
    grid: event.format === 'head_to_model',
  };
}

/** Per-car bookkeeping while racing. */
class CarTally {
  laps: LapResult[] = [];
  flags: boolean[] = [];
  offTracks = 0;
  crashes = 0;
  resets = 0;
  penaltyS = 0;
  lapOff = 0;
  lapCrash = 0;
  lapPenalty = 0;
  lastProgress = 0;
  status = 'prepare';
  path: number[] = [];
  bots: number[] = [];

  step(ev: CarStepEvent, lapTimeS: number | null, resets: number): void {
    if (ev.status === 'off_track') {
      this.offTracks++;
      this.lapOff++;
    } else if (ev.status === 'crashed') {
      this.crashes++;
      this.lapCrash++;
    }
    if (ev.status === 'pause') {
      this.penaltyS += 1 / CONTROL_HZ;
      this.lapPenalty += 1 / CONTROL_HZ;
    }
    this.resets = Math.max(this.resets, resets);
    this.lastProgress = ev.params.progress;
    this.status = ev.status;
    if (lapTimeS !== null) {
      this.laps.push({ lap: this.laps.length + 1, timeS: lapTimeS, offTracks: this.lapOff, crashes: this.lapCrash, penaltyS: round3(this.lapPenalty) });
      this.lapOff = this.lapCrash = 0;
      this.lapPenalty = 0;
    }
    if (ev.done) this.flags.push(ev.status === 'lap_complete');
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function outcomeOf(tallies: CarTally[], lapsPlanned: number, continuous: boolean): RaceOutcome {
  const laps: LapResult[] = [];
  const flags: boolean[] = [];
  for (const t of tallies) {
    for (const l of t.laps) laps.push({ ...l, lap: laps.length + 1 });
    flags.push(...t.flags);
  }
  const last = tallies[tallies.length - 1];
  const sum = (f: (t: CarTally) => number): number => tallies.reduce((a, t) => a + f(t), 0);
  return {
    laps,
    lapsPlanned,
    completedFlags: continuous ? laps.map(() => true) : flags,
    offTracks: sum((t) => t.offTracks),
    crashes: sum((t) => t.crashes),
    resets: sum((t) => t.resets),
    penaltyS: round3(sum((t) => t.penaltyS)),
    lastProgress: laps.length === lapsPlanned ? 100 : tallies.find((t) => t.status !== 'lap_complete')?.lastProgress ?? last.lastProgress,
    status: (tallies.find((t) => t.status !== 'lap_complete') ?? last).status,
  };
}

/**
 * Runs one entry alone (time trial, object avoidance, head to head against bots).
 * @throws Error for an event and model that do not fit (e.g. a sensor the simulator lacks), and whatever the
 *   policy throws.
 */
export async function runEntry(event: RaceEventConfig, track: Track, entrant: RaceEntrant, options: RaceOptions = {}): Promise<EntryRun> {
  const rules = event.rules;
  const n = rules.continuous ? 1 : rules.laps;
  const env = new RacingVectorEnv(envConfig(event, track, entrant.actionSpace, entrant.sensors, n));
  const recorder = options.trace === false ? null : new TraceRecorder();
  const tallies = Array.from({ length: n }, () => new CarTally());
  env.setStepListener((ev) => {
    recorder?.listener(ev);
    tallies[ev.car].step(ev, env.lastInfo[ev.car].lapTimeS, env.lastInfo[ev.car].resets);
  });
  let obs = env.reset({ seed: event.seed }).observations;
  const boxes = Array.from({ length: n }, (_, i) => boxPoses(env, i));
  const botCount = env.objectPoses(0).filter((o) => o.kind === 'bot').length;
  const limit = Math.round(rules.timeLimitS * CONTROL_HZ) + 1;
  for (let step = 0; step < limit; step++) {
    if (Array.from({ length: n }, (_, i) => env.isParked(i)).every(Boolean)) break;
    const { actions } = await entrant.policy.act(obs, n, { deterministic: true });
    const running = Array.from({ length: n }, (_, i) => !env.isParked(i));
    obs = env.step(actions).observations;
    const poses = env.poses();
    for (let i = 0; i < n; i++) {
      if (!running[i]) continue;
      tallies[i].path.push(poses[3 * i], poses[3 * i + 1], poses[3 * i + 2]);
      if (botCount > 0) for (const o of env.objectPoses(i)) if (o.kind === 'bot') tallies[i].bots.push(o.x, o.y, o.heading);
    }
    if (options.onProgress && step % 30 === 0) options.onProgress(step / limit);
  }
  return {
    outcome: outcomeOf(tallies, rules.laps, rules.continuous),
    replay: {
      paths: tallies.map((t) => Float32Array.from(t.path)),
      boxes,
      bots: tallies.map((t) => Float32Array.from(t.bots)),
      botCount,
    },
    trace: recorder ? recorder.flush() : null,
  };
}

function boxPoses(env: RacingVectorEnv, i: number): Float32Array {
  const out: number[] = [];
  for (const o of env.objectPoses(i)) if (o.kind === 'object') out.push(o.x, o.y, o.heading, o.length, o.width);
  return Float32Array.from(out);
}

/**
 * Head to head between models: every entry on the track at once (DeepRacer's grid: entry i 0.75·i m behind the
 * line, alternating lanes), each seeing the others in its `objects_*` and crashing into the one ahead of it. Each
 * entry's action is decoded with its own action space; the simulator gets the commands.
 * @throws Error when the entries' sensors differ (they share one observation layout).
 */
export async function runTogether(event: RaceEventConfig, track: Track, entrants: readonly RaceEntrant[], options: RaceOptions = {}): Promise<EntryRun[]> {
  const rules = event.rules;
  const n = entrants.length;
  if (n === 0) return [];
  const sensors = entrants[0].sensors;
  for (const e of entrants) {
    if (e.sensors.join(',') !== sensors.join(',')) throw new Error(`head to head: '${e.name}' uses ${e.sensors.join(', ')} but '${entrants[0].name}' uses ${sensors.join(', ')}; every car of a race shares one simulator`);
  }
  const env = new RacingVectorEnv(envConfig(event, track, COMMAND_SPACE, sensors, n));
  const recorders = entrants.map(() => (options.trace === false ? null : new TraceRecorder()));
  const tallies = entrants.map(() => new CarTally());
  const rawActions: (number | [number, number])[] = new Array(n).fill(0);
  env.setStepListener((ev) => {
    recorders[ev.car]?.listener({ ...ev, action: rawActions[ev.car] });
    tallies[ev.car].step(ev, env.lastInfo[ev.car].lapTimeS, env.lastInfo[ev.car].resets);
  });
  let obs = env.reset({ seed: event.seed }).observations;
  const obsSize = obs.length / n;
  const commands = new Float32Array(2 * n);
  const cmd = new Float64Array(2);
  const limit = Math.round(rules.timeLimitS * CONTROL_HZ) + 1;
  for (let step = 0; step < limit; step++) {
    const running = entrants.map((_, i) => !env.isParked(i));
    if (!running.some(Boolean)) break;
    for (let i = 0; i < n; i++) {
      if (!running[i]) continue;
      const e = entrants[i];
      const { actions } = await e.policy.act(obs.subarray(i * obsSize, (i + 1) * obsSize), 1, { deterministic: true });
      decodeAction(e.actionSpace, actions, 0, cmd);
      rawActions[i] = e.actionSpace.type === 'discrete' ? actions[0] : [cmd[0], cmd[1]];
      commands[2 * i] = ((cmd[0] + 30) / 60) * 2 - 1;
      commands[2 * i + 1] = ((Math.min(MAX_SPEED, Math.max(MIN_SPEED, cmd[1])) - MIN_SPEED) / (MAX_SPEED - MIN_SPEED)) * 2 - 1;
    }
    obs = env.step(commands).observations;
    const poses = env.poses();
    for (let i = 0; i < n; i++) if (running[i]) tallies[i].path.push(poses[3 * i], poses[3 * i + 1], poses[3 * i + 2]);
    if (options.onProgress && step % 30 === 0) options.onProgress(step / limit);
  }
  return entrants.map((_, i) => ({
    outcome: outcomeOf([tallies[i]], rules.laps, true),
    replay: { paths: [Float32Array.from(tallies[i].path)], boxes: [new Float32Array(0)], bots: [new Float32Array(0)], botCount: 0 },
    trace: recorders[i]?.flush() ?? null,
  }));
}
