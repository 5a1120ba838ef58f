/**
 * What the DeepRacer community's log-analysis notebooks compute (deepracer-analysis `Training_analysis.py`,
 * deepracer-utils `log_utils.py`; reference/deepracer.md §4.3), over sim-trace logs held as columns
 * (trace-columns.ts): per-episode aggregates, reward and progress per iteration with their spread, completed-lap
 * times per iteration, a reward heat map over the track, action histograms, fastest laps and best episodes.
 * Every function is one or two linear passes over typed arrays, so a million steps take tens of milliseconds.
 */
import type { TraceColumns } from './trace-columns';
import { EPISODE_STATUSES } from './sim-trace';

/** One episode of one iteration's log (deepracer-utils `simulation_agg` row). */
export interface EpisodeAggregate {
  /** Index of the iteration's log in the list given. */
  iteration: number;
  episode: number;
  /** Row range [start, end) in the iteration's log. */
  start: number;
  end: number;
  steps: number;
  /** Sum of the step rewards. */
  reward: number;
  /** Progress at the last step, percent. */
  progress: number;
  /** Status at the last step. */
  status: string;
  /** Simulated time from the first to the last step, s (penalties included). */
  timeS: number;
  /** The lap time when the episode completed a lap (its time plus one step, as the env counts it), else null. */
  lapTimeS: number | null;
  /** Mean commanded speed, m/s. */
  meanSpeed: number;
}

/** Summary statistics of a sample. */
export interface Spread {
  count: number;
  mean: number;
  std: number;
  min: number;
  q25: number;
  median: number;
  q75: number;
  max: number;
}

/** Per iteration: episodes, reward and progress spread, completion rate and completed-lap times. */
export interface IterationStats {
  iteration: number;
  episodes: number;
  reward: Spread;
  progress: Spread;
  /** Share of episodes that completed a lap, 0..1. */
  completion: number;
  /** Lap times of the completed episodes, s (empty when none). */
  lapTimes: number[];
}

/**
 * The episodes of each log, in file order (episodes are contiguous blocks of rows in Raceline's logs and DeepRacer's).
 * @param traces one log per iteration.
 */
export function aggregateEpisodes(traces: readonly TraceColumns[]): EpisodeAggregate[] {
  const out: EpisodeAggregate[] = [];
  traces.forEach((t, iteration) => {
    let start = 0;
    for (let i = 1; i <= t.length; i++) {
      if (i < t.length && t.episode[i] === t.episode[start]) continue;
      let reward = 0;
      let speed = 0;
      for (let k = start; k < i; k++) {
        reward += t.reward[k];
        speed += t.throttle[k];
      }
      const last = i - 1;
      const status = EPISODE_STATUSES[t.status[last]] ?? 'in_progress';
      const steps = i - start;
      const timeS = t.tstamp[last] - t.tstamp[start];
      out.push({
        iteration,
        episode: t.episode[start],
        start,
        end: i,
        steps,
        reward,
        progress: t.progress[last],
        status,
        timeS,
        // The env counts a lap from the moment before the first step: one step more than first-to-last.
        lapTimeS: status === 'lap_complete' ? timeS + (steps > 1 ? timeS / (steps - 1) : 0) : null,
        meanSpeed: speed / steps,
      });
      start = i;
    }
  });
  return out;
}

