/**
 * DeepRacer's sim-trace log: one CSV line per simulation step (reference/deepracer.md §4).
 *
 * Writer: the 17-column CSV the simulator uploads as `training-simtrace/{N}-iteration.csv` (header
 * {@link SIM_TRACE_HEADER}), every value formatted as simapp's `write_simtrace_to_local_file` does it
 * (`",".join(str(value))` in Python, deepracer-simapp `markov/metrics/s3_metrics.py`): floats in Python's `repr`
 * (`1.0`, `0.0001`, `1e-05`), `steps` as a float, booleans `True`/`False`, a discrete action as its index and a
 * continuous one as `[steer speed]` (no comma, so the line keeps its 17 fields). deepracer-utils reads such a file
 * unchanged (`DeepRacerLog` reads it with pandas: every column gets the type the notebooks expect).
 *
 * Parser: the CSV with a header (columns found by name, the 15-, 17-, 18- and 19-column variants and the
 * DataFrame names `x, y, heading, steering_angle, speed, on_track`), header-less lines (15 to 19 fields by
 * position), and RoboMaker logs (only the `SIM_TRACE_LOG:` lines count). It takes text in chunks
 * ({@link SimTraceParser}) and never splits the whole text, so a million-step log parses in a few seconds without a
 * second copy of the text. Malformed input throws {@link SimTraceError} naming the line, the column and the value.
 */

/** The 17 columns Raceline writes, in order (DeepRacer's header since 2020). */
export const SIM_TRACE_COLUMNS = [
  'episode', 'steps', 'X', 'Y', 'yaw', 'steer', 'throttle', 'action', 'reward', 'done', 'all_wheels_on_track',
  'progress', 'closest_waypoint', 'track_len', 'tstamp', 'episode_status', 'pause_duration',
] as const;

/** The header line of a sim-trace CSV, without the newline. */
export const SIM_TRACE_HEADER = SIM_TRACE_COLUMNS.join(',');

/** DeepRacer's episode statuses (simapp `EpisodeStatus`). The parser accepts any other word too. */
export const EPISODE_STATUSES = [
  'prepare', 'in_progress', 'off_track', 'crashed', 'lap_complete', 'reversed', 'immobilized', 'time_up', 'pause', 'park',
] as const;

/** One simulation step. */
export interface SimTraceRow {
  /** Episode index within the worker (integer ≥ 0). */
  episode: number;
  /** Step counter within the episode, from 1 (integer). */
  steps: number;
  /** Position of the car (DeepRacer: its front point), m. */
  x: number;
  y: number;
  /** Heading, degrees. */
  yaw: number;
  /** Commanded steering angle, degrees, positive = left. */
  steer: number;
  /** Commanded speed, m/s. */
  throttle: number;
  /** The discrete action's index, or a continuous action as [steering degrees, speed m/s]. */
  action: number | readonly [number, number];
  reward: number;
  /** The episode ended on this step. */
  done: boolean;
  allWheelsOnTrack: boolean;
  /** Percent of the lap, 0..100. */
  progress: number;
  /** Index of the nearer of the two closest waypoints. */
  closestWaypoint: number;
  /** Track length, m. */
  trackLen: number;
  /** Simulation time, s (very old logs: Unix time). */
  tstamp: number;
  /** `prepare`, `in_progress`, `lap_complete`, ...; null in 15-column logs, which predate it. */
  episodeStatus: string | null;
  /** Accumulated penalty pause, s; null in logs that predate it. */
  pauseDuration: number | null;
  /** Newer simapp only (19 columns); null otherwise. */
  obstacleCrashCounter: number | null;
  /** Unix time of the step, s; newer simapp only (18 and 19 columns); null otherwise. */
  wallClock: number | null;
}

/** A malformed sim-trace; `line` is 1-based, `column` the column's CSV name (null for whole-line problems). */
export class SimTraceError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: string | null = null,
  ) {
    super(message);
    this.name = 'SimTraceError';
  }
}

