/**
 * How the page reaches a car: the virtual car (in-memory link), USB serial (Web Serial) or Bluetooth
 * LE (Web Bluetooth, Nordic UART Service), chosen by what this browser supports (capability
 * detection, never the user agent). Each is a `CarLink`: a factory of connections, so the uploader
 * can reconnect and resume after a cut.
 */
import type { ByteStream, LinkModel } from '../car/stream';
import { LINKS } from '../car/stream';
import type { VirtualCar } from '../car/virtual-car';
import { openSerialStream, SERIAL_SETTINGS, type SerialByteStream } from './serial-stream';
import { DEFAULT_WRITE_SIZES, NUS, openNusStream, type NusByteStream, type NusStreamOptions } from './ble-stream';
import type { BluetoothLike, NavigatorLike, SerialLike } from './web-apis';

export type TransportKind = 'virtual' | 'serial' | 'bluetooth';

export interface TransportSupport {
  serial: boolean;
  bluetooth: boolean;
  /** What the page says when neither exists (and so only the virtual car and a file download are offered); null otherwise. */
  explanation: string | null;
}

/** Sentence shown when this browser can reach no physical car. */
export const NO_TRANSPORT_EXPLANATION =
  'This browser cannot talk to a car: it has neither Web Serial nor Web Bluetooth (Chrome, Edge and Opera on computers ' +
  'have both, Firefox 151 and later has Web Serial, Safari has neither). You can still try the virtual car, or download ' +
  'the car pack (or the ONNX model) and install it from another browser or on the car itself.';

/**
 * Which transports this browser has. Web Serial and Web Bluetooth exist only in secure contexts
 * (https or localhost), so an http page on another host has neither.
 * @param nav `navigator`, or a stand-in in tests.
 */
export function detectTransports(nav: NavigatorLike | undefined = globalThis.navigator as NavigatorLike | undefined): TransportSupport {
  const serial = !!nav && 'serial' in nav && !!nav.serial;
  const bluetooth = !!nav && 'bluetooth' in nav && !!nav.bluetooth;
  return { serial, bluetooth, explanation: serial || bluetooth ? null : NO_TRANSPORT_EXPLANATION };
}

/** One car the page can connect to, again after a disconnect. */
export interface CarLink {
  kind: TransportKind;
  /** For the page: "Virtual car (simulated USB serial, 115200 baud)", "USB serial 303a:1001", "Bluetooth: Raceline-3F". */
  label: string;
  /** Opens a new connection, closing the previous one first. @throws Error with a sentence for the user. */
  connect(): Promise<ByteStream>;
  /** Closes the current connection, if any. */
  close(): void;
}

/**
 * The virtual car over an in-memory link that moves bytes at `link`'s rate in real time, so the upload
 * takes as long as it would over that transport.
 */
export function virtualCarLink(car: VirtualCar, link: LinkModel = LINKS.serial115200): CarLink {
  let current: ByteStream | null = null;
  return {
    kind: 'virtual',
    label: `Virtual car (simulated ${link.name})`,
    connect: async () => {
      current?.close('reconnecting');
      current = car.connect({ link });
      return current;
    },
    close: () => current?.close('closed by the page'),
  };
}

const hex4 = (n: number | undefined) => (n === undefined ? '????' : n.toString(16).padStart(4, '0'));

/**
 * Asks the user to pick a serial port (Chromium's chooser; needs a click or key press) and returns a
 * link that opens it at 115200 baud 8N1 on each connection.
 * @throws Error "No serial port was chosen." when the chooser was dismissed.
 */
export async function requestSerialLink(serial: SerialLike): Promise<CarLink> {
  let port;
  try {
    port = await serial.requestPort();
  } catch (e) {
    if ((e as Error).name === 'NotFoundError') throw new Error('No serial port was chosen.');
    throw new Error(`Could not ask for a serial port: ${(e as Error).message}`);
  }
  const info = port.getInfo();
  let current: SerialByteStream | null = null;
  const p = port;
  return {
    kind: 'serial',
    label: info.usbVendorId === undefined ? 'USB serial port' : `USB serial ${hex4(info.usbVendorId)}:${hex4(info.usbProductId)}`,
    connect: async () => {
      if (current) {
        current.close('reconnecting');
        await current.closedPort(); // a port opens only once it is closed
      }
      current = await openSerialStream(p, SERIAL_SETTINGS);
      return current;
    },
    close: () => current?.close('closed by the page'),
  };
}

/**
 * Asks the user to pick a Bluetooth car (Chromium's chooser, showing devices that advertise the Nordic
 * UART Service or a name starting with "Raceline"; needs a click or key press) and returns a link
 * that connects to it. The write size found by the first connection's probe is tried first later.
 * @throws Error "No Bluetooth car was chosen." when the chooser was dismissed.
 */
export async function requestBluetoothLink(bluetooth: BluetoothLike, options: NusStreamOptions = {}): Promise<CarLink & { writeSize(): number | null }> {
  let device;
  try {
    device = await bluetooth.requestDevice({ filters: [{ services: [NUS.service] }, { namePrefix: 'Raceline' }], optionalServices: [NUS.service] });
  } catch (e) {
    if ((e as Error).name === 'NotFoundError') throw new Error('No Bluetooth car was chosen.');
    throw new Error(`Could not ask for a Bluetooth device: ${(e as Error).message}`);
  }
  const d = device;
  let current: NusByteStream | null = null;
  let found: number | null = null;
  return {
    kind: 'bluetooth',
    label: `Bluetooth: ${d.name || d.id}`,
    connect: async () => {
      current?.close('reconnecting');
      const sizes = found === null ? (options.writeSizes ?? DEFAULT_WRITE_SIZES) : [found, ...(options.writeSizes ?? DEFAULT_WRITE_SIZES).filter((s) => s < found!)];
      current = await openNusStream(d, { ...options, writeSizes: sizes });
      found = current.writeSize;
      return current;
    },
    close: () => current?.close('closed by the page'),
    writeSize: () => found,
  };
}
