/**
 * Sim-trace logs kept in memory and in storage as columns of typed arrays instead of CSV text: about 60 bytes a
 * step instead of about 150, read without parsing, and cheap to aggregate (a million steps is a few passes over
 * flat arrays). {@link tracesToCsv} writes DeepRacer's 17-column CSV from them (src/race/sim-trace.ts) when a file is
 * wanted: positions, angles, speeds and progress to 4 decimals as the simulator's `SIM_TRACE_LOG` line prints them
 * (reference/deepracer.md §4.1), rewards and times exactly.
 */
import { EPISODE_STATUSES, pythonFloat, SIM_TRACE_HEADER, SimTraceParser, type SimTraceRow } from './sim-trace';
import type { CarStepEvent } from '../sim/racing-env';

/** One iteration's (or one evaluation's) steps, column by column. Every array has `length` entries. */
export interface TraceColumns {
  type: 'sim-trace-columns';
  version: 1;
  length: number;
  /** Episode index within the log (integer ≥ 0). [length] int32. */
  episode: Int32Array;
  /** Step within the episode, from 1. [length] int32. */
  steps: Int32Array;
  /** Agent point, m. [length] float32. */
  x: Float32Array;
  y: Float32Array;
  /** Heading, degrees. [length] float32. */
  yaw: Float32Array;
  /** Commanded steering, degrees. [length] float32. */
  steer: Float32Array;
  /** Commanded speed, m/s. [length] float32. */
  throttle: Float32Array;
  /** Discrete action index, or −1 for a continuous action (then `[steer throttle]` is the action). [length] int16. */
  action: Int16Array;
  /** [length] float64. */
  reward: Float64Array;
  /** Percent. [length] float32. */
  progress: Float32Array;
  /** [length] int32. */
  closestWaypoint: Int32Array;
  /** Simulation time, s. [length] float64. */
  tstamp: Float64Array;
  /** Index into {@link EPISODE_STATUSES} (255 = another word, kept in `otherStatus`). [length] uint8. */
  status: Uint8Array;
  /** Penalty time left, s. [length] float32. */
  pause: Float32Array;
  /** Bit 0: done; bit 1: all wheels on track. [length] uint8. */
  flags: Uint8Array;
  /** Track length, m (one value: a log is of one track). */
  trackLen: number;
}

const STATUS_INDEX = new Map<string, number>(EPISODE_STATUSES.map((s, i) => [s, i]));

/** Collects rows into growing columns; `build()` returns exact-length copies. */
export class TraceBuilder {
  private n = 0;
  private cap: number;
  private c: Omit<TraceColumns, 'type' | 'version' | 'length' | 'trackLen'>;
  trackLen = 0;

  constructor(capacity = 4096) {
    this.cap = capacity;
    this.c = TraceBuilder.alloc(capacity);
  }

  private static alloc(n: number): Omit<TraceColumns, 'type' | 'version' | 'length' | 'trackLen'> {
    return {
      episode: new Int32Array(n), steps: new Int32Array(n), x: new Float32Array(n), y: new Float32Array(n), yaw: new Float32Array(n),
      steer: new Float32Array(n), throttle: new Float32Array(n), action: new Int16Array(n), reward: new Float64Array(n),
      progress: new Float32Array(n), closestWaypoint: new Int32Array(n), tstamp: new Float64Array(n), status: new Uint8Array(n),
      pause: new Float32Array(n), flags: new Uint8Array(n),
    };
  }

  get length(): number {
    return this.n;
  }

  private grow(): void {
    const next = TraceBuilder.alloc(this.cap * 2);
    for (const k of Object.keys(next) as (keyof typeof next)[]) (next[k] as Float64Array).set(this.c[k] as Float64Array);
    this.c = next;
    this.cap *= 2;
  }