/**
 * Python's `repr(float)` (what `str(x)` prints): the shortest digits that read back to `x`, with `.0` on whole
 * numbers, scientific notation below 1e-4 and from 1e16 (two-digit exponents: `1e-05`, `1e+16`), `nan`, `inf`.
 */
export function pythonFloat(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e16) {
    const s = String(x); // JavaScript's shortest round-trip digits, fixed notation in this range
    return s.includes('.') ? s : `${s}.0`;
  }
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const [mantissa, exponent] = a.toExponential().split('e'); // shortest digits too
  const e = Number(exponent);
  const magnitude = Math.abs(e);
  return `${x < 0 ? '-' : ''}${mantissa}e${e < 0 ? '-' : '+'}${magnitude < 10 ? '0' : ''}${magnitude}`;
}

function checkInteger(value: number, column: string): string {
  if (!Number.isInteger(value)) throw new RangeError(`sim-trace row: ${column} must be an integer, got ${value}`);
  return String(value);
}

/**
 * One CSV line (no newline) in the 17-column format, formatted as DeepRacer writes it (see the module comment).
 * @throws RangeError when an integer column is not an integer, `episodeStatus` or `pauseDuration` is null, or
 *   `episodeStatus` contains a comma or a line break.
 */
export function formatSimTraceRow(row: SimTraceRow): string {
  const status = row.episodeStatus;
  if (status === null || /[,\r\n]/.test(status)) {
    throw new RangeError(`sim-trace row: episode_status must be a word such as 'in_progress', got ${JSON.stringify(status)}`);
  }
  if (row.pauseDuration === null) throw new RangeError('sim-trace row: pause_duration is missing (use 0 when there was no pause)');
  const action = typeof row.action === 'number' ? checkInteger(row.action, 'action') : `[${pythonFloat(row.action[0])} ${pythonFloat(row.action[1])}]`;
  checkInteger(row.steps, 'steps');
  return (
    `${checkInteger(row.episode, 'episode')},${pythonFloat(row.steps)},${pythonFloat(row.x)},${pythonFloat(row.y)},` +
    `${pythonFloat(row.yaw)},${pythonFloat(row.steer)},${pythonFloat(row.throttle)},${action},${pythonFloat(row.reward)},` +
    `${row.done ? 'True' : 'False'},${row.allWheelsOnTrack ? 'True' : 'False'},${pythonFloat(row.progress)},` +
    `${checkInteger(row.closestWaypoint, 'closest_waypoint')},${pythonFloat(row.trackLen)},${pythonFloat(row.tstamp)},` +
    `${status},${pythonFloat(row.pauseDuration)}`
  );
}

/**
 * A whole sim-trace CSV: the header, one line per row, each ending in `\n` (one iteration's file).
 * @throws RangeError as {@link formatSimTraceRow}.
 */
export function writeSimTrace(rows: Iterable<SimTraceRow>): string {
  const lines: string[] = [SIM_TRACE_HEADER];
  for (const row of rows) lines.push(formatSimTraceRow(row));
  return `${lines.join('\n')}\n`;
}

/**
 * Every column the parser knows, in DeepRacer's order, each with the other names it is found under (deepracer-utils'
 * DataFrame names, the 2019 docs' names). A row's fields are read by these positions.
 */
const KNOWN_COLUMNS: readonly (readonly string[])[] = [
  ['episode'], ['steps', 'step'], ['X', 'x'], ['Y', 'y'], ['yaw', 'heading'], ['steer', 'steering_angle'], ['throttle', 'speed'],
  ['action', 'action_taken'], ['reward'], ['done', 'job_completed'], ['all_wheels_on_track', 'on_track'], ['progress'],
  ['closest_waypoint', 'closest_waypoint_index'], ['track_len', 'track_length'], ['tstamp', 'timestamp'], ['episode_status'],
  ['pause_duration'], ['obstacle_crash_counter'], ['wall_clock'],
];
/** The first 15 known columns are in every variant. */
const CORE_COLUMNS = 15;
const ACTION = 7; // position of `action` in KNOWN_COLUMNS and in every variant
/** Fields a line may have (known columns plus extra ones, such as a DataFrame index). */
const MAX_FIELDS = 64;

