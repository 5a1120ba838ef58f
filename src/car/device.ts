/**
 * The car's side of the link protocol (docs/car-protocol.md §5): answers HELLO, receives an upload
 * into the inactive slot (in-order DATA, cumulative acknowledgements, a gap report when a frame is
 * missing), checks the SHA-256 on VERIFY, switches slots on SWITCH, runs the active pack on INFER and
 * sends TELEMETRY. Storage (`SlotStore`) outlives connections, so an upload cut off resumes from the
 * offset the car reports. The Python and MicroPython runtimes in `firmware/` implement the same.
 */
import type { Clock } from './clock';
import type { ByteStream } from './stream';
import { FrameChannel } from './channel';
import { PROTOCOL_VERSION, type Frame } from './frame';
import { bytesEqual, FormatError, toHex } from './byte-io';
import { HASH_SIZE, sha256 } from './sha256';
import { parsePackBody, WEIGHT_TYPE_CODE, type CarPack, type SensorSpec, type WeightType } from './pack';
import { packPolicyAct, type PackAction } from './pack-inference';
import type { SlotStore } from './slot-store';
import {
  decodeRequest, encodeError, encodeHelloReply, encodeReply, encodeTelemetry, ErrorCode, MessageType, REPLY_BIT,
  type BeginRequest, type ErrorCodeValue, type HelloInfo, type Request,
} from './protocol';

export interface CarDeviceOptions {
  clock: Clock;
  store: SlotStore;
  /** Sensors the car has; a pack reading others is refused at VERIFY. */
  sensors: SensorSpec[];
  formats?: WeightType[];
  /** Largest frame accepted, bytes (default 1024). */
  maxFrameSize?: number;
  /** DATA frames in flight the car takes (default 16). */
  maxWindow?: number;
  firmware?: string;
  /** Measured speed (m/s) and battery (mV) for telemetry. */
  readState?: () => { speed: number; batteryMv: number };
}

/** An error answered with an ERROR frame. */
class CarRefusal extends Error {
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
  ) {
    super(message);
  }
}

/** State of one connection (a new one after every reconnect). */
interface Session {
  channel: FrameChannel;
  begun: BeginRequest | null;
  sinceAck: number;
  /** `written` when the last gap was reported, so a burst of out-of-order frames costs one report. */
  gapReportedAt: number;
  telemetryPeriodMs: number;
  lastTelemetryAt: number;
}

export class CarDevice {
  readonly options: Required<Omit<CarDeviceOptions, 'readState'>> & Pick<CarDeviceOptions, 'readState'>;
  private session: Session | null = null;
  private queue: Promise<void> = Promise.resolve();
  private pack: CarPack | null = null;
  /** The last command, for telemetry. */
  lastAction: PackAction | null = null;
  /** Counters over the car's life. */
  readonly stats = { frames: 0, badFrames: 0, errorsSent: 0, verifyFailures: 0, switches: 0, gapReports: 0 };

  constructor(options: CarDeviceOptions) {
    this.options = {
      ...options,
      formats: options.formats ?? ['float32', 'int8'],
      maxFrameSize: options.maxFrameSize ?? 1024,
      maxWindow: options.maxWindow ?? 16,
      firmware: options.firmware ?? 'raceline-virtual 1',
    };
    const active = options.store.activeSlot();
    if (active !== null) this.pack = parsePackBody(options.store.read(active));
  }

  /** The pack that drives the car, or null. */
  get activePack(): CarPack | null {
    return this.pack;
  }

  /** Talks over `stream` from now on (a previous connection is dropped). */
  attach(stream: ByteStream): void {
    const channel = new FrameChannel(stream, this.options.maxFrameSize);
    const session: Session = { channel, begun: null, sinceAck: 0, gapReportedAt: -1, telemetryPeriodMs: 0, lastTelemetryAt: -Infinity };
    this.session = session;
    channel.onBadFrame(() => this.stats.badFrames++);
    channel.onFrame((f) => {
      this.queue = this.queue.then(() => this.handle(session, f)).catch(() => undefined);
    });
    stream.onClose(() => {
      if (this.session === session) this.session = null;
    });
  }

  /** Closes the current connection (the car powers off). */
  detach(): void {
    this.session?.channel.stream.close('car restarted');
    this.session = null;
  }

  /** Runs the active pack on an observation (the car's control loop) and sends telemetry when due. @returns null without a model. */
  drive(observation: ArrayLike<number>): PackAction | null {
    if (!this.pack) return null;
    this.lastAction = packPolicyAct(this.pack, observation);
    if (this.session) this.maybeSendTelemetry(this.session);
    return this.lastAction;
  }

