/**
 * The host's connection to one car over one stream: requests with timeouts and retries, the
 * windowed DATA transfer (go-back-N from the car's acknowledged offset on a timeout or a gap report),
 * and telemetry. `uploadPack` (host.ts) builds the whole upload, with reconnection, on top of it.
 */
import type { Clock, TimerId } from './clock';
import type { ByteStream } from './stream';
import { FrameChannel, maxChunkFor } from './channel';
import { decodeCarMessage, encodeRequest, ERROR_NAMES, messageName, MessageType, REPLY_BIT, type BeginRequest, type CarMessage, type HelloInfo, type Request, type Telemetry } from './protocol';

/** Why a request or transfer failed. */
export type LinkFailure = 'timeout' | 'disconnected' | 'car-error' | 'protocol';

export class CarLinkError extends Error {
  constructor(
    readonly kind: LinkFailure,
    message: string,
    /** The car's ERROR code for `car-error`. */
    readonly code?: number,
  ) {
    super(message);
    this.name = 'CarLinkError';
  }
}

export interface ClientTimeouts {
  /** Wait for a reply before resending a request, ms. */
  replyMs: number;
  /** Sends of one request before giving up. */
  attempts: number;
  /** Wait for VERIFY's reply (the car hashes the pack), ms; plus `verifyMsPerKiB` per KiB of pack. */
  verifyMs: number;
  verifyMsPerKiB: number;
  /** No acknowledgement progress for this long: resend from the acknowledged offset, ms. */
  dataMs: number;
  /** Consecutive DATA timeouts before giving up. */
  dataAttempts: number;
}

export const DEFAULT_TIMEOUTS: Readonly<ClientTimeouts> = { replyMs: 1000, attempts: 4, verifyMs: 3000, verifyMsPerKiB: 20, dataMs: 1500, dataAttempts: 6 };

export interface TransferStats {
  /** DATA payload bytes written, retransmissions included. */
  dataBytesSent: number;
  retransmittedBytes: number;
  dataTimeouts: number;
  gapReports: number;
  /** Offset of the first DATA frame sent on the current connection. */
  firstDataOffset: number | null;
  /** End of the furthest byte ever sent, across connections (to count retransmissions). */
  highestSent: number;
}

interface Pending {
  sequences: Set<number>;
  resolve: (m: CarMessage) => void;
  reject: (e: Error) => void;
  replyType: number;
}

export class CarClient {
  readonly channel: FrameChannel;
  private pending: Pending | null = null;
  private ackListener: ((m: Extract<CarMessage, { type: 'ack' }>) => void) | null = null;
  private dataErrorListener: ((e: CarLinkError) => void) | null = null;
  private telemetryListeners: ((t: Telemetry) => void)[] = [];
  private closeReason: string | null = null;
  private closeListeners: ((reason: string) => void)[] = [];
  readonly timeouts: ClientTimeouts;
  /** Replies that matched no outstanding request (late, duplicated). */
  staleReplies = 0;

