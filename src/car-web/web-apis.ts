/**
 * The parts of Web Serial (https://wicg.github.io/serial/) and Web Bluetooth
 * (https://webbluetoothcg.github.io/web-bluetooth/) that the car transports use, as small structural
 * types: TypeScript's DOM library has neither API, and tests pass fakes that implement only these.
 */

/** `SerialPort.open` options (8N1 without flow control unless given). */
export interface SerialOpenOptions {
  baudRate: number;
  dataBits?: 7 | 8;
  stopBits?: 1 | 2;
  parity?: 'none' | 'even' | 'odd';
  flowControl?: 'none' | 'hardware';
  /** Read and write buffer size, bytes (Chromium's default 255). */
  bufferSize?: number;
}

/** A Web Serial port: `navigator.serial.requestPort()` gives one. */
export interface SerialPortLike {
  open(options: SerialOpenOptions): Promise<void>;
  close(): Promise<void>;
  /** Null before `open`, after `close`, and after a fatal error. */
  readonly readable: ReadableStream<Uint8Array> | null;
  readonly writable: WritableStream<Uint8Array> | null;
  getInfo(): { usbVendorId?: number; usbProductId?: number };
  addEventListener(type: 'disconnect', listener: () => void): void;
  removeEventListener(type: 'disconnect', listener: () => void): void;
}

/** `navigator.serial`. */
export interface SerialLike {
  requestPort(options?: { filters?: { usbVendorId?: number; usbProductId?: number }[] }): Promise<SerialPortLike>;
}

/** A GATT characteristic (`BluetoothRemoteGATTCharacteristic`). */
export interface GattCharacteristicLike extends EventTarget {
  readonly uuid: string;
  readonly properties: { write: boolean; writeWithoutResponse: boolean; notify: boolean };
  /** The last value read or notified. */
  readonly value?: DataView | null;
  writeValueWithoutResponse(value: BufferSource): Promise<void>;
  writeValueWithResponse(value: BufferSource): Promise<void>;
  startNotifications(): Promise<GattCharacteristicLike>;
  stopNotifications(): Promise<GattCharacteristicLike>;
}

export interface GattServiceLike {
  getCharacteristic(uuid: string): Promise<GattCharacteristicLike>;
}

export interface GattServerLike {
  readonly connected: boolean;
  connect(): Promise<GattServerLike>;
  disconnect(): void;
  getPrimaryService(uuid: string): Promise<GattServiceLike>;
}

/** A Bluetooth device (`BluetoothDevice`); fires `gattserverdisconnected`. */
export interface BluetoothDeviceLike extends EventTarget {
  readonly id: string;
  readonly name?: string | null;
  readonly gatt?: GattServerLike | null;
}

/** `navigator.bluetooth`. */
export interface BluetoothLike {
  getAvailability?(): Promise<boolean>;
  requestDevice(options: { filters?: ({ services?: string[]; namePrefix?: string })[]; optionalServices?: string[]; acceptAllDevices?: boolean }): Promise<BluetoothDeviceLike>;
}

/** What the transports read from `navigator`. */
export interface NavigatorLike {
  serial?: SerialLike;
  bluetooth?: BluetoothLike;
  userAgent?: string;
}
