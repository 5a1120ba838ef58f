/**
 * Race formats, rules and ranking as DeepRacer runs them (reference/deepracer.md §3.4–3.5): time trial, object
 * avoidance, head to head against bot cars and against other models; a number of laps (or trials), off-track and
 * collision penalty seconds with the car put back on the track, continuous laps, and a leaderboard ranked by the
 * average of 3 consecutive laps, the best lap or the total time, with a minimum number of laps to be ranked.
 * Pure: no simulator here (see race.ts), so the leaderboard and the UI can use it without loading physics.
 */
import type { BotConfig } from '../sim/bots';
import type { ObstacleConfig } from '../sim/objects';

/** simapp's race types (`TIME_TRIAL`, `OBJECT_AVOIDANCE`, `HEAD_TO_BOT`, `HEAD_TO_MODEL`), in lower case. */
export type RaceFormat = 'time_trial' | 'object_avoidance' | 'head_to_bot' | 'head_to_model';

export const RACE_FORMATS: readonly { id: RaceFormat; label: string }[] = [
  { id: 'time_trial', label: 'Time trial' },
  { id: 'object_avoidance', label: 'Object avoidance' },
  { id: 'head_to_bot', label: 'Head to head against bot cars' },
  { id: 'head_to_model', label: 'Head to head between the entries' },
];

/**
 * How the leaderboard orders entries (DeepRacer's leaderboard timing methods `AVG_LAP_TIME`, `BEST_LAP_TIME`,
 * `TOTAL_TIME`): the fastest average of 3 consecutive laps, the fastest lap, or the least total time.
 */
export type RankingMethod = 'average_3' | 'best_lap' | 'total_time';

export const RANKING_METHODS: readonly { id: RankingMethod; label: string }[] = [
  { id: 'total_time', label: 'Total time' },
  { id: 'best_lap', label: 'Best lap time' },
  { id: 'average_3', label: 'Average of 3 consecutive laps' },
];

export interface RaceRules {
  /** Laps to drive (continuous) or trials from the start line (not continuous), 1..20. */
  laps: number;
  /** Laps follow one another without a stop (DeepRacer IS_CONTINUOUS); else each trial starts from the start line. */
  continuous: boolean;
  /** Time added by leaving the track: the car is put back and held this long, s. */
  offTrackPenaltyS: number;
  /** Time added by a crash into a box, bot or car, s. */
  collisionPenaltyS: number;
  /** Resets allowed per run (continuous) or trial; one more off-track or crash ends it. 0 = the first ends it. */
  maxResets: number;
  ranking: RankingMethod;
  /** Laps an entry must complete to be ranked. */
  minLaps: number;
  /** Time limit of a run (continuous) or of each trial, simulated s. */
  timeLimitS: number;
}

/**
 * Defaults: 3 continuous laps ranked by total time, all 3 needed to rank (the most common settings among DeepRacer's
 * official leaderboards: TOTAL_TIME, 3 of 3 laps), off-track 3 s and collision 5 s (the most common penalties
 * there), resets unlimited in practice (DRFC's 100), 5 minutes.
 */
export const DEFAULT_RULES: Readonly<RaceRules> = Object.freeze({
  laps: 3,
  continuous: true,
  offTrackPenaltyS: 3,
  collisionPenaltyS: 5,
  maxResets: 100,
  ranking: 'total_time',
  minLaps: 3,
  timeLimitS: 300,
});

/** A race event: where, what format, which rules, and the seed that makes it reproducible. */
export interface RaceEventConfig {
  /** Shown on the leaderboard. */
  name: string;
  /** A shipped track's name. */
  track: string;
  format: RaceFormat;
  rules: RaceRules;
  /** Boxes for object avoidance (count, fixed positions or randomised per trial from the seed). */
  obstacles: ObstacleConfig;
  /** Bot cars for head to head against bots. */
  bots: BotConfig;
  /** Seed of start perturbations, random boxes, bot starts and lane changes. */
  seed: number;
}

