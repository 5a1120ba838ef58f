/**
 * The byte stream the protocol runs on, and an in-memory link for tests and the virtual car. Web
 * Serial (`navigator.serial` port streams) and Web Bluetooth (Nordic UART Service: write RX
 * `6e400002-…`, notifications on TX `6e400003-…`) are adapted to `ByteStream` in the studio.
 *
 * The in-memory link models a transport's speed (`LinkModel`) in the given clock's time, so upload
 * times can be computed exactly, and injects seeded faults per frame (0x00-delimited unit): drop,
 * duplicate, reorder, bit flip, forge (a changed DATA payload with a recomputed CRC: corruption only
 * the SHA-256 catches) and cut (the connection drops, as when a cable is pulled or BLE disconnects).
 */
import type { Clock } from './clock';
import { Rng } from '../sim/rng';
import { DELIMITER, FrameSplitter, cobsEncode } from './framing';
import { decodeFrame, encodeFrame } from './frame';
import { MessageType } from './protocol';

/** A full-duplex byte pipe. */
export interface ByteStream {
  /** Most bytes one `write` takes (BLE: the ATT payload, 20 at least). */
  readonly maxWriteSize: number;
  readonly closed: boolean;
  /**
   * Sends bytes. Resolves when the transport has taken them (flow control).
   * @throws RangeError for more than `maxWriteSize` bytes; rejects with Error once the stream is closed.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Adds a listener for received bytes (any chunking). */
  onData(listener: (bytes: Uint8Array) => void): void;
  /** Adds a listener called once when the stream closes, from either side or by a fault. */
  onClose(listener: (reason: string) => void): void;
  close(reason?: string): void;
}

/** How fast a transport moves bytes. A write of n bytes occupies the link for `perWriteMs + n / bytesPerSecond`. */
export interface LinkModel {
  name: string;
  maxWriteSize: number;
  /** Fixed time per write, ms (BLE: one write per connection event). */
  perWriteMs: number;
  /** Byte rate, bytes/s (serial: baud / 10 for 8N1); Infinity when only `perWriteMs` counts. */
  bytesPerSecond: number;
  /** One-way delay from the end of a write to its arrival, ms. */
  latencyMs: number;
}

/** Link models used for the upload-time figures in docs/car-protocol.md. */
export const LINKS = {
  /** USB serial at 115200 baud, 8N1: 11,520 bytes/s each way. */
  serial115200: { name: 'serial 115200 baud 8N1', maxWriteSize: 1024, perWriteMs: 0, bytesPerSecond: 11_520, latencyMs: 2 },
  /** BLE at the 20-byte floor (ATT MTU 23), one write per 7.5 ms connection event: 2,667 bytes/s. */
  ble20: { name: 'BLE 20-byte writes, 1 per 7.5 ms connection event', maxWriteSize: 20, perWriteMs: 7.5, bytesPerSecond: Infinity, latencyMs: 7.5 },
  /** BLE after an MTU exchange to 247, one 244-byte write per 15 ms connection event: 16,267 bytes/s. */
  ble244: { name: 'BLE 244-byte writes, 1 per 15 ms connection event', maxWriteSize: 244, perWriteMs: 15, bytesPerSecond: Infinity, latencyMs: 15 },
  /** USB CDC serial at full speed (a Pi-class car as a USB gadget): about 1 MB/s, 1 ms latency; camera packs in seconds. */
  usbFullSpeed: { name: 'USB full speed, about 1 MB/s', maxWriteSize: 4096, perWriteMs: 0, bytesPerSecond: 1_000_000, latencyMs: 1 },
  /** No delay at all (unit tests). */
  instant: { name: 'instant', maxWriteSize: 4096, perWriteMs: 0, bytesPerSecond: Infinity, latencyMs: 0 },
} as const satisfies Record<string, LinkModel>;

/** Per-frame fault probabilities, each direction. */
export interface LinkFaults {
  drop: number;
  duplicate: number;
  /** Delivered 1–30 ms late, so later frames overtake it. */
  reorder: number;
  /** One random bit of the encoded frame flipped (the 0x00 delimiter may appear or vanish). */
  bitFlip: number;
  /** A DATA frame's payload byte changed and the CRC recomputed. */
  forge: number;
  /** The connection is cut after this frame. */
  cut: number;
}

export const NO_FAULTS: Readonly<LinkFaults> = { drop: 0, duplicate: 0, reorder: 0, bitFlip: 0, forge: 0, cut: 0 };

/** What the faults did, summed over both directions. */
export interface FaultCounts {
  frames: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  flipped: number;
  forged: number;
  cuts: number;
}

export function emptyFaultCounts(): FaultCounts {
  return { frames: 0, dropped: 0, duplicated: 0, reordered: 0, flipped: 0, forged: 0, cuts: 0 };
}

export interface LinkPairOptions {
  clock: Clock;
  link?: LinkModel;
  faults?: Partial<LinkFaults>;
  /** Source of the fault draws; required when any fault probability is above 0. */
  rng?: Rng;
  /** Counters to add to (shared across reconnections). */
  counts?: FaultCounts;
}

