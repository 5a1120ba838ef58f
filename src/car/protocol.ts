/**
 * The messages of the car link (docs/car-protocol.md §3–4): their type codes, error codes and payload
 * layouts, encoded and decoded in one place. A reply's type is its request's type with bit 7 set and
 * its payload starts with `replyTo`, the sequence number of the request it answers.
 */
import { ByteReader, ByteWriter, FormatError } from './byte-io';
import { HASH_SIZE } from './sha256';
import { WEIGHT_TYPE_CODE, type SensorSpec, type WeightType } from './pack';

export const MessageType = {
  HELLO: 0x01,
  BEGIN: 0x02,
  DATA: 0x03,
  VERIFY: 0x04,
  SWITCH: 0x05,
  TELEMETRY_CONFIG: 0x06,
  INFER: 0x07,
  ABORT: 0x08,
  /** Car → host, unsolicited. */
  TELEMETRY: 0xa0,
  /** Car → host, in reply to any request. */
  ERROR: 0xff,
} as const;
/** Set on a reply's type. */
export const REPLY_BIT = 0x80;
/** `replyTo` of an ERROR that answers no particular request (a frame whose sequence was unreadable). */
export const NO_REPLY_TO = 0xffff;

export const MESSAGE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(MessageType).map(([k, v]) => [v, k]));

/** Name of a type code, replies included ("HELLO_REPLY"). */
export function messageName(type: number): string {
  if (MESSAGE_NAMES[type]) return MESSAGE_NAMES[type];
  if (type & REPLY_BIT && MESSAGE_NAMES[type & ~REPLY_BIT]) return `${MESSAGE_NAMES[type & ~REPLY_BIT]}_REPLY`;
  return `0x${type.toString(16).padStart(2, '0')}`;
}

export const ErrorCode = {
  /** The frame's protocol version is not one the car speaks. */
  BAD_VERSION: 1,
  UNKNOWN_TYPE: 2,
  /** The payload is too short, too long or holds an impossible value. */
  BAD_PAYLOAD: 3,
  /** The request does not fit the car's state (DATA before BEGIN, VERIFY before all bytes arrived). */
  BAD_STATE: 4,
  /** The pack is larger than the car's free space. */
  TOO_LARGE: 5,
  /** The pack format (weight type) is not one the car runs. */
  UNSUPPORTED_FORMAT: 6,
  /** The received bytes do not have the announced SHA-256; they were discarded. */
  HASH_MISMATCH: 7,
  /** The pack is well received but cannot run on this car (layers, sensors, action spec). */
  BAD_PACK: 8,
  /** SWITCH names a model that is neither verified in the upload slot nor already active. */
  NOT_VERIFIED: 9,
  /** The car could not write its storage. */
  STORAGE: 10,
  /** INFER with no active model. */
  NO_MODEL: 11,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];
export const ERROR_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(ErrorCode).map(([k, v]) => [v, k]));

export type SlotState = 'empty' | 'partial' | 'valid';
const SLOT_STATE_CODE: Readonly<Record<SlotState, number>> = { empty: 0, partial: 1, valid: 2 };

/** One model slot as the car reports it. */
export interface SlotInfo {
  state: SlotState;
  /** Pack size, bytes (0 when empty). */
  size: number;
  /** Bytes received so far: the resume offset of a partial upload; `size` when valid. */
  written: number;
  /** Model hash of the pack in (or being uploaded to) the slot; zeros when empty. */
  hash: Uint8Array;
}

/** The car's capabilities and state (HELLO reply). */
export interface HelloInfo {
  protocolVersion: number;
  /** Largest frame the car accepts, bytes from header to CRC (before COBS). */
  maxFrameSize: number;
  /** Pack weight types the car runs. */
  formats: WeightType[];
  /** Most DATA frames the car can take in flight before it acknowledges. */
  maxWindow: number;
  /** Largest pack the car can store, bytes. */
  freeSpace: number;
  /** Index of the slot whose model drives the car, or null when the car has none. */
  activeSlot: number | null;
  /** Always two slots: the active one and the upload slot. */
  slots: SlotInfo[];
  sensors: SensorSpec[];
  /** Runtime name and version, e.g. "raceline-python 1". */
  firmware: string;
}

