/**
 * COBS framing (Cheshire & Baker, "Consistent Overhead Byte Stuffing", IEEE/ACM ToN 1999): a frame's
 * bytes are encoded so that they contain no 0x00, and a single 0x00 ends each frame on the wire. A
 * receiver that joins mid-stream or loses bytes resynchronises at the next 0x00. Overhead: one byte
 * per 254 bytes of data, plus one, plus the delimiter.
 */

/** The frame delimiter on the wire. */
export const DELIMITER = 0x00;

/** A COBS-encoded frame that cannot be decoded. */
export class CobsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CobsError';
  }
}

/** Largest encoded size of `n` data bytes, excluding the delimiter. */
export function cobsMaxEncodedLength(n: number): number {
  return n + Math.floor(n / 254) + 1;
}

/**
 * COBS-encodes `data` and appends the 0x00 delimiter: what goes on the wire for one frame.
 * @returns bytes with no 0x00 except the last.
 */
export function cobsEncode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(cobsMaxEncodedLength(data.length) + 1);
  let codeAt = 0; // where the open block's length byte goes
  let o = 1;
  let code = 1;
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    if (b !== 0) {
      out[o++] = b;
      code++;
    }
    if (b === 0 || code === 0xff) {
      out[codeAt] = code;
      code = 1;
      codeAt = o;
      // A full block at the very end opens no new block (the canonical encoding).
      if (b === 0 || i + 1 < data.length) o++;
    }
  }
  if (codeAt < o) out[codeAt] = code;
  out[o++] = DELIMITER;
  return out.subarray(0, o);
}

/**
 * Decodes one COBS-encoded frame (without its delimiter).
 * @throws CobsError for an empty frame, a 0x00 inside it, or a block length that runs past its end.
 */
export function cobsDecode(encoded: Uint8Array): Uint8Array {
  if (encoded.length === 0) throw new CobsError('COBS: empty frame (two delimiters in a row)');
  const out = new Uint8Array(encoded.length);
  let o = 0;
  let i = 0;
  while (i < encoded.length) {
    const code = encoded[i];
    if (code === 0) throw new CobsError(`COBS: byte ${i} of the frame is 0x00, which only ends frames`);
    if (i + code > encoded.length) {
      throw new CobsError(`COBS: block at byte ${i} says ${code - 1} data bytes follow, but the frame ends after ${encoded.length - i - 1}`);
    }
    for (let k = 1; k < code; k++) {
      const b = encoded[i + k];
      if (b === 0) throw new CobsError(`COBS: byte ${i + k} of the frame is 0x00, which only ends frames`);
      out[o++] = b;
    }
    i += code;
    if (code !== 0xff && i < encoded.length) out[o++] = 0;
  }
  return out.subarray(0, o);
}

/** What a `FrameSplitter` hands out: a decoded frame, or why a span of bytes was not one. */
export type SplitResult = { ok: true; frame: Uint8Array } | { ok: false; error: string };

/**
 * Splits a byte stream into COBS frames at 0x00 delimiters and decodes them. Bytes may arrive in
 * pieces of any size (BLE's 20-byte notifications, serial reads). An over-long run without a
 * delimiter is dropped up to the next delimiter, so one lost delimiter costs at most two frames.
 */
export class FrameSplitter {
  private buf: Uint8Array;
  private len = 0;
  private overflowed = false;

  /** @param maxFrameSize largest decoded frame accepted, bytes. */
  constructor(private readonly maxFrameSize: number) {
    this.buf = new Uint8Array(cobsMaxEncodedLength(maxFrameSize));
  }

  /** Feeds received bytes; calls `emit` once per delimiter seen, in order. */
  push(bytes: Uint8Array, emit: (r: SplitResult) => void): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b !== DELIMITER) {
        if (this.len < this.buf.length) this.buf[this.len++] = b;
        else this.overflowed = true;
        continue;
      }
      if (this.overflowed) {
        emit({ ok: false, error: `frame longer than the maximum of ${this.maxFrameSize} bytes; dropped` });
      } else if (this.len > 0) {
        try {
          emit({ ok: true, frame: cobsDecode(this.buf.slice(0, this.len)) });
        } catch (e) {
          emit({ ok: false, error: (e as Error).message });
        }
      }
      // A lone delimiter (len 0) is idle filler: senders may send 0x00 to flush a receiver.
      this.len = 0;
      this.overflowed = false;
    }
  }

  /** Forgets a partial frame (after a disconnect). */
  reset(): void {
    this.len = 0;
    this.overflowed = false;
  }
}