/** The two ends of an in-memory link: `host` and `car`. Closing either closes both. */
export interface LinkPair {
  host: ByteStream;
  car: ByteStream;
  counts: FaultCounts;
}

class LinkEnd implements ByteStream {
  readonly maxWriteSize: number;
  peer!: LinkEnd;
  private dataListeners: ((b: Uint8Array) => void)[] = [];
  private closeListeners: ((reason: string) => void)[] = [];
  private busyUntil = 0;
  private assembling: number[] = [];
  closed = false;

  constructor(
    private readonly shared: { clock: Clock; link: LinkModel; faults: LinkFaults; rng: Rng | null; counts: FaultCounts; closeBoth: (reason: string) => void },
  ) {
    this.maxWriteSize = shared.link.maxWriteSize;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (bytes.length > this.maxWriteSize) throw new RangeError(`write of ${bytes.length} bytes exceeds the link's ${this.maxWriteSize}-byte maximum`);
    if (this.closed) return Promise.reject(new Error('link closed'));
    const { clock, link } = this.shared;
    const start = Math.max(clock.now(), this.busyUntil);
    const end = start + link.perWriteMs + (bytes.length * 1000) / link.bytesPerSecond;
    this.busyUntil = end;
    for (const b of bytes) {
      this.assembling.push(b);
      if (b === DELIMITER) {
        this.sendUnit(Uint8Array.from(this.assembling), end + link.latencyMs);
        this.assembling = [];
      }
    }
    if (end <= clock.now()) return Promise.resolve();
    return new Promise((resolve, reject) => clock.setTimeout(() => (this.closed ? reject(new Error('link closed')) : resolve()), end - clock.now()));
  }

  /** Applies faults to one delimited unit and schedules its delivery at `at`. */
  private sendUnit(unit: Uint8Array, at: number): void {
    const { faults, rng, counts, clock } = this.shared;
    counts.frames++;
    const draw = (p: number) => p > 0 && rng !== null && rng.uniform() < p;
    if (draw(faults.drop)) {
      counts.dropped++;
      return;
    }
    let bytes = unit;
    if (draw(faults.forge)) {
      const forged = forgeData(bytes, rng!);
      if (forged) {
        bytes = forged;
        counts.forged++;
      }
    }
    if (draw(faults.bitFlip)) {
      bytes = bytes.slice();
      const i = rng!.int(bytes.length);
      bytes[i] ^= 1 << rng!.int(8);
      counts.flipped++;
    }
    let delay = at - clock.now();
    if (draw(faults.reorder)) {
      delay += 1 + rng!.int(30);
      counts.reordered++;
    }
    const copies = draw(faults.duplicate) ? 2 : 1;
    if (copies === 2) counts.duplicated++;
    const cut = draw(faults.cut);
    for (let c = 0; c < copies; c++) {
      clock.setTimeout(() => {
        if (this.closed) return;
        for (const l of this.peer.dataListeners) l(bytes);
        if (cut && c === copies - 1) {
          counts.cuts++;
          this.shared.closeBoth('link cut (fault injection)');
        }
      }, delay);
    }
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.dataListeners.push(listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  close(reason = 'closed by peer'): void {
    this.shared.closeBoth(reason);
  }

  markClosed(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    const listeners = this.closeListeners;
    this.closeListeners = [];
    this.shared.clock.setTimeout(() => listeners.forEach((l) => l(reason)), 0);
  }
}

/** Re-encodes a DATA frame with one payload byte changed and a correct CRC; null for other frames. */
function forgeData(unit: Uint8Array, rng: Rng): Uint8Array | null {
  let decoded: Uint8Array | null = null;
  new FrameSplitter(65_535 + 16).push(unit, (r) => (decoded = r.ok ? r.frame : null));
  if (decoded === null) return null;
  try {
    const f = decodeFrame(decoded);
    if (f.type !== MessageType.DATA || f.payload.length <= 4) return null;
    const payload = f.payload.slice();
    payload[4 + rng.int(payload.length - 4)] ^= 1 + rng.int(255);
    return cobsEncode(encodeFrame(f.type, f.sequence, payload, f.version));
  } catch {
    return null;
  }
}

/**
 * An in-memory link between a host and a car.
 * @throws Error when faults are asked for without an `rng`.
 */
export function createLinkPair(options: LinkPairOptions): LinkPair {
  const faults = { ...NO_FAULTS, ...options.faults };
  const anyFault = Object.values(faults).some((p) => p > 0);
  if (anyFault && !options.rng) throw new Error('createLinkPair: fault injection needs a seeded rng');
  const counts = options.counts ?? emptyFaultCounts();
  const shared = {
    clock: options.clock,
    link: options.link ?? LINKS.instant,
    faults,
    rng: options.rng ?? null,
    counts,
    closeBoth: (reason: string) => {
      host.markClosed(reason);
      car.markClosed(reason);
    },
  };
  const host = new LinkEnd(shared);
  const car = new LinkEnd(shared);
  host.peer = car;
  car.peer = host;
  return { host, car, counts };
}

