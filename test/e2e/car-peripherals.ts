/**
 * Cars for the browser tests, on the Node side, each relaying to the core's `VirtualCar`:
 *
 * - `EmulatedBleCar`: a Bluetooth LE peripheral emulated by Chromium itself (CDP `BluetoothEmulation`,
 *   reference/browser-testing.md) with the Nordic UART Service. The page's real Web Bluetooth code finds
 *   it in the chooser, connects, discovers, subscribes and writes RX; each write reaches Node as a CDP
 *   event and goes to the car. Chromium 156's emulation has no command to send a notification, so the
 *   car's bytes reach the page through the TX characteristic's `characteristicvaluechanged` event fired
 *   by a read: Node asks the page to `readValue()` TX (a handle the init script keeps) and answers the
 *   read with the bytes. The page's transport sees the same event, with the same value, a notification
 *   raises. The emulated ATT payload (`attPayload`) cuts longer writes short, as some systems do.
 * - `bridgeSerial`: the other end of the fake `navigator.serial` port that `CAR_INIT_SCRIPT` puts in
 *   the page (Chromium cannot emulate a serial port; a fake at the edge): the port's writable calls a
 *   binding, Node feeds its readable.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import type { VirtualCar } from '../../src/car/virtual-car';
import { LINKS, type ByteStream, type LinkModel } from '../../src/car/stream';
import { NUS } from '../../src/car-web/ble-stream';

const CCCD = '00002902-0000-1000-8000-00805f9b34fb';

/**
 * Runs in the page before its scripts: keeps the Nordic UART TX characteristic the page gets (for the
 * read-as-notification above), installs the fake serial port, and with `?car-apis=none` in the URL hides
 * Web Serial and Web Bluetooth (a browser without either).
 */
export const CAR_INIT_SCRIPT = `(() => {
  if (location.search.includes('car-apis=none')) {
    Object.defineProperty(Navigator.prototype, 'serial', { get: () => undefined, configurable: true });
    Object.defineProperty(Navigator.prototype, 'bluetooth', { get: () => undefined, configurable: true });
    return;
  }
  if (typeof BluetoothRemoteGATTService !== 'undefined') {
    const get = BluetoothRemoteGATTService.prototype.getCharacteristic;
    BluetoothRemoteGATTService.prototype.getCharacteristic = async function (uuid) {
      const c = await get.call(this, uuid);
      if (String(uuid).toLowerCase() === '${NUS.tx}') window.__nusTx = c;
      return c;
    };
  }
  const toB64 = (bytes) => { let s = ''; for (const b of bytes) s += String.fromCharCode(b); return btoa(s); };
  let controller = null;
  class FakeSerialPort extends EventTarget {
    readable = null;
    writable = null;
    getInfo() { return { usbVendorId: 0x303a, usbProductId: 0x1001 }; }
    async open(options) {
      if (this.readable) throw new DOMException('The port is already open.', 'InvalidStateError');
      await window.__serialOpen(JSON.stringify(options));
      this.readable = new ReadableStream({ start: (c) => { controller = c; } });
      this.writable = new WritableStream({ write: (chunk) => window.__serialWrite(toB64(chunk)) });
    }
    async close() {
      if (this.readable?.locked || this.writable?.locked) throw new DOMException('The port has locked streams.', 'InvalidStateError');
      await this.readable?.cancel();
      await this.writable?.abort();
      this.readable = null;
      this.writable = null;
      controller = null;
      await window.__serialClose();
    }
  }
  window.__serialFeed = (b64) => { controller?.enqueue(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))); };
  const port = new FakeSerialPort();
  const serial = { requestPort: async () => port, getPorts: async () => [port] };
  Object.defineProperty(Navigator.prototype, 'serial', { get: () => serial, configurable: true });
})();`;

/** The page side of the serial bridge: what the page's port did, for the test to check. */
export interface SerialBridge {
  opens: { baudRate: number; dataBits?: number; stopBits?: number; parity?: string }[];
  /** Bytes per write the page made. */
  writes: number[];
  closes: number;
}

/**
 * Connects the fake serial port of every page of `context` to `car`: each `open` is a new connection
 * over a link at `link`'s rate (default 115200 baud), each `close` ends it.
 */
