import { describe, expect, it } from 'vitest';
import { deepracerUtilsConvertLine, deepracerUtilsReadCsv } from '../helpers/deepracer-utils';
import {
  SIM_TRACE_HEADER,
  SimTraceError,
  SimTraceParser,
  formatSimTraceRow,
  parseSimTrace,
  pythonFloat,
  writeSimTrace,
  type SimTraceRow,
} from '../../src/race/sim-trace';

/** A plausible step; `i` varies every column. */
function row(i: number, over: Partial<SimTraceRow> = {}): SimTraceRow {
  return {
    episode: Math.floor(i / 50),
    steps: (i % 50) + 1,
    x: 3.1999032745384617 + i * 0.0123,
    y: 0.6830977174476494 - i * 0.00071,
    yaw: -179.1036309756764 + i,
    steer: [-30, -15, 0, 15, 30][i % 5],
    throttle: [0.5, 1][i % 2],
    action: i % 10,
    reward: i % 3 === 0 ? 1 : 1e-3,
    done: i % 50 === 49,
    allWheelsOnTrack: i % 7 !== 0,
    progress: (i % 50) * 2,
    closestWaypoint: i % 118,
    trackLen: 17.709159380834848,
    tstamp: 27.788 + i / 15,
    episodeStatus: i % 50 === 0 ? 'prepare' : i % 50 === 49 ? 'off_track' : 'in_progress',
    pauseDuration: 0,
    obstacleCrashCounter: null,
    wallClock: null,
    ...over,
  };
}

/** The SimTraceError `f` throws (fails the test otherwise). */
function traceError(f: () => unknown): SimTraceError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SimTraceError);
    return e as SimTraceError;
  }
  throw new Error('expected a SimTraceError, nothing was thrown');
}

describe('pythonFloat', () => {
  it("prints what Python's repr(float) prints", () => {
    // Expected strings printed by CPython 3 `repr(x)`.
    const cases: [number, string][] = [
      [1, '1.0'], [0.1, '0.1'], [1e-4, '0.0001'], [9.99e-5, '9.99e-05'], [1e-5, '1e-05'], [1.5e-7, '1.5e-07'],
      [1e16, '1e+16'], [1e15, '1000000000000000.0'], [123456789.123, '123456789.123'], [-0, '-0.0'], [0, '0.0'],
      [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'], [0.1 + 0.2, '0.30000000000000004'], [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'], [-30, '-30.0'], [27.987000000000002, '27.987000000000002'],
      [1234567890123456.7, '1234567890123456.8'], [0.00012345, '0.00012345'],
    ];
    for (const [x, expected] of cases) expect(pythonFloat(x), String(x)).toBe(expected);
  });
});

describe('writer', () => {
  it('writes the 17-column header and DeepRacer-style values', () => {
    const text = writeSimTrace([row(0), row(1, { action: [-12.5, 1.75] })]);
    const lines = text.split('\n');
    expect(lines[0]).toBe(SIM_TRACE_HEADER);
    expect(SIM_TRACE_HEADER).toBe(
      'episode,steps,X,Y,yaw,steer,throttle,action,reward,done,all_wheels_on_track,progress,closest_waypoint,track_len,tstamp,episode_status,pause_duration',
    );
    expect(lines[1]).toBe('0,1.0,3.1999032745384617,0.6830977174476494,-179.1036309756764,-30.0,0.5,0,1.0,False,False,0.0,0,17.709159380834848,27.788,prepare,0.0');
    expect(lines[2].split(',')).toHaveLength(17);
    expect(lines[2].split(',')[7]).toBe('[-12.5 1.75]');
    expect(lines[3]).toBe('');
  });

  it('refuses rows it cannot write faithfully', () => {
    expect(() => formatSimTraceRow(row(0, { episode: 1.5 }))).toThrow(/episode must be an integer/);
    expect(() => formatSimTraceRow(row(0, { action: 2.5 }))).toThrow(/action must be an integer/);
    expect(() => formatSimTraceRow(row(0, { episodeStatus: null }))).toThrow(/episode_status/);
    expect(() => formatSimTraceRow(row(0, { episodeStatus: 'a,b' }))).toThrow(/episode_status/);
    expect(() => formatSimTraceRow(row(0, { pauseDuration: null }))).toThrow(/pause_duration/);
  });
});