/** Header-less lines: the known columns present for each field count (reference/deepracer.md §4.1). */
const BY_COUNT: Readonly<Record<number, readonly number[]>> = {
  15: range(15),
  16: range(16), // older simapp: + episode_status
  17: range(17), // + pause_duration (the UTILS fixtures)
  18: [...range(17), 18], // + wall_clock
  19: range(19), // + obstacle_crash_counter, wall_clock
};

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** What a parse found besides the rows. */
export interface SimTraceInfo {
  /** `csv`: a CSV file (with or without header); `log`: a RoboMaker/CloudWatch log's `SIM_TRACE_LOG:` lines. */
  source: 'csv' | 'log';
  /** Whether the CSV had a header line. */
  header: boolean;
  /** The known columns present, by their CSV names, in file order. */
  columns: string[];
  /** Rows parsed. */
  rows: number;
}

const PREFIX = 'SIM_TRACE_LOG:';

/**
 * Streaming parser: `push` text in chunks of any size (a chunk may end mid-line), then `end`. Each row goes to
 * `onRow` as soon as its line is complete. Memory: one line of carry-over, whatever `onRow` keeps.
 */
export class SimTraceParser {
  private carry = '';
  private lineNo = 0;
  private rows = 0;
  private source: 'csv' | 'log' | null = null;
  private header = false;
  /** For each known column, its position among the line's fields, or -1. */
  private index: number[] = [];
  private fieldCount = 0;
  private present: number[] = [];
  /** Where each field of the current line starts and ends (reused: no allocation per line). */
  private readonly starts = new Int32Array(MAX_FIELDS);
  private readonly ends = new Int32Array(MAX_FIELDS);

  /** @param name shown at the start of error messages, e.g. the file name. */
  constructor(
    private readonly onRow: (row: SimTraceRow) => void,
    private readonly name = 'sim-trace',
  ) {}