export async function bridgeSerial(context: BrowserContext, car: VirtualCar, link: LinkModel = LINKS.serial115200): Promise<SerialBridge> {
  const bridge: SerialBridge = { opens: [], writes: [], closes: 0 };
  let current: ByteStream | null = null;
  let feeding: Promise<unknown> = Promise.resolve();
  await context.exposeBinding('__serialOpen', ({ page }, options: string) => {
    bridge.opens.push(JSON.parse(options));
    current?.close('port reopened');
    const stream = car.connect({ link });
    current = stream;
    stream.onData((bytes) => {
      const b64 = Buffer.from(bytes).toString('base64');
      feeding = feeding.then(() => page.evaluate((b) => (window as unknown as { __serialFeed: (b: string) => void }).__serialFeed(b), b64)).catch(() => undefined);
    });
  });
  await context.exposeBinding('__serialWrite', async (_source, b64: string) => {
    const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
    bridge.writes.push(bytes.length);
    const stream = current;
    if (!stream || stream.closed) throw new Error('port closed');
    for (let at = 0; at < bytes.length; at += stream.maxWriteSize) await stream.write(bytes.subarray(at, at + stream.maxWriteSize));
  });
  await context.exposeBinding('__serialClose', () => {
    bridge.closes++;
    current?.close('port closed');
    current = null;
  });
  return bridge;
}

/** How long the relay waits for one TX read to settle in the page, ms. */
const RELAY_READ_WAIT_MS = 3000;

/** A Nordic UART peripheral in Chromium's Bluetooth emulation, relaying to a VirtualCar. */
export class EmulatedBleCar {
  /** Sizes of the RX writes the page made, in order. */
  readonly writes: number[] = [];
  /** Write types seen ('write-without-response', 'write-with-response'). */
  readonly writeTypes = new Set<string>();
  /** GATT connections the page opened. */
  connections = 0;
  /** Car bytes delivered to the page (through TX reads). */
  delivered = 0;
  /** Relay reads that failed or never settled (their bytes are lost, as a dropped notification). */
  lostReads = 0;
  readonly errors: string[] = [];
  private rxId = '';
  private txId = '';
  private link: ByteStream | null = null;
  private queue: Uint8Array[] = [];
  private pumping = false;
  private answer: Uint8Array | null = null;
  private prompts = new Set<string>();

  private constructor(
    private readonly browserCdp: CDPSession,
    private readonly page: Page,
    readonly car: VirtualCar,
    readonly address: string,
    /** ATT payload of the emulated link, bytes: longer writes are cut to it, notifications are at most this long. */
    readonly attPayload: number,
  ) {}

  /**
   * Adds the peripheral and answers the page's prompts and GATT operations.
   * @param browserCdp a browser-level session (`browser.newBrowserCDPSession()`); @param pageCdp the page's session.
   * @param options.address in upper case: Chromium 156 lists no device in the chooser for a lower-case address.
   */
  static async create(browserCdp: CDPSession, pageCdp: CDPSession, page: Page, car: VirtualCar, options: { address?: string; name?: string; attPayload?: number } = {}): Promise<EmulatedBleCar> {
    const self = new EmulatedBleCar(browserCdp, page, car, options.address ?? '0A:0B:0C:0D:0E:01', options.attPayload ?? 244);
    const name = options.name ?? 'Raceline-e2e';
    await browserCdp.send('BluetoothEmulation.enable', { state: 'powered-on', leSupported: true });
    await browserCdp.send('BluetoothEmulation.simulatePreconnectedPeripheral', { address: self.address, name, manufacturerData: [], knownServiceUuids: [NUS.service] });
    const { serviceId } = await browserCdp.send('BluetoothEmulation.addService', { address: self.address, serviceUuid: NUS.service });
    self.rxId = (await browserCdp.send('BluetoothEmulation.addCharacteristic', { serviceId, characteristicUuid: NUS.rx, properties: { write: true, writeWithoutResponse: true } })).characteristicId;
    // `read` only for the read-as-notification relay; a real NUS TX notifies only.
    self.txId = (await browserCdp.send('BluetoothEmulation.addCharacteristic', { serviceId, characteristicUuid: NUS.tx, properties: { notify: true, read: true } })).characteristicId;
    await browserCdp.send('BluetoothEmulation.addDescriptor', { characteristicId: self.txId, descriptorUuid: CCCD });

    await pageCdp.send('DeviceAccess.enable');
    pageCdp.on('DeviceAccess.deviceRequestPrompted', (e) => {
      // The event can come twice for one prompt; selecting twice crashes the browser.
      if (self.prompts.has(e.id) || e.devices.length === 0) return;
      self.prompts.add(e.id);
      void pageCdp.send('DeviceAccess.selectPrompt', { id: e.id, deviceId: e.devices[0].id }).catch((err: Error) => self.errors.push(`select: ${err.message}`));
    });
    browserCdp.on('BluetoothEmulation.gattOperationReceived', (e) => {
      if (e.type === 'connection') self.connected();
      void browserCdp.send('BluetoothEmulation.simulateGATTOperationResponse', { address: e.address, type: e.type, code: 0 }).catch((err: Error) => self.errors.push(`gatt: ${err.message}`));
    });
    browserCdp.on('BluetoothEmulation.descriptorOperationReceived', (e) => {
      void browserCdp.send('BluetoothEmulation.simulateDescriptorOperationResponse', { descriptorId: e.descriptorId, type: e.type, code: 0 }).catch(() => undefined);
    });
    browserCdp.on('BluetoothEmulation.characteristicOperationReceived', (e) => self.characteristicOperation(e));
    return self;
  }

