/**
 * The protocol conformance suite: checks a car (the virtual car, a firmware runtime in a process,
 * real hardware behind an adapter) against docs/car-protocol.md. Each check prints one line; the
 * suite's result is a JSON-ready summary. `npm run car:conformance -- --target virtual|python|micropython`.
 */
import type { Clock } from './clock';
import type { ByteStream } from './stream';
import { CarClient, CarLinkError, type ClientTimeouts } from './car-client';
import { uploadPack, type UploadOptions } from './host';
import { parsePackBody, packObservationSize, type CarPack } from './pack';
import { packPolicyAct } from './pack-inference';
import { bytesEqual, toHex } from './byte-io';
import { encodeWireFrame } from './frame';
import { encodeRequest, ErrorCode, ERROR_NAMES, MessageType, type HelloInfo, type Telemetry } from './protocol';

export interface ConformanceTarget {
  name: string;
  clock: Clock;
  /** Opens a connection; the car's storage outlives it. */
  connect(): Promise<ByteStream>;
  /** Drops the open connection abruptly (a pulled cable, a lost BLE link). */
  cut(): void;
  /** Power-cycles the car; its storage stays. */
  restart(): Promise<void>;
  close(): Promise<void>;
  /** Host timeouts that suit the target (a process on a loaded CI machine needs real-time margin). */
  timeouts?: Partial<ClientTimeouts>;
}

export interface ConformanceInput {
  /** Two packs of one model, float32 and int8 kernels. */
  float32: Uint8Array;
  int8: Uint8Array;
  /** A third pack with another hash (used for the cut-and-resume check). */
  other: Uint8Array;
  /** [count * obsSize] float32 recorded observations for the inference checks. */
  observations: Float32Array;
  /** Observations the inference checks send (default 200). */
  inferCount?: number;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  skipped?: boolean;
  detail: string;
  ms: number;
}

export interface ConformanceSummary {
  target: string;
  passed: number;
  failed: number;
  skipped: number;
  checks: CheckResult[];
}

class CheckFailed extends Error {}
class CheckSkipped extends Error {}
function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}
const short = (h: Uint8Array) => `${toHex(h).slice(0, 12)}…`;

/**
 * Runs every check in order (later checks build on the state earlier ones leave on the car).
 * @param log called with each check's line as it finishes.
 */