describe('round trip', () => {
  it('parse(write(rows)) gives the rows back, discrete and continuous, awkward floats included', () => {
    const rows = Array.from({ length: 120 }, (_, i) => row(i));
    rows.push(row(120, { action: [-12.345678901234567, 3.9999999999999996], reward: 1e-5, x: -0, tstamp: 1.7e9 + 0.123 }));
    rows.push(row(121, { action: [30, 0.5], reward: 1e16, y: 5e-324, pauseDuration: 2.0000000000000004 }));
    const { rows: back, info } = parseSimTrace(writeSimTrace(rows), 'test.csv');
    expect(back).toEqual(rows);
    expect(info).toEqual({ source: 'csv', header: true, columns: SIM_TRACE_HEADER.split(','), rows: rows.length });
  });

  it('gives the same rows whatever the chunk boundaries', () => {
    const text = writeSimTrace([row(0), row(1, { action: [1.5, 2] }), row(2)]).replace(/\n/g, '\r\n');
    const whole = parseSimTrace(text).rows;
    for (const size of [1, 2, 7, 64]) {
      const got: SimTraceRow[] = [];
      const parser = new SimTraceParser((r) => got.push(r));
      for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size));
      parser.end();
      expect(got, `chunks of ${size}`).toEqual(whole);
    }
    expect(whole).toHaveLength(3);
  });
});

describe("deepracer-utils reads Raceline's sim-trace unchanged", () => {
  const rows = Array.from({ length: 60 }, (_, i) => row(i));
  const text = writeSimTrace(rows);

  it('DeepRacerLog._read_csv: every column has the type the notebooks expect', () => {
    const df = deepracerUtilsReadCsv(text);
    const dtypes = Object.fromEntries(Object.entries(df).map(([k, v]) => [k, v.dtype]));
    expect(dtypes).toEqual({
      episode: 'int64', steps: 'float64', x: 'float64', y: 'float64', heading: 'float64', steering_angle: 'float64',
      speed: 'float64', action: 'int64', reward: 'float64', done: 'bool', all_wheels_on_track: 'bool', progress: 'float64',
      closest_waypoint: 'int64', track_len: 'float64', tstamp: 'float64', episode_status: 'object', pause_duration: 'float64',
      wall_clock: 'float64',
    });
    // whole-number columns (steer, throttle, progress) still read as float64 because the writer prints `-30.0`
    expect(df.steering_angle.values.slice(0, 5)).toEqual([-30, -15, 0, 15, 30]);
    expect(df.action.values).toEqual(rows.map((r) => r.action));
    expect(df.done.values).toEqual(rows.map((r) => r.done));
    expect(df.x.values).toEqual(rows.map((r) => r.x));
    expect(df.episode_status.values).toEqual(rows.map((r) => r.episodeStatus));
  });

  it('a continuous action keeps 17 fields and reads as action -1, as deepracer-utils does for continuous logs', () => {
    const df = deepracerUtilsReadCsv(writeSimTrace([row(0, { action: [-12.5, 1.5] }), row(1, { action: [3, 2] })]));
    expect(df.action).toEqual({ dtype: 'int64', values: [-1, -1] });
    expect(df.speed.dtype).toBe('float64');
  });

  it('SimulationLogsTraceDir.convert_to_pandas: every field converts', () => {
    const lines = text.trimEnd().split('\n').slice(1);
    lines.forEach((line, i) => {
      const r = deepracerUtilsConvertLine(line);
      expect(r.steps).toBe(rows[i].steps);
      expect(r.done).toBe(rows[i].done ? 1 : 0);
      expect(r.tstamp).toBe(rows[i].tstamp);
      expect(r.closest_waypoint).toBe(rows[i].closestWaypoint);
    });
  });
});