  /** A new GATT connection: a new connection to the car. */
  private connected(): void {
    this.connections++;
    this.link?.close('reconnected');
    this.queue = [];
    const link = this.car.connect({ link: LINKS.instant });
    this.link = link;
    link.onData((bytes) => {
      for (let at = 0; at < bytes.length; at += this.attPayload) this.queue.push(bytes.slice(at, at + this.attPayload));
      void this.pump();
    });
  }

  private characteristicOperation(e: { characteristicId: string; type: string; data?: string; writeType?: string }): void {
    const respond = (data?: Uint8Array) =>
      this.browserCdp
        .send('BluetoothEmulation.simulateCharacteristicOperationResponse', { characteristicId: e.characteristicId, type: e.type as 'read', code: 0, ...(data ? { data: Buffer.from(data).toString('base64') } : {}) })
        .catch((err: Error) => this.errors.push(`${e.type}: ${err.message}`));
    if (e.type === 'write' && e.characteristicId === this.rxId) {
      const bytes = new Uint8Array(Buffer.from(e.data ?? '', 'base64'));
      this.writes.push(bytes.length);
      this.writeTypes.add(e.writeType ?? '');
      const arrived = bytes.subarray(0, this.attPayload); // a longer write is cut short
      const link = this.link;
      if (link && !link.closed) {
        void (async () => {
          for (let at = 0; at < arrived.length; at += link.maxWriteSize) await link.write(arrived.subarray(at, at + link.maxWriteSize));
        })().catch(() => undefined);
      }
      if (e.writeType === 'write-with-response') void respond();
      return;
    }
    if (e.type === 'read' && e.characteristicId === this.txId) {
      const data = this.answer ?? new Uint8Array(0);
      this.answer = null;
      void respond(data);
      return;
    }
    void respond(); // subscribe, unsubscribe
  }

  /** Delivers queued car bytes to the page, one TX read at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const chunk = this.queue.shift()!;
        this.answer = chunk;
        // A read in flight when the page drops its GATT connection (to reconnect for telemetry) never
        // settles in Chromium's emulation: give up on it after a while, as a lost notification, and go on
        // with the page's new characteristic (the protocol's retries recover the bytes).
        const read = this.page
          .evaluate(() => (window as unknown as { __nusTx?: { readValue(): Promise<unknown> } }).__nusTx?.readValue().then(() => true, () => false) ?? false)
          .catch(() => false);
        const ok = await Promise.race([read, new Promise<false>((r) => setTimeout(() => r(false), RELAY_READ_WAIT_MS))]);
        if (ok) this.delivered += chunk.length;
        else this.lostReads++;
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The car goes out of range: Chromium reports the GATT disconnection to the page. */
  async dropConnection(): Promise<void> {
    this.link?.close('out of range');
    this.link = null;
    await this.browserCdp.send('BluetoothEmulation.simulateGATTDisconnection', { address: this.address });
  }
}