  private async handle(s: Session, f: Frame): Promise<void> {
    this.stats.frames++;
    try {
      if (f.version !== PROTOCOL_VERSION) throw new CarRefusal(ErrorCode.BAD_VERSION, `protocol version ${f.version} is not supported; this car speaks ${PROTOCOL_VERSION}`);
      let req: Request | null;
      try {
        req = decodeRequest(f.type, f.payload);
      } catch (e) {
        throw new CarRefusal(ErrorCode.BAD_PAYLOAD, (e as Error).message);
      }
      if (req === null) throw new CarRefusal(ErrorCode.UNKNOWN_TYPE, `message type 0x${f.type.toString(16)} is unknown`);
      await this.dispatch(s, f.sequence, req);
    } catch (e) {
      // Anything else is the car's own failure (storage full, a bug): still answered, never silent.
      const refusal = e instanceof CarRefusal ? e : new CarRefusal(ErrorCode.STORAGE, `car failure: ${(e as Error).message}`);
      this.stats.errorsSent++;
      s.channel.send(MessageType.ERROR, encodeError(f.sequence, refusal.code, f.type, refusal.message));
    }
  }

  private reply(s: Session, type: number, replyTo: number, body: Parameters<typeof encodeReply>[1]): void {
    s.channel.send(type | REPLY_BIT, encodeReply(replyTo, body));
  }

  /** The slot uploads go to: the one not active (slot 0 when neither is, unless slot 1 holds a partial upload). */
  private uploadSlot(hash?: Uint8Array): number {
    const { store } = this.options;
    const active = store.activeSlot();
    if (active !== null) return 1 - active;
    const one = store.info(1);
    return hash && one.state !== 'empty' && bytesEqual(one.hash, hash) ? 1 : 0;
  }

  private async dispatch(s: Session, seq: number, req: Request): Promise<void> {
    const { store } = this.options;
    switch (req.type) {
      case MessageType.HELLO:
        s.channel.send(MessageType.HELLO | REPLY_BIT, encodeHelloReply(seq, this.helloInfo()));
        return;
      case MessageType.BEGIN: {
        if (!this.options.formats.includes(req.weightType)) throw new CarRefusal(ErrorCode.UNSUPPORTED_FORMAT, `this car runs ${this.options.formats.join(', ')} packs, not ${req.weightType}`);
        if (req.size > store.capacity) throw new CarRefusal(ErrorCode.TOO_LARGE, `pack of ${req.size} bytes exceeds the ${store.capacity}-byte slot`);
        if (req.size <= HASH_SIZE) throw new CarRefusal(ErrorCode.BAD_PAYLOAD, `pack size ${req.size} is too small`);
        const slot = this.uploadSlot(req.hash);
        const info = store.info(slot);
        const same = info.state !== 'empty' && info.size === req.size && bytesEqual(info.hash, req.hash);
        if (!same) store.begin(slot, req.size, req.hash);
        const offset = same ? info.written : 0;
        s.begun = req;
        s.sinceAck = 0;
        s.gapReportedAt = -1;
        this.reply(s, MessageType.BEGIN, seq, (w) => w.u8(slot).u32(offset));
        return;
      }
      case MessageType.DATA:
        this.receiveData(s, seq, req.offset, req.data);
        return;
      case MessageType.VERIFY:
        await this.verify(s, seq, req.hash);
        return;
      case MessageType.SWITCH: {
        const active = store.activeSlot();
        if (active !== null && bytesEqual(store.info(active).hash, req.hash)) {
          this.reply(s, MessageType.SWITCH, seq, (w) => w.u8(active).bytes(req.hash));
          return;
        }
        const slot = this.uploadSlot(req.hash);
        const info = store.info(slot);
        if (info.state !== 'valid' || !bytesEqual(info.hash, req.hash)) {
          throw new CarRefusal(ErrorCode.NOT_VERIFIED, `model ${toHex(req.hash).slice(0, 16)}… is not verified in slot ${slot}; upload and VERIFY it first`);
        }
        this.pack = parsePackBody(store.read(slot));
        store.setActive(slot);
        this.stats.switches++;
        this.reply(s, MessageType.SWITCH, seq, (w) => w.u8(slot).bytes(req.hash));
        return;
      }
      case MessageType.TELEMETRY_CONFIG:
        s.telemetryPeriodMs = req.periodMs;
        s.lastTelemetryAt = -Infinity;
        this.reply(s, MessageType.TELEMETRY_CONFIG, seq, (w) => w.u16(req.periodMs));
        return;
      case MessageType.INFER: {
        if (!this.pack) throw new CarRefusal(ErrorCode.NO_MODEL, 'the car has no active model; upload one first');
        const size = this.pack.sensors.reduce((n, x) => n + x.size, 0);
        if (req.observation.length !== size) throw new CarRefusal(ErrorCode.BAD_PAYLOAD, `INFER: ${req.observation.length} values, the active model reads ${size}`);
        const a = this.drive(req.observation)!;
        this.reply(s, MessageType.INFER, seq, (w) => w.i16(a.index).f32(a.steering_angle).f32(a.speed));
        return;
      }
      case MessageType.ABORT: {
        for (const slot of [0, 1]) if (slot !== store.activeSlot() && store.info(slot).state === 'partial') store.discard(slot);
        s.begun = null;
        this.reply(s, MessageType.ABORT, seq, () => undefined);
      }
    }
  }

