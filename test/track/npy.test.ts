import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseNpy, trackDataFromNpy } from '../../src/track/npy';
import { nearestPointOnPolyline } from '../../src/track/polyline-nearest';
import { parseTrackData, TrackFormatError, type TrackData } from '../../src/track/track-data';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const npyDir = path.resolve(repoRoot, 'test/fixtures/tracks-npy');
const tracksDir = path.resolve(repoRoot, 'tracks');

const readNpy = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(npyDir, `${name}.npy`)));
const readJson = (name: string): unknown => JSON.parse(readFileSync(path.join(tracksDir, `${name}.json`), 'utf8'));
const trackFiles = readdirSync(tracksDir).filter((f) => f.endsWith('.json')).sort();

interface NpySpec {
  descr?: string;
  shape: number[];
  fortranOrder?: boolean;
  /** Elements in file order, written as float64 (or float32 for '<f4'). */
  data?: number[];
  version?: 1 | 2 | 3;
  /** Raw header text instead of the generated dict. */
  header?: string;
}

/** Writes a .npy file the way numpy.save does (header padded with spaces to a multiple of 64, then '\n'). */
function makeNpy({ descr = '<f8', shape, fortranOrder = false, data = [], version = 1, header }: NpySpec): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = header ?? `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  dict += ' '.repeat(63 - ((prefix + dict.length) % 64)) + '\n';
  const headerBytes = new TextEncoder().encode(dict);
  const itemSize = descr.endsWith('4') ? 4 : 8;
  const out = new Uint8Array(prefix + headerBytes.length + data.length * itemSize);
  const view = new DataView(out.buffer);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, prefix);
  data.forEach((v, i) => {
    const at = prefix + headerBytes.length + i * itemSize;
    if (itemSize === 4) view.setFloat32(at, v, true);
    else view.setFloat64(at, v, descr[0] !== '>');
  });
  return out;
}

/**
 * A counter-clockwise 4 m square loop, 2 m wide, a centre point every metre:
 * `[17, 6]` rows, the closing row repeating row 0.
 */
function squareRows(): number[][] {
  const centre: number[][] = [];
  for (let i = 0; i < 4; i++) centre.push([i, 0]);
  for (let i = 0; i < 4; i++) centre.push([4, i]);
  for (let i = 4; i > 0; i--) centre.push([i, 4]);
  for (let i = 4; i > 0; i--) centre.push([0, i]);
  centre.push([0, 0]);
  const side = (v: number, toward: number): number => (v === 0 ? toward : v === 4 ? 4 - toward : v);
  return centre.map(([x, y]) => [x, y, side(x, 1), side(y, 1), side(x, -1), side(y, -1)]);
}
const SQUARE_ROWS = 17;

/** Centre polyline length of `[N, 6]` rows, m, computed independently of src/. */
function centreLength(rows: number[][]): number {
  let length = 0;
  for (let i = 1; i < rows.length; i++) length += Math.hypot(rows[i][0] - rows[i - 1][0], rows[i][1] - rows[i - 1][1]);
  return length;
}

function expectRowsClose(actual: number[][], expected: number[][], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  actual.forEach((row, r) => row.forEach((v, c) => { worst = Math.max(worst, Math.abs(v - expected[r][c])); }));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

/** The error message thrown by `fn`, failing the test when nothing is thrown or the error is of another class. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrackFormatError);
    return (e as Error).message;
  }
  throw new Error('expected a TrackFormatError, nothing was thrown');
}

describe('parseNpy', () => {
  it('reads the header and data of a simapp route file', () => {
    const array = parseNpy(readNpy('reinvent_base'));
    expect(array.dtype).toBe('<f8');
    expect(array.shape).toEqual([119, 6]);
    expect(array.fortranOrder).toBe(false);
    expect(array.data.length).toBe(119 * 6);
    const json = readJson('reinvent_base') as TrackData;
    expect(array.data[6 * 5 + 3]).toBeCloseTo(json.waypoints[5][3], 6);
  });

  it('reads versions 2 and 3 and converts <f4 to float64', () => {
    const rows = squareRows().flat();
    for (const version of [2, 3] as const) {
      expect(Array.from(parseNpy(makeNpy({ shape: [SQUARE_ROWS, 6], data: rows, version })).data)).toEqual(rows);
    }
    const f4 = parseNpy(makeNpy({ descr: '<f4', shape: [2, 2], data: [0.1, 2, 3, 4] }));
    expect(f4.dtype).toBe('<f4');
    expect(f4.data[0]).toBeCloseTo(0.1, 7);
    expect(f4.data[3]).toBe(4);
  });

  it('returns Fortran-order data in row-major order', () => {
    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    const array = parseNpy(makeNpy({ shape: [2, 3], fortranOrder: true, data: [1, 4, 2, 5, 3, 6] }));
    expect(array.fortranOrder).toBe(true);
    expect(Array.from(array.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('accepts Python 2 long integers in the shape', () => {
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1L, 2L), }";
    expect(parseNpy(makeNpy({ header, shape: [1, 2], data: [7, 8] })).shape).toEqual([1, 2]);
  });

  it('rejects an unsupported version and a malformed header', () => {
    const bytes = makeNpy({ shape: [SQUARE_ROWS, 6], data: squareRows().flat() });
    bytes[6] = 4;
    expect(errorOf(() => parseNpy(bytes))).toMatch(/unsupported \.npy format version 4\.0/);
    expect(errorOf(() => parseNpy(makeNpy({ header: "{'descr': '<f8', 'shape': (2,), }", shape: [2] }))))
      .toMatch(/missing 'fortran_order'/);
    expect(errorOf(() => parseNpy(makeNpy({ header: "{'descr': '<f8' 'shape'", shape: [2] })))).toMatch(/malformed \.npy header/);
  });

  it('names a zip (.npz) archive', () => {
    expect(errorOf(() => parseNpy(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 0, 0])))).toMatch(/\.npz/);
  });
});

describe('trackDataFromNpy on the simapp route files', () => {
  for (const name of ['reinvent_base', 'Oval_track']) {
    it(`${name}.npy row for row equals tracks/${name}.json`, () => {
      const expected = readJson(name) as TrackData;
      const track = trackDataFromNpy(readNpy(name), `${name}.npy`, { dropDuplicatePoints: false, displayName: expected.displayName });
      expect(track.name).toBe(name);
      expect(track.displayName).toBe(expected.displayName);
      expect(track.loop).toBe(expected.loop);
      expect(track.direction).toBe(expected.direction);
      expect(Math.abs(track.lengthM - expected.lengthM)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(track.widthM - expected.widthM)).toBeLessThanOrEqual(1e-3);
      expectRowsClose(track.waypoints, expected.waypoints, 1e-6);
      // The result is itself a valid track file.
      expect(parseTrackData(JSON.parse(JSON.stringify(track)), 'imported')).toEqual(track);
    });
  }

  it('by default drops the repeated centre point of Oval_track (row 67) and keeps the closing row', () => {
    const expected = readJson('Oval_track') as TrackData;
    const track = trackDataFromNpy(readNpy('Oval_track'), 'Oval_track');
    expectRowsClose(track.waypoints, expected.waypoints.filter((_, r) => r !== 67), 1e-6);
    expect(track.waypoints[track.waypoints.length - 1]).toEqual(track.waypoints[0]);
    expect(track.loop).toBe(true);
    expect(Math.abs(track.lengthM - expected.lengthM)).toBeLessThanOrEqual(1e-3);
    expect(Math.abs(track.widthM - expected.widthM)).toBeLessThanOrEqual(1e-3);
    // reinvent_base has no duplicates: the default keeps all 119 rows.
    expect(trackDataFromNpy(readNpy('reinvent_base'), 'reinvent_base').waypoints.length).toBe(119);
  });

  it('gives the same track from a Fortran-order copy of the file', () => {
    const c = parseNpy(readNpy('reinvent_base'));
    const [n, m] = c.shape;
    const fortran: number[] = [];
    for (let col = 0; col < m; col++) for (let row = 0; row < n; row++) fortran.push(c.data[row * m + col]);
    const bytes = makeNpy({ shape: [n, m], fortranOrder: true, data: fortran });
    expect(trackDataFromNpy(bytes, 'reinvent_base')).toEqual(trackDataFromNpy(readNpy('reinvent_base'), 'reinvent_base'));
  });
});

describe('trackDataFromNpy on hand-made routes', () => {
  it('measures a square loop: length 16 m, width 2 m, ccw; reversed it is cw', () => {
    const rows = squareRows();
    const ccw = trackDataFromNpy(makeNpy({ shape: [SQUARE_ROWS, 6], data: rows.flat() }), 'square');
    expect(ccw).toMatchObject({ loop: true, direction: 'ccw', lengthM: 16, widthM: 2, license: 'NOASSERTION' });
    const cw = trackDataFromNpy(makeNpy({ shape: [SQUARE_ROWS, 6], data: [...rows].reverse().flat() }), 'square');
    expect(cw.direction).toBe('cw');
  });

  it('treats an open route as ccw with loop false', () => {
    const rows = [[0, 0, 0, 1, 0, -1], [1, 0, 1, 1, 1, -1], [2, 0, 2, 1, 2, -1]];
    expect(trackDataFromNpy(makeNpy({ shape: [3, 6], data: rows.flat() }), 'line'))
      .toMatchObject({ loop: false, direction: 'ccw', lengthM: 2, widthM: 2 });
  });

  const square = squareRows().flat();
  const cases: { label: string; bytes: () => Uint8Array; message: RegExp }[] = [
    { label: 'bad magic', bytes: () => new TextEncoder().encode('center_x,center_y\n1,2\n'), message: /not a NumPy \.npy file.*magic/ },
    { label: "'<i8' dtype", bytes: () => makeNpy({ descr: '<i8', shape: [SQUARE_ROWS, 6], data: square }), message: /dtype '<i8' \(int64\) is not supported.*'<f8'/ },
    { label: "'>f8' dtype", bytes: () => makeNpy({ descr: '>f8', shape: [SQUARE_ROWS, 6], data: square }), message: /dtype '>f8' \(big-endian float64\) is not supported/ },
    { label: '4 columns', bytes: () => makeNpy({ shape: [5, 4], data: square.slice(0, 20) }), message: /expected an \(N, 6\) array of center, inner and outer x\/y; got \(5, 4\)/ },
    { label: '1-D array', bytes: () => makeNpy({ shape: [30], data: square }), message: /expected an \(N, 6\) array.*got \(30,\)/ },
    {
      label: 'NaN in row 7',
      bytes: () => {
        const rows = Array.from({ length: 12 }, (_, i) => [i, 0, i, 1, i, -1]);
        rows[7][2] = NaN;
        return makeNpy({ shape: [12, 6], data: rows.flat() });
      },
      message: /row 7 has NaN in column inner_x/,
    },
    {
      label: 'Infinity',
      bytes: () => makeNpy({ shape: [SQUARE_ROWS, 6], data: square.map((v, i) => (i === 13 ? Infinity : v)) }),
      message: /row 2 has Infinity in column center_y/,
    },
    { label: 'truncated bytes', bytes: () => makeNpy({ shape: [SQUARE_ROWS, 6], data: square }).slice(0, -10), message: /truncated \.npy data.*\(17, 6\).*816 bytes but only 806/ },
    { label: 'truncated header', bytes: () => makeNpy({ shape: [SQUARE_ROWS, 6], data: square }).slice(0, 40), message: /truncated \.npy file/ },
    { label: '2 rows', bytes: () => makeNpy({ shape: [2, 6], data: square.slice(0, 12) }), message: /too few points: 2 rows/ },
    {
      label: 'a 3-row loop',
      bytes: () => makeNpy({ shape: [3, 6], data: [...square.slice(0, 12), ...square.slice(0, 6)] }),
      message: /a loop needs at least 4 rows/,
    },
    {
      label: 'only 2 distinct points',
      bytes: () => makeNpy({ shape: [4, 6], data: [...square.slice(0, 6), ...square.slice(0, 6), ...square.slice(6, 12), ...square.slice(6, 12)] }),
      message: /2 distinct centre points/,
    },
  ];
  for (const { label, bytes, message } of cases) {
    it(`rejects ${label} with a message naming the file and the problem`, () => {
      const text = errorOf(() => trackDataFromNpy(bytes(), 'bad_track.npy'));
      expect(text.startsWith('bad_track.npy: ')).toBe(true);
      expect(text).toMatch(message);
    });
  }
});

describe('parseTrackData', () => {
  const valid = (): Record<string, unknown> => ({ ...(readJson('reinvent_base') as object) });

  it('reports each kind of bad input clearly', () => {
    const src = 'tracks/x.json';
    expect(errorOf(() => parseTrackData([1, 2], src))).toMatch(/^tracks\/x\.json: expected a track object.*got an array/);
    const noWaypoints = valid();
    delete noWaypoints.waypoints;
    expect(errorOf(() => parseTrackData(noWaypoints, src))).toMatch(/missing key 'waypoints'/);
    expect(errorOf(() => parseTrackData({ ...valid(), loop: 'yes' }, src))).toMatch(/'loop' must be true or false; got "yes"/);
    expect(errorOf(() => parseTrackData({ ...valid(), direction: 'left' }, src))).toMatch(/'direction' must be "ccw" or "cw"/);
    expect(errorOf(() => parseTrackData({ ...valid(), direction: null }, src))).toMatch(/'direction' must be/);
    expect(errorOf(() => parseTrackData({ ...valid(), units: 'ft' }, src))).toMatch(/'units' must be "m"/);
    expect(errorOf(() => parseTrackData({ ...valid(), lengthM: -1 }, src))).toMatch(/'lengthM' must be a positive number/);
    expect(errorOf(() => parseTrackData({ ...valid(), columns: ['x', 'y'] }, src))).toMatch(/'columns' must be/);
    expect(errorOf(() => parseTrackData({ ...valid(), waypoints: 'none' }, src))).toMatch(/'waypoints' must be an array of rows/);
    const short = squareRows().map((r, i) => (i === 3 ? r.slice(0, 4) : r));
    expect(errorOf(() => parseTrackData({ ...valid(), waypoints: short }, src))).toMatch(/'waypoints' row 3 must be 6 numbers/);
    const nullValue = squareRows();
    (nullValue[2] as unknown[])[4] = null;
    expect(errorOf(() => parseTrackData({ ...valid(), waypoints: nullValue }, src))).toMatch(/row 2 \(outer_x\) is not a finite number: null/);
    const open = { ...valid(), loop: false, direction: null };
    expect(errorOf(() => parseTrackData({ ...open, waypoints: squareRows().slice(0, 2) }, src))).toMatch(/too few points: 2 distinct/);
    expect(errorOf(() => parseTrackData({ ...valid(), waypoints: squareRows().slice(0, 4) }, src)))
      .toMatch(/'loop' is true but the last waypoint row does not repeat the first/);
    const tinyLoop = [squareRows()[0], squareRows()[1], squareRows()[0]];
    expect(errorOf(() => parseTrackData({ ...valid(), waypoints: tinyLoop }, src))).toMatch(/a loop needs at least 4 rows/);
  });

  it('reads null direction of an open track as ccw, drops unknown keys and copies the rows', () => {
    const json = { ...valid(), loop: false, direction: null, waypoints: squareRows().slice(0, 3), extra: 1 };
    const track = parseTrackData(json, 'open');
    expect(track.direction).toBe('ccw');
    expect('extra' in track).toBe(false);
    track.waypoints[0][0] = 99;
    expect((json.waypoints as number[][])[0][0]).toBe(0);
  });
});

describe('shipped tracks', () => {
  it('ships the 17 tracks', () => expect(trackFiles.length).toBe(17));

  for (const file of trackFiles) {
    it(`${file} is valid and its lengthM and widthM match its waypoints`, () => {
      const track = parseTrackData(JSON.parse(readFileSync(path.join(tracksDir, file), 'utf8')), file);
      expect(`${track.name}.json`).toBe(file);
      expect(Math.abs(track.lengthM - centreLength(track.waypoints))).toBeLessThanOrEqual(1e-3);
      const inner = track.waypoints.map((w) => ({ x: w[2], y: w[3] }));
      const outer = track.waypoints.map((w) => ({ x: w[4], y: w[5] }));
      const widths = track.waypoints.map((w) => {
        const a = nearestPointOnPolyline(w[0], w[1], inner);
        const b = nearestPointOnPolyline(w[0], w[1], outer);
        return Math.hypot(a.x - b.x, a.y - b.y);
      }).sort((p, q) => p - q);
      const mid = widths.length >> 1;
      const medianWidth = widths.length % 2 ? widths[mid] : (widths[mid - 1] + widths[mid]) / 2;
      expect(Math.abs(track.widthM - medianWidth)).toBeLessThanOrEqual(1e-3);
    });
  }

  it('tracks/README.md lists every file with its values', () => {
    const readme = readFileSync(path.join(tracksDir, 'README.md'), 'utf8');
    for (const file of trackFiles) {
      const t = JSON.parse(readFileSync(path.join(tracksDir, file), 'utf8')) as TrackData;
      const row = `| \`${t.name}\` | ${t.displayName} | ${t.lengthM} | ${t.widthM} | ${t.waypoints.length} | ${t.direction ?? 'open'} |`;
      expect(readme).toContain(row);
    }
    expect(readme).toContain(
      'Track geometry from AWS DeepRacer (deepracer-simapp, Apache-2.0, Copyright Amazon.com, Inc. or its affiliates)');
    expect(readme).toContain('https://www.apache.org/licenses/LICENSE-2.0');
  });
});

describe('nearestPointOnPolyline', () => {
  it('projects onto the nearest segment and clamps to its ends', () => {
    const line = [{ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 2, y: 2 }];
    expect(nearestPointOnPolyline(1, 1, line)).toMatchObject({ x: 1, y: 0, distance: 1, segmentIndex: 0, t: 0.5 });
    expect(nearestPointOnPolyline(3, 1.5, line)).toMatchObject({ x: 2, y: 1.5, distance: 1, segmentIndex: 1 });
    expect(nearestPointOnPolyline(-3, -4, line)).toMatchObject({ x: 0, y: 0, distance: 5, t: 0 });
    expect(nearestPointOnPolyline(5, 5, [{ x: 1, y: 1 }])).toMatchObject({ x: 1, y: 1, segmentIndex: 0 });
    expect(() => nearestPointOnPolyline(0, 0, [])).toThrow(/no points/);
  });
});