export interface BeginRequest {
  size: number;
  weightType: WeightType;
  /** The car acknowledges after every `ackEvery` in-order DATA frames (and at the end). */
  ackEvery: number;
  hash: Uint8Array;
}

export interface Telemetry {
  /** Car clock, ms (wraps at 2^32). */
  timeMs: number;
  /** Measured forward speed, m/s. */
  speed: number;
  /** Commanded steering, degrees, positive = left. */
  steering: number;
  /** Discrete action index chosen, −1 for continuous or none. */
  action: number;
  /** Battery voltage, mV; 0 when unknown. */
  batteryMv: number;
  activeSlot: number | null;
}

/** A decoded request (host → car). */
export type Request =
  | { type: typeof MessageType.HELLO }
  | ({ type: typeof MessageType.BEGIN } & BeginRequest)
  | { type: typeof MessageType.DATA; offset: number; data: Uint8Array }
  | { type: typeof MessageType.VERIFY; hash: Uint8Array }
  | { type: typeof MessageType.SWITCH; hash: Uint8Array }
  | { type: typeof MessageType.TELEMETRY_CONFIG; periodMs: number }
  | { type: typeof MessageType.INFER; observation: Float32Array }
  | { type: typeof MessageType.ABORT };

/** A decoded car → host message. */
export type CarMessage =
  | { type: 'hello'; replyTo: number; info: HelloInfo }
  | { type: 'begin'; replyTo: number; slot: number; offset: number }
  | { type: 'ack'; replyTo: number; offset: number; gap: boolean }
  | { type: 'verify'; replyTo: number; slot: number; hash: Uint8Array }
  | { type: 'switch'; replyTo: number; activeSlot: number; hash: Uint8Array }
  | { type: 'telemetry-config'; replyTo: number; periodMs: number }
  | { type: 'infer'; replyTo: number; action: number; steering: number; speed: number }
  | { type: 'abort'; replyTo: number }
  | { type: 'telemetry'; telemetry: Telemetry }
  | { type: 'error'; replyTo: number; code: number; requestType: number; message: string };

function slotByte(slot: number | null): number {
  return slot === null ? 0xff : slot;
}

function formatsMask(formats: WeightType[]): number {
  return formats.reduce((m, f) => m | (1 << (WEIGHT_TYPE_CODE[f] - 1)), 0);
}

function weightTypeOf(code: number, what: string): WeightType {
  const t = (Object.keys(WEIGHT_TYPE_CODE) as WeightType[]).find((k) => WEIGHT_TYPE_CODE[k] === code);
  if (!t) throw new FormatError(`${what}: pack format ${code} is unknown (1 float32, 2 int8)`);
  return t;
}

// ---- host → car ----

/** Payload of a request. @throws FormatError for an out-of-range field. */
export function encodeRequest(r: Request): Uint8Array {
  const w = new ByteWriter();
  switch (r.type) {
    case MessageType.HELLO:
    case MessageType.ABORT:
      break;
    case MessageType.BEGIN:
      w.u32(r.size).u8(WEIGHT_TYPE_CODE[r.weightType]).u8(r.ackEvery).bytes(checkHash(r.hash, 'BEGIN'));
      break;
    case MessageType.DATA:
      w.u32(r.offset).bytes(r.data);
      break;
    case MessageType.VERIFY:
    case MessageType.SWITCH:
      w.bytes(checkHash(r.hash, messageName(r.type)));
      break;
    case MessageType.TELEMETRY_CONFIG:
      w.u16(r.periodMs);
      break;
    case MessageType.INFER:
      for (const v of r.observation) w.f32(v);
      break;
  }
  return w.finish();
}