  private receiveData(s: Session, seq: number, offset: number, data: Uint8Array): void {
    const { store } = this.options;
    if (!s.begun) throw new CarRefusal(ErrorCode.BAD_STATE, 'DATA before BEGIN on this connection');
    const slot = this.uploadSlot(s.begun.hash);
    const info = store.info(slot);
    if (!bytesEqual(info.hash, s.begun.hash) || info.state === 'empty') throw new CarRefusal(ErrorCode.BAD_STATE, 'DATA for an upload the car has discarded; send BEGIN again');
    if (offset + data.length > info.size) throw new CarRefusal(ErrorCode.BAD_PAYLOAD, `DATA at ${offset} + ${data.length} bytes runs past the pack size ${info.size}`);
    const ack = (gap: boolean) => this.reply(s, MessageType.DATA, seq, (w) => w.u32(store.info(slot).written).u8(gap ? 1 : 0));
    if (info.state === 'valid' || offset + data.length <= info.written) return ack(false); // duplicate
    if (offset > info.written) {
      if (s.gapReportedAt !== info.written) {
        s.gapReportedAt = info.written;
        this.stats.gapReports++;
        ack(true);
      }
      return;
    }
    store.append(slot, data.subarray(info.written - offset));
    s.gapReportedAt = -1;
    s.sinceAck++;
    if (s.sinceAck >= s.begun.ackEvery || store.info(slot).written === info.size) {
      s.sinceAck = 0;
      ack(false);
    }
  }

  private async verify(s: Session, seq: number, hash: Uint8Array): Promise<void> {
    const { store, clock } = this.options;
    const slot = this.uploadSlot(hash);
    const info = store.info(slot);
    if (info.state === 'valid' && bytesEqual(info.hash, hash)) {
      this.reply(s, MessageType.VERIFY, seq, (w) => w.u8(slot).bytes(hash));
      return;
    }
    if (info.state !== 'partial' || info.written !== info.size) {
      throw new CarRefusal(ErrorCode.BAD_STATE, `VERIFY before the upload is complete (slot ${slot}: ${info.written} of ${info.size} bytes)`);
    }
    const bytes = store.read(slot);
    const body = bytes.subarray(0, bytes.length - HASH_SIZE);
    const digest = await clock.track(sha256(body));
    const trailer = bytes.subarray(bytes.length - HASH_SIZE);
    if (!bytesEqual(digest, info.hash) || !bytesEqual(digest, hash) || !bytesEqual(trailer, info.hash)) {
      store.discard(slot);
      this.stats.verifyFailures++;
      throw new CarRefusal(ErrorCode.HASH_MISMATCH, `received bytes hash to ${toHex(digest).slice(0, 16)}…, expected ${toHex(info.hash).slice(0, 16)}…; upload discarded, the active model is unchanged`);
    }
    try {
      const pack = parsePackBody(bytes);
      for (const want of pack.sensors) {
        const have = this.options.sensors.find((x) => x.name === want.name);
        if (!have || have.size !== want.size) {
          throw new FormatError(`the model reads ${want.name} (${want.size} values); this car has ${this.options.sensors.map((x) => `${x.name} (${x.size})`).join(', ') || 'no sensors'}`);
        }
      }
    } catch (e) {
      store.discard(slot);
      this.stats.verifyFailures++;
      throw new CarRefusal(ErrorCode.BAD_PACK, (e as Error).message);
    }
    store.markValid(slot);
    this.reply(s, MessageType.VERIFY, seq, (w) => w.u8(slot).bytes(hash));
  }

  private maybeSendTelemetry(s: Session): void {
    const now = this.options.clock.now();
    if (s.telemetryPeriodMs === 0 || now - s.lastTelemetryAt < s.telemetryPeriodMs) return;
    s.lastTelemetryAt = now;
    const state = this.options.readState?.() ?? { speed: 0, batteryMv: 0 };
    const a = this.lastAction;
    s.channel.send(
      MessageType.TELEMETRY,
      encodeTelemetry({ timeMs: Math.floor(now) >>> 0, speed: state.speed, steering: a?.steering_angle ?? 0, action: a?.index ?? -1, batteryMv: state.batteryMv, activeSlot: this.options.store.activeSlot() }),
    );
  }

  /** What HELLO reports. */
  helloInfo(): HelloInfo {
    const { store, formats, maxFrameSize, maxWindow, sensors, firmware } = this.options;
    return {
      protocolVersion: PROTOCOL_VERSION,
      maxFrameSize,
      formats: [...formats].sort((a, b) => WEIGHT_TYPE_CODE[a] - WEIGHT_TYPE_CODE[b]),
      maxWindow,
      freeSpace: store.capacity,
      activeSlot: store.activeSlot(),
      slots: [store.info(0), store.info(1)],
      sensors: sensors.map((x) => ({ ...x })),
      firmware,
    };
  }
}
