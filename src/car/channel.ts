/**
 * Frames over a `ByteStream`, for both ends of the link: outgoing frames are numbered, COBS-encoded
 * and written in pieces of at most the stream's write size, in order; incoming bytes are split at
 * 0x00, decoded and CRC-checked. Frames that fail (COBS, length or CRC) are counted and dropped:
 * the sender's timeout recovers them.
 */
import type { ByteStream } from './stream';
import { FrameSplitter } from './framing';
import { decodeFrame, encodeWireFrame, FRAME_OVERHEAD, type Frame } from './frame';

export interface ChannelStats {
  framesSent: number;
  bytesSent: number;
  framesReceived: number;
  /** Frames dropped for a COBS, length or CRC error. */
  badFrames: number;
}

export class FrameChannel {
  readonly stats: ChannelStats = { framesSent: 0, bytesSent: 0, framesReceived: 0, badFrames: 0 };
  private sequence = 0;
  private tail: Promise<void> = Promise.resolve();
  private readonly splitter: FrameSplitter;
  private frameListeners: ((f: Frame) => void)[] = [];
  private badFrameListeners: ((error: string) => void)[] = [];

  /**
   * @param maxFrameSize largest frame accepted from the peer, bytes from header to CRC.
   */
  constructor(
    readonly stream: ByteStream,
    maxFrameSize: number,
  ) {
    this.splitter = new FrameSplitter(maxFrameSize);
    stream.onData((bytes) =>
      this.splitter.push(bytes, (r) => {
        if (!r.ok) return this.bad(r.error);
        let frame: Frame;
        try {
          frame = decodeFrame(r.frame);
        } catch (e) {
          return this.bad((e as Error).message);
        }
        this.stats.framesReceived++;
        for (const l of this.frameListeners) l(frame);
      }),
    );
  }

  private bad(error: string): void {
    this.stats.badFrames++;
    for (const l of this.badFrameListeners) l(error);
  }

  onFrame(listener: (f: Frame) => void): void {
    this.frameListeners.push(listener);
  }

  onBadFrame(listener: (error: string) => void): void {
    this.badFrameListeners.push(listener);
  }

  /**
   * Queues a frame. @returns its sequence number. Write failures after a close are swallowed: the
   * stream's close listeners report the disconnect.
   */
  send(type: number, payload: Uint8Array): number {
    const sequence = this.sequence;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.sendRaw(encodeWireFrame(type, sequence, payload));
    this.stats.framesSent++;
    return sequence;
  }

  /** Queues bytes as they are (tests send garbage with it). */
  sendRaw(bytes: Uint8Array): void {
    const max = this.stream.maxWriteSize;
    this.stats.bytesSent += bytes.length;
    this.tail = this.tail.then(async () => {
      for (let at = 0; at < bytes.length && !this.stream.closed; at += max) await this.stream.write(bytes.subarray(at, at + max));
    }).catch(() => undefined);
  }

  /** Resolves when every queued frame has been written (or the stream closed). */
  flushed(): Promise<void> {
    return this.tail;
  }
}

/** Largest DATA chunk that fits a frame of `maxFrameSize` bytes (header, offset field, CRC). */
export function maxChunkFor(maxFrameSize: number): number {
  return maxFrameSize - FRAME_OVERHEAD - 4;
}