describe('variants accepted on import', () => {
  const core = '3,7.0,1.5,2.5,90.0,-15.0,1.0,4,0.5,False,True,12.5,40,17.71,33.1';

  it('header-less lines of 15, 16, 17, 18 and 19 fields', () => {
    const parse = (line: string) => parseSimTrace(`${line}\n`).rows[0];
    expect(parse(core)).toMatchObject({ episode: 3, steps: 7, action: 4, episodeStatus: null, pauseDuration: null, wallClock: null });
    expect(parse(`${core},in_progress`)).toMatchObject({ episodeStatus: 'in_progress', pauseDuration: null });
    expect(parse(`${core},in_progress,2.0`)).toMatchObject({ episodeStatus: 'in_progress', pauseDuration: 2, obstacleCrashCounter: null });
    expect(parse(`${core},in_progress,2.0,1732233445.5`)).toMatchObject({ pauseDuration: 2, wallClock: 1732233445.5, obstacleCrashCounter: null });
    expect(parse(`${core},in_progress,2.0,1,1732233445.5`)).toMatchObject({ obstacleCrashCounter: 1, wallClock: 1732233445.5 });
  });

  it('headers with 18 and 19 columns, DataFrame names and a DataFrame index, found by name', () => {
    const h19 = `${SIM_TRACE_HEADER},obstacle_crash_counter,wall_clock`;
    const { rows, info } = parseSimTrace(`${h19}\n${core},crashed,5.0,2,1732233445.25\n`);
    expect(rows[0]).toMatchObject({ episodeStatus: 'crashed', pauseDuration: 5, obstacleCrashCounter: 2, wallClock: 1732233445.25 });
    expect(info.columns).toHaveLength(19);
    const h18 = `${SIM_TRACE_HEADER},wall_clock`;
    expect(parseSimTrace(`${h18}\n${core},crashed,5.0,1732233445.25\n`).rows[0]).toMatchObject({ wallClock: 1732233445.25, obstacleCrashCounter: null });
    const dataFrame = ',episode,steps,x,y,heading,steering_angle,speed,action,reward,done,on_track,progress,closest_waypoint,track_len,tstamp';
    expect(parseSimTrace(`${dataFrame}\n0,${core}\n`).rows[0]).toMatchObject({ x: 1.5, yaw: 90, steer: -15, throttle: 1, allWheelsOnTrack: true });
  });

  it('RoboMaker logs: only SIM_TRACE_LOG lines, a continuous action split by its comma rejoined', () => {
    const log = [
      'INFO:root:Starting simulation',
      `SIM_TRACE_LOG:${core},in_progress\t`,
      'Training> Name=main_level/agent, Worker=0, Episode=40, Total reward=61.93, Steps=4315, Training iteration=0',
      '',
      'SIM_TRACE_LOG:3,8,1.5,2.5,90.0,-15.0,1.0,[-15.0, 1.0],0.5,True,True,13.5,41,17.71,33.2,off_track',
    ].join('\n');
    const { rows, info } = parseSimTrace(log);
    expect(info).toMatchObject({ source: 'log', rows: 2 });
    expect(rows[1]).toMatchObject({ steps: 8, action: [-15, 1], done: true, episodeStatus: 'off_track' });
    const first = parseSimTrace('SIM_TRACE_LOG:0,1,1.5,2.5,90.0,-15.0,1.0,[-15.0, 1.0],0.5,False,True,13.5,41,17.71,33.2,prepare,0.00\n');
    expect(first.rows[0]).toMatchObject({ action: [-15, 1], episodeStatus: 'prepare', pauseDuration: 0 });
    expect(first.info.columns).toHaveLength(17);
  });
});

describe('malformed input', () => {
  it('names the line, the column and the value', () => {
    const bad = writeSimTrace([row(0), row(1)]).replace(/^(0,2\.0,(?:[^,]*,){9})[^,]*/m, '$1abc');
    const e = traceError(() => parseSimTrace(bad, 'logs/training/0-iteration.csv'));
    expect(e.message).toBe(`logs/training/0-iteration.csv line 3, column 'progress' (field 12): "abc" is not a number`);
    expect(e.line).toBe(3);
    expect(e.column).toBe('progress');
  });

  it('rejects a short line, a bad boolean, an integer column with a fraction, a header without core columns, and no data', () => {
    const text = writeSimTrace([row(0)]);
    expect(traceError(() => parseSimTrace(`${text}0,2.0,1\n`)).message).toMatch(/line 3: 3 fields where the header has 17/);
    expect(traceError(() => parseSimTrace(text.replace('False,False', 'False,maybe'))).message).toMatch(/column 'all_wheels_on_track' \(field 11\): "maybe" is not True or False/);
    expect(traceError(() => parseSimTrace(text.replace(/^0,1\.0/m, '0.5,1.0'))).message).toMatch(/column 'episode' \(field 1\): "0.5" is not an integer/);
    expect(traceError(() => parseSimTrace('episode,steps,X\n')).message).toMatch(/the header lacks 'Y', 'yaw'/);
    expect(traceError(() => parseSimTrace('')).message).toMatch(/no sim-trace found/);
    expect(traceError(() => parseSimTrace('1,2,3\n')).message).toMatch(/3 fields; a sim-trace line without a header has 15 to 19/);
    expect(traceError(() => parseSimTrace(text.replace(',0,1.0,False', ',0x1,1.0,False'))).column).toBe('action');
  });
});

describe('large logs', () => {
  it('parses a million rows in chunks in a few seconds, without splitting the whole text', () => {
    const block = writeSimTrace(Array.from({ length: 1000 }, (_, i) => row(i))).slice(SIM_TRACE_HEADER.length + 1);
    const text = `${SIM_TRACE_HEADER}\n${block.repeat(1000)}`;
    let rows = 0;
    let progress = 0;
    const parser = new SimTraceParser((r) => {
      rows++;
      progress += r.progress;
    });
    const start = performance.now();
    for (let i = 0; i < text.length; i += 1 << 20) parser.push(text.slice(i, i + (1 << 20)));
    const info = parser.end();
    const seconds = (performance.now() - start) / 1000;
    expect(info.rows).toBe(1_000_000);
    expect(rows).toBe(1_000_000);
    expect(progress).toBe(1000 * Array.from({ length: 1000 }, (_, i) => (i % 50) * 2).reduce((a, b) => a + b, 0));
    expect(seconds).toBeLessThan(30); // about 5 s on a 2-core development machine
  });
});