  /** Appends one step. Statuses other than DeepRacer's are stored as `in_progress`. */
  push(row: SimTraceRow): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    const c = this.c;
    c.episode[i] = row.episode;
    c.steps[i] = row.steps;
    c.x[i] = row.x;
    c.y[i] = row.y;
    c.yaw[i] = row.yaw;
    c.steer[i] = row.steer;
    c.throttle[i] = row.throttle;
    c.action[i] = typeof row.action === 'number' ? row.action : -1;
    c.reward[i] = row.reward;
    c.progress[i] = row.progress;
    c.closestWaypoint[i] = row.closestWaypoint;
    c.tstamp[i] = row.tstamp;
    c.status[i] = STATUS_INDEX.get(row.episodeStatus ?? 'in_progress') ?? 1;
    c.pause[i] = row.pauseDuration ?? 0;
    c.flags[i] = (row.done ? 1 : 0) | (row.allWheelsOnTrack ? 2 : 0);
    this.trackLen = row.trackLen;
  }

  /** Appends every row of another log, adding `episodeOffset` to its episode numbers. */
  append(t: TraceColumns, episodeOffset: number): void {
    while (this.cap < this.n + t.length) this.grow();
    const c = this.c;
    const at = this.n;
    for (const k of Object.keys(c) as (keyof typeof c)[]) (c[k] as Float64Array).set(t[k] as Float64Array, at);
    for (let i = 0; i < t.length; i++) c.episode[at + i] += episodeOffset;
    this.n += t.length;
    if (t.length > 0) this.trackLen = t.trackLen;
  }

  build(): TraceColumns {
    const n = this.n;
    const c = this.c;
    return {
      type: 'sim-trace-columns', version: 1, length: n,
      episode: c.episode.slice(0, n), steps: c.steps.slice(0, n), x: c.x.slice(0, n), y: c.y.slice(0, n), yaw: c.yaw.slice(0, n),
      steer: c.steer.slice(0, n), throttle: c.throttle.slice(0, n), action: c.action.slice(0, n), reward: c.reward.slice(0, n),
      progress: c.progress.slice(0, n), closestWaypoint: c.closestWaypoint.slice(0, n), tstamp: c.tstamp.slice(0, n),
      status: c.status.slice(0, n), pause: c.pause.slice(0, n), flags: c.flags.slice(0, n), trackLen: this.trackLen,
    };
  }
}