function checkHash(hash: Uint8Array, what: string): Uint8Array {
  if (hash.length !== HASH_SIZE) throw new FormatError(`${what}: a hash has ${HASH_SIZE} bytes, got ${hash.length}`);
  return hash;
}

/**
 * The request in a host → car frame.
 * @throws FormatError for a payload of the wrong size; the car answers it with ERROR BAD_PAYLOAD.
 * Unknown types return null (the car answers ERROR UNKNOWN_TYPE).
 */
export function decodeRequest(type: number, payload: Uint8Array): Request | null {
  const what = messageName(type);
  const r = new ByteReader(payload, what);
  let out: Request;
  switch (type) {
    case MessageType.HELLO:
    case MessageType.ABORT:
      out = { type };
      break;
    case MessageType.BEGIN: {
      const size = r.u32('size');
      const weightType = weightTypeOf(r.u8('format'), what);
      const ackEvery = r.u8('ack_every');
      if (ackEvery < 1) throw new FormatError(`${what}: ack_every must be at least 1`);
      out = { type, size, weightType, ackEvery, hash: r.bytesView(HASH_SIZE, 'hash').slice() };
      break;
    }
    case MessageType.DATA:
      out = { type, offset: r.u32('offset'), data: r.bytesView(r.remaining, 'data').slice() };
      break;
    case MessageType.VERIFY:
    case MessageType.SWITCH:
      out = { type, hash: r.bytesView(HASH_SIZE, 'hash').slice() };
      break;
    case MessageType.TELEMETRY_CONFIG:
      out = { type, periodMs: r.u16('period_ms') };
      break;
    case MessageType.INFER: {
      if (payload.length % 4 !== 0) throw new FormatError(`${what}: ${payload.length} bytes is not a whole number of float32 values`);
      const observation = new Float32Array(payload.length / 4);
      for (let i = 0; i < observation.length; i++) observation[i] = r.f32('observation');
      out = { type, observation };
      break;
    }
    default:
      return null;
  }
  r.end();
  return out;
}

// ---- car → host ----

/** Payload of a HELLO reply. */
export function encodeHelloReply(replyTo: number, h: HelloInfo): Uint8Array {
  const w = new ByteWriter().u16(replyTo).u8(h.protocolVersion).u8(formatsMask(h.formats)).u16(h.maxFrameSize).u8(h.maxWindow).u8(slotByte(h.activeSlot)).u32(h.freeSpace);
  for (const s of h.slots) w.u8(SLOT_STATE_CODE[s.state]).u32(s.size).u32(s.written).bytes(checkHash(s.hash, 'slot'));
  w.u8(h.sensors.length);
  for (const s of h.sensors) w.shortString(s.name, 'sensor name').u16(s.size);
  return w.shortString(h.firmware, 'firmware').finish();
}

/** Payload of a reply whose body is `body` (written after replyTo). */
export function encodeReply(replyTo: number, body: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter().u16(replyTo);
  body(w);
  return w.finish();
}

/** Payload of TELEMETRY. */
export function encodeTelemetry(t: Telemetry): Uint8Array {
  return new ByteWriter().u32(t.timeMs).f32(t.speed).f32(t.steering).i16(t.action).u16(t.batteryMv).u8(slotByte(t.activeSlot)).u8(0).finish();
}

/** Payload of ERROR. The message is cut to 200 bytes. */
export function encodeError(replyTo: number, code: number, requestType: number, message: string): Uint8Array {
  let m = message;
  while (new TextEncoder().encode(m).length > 200) m = m.slice(0, -1);
  return new ByteWriter().u16(replyTo).u8(code).u8(requestType).shortString(m, 'error message').finish();
}

/**
 * A car → host message.
 * @throws FormatError for a payload that does not match its type, or an unknown type.
 */