  constructor(
    readonly stream: ByteStream,
    readonly clock: Clock,
    timeouts: Partial<ClientTimeouts> = {},
    maxFrameSize = 4096,
  ) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...timeouts };
    this.channel = new FrameChannel(stream, maxFrameSize);
    this.channel.onFrame((f) => {
      let m: CarMessage;
      try {
        m = decodeCarMessage(f.type, f.payload);
      } catch {
        this.staleReplies++;
        return;
      }
      if (m.type === 'telemetry') return this.telemetryListeners.forEach((l) => l(m.telemetry));
      if (m.type === 'ack') return this.ackListener?.(m);
      const p = this.pending;
      if (m.type === 'error' && m.requestType === MessageType.DATA && this.dataErrorListener) {
        return this.dataErrorListener(new CarLinkError('car-error', `car refused DATA: ${ERROR_NAMES[m.code] ?? `error ${m.code}`}: ${m.message}`, m.code));
      }
      if (!p || !p.sequences.has(m.replyTo)) {
        this.staleReplies++;
        return;
      }
      if (m.type === 'error') {
        p.reject(new CarLinkError('car-error', `car refused ${messageName(m.requestType)}: ${ERROR_NAMES[m.code] ?? `error ${m.code}`}: ${m.message}`, m.code));
      } else if (f.type !== p.replyType) {
        p.reject(new CarLinkError('protocol', `expected ${messageName(p.replyType)}, the car sent ${messageName(f.type)}`));
      } else p.resolve(m);
    });
    stream.onClose((reason) => {
      this.closeReason = reason;
      this.closeListeners.forEach((l) => l(reason));
    });
  }

  onTelemetry(listener: (t: Telemetry) => void): void {
    this.telemetryListeners.push(listener);
  }

  private disconnected(): CarLinkError {
    return new CarLinkError('disconnected', `the car disconnected (${this.closeReason})`);
  }

  /**
   * Sends a request and waits for its reply, resending after `timeoutMs` up to `attempts` times.
   * @throws CarLinkError: `car-error` (the car's ERROR, with its code), `timeout`, `disconnected`.
   */
  request(req: Request, timeoutMs = this.timeouts.replyMs, attempts = this.timeouts.attempts): Promise<CarMessage> {
    if (this.closeReason !== null) return Promise.reject(this.disconnected());
    if (this.pending) return Promise.reject(new Error('CarClient: one request at a time'));
    const payload = encodeRequest(req);
    return new Promise<CarMessage>((resolve, reject) => {
      let timer: TimerId | null = null;
      let sent = 0;
      const finish = () => {
        if (timer !== null) this.clock.clearTimeout(timer);
        this.pending = null;
        this.closeListeners = this.closeListeners.filter((l) => l !== onClose);
      };
      const onClose = () => {
        finish();
        reject(this.disconnected());
      };
      const pending: Pending = {
        sequences: new Set(),
        replyType: req.type | REPLY_BIT,
        resolve: (m) => (finish(), resolve(m)),
        reject: (e) => (finish(), reject(e)),
      };
      const send = () => {
        if (sent === attempts) {
          finish();
          reject(new CarLinkError('timeout', `no reply to ${messageName(req.type)} after ${attempts} tries of ${timeoutMs} ms`));
          return;
        }
        sent++;
        pending.sequences.add(this.channel.send(req.type, payload));
        timer = this.clock.setTimeout(send, timeoutMs);
      };
      this.pending = pending;
      this.closeListeners.push(onClose);
      send();
    });
  }

  async hello(): Promise<HelloInfo> {
    return ((await this.request({ type: MessageType.HELLO })) as Extract<CarMessage, { type: 'hello' }>).info;
  }

  /** @returns the upload slot and the offset to send from (0, or where a partial upload of the same pack stopped). */
  async begin(req: BeginRequest): Promise<{ slot: number; offset: number }> {
    const m = (await this.request({ type: MessageType.BEGIN, ...req })) as Extract<CarMessage, { type: 'begin' }>;
    if (m.offset > req.size) throw new CarLinkError('protocol', `the car says to resume at ${m.offset}, past the pack's ${req.size} bytes`);
    return { slot: m.slot, offset: m.offset };
  }

  async verify(hash: Uint8Array, packSize: number): Promise<number> {
    const t = this.timeouts;
    const m = await this.request({ type: MessageType.VERIFY, hash }, t.verifyMs + (t.verifyMsPerKiB * packSize) / 1024);
    return (m as Extract<CarMessage, { type: 'verify' }>).slot;
  }

  async switchTo(hash: Uint8Array): Promise<number> {
    return ((await this.request({ type: MessageType.SWITCH, hash })) as Extract<CarMessage, { type: 'switch' }>).activeSlot;
  }

  async infer(observation: Float32Array): Promise<{ action: number; steering: number; speed: number }> {
    const m = (await this.request({ type: MessageType.INFER, observation })) as Extract<CarMessage, { type: 'infer' }>;
    return { action: m.action, steering: m.steering, speed: m.speed };
  }

  /** @param periodMs least time between TELEMETRY frames; 0 switches them off. */
  async configureTelemetry(periodMs: number): Promise<void> {
    await this.request({ type: MessageType.TELEMETRY_CONFIG, periodMs });
  }

  async abort(): Promise<void> {
    await this.request({ type: MessageType.ABORT });
  }

  /**
   * Sends `pack[from ..)` as DATA frames, at most `window` frames beyond the acknowledged offset.
   * Resolves once the car acknowledges the last byte.
   * @param onAck called with each new acknowledged offset.
   * @throws CarLinkError `timeout` after `dataAttempts` timeouts without progress, `disconnected`, or `car-error`.
   */
  sendData(pack: Uint8Array, from: number, opts: { chunkSize: number; window: number; onAck?: (offset: number) => void }, stats: TransferStats): Promise<void> {
    if (this.closeReason !== null) return Promise.reject(this.disconnected());
    const size = pack.length;
    const chunk = opts.chunkSize;
    let acked = from;
    let next = from;
    let lastRewind = -1;
    let misses = 0;
    let timer: TimerId | null = null;
    return new Promise<void>((resolve, reject) => {
      const finish = (e?: Error) => {
        if (timer !== null) this.clock.clearTimeout(timer);
        this.ackListener = null;
        this.dataErrorListener = null;
        this.closeListeners = this.closeListeners.filter((l) => l !== onClose);
        if (e) reject(e);
        else resolve();
      };
      const onClose = () => finish(this.disconnected());
      const arm = () => {
        if (timer !== null) this.clock.clearTimeout(timer);
        timer = this.clock.setTimeout(onTimeout, this.timeouts.dataMs);
      };
      const onTimeout = () => {
        timer = null;
        stats.dataTimeouts++;
        if (++misses >= this.timeouts.dataAttempts) return finish(new CarLinkError('timeout', `no acknowledgement past byte ${acked} of ${size} after ${misses} timeouts of ${this.timeouts.dataMs} ms`));
        next = acked; // go-back-N
        arm();
        pump();
      };
      const pump = () => {
        while (next < size && next - acked < opts.window * chunk) {
          const end = Math.min(size, next + chunk);
          if (stats.firstDataOffset === null) stats.firstDataOffset = next;
          this.channel.send(MessageType.DATA, encodeRequest({ type: MessageType.DATA, offset: next, data: pack.subarray(next, end) }));
          stats.dataBytesSent += end - next;
          stats.retransmittedBytes += Math.max(0, Math.min(end, stats.highestSent) - next);
          stats.highestSent = Math.max(stats.highestSent, end);
          next = end;
        }
      };
      this.ackListener = (m) => {
        if (m.offset > size) return finish(new CarLinkError('protocol', `the car acknowledged byte ${m.offset} of a ${size}-byte pack`));
        if (m.offset > acked) {
          acked = m.offset;
          misses = 0;
          opts.onAck?.(acked);
          if (acked === size) return finish();
          arm();
        }
        if (next < acked) next = acked;
        if (m.gap && m.offset === acked && m.offset < next && lastRewind !== m.offset) {
          stats.gapReports++;
          lastRewind = m.offset;
          next = m.offset;
        }
        pump();
      };
      this.dataErrorListener = (e) => finish(e);
      this.closeListeners.push(onClose);
      if (from >= size) return finish();
      arm();
      pump();
    });
  }

  /** Largest DATA chunk for a car's frame size, capped at `preferred`. */
  static chunkSizeFor(info: HelloInfo, preferred = 512): number {
    return Math.max(1, Math.min(preferred, maxChunkFor(info.maxFrameSize)));
  }

  close(): void {
    this.stream.close('closed by host');
  }
}
