/**
 * The host uploader: puts a car pack on a car in one call, with progress and a clear final result
 * (docs/car-protocol.md §5). HELLO → BEGIN (the car answers with the offset to send from: 0, or where
 * a cut-off upload of the same pack stopped) → windowed DATA → VERIFY (the car checks the SHA-256) →
 * SWITCH (the car makes the verified slot active in one step). A disconnect or a silent car leads to
 * a reconnect and a resume; a hash mismatch to one fresh retry. Whatever happens, the car keeps its
 * previous model unless the new one was verified.
 */
import type { Clock } from './clock';
import type { ByteStream } from './stream';
import { CarClient, CarLinkError, type ClientTimeouts, type TransferStats } from './car-client';
import { parsePackBody, type CarPack } from './pack';
import { bytesEqual, toHex } from './byte-io';
import { ErrorCode, type HelloInfo } from './protocol';

export type UploadPhase = 'connecting' | 'hello' | 'sending' | 'verifying' | 'switching' | 'done' | 'failed';

export interface UploadProgress {
  phase: UploadPhase;
  /** Bytes the car has acknowledged. */
  ackedBytes: number;
  totalBytes: number;
  /** Connections opened so far (1 on the first). */
  connection: number;
  elapsedMs: number;
}

/** One resumption after a reconnect: what the car reported and where DATA restarted. */
export interface ResumeRecord {
  /** Written bytes of the upload slot in the HELLO reply (0 when the car had nothing for this pack). */
  helloOffset: number;
  /** Offset in the BEGIN reply. */
  beginOffset: number;
  /** Offset of the first DATA frame sent on this connection (null when none was needed). */
  firstDataOffset: number | null;
}

export interface UploadResult {
  ok: boolean;
  /** `switched`: the new model drives the car. `already-active`: it already did; nothing sent. `failed`: the previous model still drives the car. */
  outcome: 'switched' | 'already-active' | 'failed';
  /** One sentence for the user. */
  message: string;
  error?: { kind: CarLinkError['kind'] | 'incompatible'; code?: number; message: string };
  /** Model hash, hex. */
  hash: string;
  /** Active slot after the upload (null when unknown). */
  activeSlot: number | null;
  bytes: number;
  dataBytesSent: number;
  retransmittedBytes: number;
  dataTimeouts: number;
  gapReports: number;
  /** Connections after the first. */
  reconnects: number;
  resumes: ResumeRecord[];
  hashRetries: number;
  elapsedMs: number;
}

export interface UploadOptions {
  /** Opens a connection to the car (again after a disconnect). */
  connect: () => Promise<ByteStream>;
  clock: Clock;
  /** The pack bytes (`buildPack`). */
  pack: Uint8Array;
  onProgress?: (p: UploadProgress) => void;
  /** DATA frames in flight (capped by the car's max window); default 8. */
  window?: number;
  /** DATA payload bytes per frame (capped by the car's max frame); default 512. */
  chunkSize?: number;
  /** Reconnections before giving up; default 8. */
  maxReconnects?: number;
  /** Fresh uploads after the car discarded the bytes (hash mismatch); default 1. */
  hashRetries?: number;
  /** Upload even when the car already runs this model. */
  force?: boolean;
  timeouts?: Partial<ClientTimeouts>;
}

/**
 * Why `pack` cannot run on the car described by `info`, or null when it can.
 */
export function packIncompatibility(pack: CarPack, info: HelloInfo, packSize: number): string | null {
  if (info.protocolVersion !== 1) return `the car speaks protocol version ${info.protocolVersion}; this page speaks 1`;
  if (!info.formats.includes(pack.weightType)) return `the car runs ${info.formats.join(' and ') || 'no'} packs, not ${pack.weightType}; export the model as ${info.formats[0] ?? 'float32'}`;
  if (packSize > info.freeSpace) return `the pack has ${packSize} bytes; the car has room for ${info.freeSpace}`;
  for (const s of pack.sensors) {
    const have = info.sensors.find((x) => x.name === s.name);
    if (!have || have.size !== s.size) {
      return `the model reads ${s.name} (${s.size} values); the car has ${info.sensors.map((x) => `${x.name} (${x.size})`).join(', ') || 'no sensors'}`;
    }
  }
  return null;
}

/**
 * Uploads a pack, switches the car to it, and reports the outcome. Never throws for link or car
 * failures (they are in the result); throws Error only for bytes that are not a pack.
 */
