/**
 * Short texts that describe a model in the garage and the shared-link view: action space, hyperparameters,
 * durations, sizes, evaluation results. Pure functions (no DOM), tested in Node.
 */
import type { ActionSpace } from '../sim/action-space';
import type { PpoConfig } from '../rl/config';
import type { EvaluationSummary } from '../store/records';

/** `10 discrete actions (steering ±30°, speed 0.5–1 m/s)` or `continuous (steering −20–20°, speed 0.5–2.5 m/s)`. */
export function describeActionSpace(space: ActionSpace): string {
  if (space.type === 'continuous') {
    return `continuous (steering ${space.steering_angle.low}–${space.steering_angle.high}°, speed ${space.speed.low}–${space.speed.high} m/s)`;
  }
  const steer = space.actions.map((a) => Math.abs(a.steering_angle));
  const speeds = space.actions.map((a) => a.speed);
  const n = space.actions.length;
  const range = (lo: number, hi: number) => (lo === hi ? `${lo}` : `${lo}–${hi}`);
  return `${n} discrete action${n === 1 ? '' : 's'} (steering ±${Math.max(0, ...steer)}°, speed ${range(Math.min(...speeds), Math.max(...speeds))} m/s)`;
}

/** DeepRacer's seven hyperparameters in one line: `batch 64 · 10 epochs · lr 0.0003 · entropy 0.01 · discount 0.999 · Huber loss · 20 episodes/iteration`. */
export function describeHyperparameters(c: Pick<PpoConfig, 'minibatchSize' | 'updateEpochs' | 'learningRate' | 'entropyCoef' | 'gamma' | 'valueLoss' | 'episodesPerIteration'>): string {
  return [
    `batch ${c.minibatchSize}`,
    `${c.updateEpochs} epochs`,
    `lr ${c.learningRate}`,
    `entropy ${c.entropyCoef}`,
    `discount ${c.gamma}`,
    c.valueLoss === 'huber' ? 'Huber loss' : 'MSE loss',
    `${c.episodesPerIteration} episodes/iteration`,
  ].join(' · ');
}

/** `45 s`, `3 min 05 s`, `1 h 02 min`. @param seconds ≥ 0. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** `512 bytes`, `48.1 KB`, `3.2 MB`, `10.0 GB` (powers of 1000, as browsers report storage). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** `3/3 laps, mean lap 27.20 s, progress 100.0%` or `0/3 laps, progress 42.5%`. */
export function describeSummary(s: EvaluationSummary): string {
  const lap = s.meanLapTimeS !== null ? `, mean lap ${s.meanLapTimeS.toFixed(2)} s` : '';
  return `${s.completed}/${s.trials} laps${lap}, progress ${s.meanProgress.toFixed(1)}%`;
}

/** `2 minutes ago`, `just now`, `3 days ago`; `now` and `then` in ms since the epoch. */
export function timeAgo(then: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 45) return 'just now';
  const [value, unit] = s < 3600 ? [Math.round(s / 60), 'minute'] : s < 86_400 ? [Math.round(s / 3600), 'hour'] : [Math.round(s / 86_400), 'day'];
  return `${value} ${unit}${value === 1 ? '' : 's'} ago`;
}

/** A file name made from a model name: letters, digits, `-`, `_` and `.` kept, the rest `_`, at most 80 characters. */
export function fileNameFor(name: string, extension: string): string {
  const stem = name.normalize('NFKD').replace(/[^\w.-]+/g, '_').replace(/^[._]+|_+$/g, '').slice(0, 80) || 'model';
  return `${stem}.${extension}`;
}