  /** Parses every complete line of `carry + chunk`. @throws SimTraceError for a malformed line. */
  push(chunk: string): void {
    const text = this.carry + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      this.line(text.slice(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl));
      start = nl + 1;
    }
    this.carry = text.slice(start);
  }

  /**
   * Parses the last line (one without a final newline) and ends the parse.
   * @throws SimTraceError for a malformed last line, or when the text held no header, no data and no
   *   `SIM_TRACE_LOG:` line at all.
   */
  end(): SimTraceInfo {
    if (this.carry !== '') {
      const last = this.carry.endsWith('\r') ? this.carry.slice(0, -1) : this.carry;
      this.carry = '';
      this.line(last);
    }
    if (this.source === null || (this.source === 'log' && this.fieldCount === 0)) {
      throw new SimTraceError(
        `${this.name}: no sim-trace found; expected a CSV whose header is '${SIM_TRACE_HEADER}' or a DeepRacer log with SIM_TRACE_LOG lines`,
        this.lineNo,
      );
    }
    return { source: this.source, header: this.header, columns: this.present.map((k) => KNOWN_COLUMNS[k][0]), rows: this.rows };
  }

  private line(raw: string): void {
    this.lineNo++;
    let line = raw;
    if (this.source === 'log' || (this.source === null && raw.includes(PREFIX))) {
      const at = raw.indexOf(PREFIX);
      if (at === -1) return; // any other log line
      this.source = 'log';
      const tab = raw.indexOf('\t', at);
      line = raw.slice(at + PREFIX.length, tab === -1 ? raw.length : tab);
    }
    if (isBlank(line)) return;
    if (this.source === null) {
      const first = line.slice(0, Math.max(0, line.indexOf(','))).trim();
      if (!isNumber(first)) {
        const names = line.split(',');
        if (!names.some((f) => f.trim().toLowerCase() === 'episode')) {
          this.source = 'log'; // text before the first SIM_TRACE_LOG line of a RoboMaker log
          return;
        }
        this.source = 'csv';
        this.readHeader(names);
        return;
      }
      this.source = 'csv';
    }
    let count = this.scan(line);
    if (this.fieldCount === 0) {
      count = this.joinAction(line, ACTION, count);
      this.useCount(count);
    } else if (count === this.fieldCount + 1) {
      count = this.joinAction(line, this.index[ACTION], count);
    }
    if (count !== this.fieldCount) {
      throw new SimTraceError(
        `${this.name} line ${this.lineNo}: ${count} fields where ${this.header ? 'the header has' : 'the first row has'} ${this.fieldCount} (a line cut short, or an extra comma)`,
        this.lineNo,
      );
    }
    this.onRow(this.row(line));
    this.rows++;
  }

  /** Records where each comma-separated field of `line` starts and ends; returns the number of fields. */
  private scan(line: string): number {
    let count = 0;
    let from = 0;
    for (;;) {
      let comma = line.indexOf(',', from);
      if (comma === -1) comma = line.length;
      if (count < MAX_FIELDS) {
        this.starts[count] = from;
        this.ends[count] = comma;
      }
      count++;
      if (comma === line.length) return count;
      from = comma + 1;
    }
  }

  /**
   * A continuous action written `[a, b]` is cut in two by the comma (deepracer-utils' workaround): when field
   * `at` opens a bracket that the next field closes, the two become one. @returns the new field count.
   */
  private joinAction(line: string, at: number, count: number): number {
    if (at < 0 || at + 1 >= Math.min(count, MAX_FIELDS)) return count;
    const a = line.slice(this.starts[at], this.ends[at]);
    if (!a.includes('[') || a.includes(']') || !line.slice(this.starts[at + 1], this.ends[at + 1]).includes(']')) return count;
    this.ends[at] = this.ends[at + 1];
    for (let i = at + 1; i < Math.min(count, MAX_FIELDS) - 1; i++) {
      this.starts[i] = this.starts[i + 1];
      this.ends[i] = this.ends[i + 1];
    }
    return count - 1;
  }

  private readHeader(names: string[]): void {
    this.header = true;
    this.fieldCount = names.length;
    this.index = KNOWN_COLUMNS.map(() => -1);
    names.forEach((raw, position) => {
      const name = raw.trim().toLowerCase();
      const k = KNOWN_COLUMNS.findIndex((names) => names.some((n) => n.toLowerCase() === name));
      if (k !== -1 && this.index[k] === -1) this.index[k] = position; // unknown columns (a DataFrame index) are skipped
    });
    const missing = KNOWN_COLUMNS.slice(0, CORE_COLUMNS).filter((_, k) => this.index[k] === -1);
    if (missing.length > 0) {
      throw new SimTraceError(
        `${this.name} line ${this.lineNo}: the header lacks ${missing.map((c) => `'${c[0]}'`).join(', ')}; a sim-trace header is '${SIM_TRACE_HEADER}'`,
        this.lineNo,
      );
    }
    if (this.fieldCount > MAX_FIELDS) {
      throw new SimTraceError(`${this.name} line ${this.lineNo}: ${this.fieldCount} columns; a sim-trace has at most ${MAX_FIELDS}`, this.lineNo);
    }
    this.present = KNOWN_COLUMNS.map((_, k) => k).filter((k) => this.index[k] !== -1).sort((a, b) => this.index[a] - this.index[b]);
  }

  private useCount(count: number): void {
    const known = BY_COUNT[count];
    if (!known) {
      throw new SimTraceError(
        `${this.name} line ${this.lineNo}: ${count} fields; a sim-trace line without a header has 15 to 19 (reference/deepracer.md §4.1)`,
        this.lineNo,
      );
    }
    this.fieldCount = count;
    this.index = KNOWN_COLUMNS.map((_, k) => known.indexOf(k));
    this.present = [...known];
  }

  private row(line: string): SimTraceRow {
    const ix = this.index;
    return {
      episode: this.num(line, 0, true),
      steps: this.num(line, 1, true),
      x: this.num(line, 2, false),
      y: this.num(line, 3, false),
      yaw: this.num(line, 4, false),
      steer: this.num(line, 5, false),
      throttle: this.num(line, 6, false),
      action: this.action(line),
      reward: this.num(line, 8, false),
      done: this.bool(line, 9),
      allWheelsOnTrack: this.bool(line, 10),
      progress: this.num(line, 11, false),
      closestWaypoint: this.num(line, 12, true),
      trackLen: this.num(line, 13, false),
      tstamp: this.num(line, 14, false),
      episodeStatus: ix[15] === -1 ? null : this.text(line, 15),
      pauseDuration: ix[16] === -1 ? null : this.num(line, 16, false),
      obstacleCrashCounter: ix[17] === -1 ? null : this.num(line, 17, true),
      wallClock: ix[18] === -1 ? null : this.num(line, 18, false),
    };
  }

  /** The text of known column `k` in `line`, trimmed. */
  private field(line: string, k: number): string {
    const p = this.index[k];
    return line.slice(this.starts[p], this.ends[p]).trim();
  }

  private num(line: string, k: number, integer: boolean): number {
    const s = this.field(line, k);
    const v = toNumber(s);
    if (v !== null && (!integer || Number.isInteger(v))) return v;
    return this.fail(k, s, integer ? 'an integer' : 'a number');
  }

  private bool(line: string, k: number): boolean {
    const s = this.field(line, k);
    if (s === 'True' || s === 'true' || s === 'TRUE' || s === '1') return true;
    if (s === 'False' || s === 'false' || s === 'FALSE' || s === '0') return false;
    return this.fail(k, s, 'True or False');
  }

  private action(line: string): SimTraceRow['action'] {
    const s = this.field(line, ACTION);
    const v = toNumber(s);
    if (v !== null && Number.isInteger(v)) return v;
    return toPair(s) ?? this.fail(ACTION, s, "an action index or '[steer speed]'");
  }

  private text(line: string, k: number): string {
    const s = this.field(line, k);
    return s !== '' ? s : this.fail(k, s, 'a word');
  }

  private fail(k: number, value: string, expected: string): never {
    const column = KNOWN_COLUMNS[k][0];
    throw new SimTraceError(
      `${this.name} line ${this.lineNo}, column '${column}' (field ${this.index[k] + 1}): ${JSON.stringify(value)} is not ${expected}`,
      this.lineNo,
      column,
    );
  }
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) > 32) return false;
  return true;
}