export async function uploadPack(options: UploadOptions): Promise<UploadResult> {
  const { clock, pack: bytes } = options;
  const pack = parsePackBody(bytes);
  const start = clock.now();
  const maxReconnects = options.maxReconnects ?? 8;
  let hashRetriesLeft = options.hashRetries ?? 1;
  const stats: TransferStats = { dataBytesSent: 0, retransmittedBytes: 0, dataTimeouts: 0, gapReports: 0, firstDataOffset: null, highestSent: 0 };
  const result: UploadResult = {
    ok: false, outcome: 'failed', message: '', hash: toHex(pack.hash), activeSlot: null, bytes: bytes.length, dataBytesSent: 0,
    retransmittedBytes: 0, dataTimeouts: 0, gapReports: 0, reconnects: 0, resumes: [], hashRetries: 0, elapsedMs: 0,
  };
  let acked = 0;
  let connection = 0;
  let phase: UploadPhase = 'connecting';
  let sentAnything = false;
  const progress = (p: UploadPhase) => {
    phase = p;
    options.onProgress?.({ phase, ackedBytes: acked, totalBytes: bytes.length, connection, elapsedMs: clock.now() - start });
  };
  const done = (outcome: UploadResult['outcome'], message: string, error?: UploadResult['error']): UploadResult => {
    Object.assign(result, { ok: outcome !== 'failed', outcome, message, error, elapsedMs: clock.now() - start });
    Object.assign(result, { dataBytesSent: stats.dataBytesSent, retransmittedBytes: stats.retransmittedBytes, dataTimeouts: stats.dataTimeouts, gapReports: stats.gapReports });
    progress(outcome === 'failed' ? 'failed' : 'done');
    return result;
  };
  let lastError: CarLinkError | null = null;

  while (connection <= maxReconnects) {
    connection++;
    result.reconnects = connection - 1;
    progress('connecting');
    let client: CarClient | null = null;
    let verifying = false;
    try {
      client = new CarClient(await options.connect(), clock, options.timeouts);
      progress('hello');
      const info = await client.hello();
      const why = packIncompatibility(pack, info, bytes.length);
      if (why) return done('failed', `This model cannot run on the car: ${why}. The car keeps its current model.`, { kind: 'incompatible', message: why });
      const active = info.activeSlot;
      if (active !== null && bytesEqual(info.slots[active].hash, pack.hash) && !options.force) {
        result.activeSlot = active;
        acked = bytes.length;
        if (sentAnything) return done('switched', `The car runs the new model (slot ${active}).`);
        return done('already-active', `The car already runs this model (slot ${active}); nothing to send.`);
      }
      const uploadSlot = active === null ? null : 1 - active;
      const partial = uploadSlot === null ? info.slots.find((s) => bytesEqual(s.hash, pack.hash)) : info.slots[uploadSlot];
      const helloOffset = partial && partial.state !== 'empty' && bytesEqual(partial.hash, pack.hash) && partial.size === bytes.length ? partial.written : 0;
      const window = Math.max(1, Math.min(options.window ?? 8, info.maxWindow));
      const begin = await client.begin({ size: bytes.length, weightType: pack.weightType, ackEvery: Math.max(1, Math.floor(window / 2)), hash: pack.hash });
      sentAnything = true;
      acked = begin.offset;
      stats.firstDataOffset = null;
      const resume: ResumeRecord | null = connection > 1 || begin.offset > 0 ? { helloOffset, beginOffset: begin.offset, firstDataOffset: null } : null;
      if (resume) result.resumes.push(resume);
      progress('sending');
      try {
        const chunkSize = CarClient.chunkSizeFor(info, options.chunkSize);
        await client.sendData(bytes, begin.offset, { chunkSize, window, onAck: (a) => ((acked = a), progress('sending')) }, stats);
      } finally {
        if (resume) resume.firstDataOffset = stats.firstDataOffset;
      }
      progress('verifying');
      verifying = true;
      await client.verify(pack.hash, bytes.length);
      verifying = false;
      progress('switching');
      result.activeSlot = await client.switchTo(pack.hash);
      const s = ((clock.now() - start) / 1000).toFixed(1);
      return done('switched', `Done: the car runs the new model (slot ${result.activeSlot}), ${bytes.length} bytes in ${s} s.`);
    } catch (e) {
      if (!(e instanceof CarLinkError)) throw e;
      lastError = e;
      // The car discarded the bytes: a hash mismatch, or a resent VERIFY (its first reply, the
      // mismatch, lost) that finds the upload slot empty. Start once more from zero.
      const discarded = e.kind === 'car-error' && (e.code === ErrorCode.HASH_MISMATCH || (e.code === ErrorCode.BAD_STATE && verifying));
      if (discarded && hashRetriesLeft > 0) {
        hashRetriesLeft--;
        result.hashRetries++;
        connection--; // a retry on the same terms, not a reconnection
        continue;
      }
      if (e.kind === 'car-error' || e.kind === 'protocol') {
        return done('failed', `Upload failed: ${e.message}. The car keeps its previous model.`, { kind: e.kind, code: e.code, message: e.message });
      }
      // timeout or disconnected: reconnect and resume
    } finally {
      client?.close();
    }
  }
  const why = lastError?.message ?? 'no connection';
  return done('failed', `Upload failed after ${connection} connections (${why}). The car keeps its previous model.`, { kind: lastError?.kind ?? 'disconnected', message: why });
}