/** A new event with the default rules: 3 boxes for object avoidance, 2 bots at 1 m/s changing lanes for head to bot. */
export function defaultEvent(track: string): RaceEventConfig {
  return {
    name: 'Class race',
    track,
    format: 'time_trial',
    rules: { ...DEFAULT_RULES },
    obstacles: { count: 3, randomize: true },
    bots: { count: 2, speed: 1, laneChange: true },
    seed: 1,
  };
}

/**
 * Checks an event's fields and ranges.
 * @throws RangeError naming the field and the allowed range.
 */
export function validateEvent(e: RaceEventConfig): RaceEventConfig {
  const r = e.rules;
  const check = (ok: boolean, what: string): void => {
    if (!ok) throw new RangeError(`race event: ${what}`);
  };
  check(RACE_FORMATS.some((f) => f.id === e.format), `unknown format '${e.format}'`);
  check(RANKING_METHODS.some((m) => m.id === r.ranking), `unknown ranking method '${r.ranking}'`);
  check(Number.isInteger(r.laps) && r.laps >= 1 && r.laps <= 20, `laps must be 1..20, got ${r.laps}`);
  check(Number.isInteger(r.minLaps) && r.minLaps >= 0 && r.minLaps <= r.laps, `minimum laps must be 0..${r.laps} (the number of laps), got ${r.minLaps}`);
  check(r.ranking !== 'average_3' || r.laps >= 3, 'ranking by the average of 3 consecutive laps needs at least 3 laps');
  check(r.offTrackPenaltyS >= 0 && r.offTrackPenaltyS <= 60, `off-track penalty must be 0..60 s, got ${r.offTrackPenaltyS}`);
  check(r.collisionPenaltyS >= 0 && r.collisionPenaltyS <= 60, `collision penalty must be 0..60 s, got ${r.collisionPenaltyS}`);
  check(Number.isInteger(r.maxResets) && r.maxResets >= 0 && r.maxResets <= 1000, `resets must be 0..1000, got ${r.maxResets}`);
  check(r.timeLimitS > 0 && r.timeLimitS <= 3600, `time limit must be above 0 and at most 3600 s, got ${r.timeLimitS}`);
  check(Number.isInteger(e.seed), `seed must be a whole number, got ${e.seed}`);
  return e;
}

/** One completed lap (or trial) of an entry. */
export interface LapResult {
  /** 1-based. */
  lap: number;
  /** Lap time, simulated s, penalties included. */
  timeS: number;
  offTracks: number;
  crashes: number;
  /** Time spent held for penalties during the lap, s. */
  penaltyS: number;
}

/** What an entry did in the race, enough to rank it. */
export interface RaceOutcome {
  /** Completed laps in order (for trials: the completed trials, in trial order). */
  laps: LapResult[];
  /** Laps (trials) that were to be driven. */
  lapsPlanned: number;
  /** For trials: whether each trial completed its lap, in order (consecutive-lap rules need it). */
  completedFlags: boolean[];
  offTracks: number;
  crashes: number;
  resets: number;
  /** Time spent held for penalties, s. */
  penaltyS: number;
  /** Progress of the lap in which the entry stopped, percent (100 when every lap was completed). */
  lastProgress: number;
  /** How the run (or last trial) ended: `lap_complete`, `off_track`, `crashed`, `time_up`, ... */
  status: string;
}

/** The best average of `k` consecutive completed laps, or null when there are not `k` in a row. */
export function bestConsecutiveAverage(o: Pick<RaceOutcome, 'laps' | 'completedFlags'>, k = 3): number | null {
  // Laps are consecutive when no failed trial lies between them (continuous runs have no failed laps in between).
  const flags = o.completedFlags.length > 0 ? o.completedFlags : o.laps.map(() => true);
  let best: number | null = null;
  let lapIndex = 0;
  const runs: number[][] = [[]];
  for (const ok of flags) {
    if (ok) runs[runs.length - 1].push(o.laps[lapIndex++].timeS);
    else runs.push([]);
  }
  for (const run of runs) {
    for (let i = 0; i + k <= run.length; i++) {
      const avg = run.slice(i, i + k).reduce((a, b) => a + b, 0) / k;
      if (best === null || avg < best) best = avg;
    }
  }
  return best;
}

