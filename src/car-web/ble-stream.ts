/**
 * Web Bluetooth as the car link's `ByteStream`: the Nordic UART Service (docs/car-protocol.md §1).
 * The host writes the RX characteristic (without response when the car allows it), the car notifies
 * the TX characteristic.
 *
 * Write size. A write must fit one ATT payload: 20 bytes on a link without an MTU exchange, up to 244
 * (MTU 247) or more after one. Web Bluetooth does not tell the page the MTU (crbug 40265040), and a
 * too-long write fails on some systems and is cut short on others. So the stream probes: for each
 * candidate size, largest first, it writes exactly that many bytes, zero filler first (lone 0x00 bytes
 * are idle filler, §2) and a HELLO frame last. A HELLO reply proves writes of that size arrive whole;
 * a write that throws or gets no reply within `probeTimeoutMs` moves on to the next size. A cut-short
 * write delivers only filler, which the car ignores. 20 bytes, the floor every BLE link carries, is
 * used without a probe. A later write that throws also steps the size down.
 */
import type { Clock } from '../car/clock';
import { realClock } from '../car/clock';
import type { ByteStream } from '../car/stream';
import { FrameSplitter } from '../car/framing';
import { decodeFrame, encodeWireFrame } from '../car/frame';
import { MessageType, REPLY_BIT } from '../car/protocol';
import type { BluetoothDeviceLike, GattCharacteristicLike } from './web-apis';

/** Nordic UART Service UUIDs. */
export const NUS = {
  service: '6e400001-b5a3-f393-e0a9-e50e24dcca9e',
  /** Host → car: write / write without response. */
  rx: '6e400002-b5a3-f393-e0a9-e50e24dcca9e',
  /** Car → host: notify. */
  tx: '6e400003-b5a3-f393-e0a9-e50e24dcca9e',
} as const;

/** The ATT payload every BLE link carries (ATT MTU 23 − 3), bytes. */
export const BLE_WRITE_FLOOR = 20;
/** Write sizes probed, largest first: MTU 247 (Data Length Extension), 185 (older macOS and iOS), then the floor. */
export const DEFAULT_WRITE_SIZES: readonly number[] = [244, 182, BLE_WRITE_FLOOR];
/** Web Bluetooth refuses values over 512 bytes. */
const MAX_ATTRIBUTE_VALUE = 512;

export interface NusStreamOptions {
  /** Candidate write sizes, bytes, largest first; the floor (20) is always the last. */
  writeSizes?: readonly number[];
  /** Wait for the probe's HELLO reply, ms (default 800). */
  probeTimeoutMs?: number;
  clock?: Clock;
}

export class NusByteStream implements ByteStream {
  /** Most bytes one `write` call takes; it is sent as ATT writes of `writeSize` bytes. */
  readonly maxWriteSize = MAX_ATTRIBUTE_VALUE;
  closed = false;
  /** ATT payload per write in use, bytes (after `probe`). */
  writeSize = BLE_WRITE_FLOOR;
  readonly stats = { writes: 0, bytesWritten: 0, notifications: 0, bytesRead: 0, largestWrite: 0 };
  private readonly withoutResponse: boolean;
  private ladder: number[] = [BLE_WRITE_FLOOR];
  private queue: Promise<void> = Promise.resolve();
  private dataListeners: ((bytes: Uint8Array) => void)[] = [];
  private closeListeners: ((reason: string) => void)[] = [];
  private readonly onValue = (event: Event) => {
    const view = (event.target as GattCharacteristicLike).value;
    if (!view || view.byteLength === 0) return;
    const bytes = new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    this.stats.notifications++;
    this.stats.bytesRead += bytes.length;
    for (const l of this.dataListeners) l(bytes);
  };
  private readonly onDisconnected = () => this.close('the Bluetooth connection was lost (car out of range or powered off)');

  /** Use `openNusStream`. */
  constructor(
    readonly device: BluetoothDeviceLike,
    private readonly rx: GattCharacteristicLike,
    private readonly tx: GattCharacteristicLike,
  ) {
    this.withoutResponse = rx.properties.writeWithoutResponse;
  }

  /** Subscribes to TX notifications and to the disconnect event. */
  async start(): Promise<void> {
    this.tx.addEventListener('characteristicvaluechanged', this.onValue);
    this.device.addEventListener('gattserverdisconnected', this.onDisconnected);
    await this.tx.startNotifications();
  }

  /** One ATT write of `bytes` (at most the ATT payload). */
  private attWrite(bytes: Uint8Array): Promise<void> {
    this.stats.writes++;
    this.stats.bytesWritten += bytes.length;
    this.stats.largestWrite = Math.max(this.stats.largestWrite, bytes.length);
    const copy = bytes.slice();
    return this.withoutResponse ? this.rx.writeValueWithoutResponse(copy) : this.rx.writeValueWithResponse(copy);
  }

