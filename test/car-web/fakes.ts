/**
 * Test fakes at the browser's edge, wired to the core's virtual car: a Web Serial port whose streams
 * carry bytes to and from `VirtualCar.connect()`, and a Bluetooth device with the Nordic UART Service
 * whose RX writes reach the car and whose TX notifications carry the car's bytes, with a settable ATT
 * payload size and what a too-long write does (throw, as Chromium on some systems, or be cut short).
 */
import type { VirtualCar } from '../../src/car/virtual-car';
import type { ByteStream } from '../../src/car/stream';
import { LINKS } from '../../src/car/stream';
import type { BluetoothDeviceLike, GattCharacteristicLike, GattServerLike, GattServiceLike, SerialOpenOptions, SerialPortLike } from '../../src/car-web/web-apis';
import { NUS } from '../../src/car-web/ble-stream';

/** A serial port plugged into a virtual car. Each `open` is a new connection to the car. */
export class FakeSerialPort implements SerialPortLike {
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  opens = 0;
  openOptions: SerialOpenOptions | null = null;
  /** Bytes the host wrote, per write. */
  writes: number[] = [];
  /** Rejects the next open with this message. */
  failNextOpen: string | null = null;
  private link: ByteStream | null = null;
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private listeners: (() => void)[] = [];

  constructor(readonly car: VirtualCar) {}

  getInfo() {
    return { usbVendorId: 0x303a, usbProductId: 0x1001 };
  }

  async open(options: SerialOpenOptions): Promise<void> {
    if (this.failNextOpen) {
      const m = this.failNextOpen;
      this.failNextOpen = null;
      throw new Error(m);
    }
    if (this.readable) throw new Error('The port is already open.');
    this.opens++;
    this.openOptions = options;
    const link = this.car.connect({ link: LINKS.instant });
    this.link = link;
    this.readable = new ReadableStream<Uint8Array>({ start: (c) => void (this.controller = c) });
    link.onData((bytes) => this.controller?.enqueue(bytes.slice()));
    this.writable = new WritableStream<Uint8Array>({
      write: async (chunk) => {
        this.writes.push(chunk.length);
        for (let at = 0; at < chunk.length; at += link.maxWriteSize) await link.write(chunk.subarray(at, at + link.maxWriteSize));
      },
    });
  }

  async close(): Promise<void> {
    if (this.readable?.locked || this.writable?.locked) throw new Error('Cannot close a port whose streams are locked.');
    await this.readable?.cancel().catch(() => undefined);
    await this.writable?.abort().catch(() => undefined);
    this.readable = null;
    this.writable = null;
    this.link?.close('port closed');
    this.link = null;
  }

  /** A non-fatal read error (framing, overrun): the readable errors and a new one replaces it. */
  readError(): void {
    const old = this.controller;
    this.readable = new ReadableStream<Uint8Array>({ start: (c) => void (this.controller = c) });
    old?.error(Object.assign(new Error('Framing error'), { name: 'FramingError' }));
  }

  /** The cable is pulled: the readable errors fatally, the port forgets its streams and fires `disconnect`. */
  unplug(): void {
    this.controller?.error(Object.assign(new Error('The device has been lost.'), { name: 'NetworkError' }));
    this.readable = null;
    this.writable = null;
    this.link?.close('cable pulled');
    this.link = null;
    this.listeners.forEach((l) => l());
  }

  addEventListener(_type: 'disconnect', listener: () => void): void {
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'disconnect', listener: () => void): void {
    this.listeners = this.listeners.filter((l) => l !== listener);
  }
}

/** What a write longer than the ATT payload does. */
export type LongWrite = 'throw' | 'truncate';

