/**
 * The track file format shipped in `tracks/*.json` (see tracks/README.md) and its validator.
 *
 * The geometry is the DeepRacer simulator's route format (deepracer-simapp `bundle/routes/<track>.npy`,
 * an `(N, 6)` float64 array read by `markov/track_geom/track_data.py`), copied row for row into JSON with
 * a few descriptive keys around it.
 */

/** Column names of one waypoint row, in order. */
export const TRACK_COLUMNS = ['center_x', 'center_y', 'inner_x', 'inner_y', 'outer_x', 'outer_y'] as const;

/** Two points closer than this (metres) count as the same point. */
export const SAME_POINT_EPS = 1e-9; // m

/** One track, exactly the keys of a `tracks/*.json` file. */
export interface TrackData {
  /** Route file stem, e.g. `reinvent_base`; also the file name without `.json`. */
  name: string;
  /** The DeepRacer console's name, e.g. `re:Invent 2018`. */
  displayName: string;
  /** One line for the track picker. */
  note: string;
  /** Where the geometry comes from (repository, path, commit, copyright holder). */
  source: string;
  /** SPDX licence id of the geometry, e.g. `Apache-2.0`. */
  license: string;
  /** Unit of every coordinate and length: always `m`. */
  units: 'm';
  /** True when the last row repeats the first (a closed circuit). */
  loop: boolean;
  /**
   * Driving direction of the centre line as a closed ring: `ccw` (positive shoelace area) or `cw`.
   * Open tracks are `ccw`, as simapp sets `_is_ccw_ = True` for them; the shipped open
   * `Straight_track.json` stores `null`, which {@link parseTrackData} reads as `ccw`.
   */
  direction: 'ccw' | 'cw';
  /** Length of the centre polyline, metres (rounded to 1e-4 in the shipped files). */
  lengthM: number;
  /** Median over waypoints of the simulator-style local width, metres (rounded to 1e-4). */
  widthM: number;
  /** Always {@link TRACK_COLUMNS}. */
  columns: string[];
  /** `[N, 6]` rows `[center_x, center_y, inner_x, inner_y, outer_x, outer_y]`, metres; closing row kept for loops. */
  waypoints: number[][];
}

/** Thrown when a track file (JSON or `.npy`) cannot be read; the message says what and what to do. */
export class TrackFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrackFormatError';
  }
}

const KEYS = [
  'name', 'displayName', 'note', 'source', 'license', 'units', 'loop', 'direction', 'lengthM', 'widthM', 'columns',
  'waypoints',
] as const;

/** A short printable form of any JSON value for error messages. */
function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Counts distinct centre points of waypoint rows: consecutive points within {@link SAME_POINT_EPS} count once,
 * and for a loop the closing row (a repeat of the first) is not counted.
 * @param rows `[N, >=2]` rows whose first two entries are centre x, y in metres.
 */
export function countDistinctCentrePoints(rows: readonly (readonly number[])[], loop: boolean): number {
  const kept: (readonly number[])[] = [];
  for (const row of rows) {
    const prev = kept[kept.length - 1];
    if (!prev || Math.hypot(row[0] - prev[0], row[1] - prev[1]) > SAME_POINT_EPS) kept.push(row);
  }
  if (loop) {
    // Drop the closing point(s) that repeat the first.
    while (kept.length > 1 && Math.hypot(kept[kept.length - 1][0] - kept[0][0], kept[kept.length - 1][1] - kept[0][1]) <= SAME_POINT_EPS) {
      kept.pop();
    }
  }
  return kept.length;
}

/**
 * Validates a parsed JSON value as a {@link TrackData} and returns a fresh copy holding only the known keys
 * (extra keys are dropped; `direction: null` on an open track becomes `ccw`).
 * @param json the value from `JSON.parse` of a `tracks/*.json` file.
 * @param sourceName where it came from (file name or URL), put at the start of every error message.
 * @throws TrackFormatError when: the value is not an object; a key is missing or of the wrong type; `units` is
 *   not `m`; `columns` is not {@link TRACK_COLUMNS}; `waypoints` is not an array of rows of 6 numbers; a value
 *   is not finite (the row and column are named); `loop` is true but the last row does not repeat the first;
 *   there are fewer than 3 distinct centre points (or fewer than 4 rows for a loop).
 */