/** The typed arrays of a log (to transfer it between threads without copying). */
export function traceBuffers(t: TraceColumns): ArrayBuffer[] {
  return [t.episode, t.steps, t.x, t.y, t.yaw, t.steer, t.throttle, t.action, t.reward, t.progress, t.closestWaypoint, t.tstamp, t.status, t.pause, t.flags].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

const round4 = (v: number): number => Math.round(v * 1e4) / 1e4 + 0;

/** Row i of a log, with float32 values rounded to the 4 decimals DeepRacer prints. */
export function rowAt(t: TraceColumns, i: number): SimTraceRow {
  const action = t.action[i];
  return {
    episode: t.episode[i],
    steps: t.steps[i],
    x: round4(t.x[i]),
    y: round4(t.y[i]),
    yaw: round4(t.yaw[i]),
    steer: round4(t.steer[i]),
    throttle: round4(t.throttle[i]),
    action: action >= 0 ? action : [round4(t.steer[i]), round4(t.throttle[i])],
    reward: t.reward[i],
    done: (t.flags[i] & 1) === 1,
    allWheelsOnTrack: (t.flags[i] & 2) === 2,
    progress: round4(t.progress[i]),
    closestWaypoint: t.closestWaypoint[i],
    trackLen: t.trackLen,
    tstamp: Math.round(t.tstamp[i] * 1e6) / 1e6,
    episodeStatus: EPISODE_STATUSES[t.status[i]] ?? 'in_progress',
    pauseDuration: round4(t.pause[i]),
    obstacleCrashCounter: null,
    wallClock: null,
  };
}

/**
 * DeepRacer's 17-column sim-trace CSV of a log (header included, `\n` line ends): each line what
 * `formatSimTraceRow(rowAt(t, i))` writes, built directly from the columns (about 4× faster).
 */
export function tracesToCsv(t: TraceColumns): string {
  const chunks: string[] = [];
  let lines: string[] = [SIM_TRACE_HEADER];
  const f = (v: number): string => pythonFloat(round4(v));
  const len = pythonFloat(t.trackLen);
  for (let i = 0; i < t.length; i++) {
    const a = t.action[i];
    const flags = t.flags[i];
    lines.push(
      `${t.episode[i]},${t.steps[i]}.0,${f(t.x[i])},${f(t.y[i])},${f(t.yaw[i])},${f(t.steer[i])},${f(t.throttle[i])},` +
        `${a >= 0 ? a : `[${f(t.steer[i])} ${f(t.throttle[i])}]`},${pythonFloat(t.reward[i])},${flags & 1 ? 'True' : 'False'},` +
        `${flags & 2 ? 'True' : 'False'},${f(t.progress[i])},${t.closestWaypoint[i]},${len},` +
        `${pythonFloat(Math.round(t.tstamp[i] * 1e6) / 1e6)},${EPISODE_STATUSES[t.status[i]] ?? 'in_progress'},${f(t.pause[i])}`,
    );
    if (lines.length >= 65536) {
      chunks.push(lines.join('\n'));
      lines = [];
    }
  }
  if (lines.length) chunks.push(lines.join('\n'));
  return `${chunks.join('\n')}\n`;
}

/**
 * Reads a sim-trace (CSV with any of the accepted variants, or a RoboMaker log) into columns.
 * @throws SimTraceError for malformed text (line and column named).
 */
export function csvToTrace(text: string, name?: string): TraceColumns {
  const b = new TraceBuilder(Math.max(1024, Math.ceil(text.length / 120)));
  const parser = new SimTraceParser((row) => b.push(row), name);
  const CHUNK = 1 << 20;
  for (let i = 0; i < text.length; i += CHUNK) parser.push(text.slice(i, i + CHUNK));
  parser.end();
  return b.build();
}

/**
 * The sim-trace row of one simulated step (DeepRacer's `SIM_TRACE_LOG` fields from the step's params):
 * X/Y the agent point, yaw the heading in degrees, steer/throttle the commanded action, `closest_waypoint` the
 * nearer of the two `closest_waypoints`, `tstamp` the episode's simulated time.
 * @param episode the episode's number in the log.
 */
export function rowFromStep(ev: CarStepEvent, episode: number): SimTraceRow {
  const p = ev.params;
  const [prev, next] = p.closest_waypoints;
  const wp = p.waypoints;
  const dPrev = Math.hypot(wp[prev][0] - p.x, wp[prev][1] - p.y);
  const dNext = Math.hypot(wp[next][0] - p.x, wp[next][1] - p.y);
  return {
    episode,
    steps: p.steps,
    x: p.x,
    y: p.y,
    yaw: p.heading,
    steer: p.steering_angle,
    throttle: p.speed,
    action: ev.action,
    reward: ev.reward,
    done: ev.done,
    allWheelsOnTrack: p.all_wheels_on_track,
    progress: p.progress,
    closestWaypoint: dPrev < dNext ? prev : next,
    trackLen: p.track_length,
    tstamp: p.sim_time,
    episodeStatus: ev.status,
    pauseDuration: ev.pauseDuration,
    obstacleCrashCounter: null,
    wallClock: null,
  };
}

/**
 * Records the sim-trace of a vector env's cars: each car's steps are kept until its episode ends, then appended to
 * the log as one block with the next episode number, so every episode's rows are contiguous in the file (as in a
 * DeepRacer worker's log). Attach with `env.setStepListener(recorder.listener)`.
 */
export class TraceRecorder {
  private pending: SimTraceRow[][] = [];
  private builder = new TraceBuilder();
  private nextEpisode = 0;
  readonly listener = (ev: CarStepEvent): void => {
    const rows = (this.pending[ev.car] ??= []);
    rows.push(rowFromStep(ev, 0));
    if (ev.done) {
      const episode = this.nextEpisode++;
      for (const r of rows) {
        r.episode = episode;
        this.builder.push(r);
      }
      rows.length = 0;
    }
  };

  /** Episodes finished so far in the current log. */
  get episodes(): number {
    return this.nextEpisode;
  }

  /** The finished episodes recorded since the last take (unfinished ones stay pending); episode numbers restart at 0. */
  take(): TraceColumns {
    const t = this.builder.build();
    this.builder = new TraceBuilder();
    this.nextEpisode = 0;
    return t;
  }

  /** Also ends the unfinished episodes (a run that stops mid-episode) and returns everything. */
  flush(): TraceColumns {
    for (const rows of this.pending) {
      if (!rows || rows.length === 0) continue;
      const episode = this.nextEpisode++;
      for (const r of rows) {
        r.episode = episode;
        this.builder.push(r);
      }
      rows.length = 0;
    }
    return this.take();
  }
}
