/**
 * One link frame, before COBS encoding (docs/car-protocol.md §2):
 *
 *   offset  size  field
 *   0       1     protocol version (PROTOCOL_VERSION)
 *   1       1     message type (protocol.ts)
 *   2       2     sequence, u16 LE: the sender's frame counter, wrapping at 65536
 *   4       2     payload length n, u16 LE
 *   6       n     payload
 *   6+n     4     CRC-32 (IEEE, crc32.ts) of bytes 0 .. 6+n, u32 LE
 *
 * The CRC catches bit errors in a frame; the SHA-256 of the whole pack (VERIFY) catches anything the
 * CRC lets through, so a corrupt model is never switched in.
 */
import { crc32 } from './crc32';
import { cobsEncode } from './framing';

/** Version of the link protocol this code speaks. */
export const PROTOCOL_VERSION = 1;
/** Header bytes before the payload. */
export const HEADER_SIZE = 6;
/** Bytes of a frame that are not payload: header + CRC. */
export const FRAME_OVERHEAD = HEADER_SIZE + 4;

export interface Frame {
  version: number;
  type: number;
  /** u16 sender's counter. */
  sequence: number;
  payload: Uint8Array;
}

/** A frame whose bytes do not form a valid frame. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/**
 * The frame's bytes before COBS (header, payload, CRC).
 * @throws FrameError when the payload is longer than 65535 bytes or type/sequence are out of range.
 */
export function encodeFrame(type: number, sequence: number, payload: Uint8Array, version = PROTOCOL_VERSION): Uint8Array {
  if (payload.length > 0xffff) throw new FrameError(`frame payload of ${payload.length} bytes exceeds 65535`);
  if (!(type >= 0 && type <= 0xff)) throw new FrameError(`frame type ${type} is not a byte`);
  const out = new Uint8Array(FRAME_OVERHEAD + payload.length);
  const view = new DataView(out.buffer);
  out[0] = version;
  out[1] = type;
  view.setUint16(2, sequence & 0xffff, true);
  view.setUint16(4, payload.length, true);
  out.set(payload, HEADER_SIZE);
  view.setUint32(HEADER_SIZE + payload.length, crc32(out, 0, HEADER_SIZE + payload.length), true);
  return out;
}

/** `encodeFrame` then COBS and the 0x00 delimiter: the bytes to write to the stream. */
export function encodeWireFrame(type: number, sequence: number, payload: Uint8Array): Uint8Array {
  return cobsEncode(encodeFrame(type, sequence, payload));
}

/**
 * Parses and checks a COBS-decoded frame.
 * @throws FrameError naming the problem: shorter than a header and CRC, a length field that disagrees
 *   with the frame's size, or a CRC mismatch. The version is returned, not checked (the caller answers
 *   an unsupported version with an ERROR).
 */
export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length < FRAME_OVERHEAD) throw new FrameError(`frame of ${bytes.length} bytes is shorter than header and CRC (${FRAME_OVERHEAD})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint16(4, true);
  if (length !== bytes.length - FRAME_OVERHEAD) {
    throw new FrameError(`frame length field says ${length} payload bytes, the frame holds ${bytes.length - FRAME_OVERHEAD}`);
  }
  const expected = view.getUint32(HEADER_SIZE + length, true);
  const actual = crc32(bytes, 0, HEADER_SIZE + length);
  if (expected !== actual) {
    throw new FrameError(`frame CRC mismatch: frame says 0x${expected.toString(16).padStart(8, '0')}, bytes give 0x${actual.toString(16).padStart(8, '0')}`);
  }
  return { version: bytes[0], type: bytes[1], sequence: view.getUint16(2, true), payload: bytes.slice(HEADER_SIZE, HEADER_SIZE + length) };
}