/** The figure an entry is ranked by (lower is better), or null when the entry is not ranked. */
export function rankingTime(o: RaceOutcome, rules: RaceRules): number | null {
  if (o.laps.length < Math.max(1, rules.minLaps)) return null;
  if (rules.ranking === 'best_lap') return Math.min(...o.laps.map((l) => l.timeS));
  if (rules.ranking === 'average_3') return bestConsecutiveAverage(o, 3);
  return o.laps.reduce((a, l) => a + l.timeS, 0);
}

/** A leaderboard row. */
export interface Standing {
  /** 1-based rank among ranked entries; null for unranked ones (listed after, by laps then progress). */
  rank: number | null;
  entry: number;
  name: string;
  /** The ranking figure, s, or null when unranked. */
  timeS: number | null;
  laps: number;
  bestLapS: number | null;
  totalS: number | null;
  offTracks: number;
  crashes: number;
  penaltyS: number;
  status: string;
  lastProgress: number;
}

/**
 * The leaderboard: ranked entries by their ranking time (ties by more laps, then entry order), then unranked ones by
 * laps completed and progress (ties by entry order). Deterministic for equal inputs.
 */
export function rankEntries(entries: readonly { name: string; outcome: RaceOutcome }[], rules: RaceRules): Standing[] {
  const rows: Standing[] = entries.map((e, entry) => {
    const o = e.outcome;
    const times = o.laps.map((l) => l.timeS);
    return {
      rank: null,
      entry,
      name: e.name,
      timeS: rankingTime(o, rules),
      laps: o.laps.length,
      bestLapS: times.length ? Math.min(...times) : null,
      totalS: times.length ? times.reduce((a, b) => a + b, 0) : null,
      offTracks: o.offTracks,
      crashes: o.crashes,
      penaltyS: o.penaltyS,
      status: o.status,
      lastProgress: o.lastProgress,
    };
  });
  rows.sort((a, b) => {
    if ((a.timeS === null) !== (b.timeS === null)) return a.timeS === null ? 1 : -1;
    if (a.timeS !== null && b.timeS !== null && a.timeS !== b.timeS) return a.timeS - b.timeS;
    if (a.laps !== b.laps) return b.laps - a.laps;
    if (a.timeS === null && a.lastProgress !== b.lastProgress) return b.lastProgress - a.lastProgress;
    return a.entry - b.entry;
  });
  let rank = 0;
  for (const r of rows) if (r.timeS !== null) r.rank = ++rank;
  return rows;
}

/** The leaderboard CSV header. */
export const LEADERBOARD_COLUMNS = ['rank', 'name', 'time_s', 'laps', 'best_lap_s', 'total_s', 'off_tracks', 'crashes', 'penalty_s', 'status'] as const;

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The leaderboard as CSV (header {@link LEADERBOARD_COLUMNS}, times in seconds to the millisecond, `\n` line ends);
 * entries that could not race follow, unranked, with `failed: <reason>` as their status.
 */
export function leaderboardCsv(rows: readonly Standing[], failed: readonly { name: string; reason: string }[] = []): string {
  const lines = [LEADERBOARD_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [r.rank, r.name, r.timeS, r.laps, r.bestLapS, r.totalS, r.offTracks, r.crashes, r.penaltyS, r.status].map((v) => csvField(v as string | number | null)).join(','),
    );
  }
  for (const f of failed) lines.push([null, f.name, null, 0, null, null, 0, 0, 0, `failed: ${f.reason}`].map((v) => csvField(v)).join(','));
  return `${lines.join('\n')}\n`;
}
