/**
 * Reads NumPy `.npy` files and turns a DeepRacer route file into a {@link TrackData}.
 *
 * `.npy` layout (NumPy NEP 1, https://numpy.org/neps/nep-0001-npy-format.html, and
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic `\x93NUMPY`, major and minor version bytes, a little-endian header length (uint16 for v1,
 * uint32 for v2/v3), an ASCII (v1/v2) or UTF-8 (v3) Python dict literal
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (119, 6), }` padded with spaces and a newline, then the raw data.
 *
 * DeepRacer route files (deepracer-simapp `bundle/routes/<track>.npy`, read by `markov/track_geom/track_data.py`)
 * are v1, `<f8`, shape `(N, 6)`: rows `[center_x, center_y, inner_x, inner_y, outer_x, outer_y]` in metres,
 * the first row repeated at the end for loops.
 */
import { nearestPointOnPolyline, type PolylinePoint } from './polyline-nearest';
import { countDistinctCentrePoints, SAME_POINT_EPS, TRACK_COLUMNS, TrackFormatError, type TrackData } from './track-data';

/** The decoded contents of a `.npy` file. */
export interface NpyArray {
  /** The header's dtype descriptor, e.g. `<f8`. */
  dtype: string;
  /** Array shape, e.g. `[119, 6]`; `[]` for a scalar. */
  shape: number[];
  /** The header's `fortran_order` flag. `data` is row-major (C order) either way. */
  fortranOrder: boolean;
  /** All elements in row-major order, converted to float64; `[product(shape)]`. */
  data: Float64Array;
}

/** Options for {@link trackDataFromNpy}. */
export interface NpyTrackOptions {
  /** Name shown in the UI; defaults to the track name. */
  displayName?: string;
  /**
   * Drop rows whose centre point repeats the previous row's (within 1e-9 m), keeping the closing row of a loop,
   * as simapp sanitises routes. Default true. Pass false to keep the file row for row, as the shipped
   * `tracks/*.json` do (e.g. `Oval_track` repeats row 66 as row 67).
   */
  dropDuplicatePoints?: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const DTYPE_NAMES: Record<string, string> = {
  b1: 'bool', i1: 'int8', u1: 'uint8', i2: 'int16', u2: 'uint16', i4: 'int32', u4: 'uint32', i8: 'int64',
  u8: 'uint64', f2: 'float16', f4: 'float32', f8: 'float64', f16: 'float128', c8: 'complex64', c16: 'complex128',
};

/** `(119, 6)`, `(714,)` or `()`, as Python prints a shape. */
function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/**
 * Parses the Python literal subset used in `.npy` headers: dicts, tuples, lists, quoted strings, integers,
 * True/False/None. @throws TrackFormatError on anything else.
 */
function parsePyLiteral(text: string): PyValue {
  let pos = 0;
  const fail: (what: string) => never = (what) => {
    throw new TrackFormatError(`malformed .npy header (${what} at character ${pos}): ${JSON.stringify(text.trim())}`);
  };
  const skip = (): void => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const value = (): PyValue => {
    skip();
    const ch = text[pos];
    if (ch === '{') {
      pos++;
      const out: { [key: string]: PyValue } = {};
      for (;;) {
        skip();
        if (text[pos] === '}') { pos++; return out; }
        const key = value();
        if (typeof key !== 'string') fail('dict key is not a string');
        skip();
        if (text[pos] !== ':') fail("expected ':'");
        pos++;
        out[key as string] = value();
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') fail("expected ',' or '}'");
      }
    }
    if (ch === '(' || ch === '[') {
      const close = ch === '(' ? ')' : ']';
      pos++;
      const out: PyValue[] = [];
      for (;;) {
        skip();
        if (text[pos] === close) { pos++; return out; }
        out.push(value());
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== close) fail(`expected ',' or '${close}'`);
      }
    }
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, pos + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(pos + 1, end);
      pos = end + 1;
      return s;
    }
    const word = /^(True|False|None|-?\d+L?)/.exec(text.slice(pos));
    if (!word) return fail('unexpected character');
    pos += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace('L', '')); // Python 2 wrote longs as 119L
  };
  const result = value();
  skip();
  if (pos !== text.length) fail('unexpected text after the dict');
  return result;
}

