/**
 * A careful zip reader (PKWARE APPNOTE 6.3.10, §4.3): it lists the entries from the central directory, so sizes
 * and entry counts can be checked before anything is inflated, and checks every inflated entry's CRC-32. The
 * inflating itself is fflate's (`inflateSync` into a buffer of the declared size, so an entry that lies about its
 * size cannot grow past it). fflate's own `unzipSync` inflates as it lists and checks no CRC, hence this file.
 * Plain zip only: no ZIP64, no encryption, no split archives (a model is far below 4 GiB).
 */
import { inflateSync } from 'fflate';
import { ShareError } from './errors';

/** One file in a zip, as its central directory describes it. */
export interface ZipEntry {
  /** Path inside the zip, `/`-separated; directories end in `/`. */
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  /** CRC-32 of the uncompressed bytes. */
  crc: number;
  /** Bytes in the zip. */
  compressedSize: number;
  /** Bytes once inflated (as declared). */
  size: number;
  /** Offset of the entry's data in the zip. */
  dataStart: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

const u16 = (b: Uint8Array, at: number): number => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

function startsLikeZip(b: Uint8Array): boolean {
  return b.length >= 4 && u32(b, 0) === LOCAL;
}

/**
 * Lists the entries of a zip without inflating any. Error messages are clauses for the caller to prefix with the
 * file's name (`The zip: it is cut short: ...`).
 * @param maxEntries more entries than this is refused (a zip of many tiny files costs memory too).
 * @throws ShareError: `not-a-zip` (no zip signature at all), `truncated` (starts as a zip but its end is
 *   missing, or an entry runs past the end), `corrupt` (directory damaged), `unknown-format` (ZIP64, split
 *   archive, encrypted entry, unknown compression), `too-large` (more than `maxEntries` entries).
 */
export function listZip(bytes: Uint8Array, maxEntries: number): ZipEntry[] {
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (u32(bytes, at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd === -1) {
    if (startsLikeZip(bytes)) throw new ShareError('truncated', 'it is cut short: its end (the list of files) is missing; download or copy the file again');
    throw new ShareError('not-a-zip', 'it is not a zip file; choose the .zip that Raceline exported (Export model)');
  }
  if (u16(bytes, eocd + 4) !== 0 || u16(bytes, eocd + 6) !== 0) {
    throw new ShareError('unknown-format', 'it is split over several files (a multi-part archive); zip the model folder again as one file');
  }
  const count = u16(bytes, eocd + 10);
  const cdSize = u32(bytes, eocd + 12);
  const cdOffset = u32(bytes, eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new ShareError('unknown-format', "it is a ZIP64 archive, and Raceline reads plain zip files; zip the model folder with your system's Compress or `zip -r`");
  }
  if (count > maxEntries) throw new ShareError('too-large', `it holds ${count} files; Raceline imports models of at most ${maxEntries} files`);
  if (cdOffset + cdSize > eocd) throw new ShareError('corrupt', 'it is damaged: its list of files points outside the file; download or copy it again');

  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || u32(bytes, at) !== CENTRAL) throw new ShareError('corrupt', `it is damaged: entry ${i + 1} of its list of files is unreadable; download or copy it again`);
    const flags = u16(bytes, at + 8);
    const method = u16(bytes, at + 10);
    const nameLength = u16(bytes, at + 28);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const entry = { name, method, crc: u32(bytes, at + 16), compressedSize: u32(bytes, at + 20), size: u32(bytes, at + 24), dataStart: 0 };
    const local = u32(bytes, at + 42);
    at += 46 + nameLength + u16(bytes, at + 30) + u16(bytes, at + 32);
    if (name.endsWith('/')) continue;
    if (flags & 1) throw new ShareError('unknown-format', `${name} is encrypted; export the model again without a password`, name);
    if (method !== 0 && method !== 8) throw new ShareError('unknown-format', `${name} uses compression method ${method}; Raceline reads stored or deflated files (zip it again)`, name);
    if (local + 30 > bytes.length || u32(bytes, local) !== LOCAL) throw new ShareError('corrupt', `it is damaged: the data of ${name} is not where its list of files says; download or copy it again`, name);
    entry.dataStart = local + 30 + u16(bytes, local + 26) + u16(bytes, local + 28);
    if (entry.dataStart + entry.compressedSize > bytes.length) throw new ShareError('truncated', `it is cut short inside ${name}; download or copy it again`, name);
    entries.push(entry);
  }
  return entries;
}

/**
 * The bytes of one entry, inflated into a buffer of its declared size and checked against its CRC-32.
 * @throws ShareError kind `corrupt` when the data does not inflate, is shorter or longer than declared, or fails
 *   its CRC.
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const raw = bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) {
    data = raw.slice();
  } else {
    try {
      data = entry.size === 0 ? new Uint8Array(0) : inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (cause) {
      throw new ShareError('corrupt', `${entry.name} is damaged (its compressed data is invalid); download or copy the zip again`, entry.name, { cause });
    }
  }
  if (data.length !== entry.size || crc32(data) !== entry.crc) {
    throw new ShareError('corrupt', `${entry.name} is damaged (its CRC-32 does not match); download or copy the zip again`, entry.name);
  }
  return data;
}

let table: Int32Array | null = null;

/** CRC-32 (ISO 3309, polynomial 0xEDB88320 reflected), as zip stores it; unsigned. */
export function crc32(bytes: Uint8Array): number {
  if (table === null) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