export async function runConformance(target: ConformanceTarget, input: ConformanceInput, log: (line: string) => void = () => undefined): Promise<ConformanceSummary> {
  const { clock } = target;
  const packs = { float32: parsePackBody(input.float32), int8: parsePackBody(input.int8), other: parsePackBody(input.other) };
  const checks: CheckResult[] = [];
  let hello: HelloInfo | null = null;

  const withClient = async <T>(fn: (c: CarClient) => Promise<T>): Promise<T> => {
    const c = new CarClient(await target.connect(), clock, target.timeouts);
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  };
  const upload = (pack: Uint8Array, extra: Partial<UploadOptions> = {}) => uploadPack({ connect: () => target.connect(), clock, pack, timeouts: target.timeouts, ...extra });
  const activeHash = (h: HelloInfo) => (h.activeSlot === null ? null : h.slots[h.activeSlot].hash);
  const inferAll = async (pack: CarPack, label: string): Promise<string> => {
    const size = packObservationSize(pack);
    const n = Math.min(input.inferCount ?? 200, input.observations.length / size);
    return withClient(async (c) => {
      for (let i = 0; i < n; i++) {
        const obs = input.observations.subarray(i * size, (i + 1) * size);
        const car = await c.infer(obs);
        const want = packPolicyAct(pack, obs);
        expect(car.action === want.index, `observation ${i}: the car chose action ${car.action}, the browser ${want.index} (${label})`);
        expect(Math.abs(car.steering - want.steering_angle) < 1e-3 && Math.abs(car.speed - want.speed) < 1e-3, `observation ${i}: command ${car.steering}°/${car.speed} m/s, expected ${want.steering_angle}°/${want.speed} m/s`);
      }
      return `${n} of ${n} observations: same action as the browser's ${label} inference`;
    });
  };

  const check = async (name: string, fn: () => Promise<string>) => {
    const t0 = clock.now();
    const w0 = performance.now();
    let r: CheckResult;
    try {
      r = { name, ok: true, detail: await fn(), ms: 0 };
    } catch (e) {
      const skipped = e instanceof CheckSkipped;
      r = { name, ok: skipped, skipped: skipped || undefined, detail: (e as Error).message, ms: 0 };
    }
    // Simulated targets report simulated time; process targets wall time.
    r.ms = Math.round(clock.now() - t0 || performance.now() - w0);
    checks.push(r);
    log(`${r.skipped ? 'skip' : r.ok ? 'ok  ' : 'FAIL'} ${name.padEnd(22)} ${r.detail}`);
  };

  await check('hello', async () => {
    hello = await withClient((c) => c.hello());
    const h: HelloInfo = hello;
    expect(h.protocolVersion === 1, `protocol version ${h.protocolVersion}, expected 1`);
    expect(h.maxFrameSize >= 64, `max frame size ${h.maxFrameSize} is below the 64-byte minimum`);
    expect(h.formats.includes('float32'), `formats ${h.formats.join(',')} lack float32, which every car must run`);
    expect(h.slots.length === 2 && h.maxWindow >= 1, 'two slots and a window of at least 1 expected');
    const sensors = h.sensors.map((s) => `${s.name}(${s.size})`).join(', ');
    return `${h.firmware}: protocol ${h.protocolVersion}, frames ≤ ${h.maxFrameSize} B, window ${h.maxWindow}, formats ${h.formats.join('+')}, ${h.freeSpace} B free, sensors ${sensors}`;
  });

  await check('bad-frames-ignored', async () =>
    withClient(async (c) => {
      c.channel.sendRaw(new Uint8Array([0x13, 0x37, 0xff, 0x00, 0x00, 0x05, 0x01, 0x00]));
      const bad = encodeWireFrame(MessageType.HELLO, 999, new Uint8Array(0));
      bad[bad.length - 3] ^= 0x40; // break the CRC
      c.channel.sendRaw(bad);
      const h = await c.hello();
      return `garbage and a frame with a bad CRC were dropped; HELLO still answered (${h.firmware})`;
    }),
  );

  await check('error-replies', async () =>
    withClient(async (c) => {
      const codeOf = async (p: Promise<unknown>) => {
        try {
          await p;
        } catch (e) {
          if (e instanceof CarLinkError && e.kind === 'car-error') return e.code;
          throw e;
        }
        return null;
      };
      const unknown = await codeOf(c.request({ type: 0x33 } as never, undefined, 2));
      expect(unknown === ErrorCode.UNKNOWN_TYPE, `type 0x33 answered with ${ERROR_NAMES[unknown ?? 0] ?? unknown}, expected UNKNOWN_TYPE`);
      const sw = await codeOf(c.switchTo(new Uint8Array(32).fill(0xab)));
      expect(sw === ErrorCode.NOT_VERIFIED, `SWITCH to an unknown model answered with ${ERROR_NAMES[sw ?? 0] ?? sw}, expected NOT_VERIFIED`);
      const big = await codeOf(c.begin({ size: 0x7fffffff, weightType: 'float32', ackEvery: 1, hash: new Uint8Array(32) }));
      expect(big === ErrorCode.TOO_LARGE, `BEGIN of 2 GiB answered with ${ERROR_NAMES[big ?? 0] ?? big}, expected TOO_LARGE`);
      return 'UNKNOWN_TYPE, NOT_VERIFIED and TOO_LARGE answered with their codes';
    }),
  );

  await check('upload-float32', async () => {
    const r = await upload(input.float32, { force: true });
    expect(r.outcome === 'switched', r.message);
    const h = await withClient((c) => c.hello());
    expect(bytesEqual(activeHash(h) ?? new Uint8Array(0), packs.float32.hash), `after SWITCH the active slot holds ${short(activeHash(h) ?? new Uint8Array(0))}, not the upload ${short(packs.float32.hash)}`);
    return `${input.float32.length} B verified and active in slot ${h.activeSlot} (${r.elapsedMs.toFixed(0)} ms, hash ${short(packs.float32.hash)})`;
  });

  await check('inference-float32', () => inferAll(packs.float32, 'float32'));

  await check('upload-int8', async () => {
    if (!(hello as HelloInfo | null)?.formats.includes('int8')) throw new CheckSkipped('the car does not run int8 packs');
    const r = await upload(input.int8);
    expect(r.outcome === 'switched', r.message);
    const h = await withClient((c) => c.hello());
    const other = h.slots[1 - (h.activeSlot ?? 0)];
    expect(bytesEqual(activeHash(h)!, packs.int8.hash), 'int8 pack is not active after SWITCH');
    expect(other.state === 'valid' && bytesEqual(other.hash, packs.float32.hash), 'the previous (float32) model is no longer kept in the other slot');
    return `${input.int8.length} B active in slot ${h.activeSlot}; the float32 model stays valid in slot ${1 - h.activeSlot!}`;
  });

  await check('inference-int8', async () => {
    if (!(hello as HelloInfo | null)?.formats.includes('int8')) throw new CheckSkipped('the car does not run int8 packs');
    return inferAll(packs.int8, 'int8');
  });

  await check('switch-back', async () => {
    const r = await upload(input.float32);
    expect(r.outcome === 'switched', r.message);
    expect(r.dataBytesSent === 0, `${r.dataBytesSent} DATA bytes sent for a model the car still held`);
    return `the float32 model in the other slot was verified and switched in without resending (slot ${r.activeSlot})`;
  });

  await check('bad-hash-keeps-model', async () => {
    const before = await withClient((c) => c.hello());
    const corrupt = input.other.slice();
    corrupt[corrupt.length - 40] ^= 0x01; // a weight byte: the body no longer hashes to the trailer
    const r = await upload(corrupt, { hashRetries: 0 });
    expect(r.outcome === 'failed' && r.error?.code === ErrorCode.HASH_MISMATCH, `expected a HASH_MISMATCH failure, got ${r.outcome}: ${r.message}`);
    const after = await withClient((c) => c.hello());
    expect(after.activeSlot === before.activeSlot && bytesEqual(activeHash(after)!, activeHash(before)!), 'the active model changed after a failed upload');
    const obs = input.observations.subarray(0, packObservationSize(packs.float32));
    const action = await withClient((c) => c.infer(obs));
    expect(action.action === packPolicyAct(packs.float32, obs).index, 'the car does not drive with its previous model after the failed upload');
    return `HASH_MISMATCH; the previous model (${short(activeHash(after)!)}) still drives the car`;
  });

  await check('abort', async () =>
    withClient(async (c) => {
      const before = await c.hello();
      const begin = await c.begin({ size: input.other.length, weightType: packs.other.weightType, ackEvery: 1, hash: packs.other.hash });
      c.channel.send(MessageType.DATA, encodeRequest({ type: MessageType.DATA, offset: 0, data: input.other.subarray(0, 64) }));
      await c.abort();
      const after = await c.hello();
      const slot = after.slots[begin.slot];
      expect(slot.state === 'empty', `after ABORT the upload slot is ${slot.state} (${slot.written} bytes), expected empty`);
      expect(after.activeSlot === before.activeSlot && bytesEqual(activeHash(after)!, activeHash(before)!), 'ABORT changed the active model');
      return `the partial upload in slot ${begin.slot} was discarded; the active model is unchanged`;
    }),
  );

  await check('resume-after-cut', async () => {
    let cut = false;
    const r = await upload(input.other, {
      onProgress: (p) => {
        if (!cut && p.phase === 'sending' && p.ackedBytes >= p.totalBytes * 0.4) {
          cut = true;
          target.cut();
        }
      },
    });
    expect(cut, 'the upload finished before the cut could happen');
    expect(r.outcome === 'switched', r.message);
    const resume = r.resumes[0];
    expect(resume && r.reconnects >= 1, `no reconnection recorded (reconnects ${r.reconnects})`);
    expect(resume.helloOffset > 0, 'after the cut, HELLO reported no partial upload');
    expect(resume.beginOffset === resume.helloOffset, `BEGIN said resume at ${resume.beginOffset}, HELLO reported ${resume.helloOffset}`);
    expect(resume.firstDataOffset === resume.beginOffset, `first DATA after the cut at ${resume.firstDataOffset}, the car said ${resume.beginOffset}`);
    return `cut at ≥40%; the car reported ${resume.helloOffset} of ${r.bytes} B, DATA resumed there; verified and switched`;
  });

  await check('restart-keeps-model', async () => {
    await target.restart();
    const h = await withClient((c) => c.hello());
    expect(bytesEqual(activeHash(h) ?? new Uint8Array(0), packs.other.hash), 'after a restart the car does not run the model switched in before');
    return `after a power cycle slot ${h.activeSlot} (${short(packs.other.hash)}) is still active`;
  });

  await check('telemetry', async () =>
    withClient(async (c) => {
      const seen: Telemetry[] = [];
      c.onTelemetry((t) => seen.push(t));
      await c.configureTelemetry(1);
      const size = packObservationSize(packs.other);
      const chosen: number[] = [];
      for (let i = 0; i < 5; i++) chosen.push((await c.infer(input.observations.subarray(i * size, (i + 1) * size))).action);
      await c.configureTelemetry(0);
      expect(seen.length >= 1, 'no TELEMETRY frame after 5 control steps with telemetry on');
      const t = seen[seen.length - 1];
      expect(chosen.includes(t.action), `telemetry reports action ${t.action}, the car chose ${chosen.join(',')}`);
      expect(t.activeSlot !== null && Number.isFinite(t.speed) && Number.isFinite(t.steering), 'telemetry fields missing');
      return `${seen.length} TELEMETRY frames: speed ${t.speed.toFixed(2)} m/s, steering ${t.steering.toFixed(1)}°, action ${t.action}, battery ${t.batteryMv} mV`;
    }),
  );

  const failed = checks.filter((c) => !c.ok).length;
  const skipped = checks.filter((c) => c.skipped).length;
  return { target: target.name, passed: checks.length - failed - skipped, failed, skipped, checks };
}