export function parseTrackData(json: unknown, sourceName: string): TrackData {
  const fail: (what: string) => never = (what) => {
    throw new TrackFormatError(`${sourceName}: ${what}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    fail(`expected a track object with keys ${KEYS.join(', ')}; got ${Array.isArray(json) ? 'an array' : show(json)}`);
  }
  const obj = json as Record<string, unknown>;
  for (const key of KEYS) {
    if (!(key in obj)) fail(`missing key '${key}'; a track file needs ${KEYS.join(', ')} (see tracks/README.md)`);
  }
  const text = (key: (typeof KEYS)[number]): string => {
    const v = obj[key];
    return typeof v === 'string' ? v : fail(`'${key}' must be a string; got ${show(v)}`);
  };
  const positive = (key: 'lengthM' | 'widthM'): number => {
    const v = obj[key];
    return typeof v === 'number' && Number.isFinite(v) && v > 0
      ? v
      : fail(`'${key}' must be a positive number of metres; got ${show(v)}`);
  };

  const name = text('name');
  if (name.trim() === '') fail(`'name' must not be empty`);
  const displayName = text('displayName');
  const note = text('note');
  const source = text('source');
  const license = text('license');
  if (obj.units !== 'm') fail(`'units' must be "m" (all coordinates are metres); got ${show(obj.units)}`);
  if (typeof obj.loop !== 'boolean') fail(`'loop' must be true or false; got ${show(obj.loop)}`);
  const loop = obj.loop as boolean;
  let direction: 'ccw' | 'cw';
  if (obj.direction === 'ccw' || obj.direction === 'cw') direction = obj.direction;
  else if (obj.direction === null && !loop) direction = 'ccw';
  else fail(`'direction' must be "ccw" or "cw"${loop ? '' : ' (or null for an open track)'}; got ${show(obj.direction)}`);
  const lengthM = positive('lengthM');
  const widthM = positive('widthM');
  const columns = obj.columns;
  if (!Array.isArray(columns) || columns.length !== 6 || columns.some((c, i) => c !== TRACK_COLUMNS[i])) {
    fail(`'columns' must be ${JSON.stringify(TRACK_COLUMNS)}; got ${show(columns)}`);
  }

  const raw = obj.waypoints;
  if (!Array.isArray(raw)) {
    fail(`'waypoints' must be an array of rows [${TRACK_COLUMNS.join(', ')}]; got ${show(raw)}`);
  }
  const waypoints: number[][] = [];
  (raw as unknown[]).forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== 6) {
      fail(`'waypoints' row ${r} must be 6 numbers [${TRACK_COLUMNS.join(', ')}]; got ${show(row)}`);
    }
    const values = row as unknown[];
    values.forEach((v, c) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        fail(`'waypoints' row ${r} (${TRACK_COLUMNS[c]}) is not a finite number: ${show(v)}; fix or remove that row`);
      }
    });
    waypoints.push([...(values as number[])]);
  });

  if (loop) {
    if (waypoints.length < 4) {
      fail(`too few points: a loop needs at least 4 rows (3 distinct points and the first repeated); got ${waypoints.length}`);
    }
    const first = waypoints[0];
    const last = waypoints[waypoints.length - 1];
    if (first.some((v, c) => Math.abs(v - last[c]) > SAME_POINT_EPS)) {
      fail(`'loop' is true but the last waypoint row does not repeat the first; append a copy of row 0 or set 'loop' to false`);
    }
  }
  const distinct = countDistinctCentrePoints(waypoints, loop);
  if (distinct < 3) fail(`too few points: ${distinct} distinct centre points; a track needs at least 3`);

  return { name, displayName, note, source, license, units: 'm', loop, direction, lengthM, widthM, columns: [...TRACK_COLUMNS], waypoints };
}
