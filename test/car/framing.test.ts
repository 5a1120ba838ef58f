import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsEncode, CobsError, FrameSplitter, type SplitResult } from '../../src/car/framing';
import { crc32 } from '../../src/car/crc32';
import { decodeFrame, encodeFrame, encodeWireFrame, FrameError } from '../../src/car/frame';
import { Rng } from '../../src/sim/rng';

const hex = (s: string) => Uint8Array.from(s.split(' ').filter(Boolean).map((b) => parseInt(b, 16)));
const randomBytes = (rng: Rng, n: number, zeros = 0.1) => Uint8Array.from({ length: n }, () => (rng.uniform() < zeros ? 0 : 1 + rng.int(255)));

describe('CRC-32', () => {
  it('gives the IEEE check value and zlib values', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });
});

describe('COBS', () => {
  it('encodes the published examples (Cheshire & Baker; canonical form)', () => {
    expect(cobsEncode(hex('00'))).toEqual(hex('01 01 00'));
    expect(cobsEncode(hex('00 00'))).toEqual(hex('01 01 01 00'));
    expect(cobsEncode(hex('11 22 00 33'))).toEqual(hex('03 11 22 02 33 00'));
    expect(cobsEncode(hex('11 22 33 44'))).toEqual(hex('05 11 22 33 44 00'));
    expect(cobsEncode(new Uint8Array(0))).toEqual(hex('01 00'));
    const run = Uint8Array.from({ length: 254 }, (_, i) => i + 1);
    const enc = cobsEncode(run);
    expect(enc.length).toBe(256); // FF, 254 bytes, delimiter: no trailing 01
    expect(enc[0]).toBe(0xff);
  });

  it('round-trips random data of every awkward length, with no 0x00 before the delimiter', () => {
    const rng = new Rng(7);
    for (const n of [0, 1, 2, 253, 254, 255, 256, 507, 508, 509, 1000, 4096]) {
      for (const zeros of [0, 0.01, 0.5, 1]) {
        const data = randomBytes(rng, n, zeros);
        const enc = cobsEncode(data);
        expect(enc.indexOf(0)).toBe(enc.length - 1);
        expect(cobsDecode(enc.subarray(0, enc.length - 1))).toEqual(data);
      }
    }
  });

  it('refuses malformed frames by name', () => {
    expect(() => cobsDecode(new Uint8Array(0))).toThrow(CobsError);
    expect(() => cobsDecode(hex('05 11 22'))).toThrow(/block at byte 0 says 4 data bytes follow, but the frame ends after 2/);
    expect(() => cobsDecode(hex('03 11 00'))).toThrow(/0x00/);
  });
});

describe('frames', () => {
  it('round-trips header, payload and CRC', () => {
    const payload = Uint8Array.from([1, 0, 2, 0, 0, 255]);
    const f = decodeFrame(encodeFrame(0x83, 65535, payload));
    expect(f).toEqual({ version: 1, type: 0x83, sequence: 65535, payload });
    expect(decodeFrame(encodeFrame(1, 70000, new Uint8Array(0))).sequence).toBe(70000 & 0xffff);
  });

  it('detects every single-bit error, truncation and a wrong length field', () => {
    const bytes = encodeFrame(3, 12, Uint8Array.from({ length: 40 }, (_, i) => i * 7));
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const bad = bytes.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      expect(() => decodeFrame(bad)).toThrow(FrameError);
    }
    expect(() => decodeFrame(bytes.subarray(0, 9))).toThrow(/shorter than header and CRC/);
    expect(() => decodeFrame(bytes.subarray(0, bytes.length - 1))).toThrow(/length field says 40 payload bytes, the frame holds 39/);
    const crcBad = bytes.slice();
    crcBad[crcBad.length - 1] ^= 0xff;
    expect(() => decodeFrame(crcBad)).toThrow(/CRC mismatch/);
  });

  it('are split from a byte stream in any chunking, and the splitter resynchronises after garbage', () => {
    const rng = new Rng(3);
    const frames = Array.from({ length: 30 }, (_, i) => encodeWireFrame(i % 9, i, randomBytes(rng, rng.int(300), 0.2)));
    const garbage = Uint8Array.from([0x42, 0x13, 0x99, 0x00]);
    const stream = new Uint8Array(frames.reduce((n, f) => n + f.length, 0) + garbage.length);
    stream.set(garbage);
    let at = garbage.length;
    for (const f of frames) {
      stream.set(f, at);
      at += f.length;
    }
    for (const piece of [1, 20, 244, 4096]) {
      const results: SplitResult[] = [];
      const splitter = new FrameSplitter(512);
      for (let i = 0; i < stream.length; i += piece) splitter.push(stream.subarray(i, i + piece), (r) => results.push(r));
      expect(results[0].ok).toBe(false); // the garbage before the first delimiter
      const good = results.slice(1).map((r) => (r.ok ? decodeFrame(r.frame).sequence : -1));
      expect(good).toEqual(frames.map((_, i) => i));
    }
  });

  it('drops a frame longer than the maximum and recovers at the next delimiter', () => {
    const results: SplitResult[] = [];
    const splitter = new FrameSplitter(64);
    splitter.push(encodeWireFrame(1, 1, new Uint8Array(200).fill(7)), (r) => results.push(r));
    splitter.push(encodeWireFrame(1, 2, new Uint8Array(10).fill(7)), (r) => results.push(r));
    expect(results[0]).toEqual({ ok: false, error: 'frame longer than the maximum of 64 bytes; dropped' });
    expect(results[1].ok && decodeFrame(results[1].frame).sequence).toBe(2);
  });
});