/**
 * Reads a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0; NEP 1).
 * @param bytes the whole file.
 * @returns dtype, shape, fortran_order flag and the elements as float64 in row-major order (a Fortran-order file
 *   is transposed into row-major order).
 * @throws TrackFormatError when: the magic bytes are missing (not a .npy file; a zip is reported as `.npz`);
 *   the version is not 1, 2 or 3; the header is cut short or is not a dict with `descr`, `fortran_order` and
 *   `shape`; the dtype is not little-endian float64 `<f8` or float32 `<f4` (big-endian, integer, structured and
 *   other dtypes are rejected, with the `astype` call that fixes them); the data is shorter than the shape needs.
 */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
      throw new TrackFormatError('this is a zip (.npz) archive, not a .npy file; load it with numpy.load and save the ' +
        "route array alone with numpy.save('track.npy', waypoints)");
    }
    throw new TrackFormatError("not a NumPy .npy file: it does not start with the magic bytes \\x93NUMPY; save the route " +
      "array with numpy.save('track.npy', waypoints)");
  }
  if (bytes.length < 10) throw new TrackFormatError(`truncated .npy file: only ${bytes.length} bytes, the header is missing`);
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3) {
    throw new TrackFormatError(`unsupported .npy format version ${major}.${minor}; this reader handles versions 1.0, 2.0 ` +
      "and 3.0 (NumPy NEP 1): re-save the array with numpy.save");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new TrackFormatError('truncated .npy file: the header length is cut off');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw new TrackFormatError(`truncated .npy file: the header says it is ${headerLength} bytes but only ` +
      `${bytes.length - headerStart} follow; copy the file again`);
  }
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const header = parsePyLiteral(headerText);
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new TrackFormatError(`malformed .npy header: expected a dict, got ${JSON.stringify(headerText.trim())}`);
  }
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!(key in header)) throw new TrackFormatError(`malformed .npy header: missing '${key}' in ${JSON.stringify(headerText.trim())}`);
  }
  const { descr, fortran_order: fortranOrder, shape } = header;
  if (typeof descr !== 'string') {
    throw new TrackFormatError('structured (record) dtypes are not supported; a track is a plain float64 array: ' +
      "numpy.save('track.npy', numpy.asarray(waypoints, dtype='<f8'))");
  }
  if (typeof fortranOrder !== 'boolean') throw new TrackFormatError(`malformed .npy header: fortran_order is ${JSON.stringify(fortranOrder)}`);
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    throw new TrackFormatError(`malformed .npy header: shape must be a tuple of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const dims = shape as number[];

  let itemSize: 4 | 8;
  if (descr === '<f8') itemSize = 8;
  else if (descr === '<f4') itemSize = 4;
  else {
    const order = descr[0];
    const kind = DTYPE_NAMES[descr.slice(1)] ?? 'an unknown type';
    const what = order === '>' ? `big-endian ${kind}` : kind;
    throw new TrackFormatError(`dtype '${descr}' (${what}) is not supported; tracks need little-endian float64 ('<f8'): ` +
      "re-save with numpy.save('track.npy', arr.astype('<f8'))");
  }

  const count = dims.reduce((a, b) => a * b, 1);
  const needed = count * itemSize;
  const available = bytes.length - dataStart;
  if (available < needed) {
    throw new TrackFormatError(`truncated .npy data: shape ${formatShape(dims)} of '${descr}' needs ${needed} bytes but only ` +
      `${available} follow the header; the file was cut short, copy it again`);
  }
  const raw = new Float64Array(count); // [count] float64, file order
  for (let i = 0; i < count; i++) {
    raw[i] = itemSize === 8 ? view.getFloat64(dataStart + 8 * i, true) : view.getFloat32(dataStart + 4 * i, true);
  }
  return { dtype: descr, shape: [...dims], fortranOrder, data: fortranOrder ? fortranToC(raw, dims) : raw };
}

/** Reorders column-major (Fortran) elements of an array of shape `dims` into row-major (C) order. */
function fortranToC(raw: Float64Array, dims: readonly number[]): Float64Array {
  const out = new Float64Array(raw.length);
  const index = new Array<number>(dims.length).fill(0); // C multi-index of element i
  for (let i = 0; i < raw.length; i++) {
    let offset = 0;
    let stride = 1;
    for (let d = 0; d < dims.length; d++) {
      offset += index[d] * stride;
      stride *= dims[d];
    }
    out[i] = raw[offset];
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++index[d] < dims[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

/** Rounds to `digits` decimals (1e-6 m for coordinates, as the shipped files); `|| 0` turns -0 into 0. */
const round = (v: number, digits: number): number => Number(v.toFixed(digits)) || 0;

const samePoint = (a: readonly number[], b: readonly number[], col = 0): boolean =>
  Math.hypot(a[col] - b[col], a[col + 1] - b[col + 1]) <= SAME_POINT_EPS;

/** Median of a non-empty list (mean of the two middle values for an even count, as numpy.median). */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Converts a DeepRacer route file into the shipped track format.
 * @param bytes a `.npy` file holding an `(N, 6)` float array, rows `[center_x, center_y, inner_x, inner_y, outer_x,
 *   outer_y]` in metres (deepracer-simapp `bundle/routes/*.npy`).
 * @param name track name (a trailing `.npy` is stripped); also the default `displayName`.
 * @returns a {@link TrackData}: `loop` when the last row equals the first within 1e-9; consecutive duplicate centre
 *   points dropped unless `dropDuplicatePoints` is false (closing row kept); coordinates rounded to 1e-6 m;
 *   `direction` from the sign of the centre line's shoelace area (`ccw` for open tracks, as simapp assumes);
 *   `lengthM` the centre polyline length and `widthM` the median over rows of the distance between the nearest
 *   points on the inner and outer border polylines to the centre point (the simulator's `track_width`), both
 *   rounded to 1e-4 m. `note`/`source` say it was imported; `license` is `NOASSERTION` (unknown).
 * @throws TrackFormatError (message starts with `<name>.npy:`) for every {@link parseNpy} error, a shape that is not
 *   `(N, 6)`, a NaN or infinite value (its row and column named, rows 0-based), fewer than 3 distinct centre
 *   points or fewer than 4 rows for a loop. Nothing is returned unless every check passes.
 */
export function trackDataFromNpy(bytes: Uint8Array, name: string, options: NpyTrackOptions = {}): TrackData {
  const stem = name.trim().replace(/\.npy$/i, '');
  if (stem === '') throw new TrackFormatError('trackDataFromNpy(): the track name is empty; pass the file name, e.g. "my_track"');
  const fail: (what: string) => never = (what) => {
    throw new TrackFormatError(`${stem}.npy: ${what}`);
  };
  let array: NpyArray;
  try {
    array = parseNpy(bytes);
  } catch (e) {
    throw e instanceof TrackFormatError ? new TrackFormatError(`${stem}.npy: ${e.message}`) : e;
  }
  const { shape, data } = array;
  if (shape.length !== 2 || shape[1] !== 6) {
    fail(`expected an (N, 6) array of center, inner and outer x/y; got ${formatShape(shape)}`);
  }
  const rowCount = shape[0];
  const rows: number[][] = []; // [N, 6] metres
  for (let r = 0; r < rowCount; r++) {
    const row = Array.from(data.subarray(6 * r, 6 * r + 6));
    const bad = row.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`row ${r} has ${row[bad]} in column ${TRACK_COLUMNS[bad]}; every value must be a finite number of metres, fix or drop that row`);
    rows.push(row);
  }
  if (rowCount < 3) fail(`too few points: ${rowCount} rows; a track needs at least 3 distinct centre points`);
  const first = rows[0];
  const last = rows[rowCount - 1];
  const loop = first.every((v, c) => Math.abs(v - last[c]) <= SAME_POINT_EPS);
  if (loop && rowCount < 4) fail(`too few points: a loop needs at least 4 rows (3 distinct points and the first repeated); got ${rowCount}`);

  let kept = rows;
  if (options.dropDuplicatePoints ?? true) {
    kept = [];
    for (const row of loop ? rows.slice(0, -1) : rows) {
      if (kept.length === 0 || !samePoint(row, kept[kept.length - 1])) kept.push(row);
    }
    if (loop) {
      while (kept.length > 1 && samePoint(kept[kept.length - 1], first)) kept.pop();
      kept.push(last);
    }
  }
  const distinct = countDistinctCentrePoints(kept, loop);
  if (distinct < 3) fail(`too few points: ${distinct} distinct centre points; a track needs at least 3`);

  const waypoints = kept.map((row) => row.map((v) => round(v, 6)));
  const centre: PolylinePoint[] = waypoints.map((w) => ({ x: w[0], y: w[1] }));
  const inner: PolylinePoint[] = waypoints.map((w) => ({ x: w[2], y: w[3] }));
  const outer: PolylinePoint[] = waypoints.map((w) => ({ x: w[4], y: w[5] }));

  let length = 0; // m
  let twiceArea = 0; // m², shoelace; positive for counter-clockwise
  for (let i = 0; i + 1 < centre.length; i++) {
    length += Math.hypot(centre[i + 1].x - centre[i].x, centre[i + 1].y - centre[i].y);
    twiceArea += centre[i].x * centre[i + 1].y - centre[i + 1].x * centre[i].y;
  }
  const widths = centre.map((c) => {
    const a = nearestPointOnPolyline(c.x, c.y, inner);
    const b = nearestPointOnPolyline(c.x, c.y, outer);
    return Math.hypot(a.x - b.x, a.y - b.y);
  });

  return {
    name: stem,
    displayName: options.displayName ?? stem,
    note: `Imported from ${stem}.npy.`,
    source: `${stem}.npy (imported route file)`,
    license: 'NOASSERTION',
    units: 'm',
    loop,
    direction: loop && twiceArea < 0 ? 'cw' : 'ccw',
    lengthM: round(length, 4),
    widthM: round(median(widths), 4),
    columns: [...TRACK_COLUMNS],
    waypoints,
  };
}

/**
 * Writes a float64 array as a NumPy `.npy` file, format 1.0 (the layout above; what `numpy.save` writes for a
 * C-order `<f8` array): the header padded with spaces to a multiple of 64 bytes, ending in a newline.
 * @param shape e.g. `[N, 6]` for a DeepRacer route; @param data `[product(shape)]` values in row-major order.
 * @throws Error when `data` does not hold `product(shape)` values.
 */
export function encodeNpy(shape: readonly number[], data: ArrayLike<number>): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`encodeNpy: shape (${shape.join(', ')}) needs ${count} values, got ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(MAGIC.length + 4 + header.length + 8 * count);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < count; i++) body.setFloat64(8 * i, data[i], true);
  return out;
}
