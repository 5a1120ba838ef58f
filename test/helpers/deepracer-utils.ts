/**
 * deepracer-utils' parsing rules, reimplemented once for every test that checks the logs Raceline writes
 * (test/race/sim-trace.test.ts, test/race/training-sim-trace.test.ts, the race tests).
 */
/**
 * deepracer-utils' column rules, reimplemented: `DeepRacerLog._read_csv` (deepracer/logs/log.py) reads a simtrace
 * CSV with `pandas.read_csv` and its dtype inference, renames X→x, Y→y, yaw→heading, steer→steering_angle,
 * throttle→speed, drops `obstacle_crash_counter`, adds `wall_clock` and `pause_duration` as NaN when absent, and
 * sets `action` to -1 when the column is not numeric.
 */
export function deepracerUtilsReadCsv(text: string): Record<string, { dtype: string; values: unknown[] }> {
  const [header, ...lines] = text.trimEnd().split('\n');
  const names = header.split(',');
  const cells = lines.map((l) => l.split(','));
  const INT = /^[+-]?\d+$/;
  const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(nan|inf)$/i;
  const BOOL = new Set(['True', 'False', 'TRUE', 'FALSE', 'true', 'false']);
  const rename: Record<string, string> = { X: 'x', Y: 'y', yaw: 'heading', steer: 'steering_angle', throttle: 'speed' };
  const df: Record<string, { dtype: string; values: unknown[] }> = {};
  names.forEach((name, c) => {
    const raw = cells.map((r) => r[c]);
    // pandas' C parser: int64 if every value is an integer, else float64 if every value is a float, else bool
    // if every value is a boolean word, else object (strings; pandas 3 calls it str). Checked against pandas 3.0.6.
    let column: { dtype: string; values: unknown[] };
    if (raw.every((v) => INT.test(v))) column = { dtype: 'int64', values: raw.map(Number) };
    else if (raw.every((v) => FLOAT.test(v))) column = { dtype: 'float64', values: raw.map(Number) };
    else if (raw.every((v) => BOOL.has(v))) column = { dtype: 'bool', values: raw.map((v) => v.toLowerCase() === 'true') };
    else column = { dtype: 'object', values: raw };
    df[rename[name] ?? name] = column;
  });
  delete df.obstacle_crash_counter;
  df.wall_clock ??= { dtype: 'float64', values: lines.map(() => NaN) };
  df.pause_duration ??= { dtype: 'float64', values: lines.map(() => NaN) };
  if (df.action.dtype !== 'int64' && df.action.dtype !== 'float64') df.action = { dtype: 'int64', values: lines.map(() => -1) };
  return df;
}

/**
 * deepracer-utils' older `SimulationLogsTraceDir.convert_to_pandas` (deepracer/logs/log_utils.py), which reads each
 * line of `training-simtrace/*-iteration.csv` with Python conversions: `int(float(steps))`, `float()` for the
 * numbers and the action, `0 if 'False' in done else 1`, `int(closest_waypoint)`, `Decimal(tstamp)`.
 */
export function deepracerUtilsConvertLine(line: string): Record<string, number | string> {
  const p = line.split(',');
  const pyInt = (s: string): number => {
    if (!/^\s*[+-]?\d+\s*$/.test(s)) throw new Error(`int() of ${s}`);
    return Number(s);
  };
  const pyFloat = (s: string): number => {
    if (!/^\s*[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|nan|inf|infinity)\s*$/i.test(s)) throw new Error(`float() of ${s}`);
    return Number(s.replace(/inf(inity)?/i, 'Infinity'));
  };
  const decimal = (s: string): number => {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new Error(`Decimal() of ${s}`);
    return Number(s);
  };
  return {
    episode: pyInt(p[0]), steps: Math.trunc(pyFloat(p[1])), x: pyFloat(p[2]), y: pyFloat(p[3]), yaw: pyFloat(p[4]),
    steer: pyFloat(p[5]), throttle: pyFloat(p[6]), action: pyFloat(p[7]), reward: pyFloat(p[8]), done: p[9].includes('False') ? 0 : 1,
    all_wheels_on_track: p[10], progress: pyFloat(p[11]), closest_waypoint: pyInt(p[12]), track_len: pyFloat(p[13]), tstamp: decimal(p[14]),
  };
}