  /**
   * Finds the largest write size that arrives whole (see the file comment) and uses it from then on.
   * @returns the size chosen, bytes.
   */
  async probe(sizes: readonly number[] = DEFAULT_WRITE_SIZES, timeoutMs = 800, clock: Clock = realClock): Promise<number> {
    const candidates = [...new Set(sizes.map((s) => Math.min(MAX_ATTRIBUTE_VALUE, Math.floor(s))).filter((s) => s > BLE_WRITE_FLOOR))].sort((a, b) => b - a);
    const hello = encodeWireFrame(MessageType.HELLO, 0, new Uint8Array(0));
    let chosen = BLE_WRITE_FLOOR;
    for (const size of candidates) {
      if (this.closed) break;
      const probe = new Uint8Array(size); // zeros: filler
      probe.set(hello, size - hello.length);
      const replied = this.waitForHelloReply(timeoutMs, clock);
      try {
        await this.attWrite(probe);
      } catch {
        replied.cancel();
        continue; // refused outright: too long for this link
      }
      if (await replied.promise) {
        chosen = size;
        break;
      }
    }
    this.writeSize = chosen;
    this.ladder = [...candidates.filter((s) => s <= chosen), BLE_WRITE_FLOOR];
    return chosen;
  }

  /** Resolves true when a HELLO reply arrives within `timeoutMs`, false otherwise. */
  private waitForHelloReply(timeoutMs: number, clock: Clock): { promise: Promise<boolean>; cancel: () => void } {
    const splitter = new FrameSplitter(1024);
    let settle: (ok: boolean) => void = () => undefined;
    const promise = new Promise<boolean>((resolve) => (settle = resolve));
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      this.dataListeners = this.dataListeners.filter((l) => l !== listener);
      settle(ok);
    };
    const listener = (bytes: Uint8Array) =>
      splitter.push(bytes, (r) => {
        if (!r.ok) return;
        try {
          if (decodeFrame(r.frame).type === (MessageType.HELLO | REPLY_BIT)) finish(true);
        } catch {
          // not a frame: ignore
        }
      });
    this.dataListeners.push(listener);
    const timer = clock.setTimeout(() => finish(false), timeoutMs);
    return { promise, cancel: () => finish(false) };
  }

  /**
   * Sends bytes as ATT writes of `writeSize` bytes, in order. A write the system refuses is retried at
   * the next smaller size; at the floor the stream closes.
   * @throws RangeError for more than `maxWriteSize` bytes; rejects once closed.
   */
  write(bytes: Uint8Array): Promise<void> {
    if (bytes.length > this.maxWriteSize) throw new RangeError(`Bluetooth write of ${bytes.length} bytes exceeds the ${this.maxWriteSize}-byte maximum`);
    if (this.closed) return Promise.reject(new Error('Bluetooth link closed'));
    const data = bytes.slice();
    const run = async () => {
      let at = 0;
      while (at < data.length) {
        if (this.closed) throw new Error('Bluetooth link closed');
        const piece = data.subarray(at, at + this.writeSize);
        try {
          await this.attWrite(piece);
          at += piece.length;
        } catch (e) {
          const smaller = this.ladder.find((s) => s < this.writeSize);
          if (smaller === undefined) {
            this.close(`Bluetooth write failed: ${(e as Error).message}`);
            throw e;
          }
          this.writeSize = smaller;
        }
      }
    };
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.dataListeners.push(listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  /** Stops notifications and disconnects GATT; listeners hear `reason` once. */
  close(reason = 'closed by host'): void {
    if (this.closed) return;
    this.closed = true;
    this.tx.removeEventListener('characteristicvaluechanged', this.onValue);
    this.device.removeEventListener('gattserverdisconnected', this.onDisconnected);
    const listeners = this.closeListeners;
    this.closeListeners = [];
    queueMicrotask(() => listeners.forEach((l) => l(reason)));
    if (this.device.gatt?.connected) {
      this.tx.stopNotifications().catch(() => undefined);
      this.device.gatt.disconnect();
    }
  }
}

/**
 * Connects to a car's Nordic UART Service, subscribes to its notifications, and probes the write size.
 * @throws Error naming the step that failed (connect, service, characteristics, notifications), with
 *   what to do.
 */
export async function openNusStream(device: BluetoothDeviceLike, options: NusStreamOptions = {}): Promise<NusByteStream> {
  const gatt = device.gatt;
  if (!gatt) throw new Error(`Bluetooth device "${device.name ?? device.id}" has no GATT server; is it a Raceline car?`);
  const step = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      throw new Error(`Bluetooth: ${what} failed (${(e as Error).message}). Check that the car is on and close by, then try again.`);
    }
  };
  const server = await step('connecting', () => gatt.connect());
  try {
    const service = await step('finding the Nordic UART Service', () => server.getPrimaryService(NUS.service));
    const rx = await step('finding the RX characteristic', () => service.getCharacteristic(NUS.rx));
    const tx = await step('finding the TX characteristic', () => service.getCharacteristic(NUS.tx));
    const stream = new NusByteStream(device, rx, tx);
    await step('starting notifications', () => stream.start());
    await stream.probe(options.writeSizes ?? DEFAULT_WRITE_SIZES, options.probeTimeoutMs ?? 800, options.clock ?? realClock);
    return stream;
  } catch (e) {
    if (gatt.connected) gatt.disconnect();
    throw e;
  }
}
