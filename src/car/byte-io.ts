/**
 * Little-endian byte writing and reading for the car pack and the link protocol. Every read is
 * bounds-checked and names what it was reading, so a truncated or malformed buffer fails with a
 * message like "pack: layer 2 kernel: needs 5632 bytes at offset 120, only 300 left".
 */

/** A read past the end of a buffer, or a value outside what the format allows. */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

/** Appends little-endian values to a growing buffer. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  /** Bytes written so far. */
  length = 0;

  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < at + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.length += n;
    return at;
  }

  // reserve() may replace buf and view, so it runs before they are read.
  u8(v: number): this {
    const at = this.reserve(1);
    this.view.setUint8(at, v);
    return this;
  }
  u16(v: number): this {
    const at = this.reserve(2);
    this.view.setUint16(at, v, true);
    return this;
  }
  i16(v: number): this {
    const at = this.reserve(2);
    this.view.setInt16(at, v, true);
    return this;
  }
  u32(v: number): this {
    const at = this.reserve(4);
    this.view.setUint32(at, v >>> 0, true);
    return this;
  }
  f32(v: number): this {
    const at = this.reserve(4);
    this.view.setFloat32(at, v, true);
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.reserve(b.length);
    this.buf.set(b, at);
    return this;
  }
  /** A string as u8 length + UTF-8 bytes. @throws FormatError when longer than 255 bytes. */
  shortString(s: string, what: string): this {
    const b = new TextEncoder().encode(s);
    if (b.length > 255) throw new FormatError(`${what}: '${s.slice(0, 20)}…' is ${b.length} bytes; the limit is 255`);
    return this.u8(b.length).bytes(b);
  }
  /** Zero bytes up to the next multiple of `n` from the start. */
  align(n: number): this {
    while (this.length % n !== 0) this.u8(0);
    return this;
  }
  /** A copy of the bytes written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Reads little-endian values from a buffer, checking bounds. */
export class ByteReader {
  private readonly view: DataView;
  /** Offset of the next read, bytes from the start of `bytes`. */
  offset: number;

  /** @param context prefix of every error message (e.g. "pack", "HELLO reply"). */
  constructor(
    readonly bytes: Uint8Array,
    private readonly context: string,
    start = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = start;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** @throws FormatError when fewer than `n` bytes are left. */
  need(n: number, what: string): number {
    if (n > this.remaining) {
      throw new FormatError(`${this.context}: ${what}: needs ${n} bytes at offset ${this.offset}, only ${this.remaining} left`);
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(what: string): number {
    return this.view.getUint8(this.need(1, what));
  }
  u16(what: string): number {
    return this.view.getUint16(this.need(2, what), true);
  }
  i16(what: string): number {
    return this.view.getInt16(this.need(2, what), true);
  }
  u32(what: string): number {
    return this.view.getUint32(this.need(4, what), true);
  }
  f32(what: string): number {
    return this.view.getFloat32(this.need(4, what), true);
  }
  /** A view (not a copy) of the next `n` bytes. */
  bytesView(n: number, what: string): Uint8Array {
    const at = this.need(n, what);
    return this.bytes.subarray(at, at + n);
  }
  /** A u8-length-prefixed UTF-8 string. */
  shortString(what: string): string {
    const n = this.u8(`${what} length`);
    return new TextDecoder('utf-8', { fatal: false }).decode(this.bytesView(n, what));
  }
  /** Skips to the next multiple of `n` from the start. */
  align(n: number, what: string): void {
    const pad = (n - (this.offset % n)) % n;
    if (pad > 0) this.need(pad, `${what} padding`);
  }
  /** @throws FormatError when bytes are left over. */
  end(): void {
    if (this.remaining !== 0) throw new FormatError(`${this.context}: ${this.remaining} unexpected bytes after the end at offset ${this.offset}`);
  }
}

/** Lower-case hex of bytes ("0a1b…"). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

/** True when two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