export function decodeCarMessage(type: number, payload: Uint8Array): CarMessage {
  const r = new ByteReader(payload, messageName(type));
  const slot = (b: number) => (b === 0xff ? null : b);
  let m: CarMessage;
  if (type === MessageType.TELEMETRY) {
    const telemetry: Telemetry = { timeMs: r.u32('time_ms'), speed: r.f32('speed'), steering: r.f32('steering'), action: r.i16('action'), batteryMv: r.u16('battery_mv'), activeSlot: slot(r.u8('active_slot')) };
    r.u8('reserved');
    m = { type: 'telemetry', telemetry };
  } else if (type === MessageType.ERROR) {
    m = { type: 'error', replyTo: r.u16('reply_to'), code: r.u8('code'), requestType: r.u8('request_type'), message: r.shortString('message') };
  } else {
    const replyTo = r.u16('reply_to');
    switch (type) {
      case MessageType.HELLO | REPLY_BIT: {
        const protocolVersion = r.u8('protocol_version');
        const mask = r.u8('formats');
        const formats = (Object.keys(WEIGHT_TYPE_CODE) as WeightType[]).filter((k) => mask & (1 << (WEIGHT_TYPE_CODE[k] - 1)));
        const maxFrameSize = r.u16('max_frame_size');
        const maxWindow = r.u8('max_window');
        const activeSlot = slot(r.u8('active_slot'));
        const freeSpace = r.u32('free_space');
        const slots: SlotInfo[] = [0, 1].map((i) => {
          const code = r.u8(`slot ${i} state`);
          const state = (Object.keys(SLOT_STATE_CODE) as SlotState[]).find((k) => SLOT_STATE_CODE[k] === code);
          if (!state) throw new FormatError(`HELLO_REPLY: slot ${i} state ${code} is unknown (0 empty, 1 partial, 2 valid)`);
          return { state, size: r.u32(`slot ${i} size`), written: r.u32(`slot ${i} written`), hash: r.bytesView(HASH_SIZE, `slot ${i} hash`).slice() };
        });
        const sensors: SensorSpec[] = [];
        for (let n = r.u8('sensor count'); n > 0; n--) sensors.push({ name: r.shortString('sensor name'), size: r.u16('sensor size') });
        m = { type: 'hello', replyTo, info: { protocolVersion, maxFrameSize, formats, maxWindow, freeSpace, activeSlot, slots, sensors, firmware: r.shortString('firmware') } };
        break;
      }
      case MessageType.BEGIN | REPLY_BIT:
        m = { type: 'begin', replyTo, slot: r.u8('slot'), offset: r.u32('offset') };
        break;
      case MessageType.DATA | REPLY_BIT:
        m = { type: 'ack', replyTo, offset: r.u32('offset'), gap: (r.u8('flags') & 1) === 1 };
        break;
      case MessageType.VERIFY | REPLY_BIT:
        m = { type: 'verify', replyTo, slot: r.u8('slot'), hash: r.bytesView(HASH_SIZE, 'hash').slice() };
        break;
      case MessageType.SWITCH | REPLY_BIT:
        m = { type: 'switch', replyTo, activeSlot: r.u8('active_slot'), hash: r.bytesView(HASH_SIZE, 'hash').slice() };
        break;
      case MessageType.TELEMETRY_CONFIG | REPLY_BIT:
        m = { type: 'telemetry-config', replyTo, periodMs: r.u16('period_ms') };
        break;
      case MessageType.INFER | REPLY_BIT:
        m = { type: 'infer', replyTo, action: r.i16('action'), steering: r.f32('steering'), speed: r.f32('speed') };
        break;
      case MessageType.ABORT | REPLY_BIT:
        m = { type: 'abort', replyTo };
        break;
      default:
        throw new FormatError(`message type ${messageName(type)} is not one a car sends`);
    }
  }
  r.end();
  return m;
}