/** A number as Python's `float()` reads it (also `nan`, `inf`), or null. */
function toNumber(s: string): number | null {
  if (s === '') return null;
  const c = s.charCodeAt(s.length - 1);
  if ((c >= 48 && c <= 57) || c === 46) {
    // ends in a digit or '.': JavaScript's Number agrees with Python except on 0x/0o/0b prefixes
    const v = Number(s);
    if (Number.isNaN(v)) return null;
    if (s.charCodeAt(0) === 48 && s.length > 2 && /^0[xob]/i.test(s)) return null;
    return v;
  }
  const lower = s.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return null;
}

function isNumber(s: string): boolean {
  return toNumber(s) !== null;
}

/** `[steer speed]` or `[steer, speed]` (brackets, optional quotes) as a pair of numbers, or null. */
function toPair(s: string): readonly [number, number] | null {
  const inner = s.replace(/^"|"$/g, '');
  if (!inner.startsWith('[') || !inner.endsWith(']')) return null;
  const parts = inner.slice(1, -1).trim().split(/[\s,]+/);
  if (parts.length !== 2) return null;
  const a = toNumber(parts[0]);
  const b = toNumber(parts[1]);
  return a === null || b === null ? null : [a, b];
}

/**
 * Parses a whole sim-trace text (see {@link SimTraceParser} for what is accepted).
 * @param name shown in error messages, e.g. `training-simtrace/3-iteration.csv`.
 * @returns the rows in file order and what was found.
 * @throws SimTraceError naming the line and column of the first malformed value.
 */
export function parseSimTrace(text: string, name?: string): { rows: SimTraceRow[]; info: SimTraceInfo } {
  const rows: SimTraceRow[] = [];
  const parser = new SimTraceParser((row) => rows.push(row), name);
  parser.push(text);
  return { rows, info: parser.end() };
}