class FakeCharacteristic extends EventTarget implements GattCharacteristicLike {
  value: DataView | null = null;
  notifying = false;
  constructor(
    readonly uuid: string,
    readonly properties: { write: boolean; writeWithoutResponse: boolean; notify: boolean },
    private readonly onWrite: (bytes: Uint8Array) => Promise<void>,
  ) {
    super();
  }
  writeValueWithoutResponse(value: BufferSource): Promise<void> {
    return this.onWrite(new Uint8Array(value instanceof ArrayBuffer ? value : (value as ArrayBufferView).buffer.slice((value as ArrayBufferView).byteOffset, (value as ArrayBufferView).byteOffset + (value as ArrayBufferView).byteLength)));
  }
  writeValueWithResponse(value: BufferSource): Promise<void> {
    return this.writeValueWithoutResponse(value);
  }
  async startNotifications(): Promise<GattCharacteristicLike> {
    this.notifying = true;
    return this;
  }
  async stopNotifications(): Promise<GattCharacteristicLike> {
    this.notifying = false;
    return this;
  }
  notify(bytes: Uint8Array): void {
    if (!this.notifying) return;
    this.value = new DataView(bytes.slice().buffer);
    this.dispatchEvent(new Event('characteristicvaluechanged'));
  }
}

/** A BLE car: Nordic UART Service in front of a virtual car. Each GATT connect is a new connection to the car. */
export class FakeBleCar extends EventTarget implements BluetoothDeviceLike {
  readonly id = 'fake-car-1';
  readonly name = 'Raceline-test';
  readonly gatt: GattServerLike;
  /** Sizes of the writes that reached the car (after any cut). */
  delivered: number[] = [];
  /** Sizes the host asked to write. */
  attempted: number[] = [];
  connects = 0;
  private link: ByteStream | null = null;
  private rx: FakeCharacteristic;
  private tx: FakeCharacteristic;

  private readonly open: () => Promise<ByteStream>;

  /**
   * @param car the car behind the service: a virtual car, or a function opening a connection to one
   *   (a reference runtime in a child process).
   * @param attPayload largest write and notification, bytes (MTU − 3).
   * @param longWrite what a longer write does.
   */
  constructor(
    car: VirtualCar | (() => Promise<ByteStream>),
    public attPayload = 244,
    public longWrite: LongWrite = 'throw',
  ) {
    super();
    this.open = typeof car === 'function' ? car : async () => car.connect({ link: LINKS.instant });
    this.rx = new FakeCharacteristic(NUS.rx, { write: true, writeWithoutResponse: true, notify: false }, async (bytes) => {
      this.attempted.push(bytes.length);
      if (!this.link) throw Object.assign(new Error('GATT Server is disconnected.'), { name: 'NetworkError' });
      let data = bytes;
      if (bytes.length > this.attPayload) {
        if (this.longWrite === 'throw') throw Object.assign(new Error('GATT operation failed for unknown reason.'), { name: 'NotSupportedError' });
        data = bytes.subarray(0, this.attPayload);
      }
      this.delivered.push(data.length);
      for (let at = 0; at < data.length; at += this.link.maxWriteSize) await this.link.write(data.subarray(at, at + this.link.maxWriteSize));
    });
    this.tx = new FakeCharacteristic(NUS.tx, { write: false, writeWithoutResponse: false, notify: true }, async () => {
      throw new Error('TX is not writable');
    });
    const service: GattServiceLike = {
      getCharacteristic: async (uuid) => {
        if (uuid === NUS.rx) return this.rx;
        if (uuid === NUS.tx) return this.tx;
        throw Object.assign(new Error(`No Characteristics matching UUID ${uuid} found in Service.`), { name: 'NotFoundError' });
      },
    };
    const self = this;
    this.gatt = {
      get connected() {
        return self.link !== null;
      },
      connect: async () => {
        this.connects++;
        this.link?.close('reconnected');
        const link = await this.open();
        this.link = link;
        link.onData((bytes) => {
          for (let at = 0; at < bytes.length; at += this.attPayload) this.tx.notify(bytes.subarray(at, at + this.attPayload));
        });
        return this.gatt;
      },
      disconnect: () => {
        this.link?.close('host disconnected');
        this.link = null;
        this.tx.notifying = false;
      },
      getPrimaryService: async (uuid) => {
        if (uuid !== NUS.service) throw Object.assign(new Error(`No Services matching UUID ${uuid} found in Device.`), { name: 'NotFoundError' });
        return service;
      },
    };
  }

  /** The car goes out of range. */
  dropConnection(): void {
    this.link?.close('out of range');
    this.link = null;
    this.tx.notifying = false;
    this.dispatchEvent(new Event('gattserverdisconnected'));
  }
}
