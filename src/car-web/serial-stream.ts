/**
 * Web Serial as the car link's `ByteStream` (docs/car-protocol.md §1: USB serial, 115200 baud 8N1).
 * One stream is one opening of the port: `close` releases the port's streams and closes it, and the
 * next connection opens it again (many ESP32 boards reset when the port opens; the HELLO retries
 * cover a boot of up to about 4 s).
 */
import type { ByteStream } from '../car/stream';
import type { SerialOpenOptions, SerialPortLike } from './web-apis';

/** The protocol's serial settings: 115200 baud, 8 data bits, no parity, 1 stop bit, no flow control. */
export const SERIAL_SETTINGS: Readonly<SerialOpenOptions> = { baudRate: 115_200, dataBits: 8, stopBits: 1, parity: 'none', flowControl: 'none', bufferSize: 4096 };

/** Bytes one `write` takes: frames are at most about 530 bytes, so one write per frame. */
export const SERIAL_MAX_WRITE = 1024;

export class SerialByteStream implements ByteStream {
  readonly maxWriteSize = SERIAL_MAX_WRITE;
  closed = false;
  /** Bytes written and read, for the page's link figures. */
  readonly stats = { bytesWritten: 0, bytesRead: 0, readErrors: 0 };
  private writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private dataListeners: ((bytes: Uint8Array) => void)[] = [];
  private closeListeners: ((reason: string) => void)[] = [];
  private readonly onDisconnect = () => this.close('the serial port went away (USB cable unplugged or car powered off)');
  private teardown: Promise<void> | null = null;

  /** Use `openSerialStream`. */
  constructor(private readonly port: SerialPortLike) {}

  /** Starts reading and takes the writer; the port must be open. @throws Error when it is not. */
  start(): void {
    if (!this.port.writable || !this.port.readable) throw new Error('serial port is not open');
    this.writer = this.port.writable.getWriter();
    this.port.addEventListener('disconnect', this.onDisconnect);
    void this.readLoop();
  }

  /**
   * Reads until the stream closes. A non-fatal error (framing, parity, buffer overrun) gives the port a
   * new `readable`, and reading goes on; a fatal one (the device is gone) leaves it null and closes.
   */
  private async readLoop(): Promise<void> {
    let why = 'the serial port stopped delivering data';
    while (!this.closed) {
      const readable = this.port.readable;
      if (!readable) break;
      const reader = readable.getReader();
      this.reader = reader;
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          if (value && value.length > 0) {
            this.stats.bytesRead += value.length;
            for (const l of this.dataListeners) l(value);
          }
        }
        if (!this.closed) break; // the readable ended without our cancel: the port is closing
      } catch (e) {
        this.stats.readErrors++;
        why = `serial read failed: ${(e as Error).message}`;
      } finally {
        reader.releaseLock();
        this.reader = null;
      }
    }
    this.close(why);
  }

  /**
   * @throws RangeError for more than `maxWriteSize` bytes; rejects once closed, or when the port fails
   *   (the stream then closes with the reason).
   */
  write(bytes: Uint8Array): Promise<void> {
    if (bytes.length > this.maxWriteSize) throw new RangeError(`serial write of ${bytes.length} bytes exceeds the ${this.maxWriteSize}-byte maximum`);
    if (this.closed || !this.writer) return Promise.reject(new Error('serial port closed'));
    this.stats.bytesWritten += bytes.length;
    return this.writer.write(bytes.slice()).catch((e: unknown) => {
      this.close(`serial write failed: ${(e as Error).message}`);
      throw e;
    });
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.dataListeners.push(listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  /** Closes the port (listeners hear `reason` once). `closedPort` resolves when the port is released. */
  close(reason = 'closed by host'): void {
    if (this.closed) return;
    this.closed = true;
    this.port.removeEventListener('disconnect', this.onDisconnect);
    const listeners = this.closeListeners;
    this.closeListeners = [];
    queueMicrotask(() => listeners.forEach((l) => l(reason)));
    this.teardown = this.release();
  }

  /** Resolves when the port is closed after `close` (immediately when it was never closed). */
  closedPort(): Promise<void> {
    return this.teardown ?? Promise.resolve();
  }

  private async release(): Promise<void> {
    await this.reader?.cancel().catch(() => undefined);
    try {
      this.writer?.releaseLock();
    } catch {
      // a pending write keeps the lock on some implementations; port.close() below still ends it
    }
    this.writer = null;
    await this.port.close().catch(() => undefined);
  }
}

/**
 * Opens a Web Serial port with the protocol's settings and wraps it.
 * @throws Error from `port.open` (for instance "Failed to open serial port" when another program
 *   or tab holds it), with a sentence saying what to do.
 */
export async function openSerialStream(port: SerialPortLike, settings: SerialOpenOptions = SERIAL_SETTINGS): Promise<SerialByteStream> {
  try {
    await port.open(settings);
  } catch (e) {
    throw new Error(`Could not open the serial port (${(e as Error).message}). Close any other program or tab using it (a serial monitor, another Raceline tab) and try again.`);
  }
  const stream = new SerialByteStream(port);
  stream.start();
  return stream;
}