/** Count, mean, standard deviation (population), min, quartiles (linear interpolation, as numpy), max. */
export function spread(values: ArrayLike<number>): Spread {
  const n = values.length;
  if (n === 0) return { count: 0, mean: NaN, std: NaN, min: NaN, q25: NaN, median: NaN, q75: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2;
  const q = (p: number): number => {
    const pos = p * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(n - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  };
  return { count: n, mean, std: Math.sqrt(ss / n), min: sorted[0], q25: q(0.25), median: q(0.5), q75: q(0.75), max: sorted[n - 1] };
}

/** deepracer-analysis `analyze_training_progress`: per iteration, reward and progress spread, completion and laps. */
export function iterationStats(episodes: readonly EpisodeAggregate[], iterations: number): IterationStats[] {
  const groups: EpisodeAggregate[][] = Array.from({ length: iterations }, () => []);
  for (const e of episodes) groups[e.iteration]?.push(e);
  return groups.map((g, iteration) => {
    const laps = g.filter((e) => e.lapTimeS !== null).map((e) => e.lapTimeS as number);
    return {
      iteration,
      episodes: g.length,
      reward: spread(g.map((e) => e.reward)),
      progress: spread(g.map((e) => e.progress)),
      completion: g.length ? laps.length / g.length : 0,
      lapTimes: laps,
    };
  });
}

/** The `k` fastest completed laps (ties to the earlier iteration and episode). */
export function fastestLaps(episodes: readonly EpisodeAggregate[], k = 10): EpisodeAggregate[] {
  return episodes
    .filter((e) => e.lapTimeS !== null)
    .sort((a, b) => (a.lapTimeS as number) - (b.lapTimeS as number) || a.iteration - b.iteration || a.episode - b.episode)
    .slice(0, k);
}

/** The `k` episodes with the highest total reward, or the furthest progress. */
export function bestEpisodes(episodes: readonly EpisodeAggregate[], by: 'reward' | 'progress', k = 10): EpisodeAggregate[] {
  return [...episodes].sort((a, b) => b[by] - a[by] || a.iteration - b.iteration || a.episode - b.episode).slice(0, k);
}

/** A grid over the track of the mean of a per-step value (deepracer-analysis `plot_track` heat map). */
export interface HeatMap {
  /** Lower-left corner of cell (0, 0), m. */
  x0: number;
  y0: number;
  /** Cell side, m. */
  cell: number;
  nx: number;
  ny: number;
  /** [ny * nx] sum of the values in each cell (row-major, row 0 at y0). */
  sum: Float64Array;
  /** [ny * nx] steps in each cell. */
  count: Uint32Array;
}

/**
 * Bins every step's agent point into square cells and sums `value` (reward by default) per cell.
 * @param bounds the area covered (the track's bounds), m; @param cell cell side, m.
 */
export function heatMap(
  traces: readonly TraceColumns[],
  bounds: { minX: number; minY: number; maxX: number; maxY: number },
  cell = 0.1,
  value: 'reward' | 'throttle' | 'progress' = 'reward',
): HeatMap {
  const nx = Math.max(1, Math.ceil((bounds.maxX - bounds.minX) / cell));
  const ny = Math.max(1, Math.ceil((bounds.maxY - bounds.minY) / cell));
  const sum = new Float64Array(nx * ny);
  const count = new Uint32Array(nx * ny);
  for (const t of traces) {
    const v = t[value];
    for (let i = 0; i < t.length; i++) {
      const cx = Math.floor((t.x[i] - bounds.minX) / cell);
      const cy = Math.floor((t.y[i] - bounds.minY) / cell);
      if (cx < 0 || cy < 0 || cx >= nx || cy >= ny) continue;
      const k = cy * nx + cx;
      sum[k] += v[i];
      count[k]++;
    }
  }
  return { x0: bounds.minX, y0: bounds.minY, cell, nx, ny, sum, count };
}

/**
 * Where on the track one discrete action is chosen (the community notebooks' per-action plots): per square
 * cell, `sum` counts the steps that took `action` and `count` all steps, so sum/count is the action's share
 * of the steps driven there. Continuous actions (index −1) are counted in `count` only.
 * @param bounds the area covered (the track's bounds), m; @param cell cell side, m.
 */
export function actionMap(traces: readonly TraceColumns[], bounds: { minX: number; minY: number; maxX: number; maxY: number }, action: number, cell = 0.1): HeatMap {
  const nx = Math.max(1, Math.ceil((bounds.maxX - bounds.minX) / cell));
  const ny = Math.max(1, Math.ceil((bounds.maxY - bounds.minY) / cell));
  const sum = new Float64Array(nx * ny);
  const count = new Uint32Array(nx * ny);
  for (const t of traces) {
    for (let i = 0; i < t.length; i++) {
      const cx = Math.floor((t.x[i] - bounds.minX) / cell);
      const cy = Math.floor((t.y[i] - bounds.minY) / cell);
      if (cx < 0 || cy < 0 || cx >= nx || cy >= ny) continue;
      const k = cy * nx + cx;
      if (t.action[i] === action) sum[k]++;
      count[k]++;
    }
  }
  return { x0: bounds.minX, y0: bounds.minY, cell, nx, ny, sum, count };
}

/** Mean commanded steering (degrees) and speed (m/s) of the steps that took each discrete action (NaN when none did). */
export function actionMeans(traces: readonly TraceColumns[]): { steer: number; speed: number; steps: number }[] {
  const out: { steer: number; speed: number; steps: number }[] = [];
  for (const t of traces) {
    for (let i = 0; i < t.length; i++) {
      const a = t.action[i];
      if (a < 0) continue;
      while (out.length <= a) out.push({ steer: 0, speed: 0, steps: 0 });
      out[a].steer += t.steer[i];
      out[a].speed += t.throttle[i];
      out[a].steps++;
    }
  }
  return out.map((m) => (m.steps ? { steer: m.steer / m.steps, speed: m.speed / m.steps, steps: m.steps } : { steer: NaN, speed: NaN, steps: 0 }));
}

/** Steps per discrete action index (continuous actions, index −1, are left out; see `continuousHistogram`). */
export function actionHistogram(traces: readonly TraceColumns[]): number[] {
  const counts: number[] = [];
  for (const t of traces) {
    for (let i = 0; i < t.length; i++) {
      const a = t.action[i];
      if (a < 0) continue;
      while (counts.length <= a) counts.push(0);
      counts[a]++;
    }
  }
  return counts;
}

/** A 2-D histogram of commanded steering × speed (continuous action spaces). */
export function continuousHistogram(traces: readonly TraceColumns[], bins = 12): { steer: [number, number]; speed: [number, number]; bins: number; counts: Uint32Array } {
  let sMin = Infinity;
  let sMax = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const t of traces) {
    for (let i = 0; i < t.length; i++) {
      sMin = Math.min(sMin, t.steer[i]);
      sMax = Math.max(sMax, t.steer[i]);
      vMin = Math.min(vMin, t.throttle[i]);
      vMax = Math.max(vMax, t.throttle[i]);
    }
  }
  const counts = new Uint32Array(bins * bins);
  if (!Number.isFinite(sMin)) return { steer: [0, 0], speed: [0, 0], bins, counts };
  const ds = sMax - sMin || 1;
  const dv = vMax - vMin || 1;
  for (const t of traces) {
    for (let i = 0; i < t.length; i++) {
      const a = Math.min(bins - 1, Math.floor(((t.steer[i] - sMin) / ds) * bins));
      const b = Math.min(bins - 1, Math.floor(((t.throttle[i] - vMin) / dv) * bins));
      counts[b * bins + a]++;
    }
  }
  return { steer: [sMin, sMax], speed: [vMin, vMax], bins, counts };
}

/**
 * Keeps at most `max` points of a long series for drawing: every k-th index (first and last kept).
 * @returns the kept indices.
 */
export function thin(length: number, max: number): Int32Array {
  if (length <= max) return Int32Array.from({ length }, (_, i) => i);
  const out = new Int32Array(max);
  for (let j = 0; j < max; j++) out[j] = Math.round((j * (length - 1)) / (max - 1));
  return out;
}
