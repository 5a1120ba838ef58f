import { describe, expect, it } from 'vitest';
import { fixtureInput } from './fixture';
import { SimulatedClock } from '../../src/car/clock';
import { VirtualCar } from '../../src/car/virtual-car';
import { uploadPack, type UploadProgress } from '../../src/car/host';
import { createLinkPair, LINKS } from '../../src/car/stream';
import { cobsMaxEncodedLength } from '../../src/car/framing';
import { FRAME_OVERHEAD } from '../../src/car/frame';
import { decodeCarMessage, decodeRequest, encodeHelloReply, encodeRequest, MessageType, REPLY_BIT, type HelloInfo } from '../../src/car/protocol';
import { FormatError, toHex } from '../../src/car/byte-io';

describe('protocol messages', () => {
  it('round-trip every request and the HELLO reply', () => {
    const hash = Uint8Array.from({ length: 32 }, (_, i) => i);
    const requests = [
      { type: MessageType.HELLO },
      { type: MessageType.BEGIN, size: 25424, weightType: 'int8', ackEvery: 4, hash },
      { type: MessageType.DATA, offset: 512, data: Uint8Array.from([0, 1, 2, 0]) },
      { type: MessageType.VERIFY, hash },
      { type: MessageType.SWITCH, hash },
      { type: MessageType.TELEMETRY_CONFIG, periodMs: 100 },
      { type: MessageType.INFER, observation: Float32Array.from([0.5, -1.25, 3]) },
      { type: MessageType.ABORT },
    ] as const;
    for (const r of requests) expect(decodeRequest(r.type, encodeRequest(r))).toEqual(r);
    const info: HelloInfo = {
      protocolVersion: 1, maxFrameSize: 512, formats: ['float32', 'int8'], maxWindow: 4, freeSpace: 163840, activeSlot: 1,
      slots: [{ state: 'partial', size: 25424, written: 9960, hash }, { state: 'valid', size: 6988, written: 6988, hash: hash.map((b) => 255 - b) }],
      sensors: [{ name: 'TRACK_GEOMETRY', size: 22 }], firmware: 'test 1',
    };
    expect(decodeCarMessage(MessageType.HELLO | REPLY_BIT, encodeHelloReply(7, info))).toEqual({ type: 'hello', replyTo: 7, info });
  });

  it('refuse malformed payloads and leave unknown types to the caller', () => {
    expect(() => decodeRequest(MessageType.BEGIN, new Uint8Array(10))).toThrow(FormatError);
    expect(() => decodeRequest(MessageType.VERIFY, new Uint8Array(33))).toThrow(/33 bytes|unexpected bytes/);
    expect(() => decodeRequest(MessageType.INFER, new Uint8Array(6))).toThrow(/whole number of float32/);
    expect(decodeRequest(0x42, new Uint8Array(0))).toBeNull();
  });
});

describe('uploading to the virtual car', () => {
  it('reports phases in order and acknowledged bytes that only grow, then a clear result', async () => {
    const { float32 } = await fixtureInput();
    const clock = new SimulatedClock();
    const car = new VirtualCar({ clock });
    const seen: UploadProgress[] = [];
    const r = await uploadPack({ clock, pack: float32, connect: async () => car.connect({ link: LINKS.serial115200 }), onProgress: (p) => seen.push(p) });
    expect(r).toMatchObject({ ok: true, outcome: 'switched', activeSlot: 0, reconnects: 0, retransmittedBytes: 0, bytes: float32.length, dataBytesSent: float32.length });
    expect(r.message).toMatch(/^Done: the car runs the new model \(slot 0\), 25424 bytes in 2\.\d s\.$/);
    const phases = [...new Set(seen.map((p) => p.phase))];
    expect(phases).toEqual(['connecting', 'hello', 'sending', 'verifying', 'switching', 'done']);
    seen.slice(1).forEach((p, i) => expect(p.ackedBytes).toBeGreaterThanOrEqual(seen[i].ackedBytes));
    expect(seen[seen.length - 1].ackedBytes).toBe(float32.length);
    expect(car.activeModelBytes()).toEqual(float32);
    // the same pack again: nothing to send
    const again = await uploadPack({ clock, pack: float32, connect: async () => car.connect() });
    expect(again).toMatchObject({ outcome: 'already-active', dataBytesSent: 0 });
  });

  it('refuses a model whose sensors or format the car lacks, before sending anything', async () => {
    const { float32, int8 } = await fixtureInput();
    const clock = new SimulatedClock();
    const lidarCar = new VirtualCar({ clock, sensors: [{ name: 'LIDAR', size: 64 }] });
    const r = await uploadPack({ clock, pack: float32, connect: async () => lidarCar.connect() });
    expect(r.outcome).toBe('failed');
    expect(r.error?.kind).toBe('incompatible');
    expect(r.message).toBe('This model cannot run on the car: the model reads TRACK_GEOMETRY (22 values); the car has LIDAR (64). The car keeps its current model.');
    expect(lidarCar.store.info(0).state).toBe('empty');
    const floatOnly = new VirtualCar({ clock, formats: ['float32'] });
    const q = await uploadPack({ clock, pack: int8, connect: async () => floatOnly.connect() });
    expect(q.message).toMatch(/the car runs float32 packs, not int8/);
  });

  it('gives up on a silent car after the configured timeouts, in simulated time', async () => {
    const { int8 } = await fixtureInput();
    const clock = new SimulatedClock();
    const r = await uploadPack({ clock, pack: int8, maxReconnects: 2, timeouts: { replyMs: 500, attempts: 3 }, connect: async () => createLinkPair({ clock }).host });
    expect(r.outcome).toBe('failed');
    expect(r.error).toEqual({ kind: 'timeout', message: 'no reply to HELLO after 3 tries of 500 ms' });
    expect(r.elapsedMs).toBe(3 * 3 * 500);
    expect(r.message).toMatch(/The car keeps its previous model\.$/);
  });

  it('takes a predictable time over serial and BLE (figures in docs/car-protocol.md §8)', async () => {
    const { float32, int8 } = await fixtureInput();
    const lines: string[] = [];
    for (const [name, link] of Object.entries({ serial115200: LINKS.serial115200, ble20: LINKS.ble20, ble244: LINKS.ble244 })) {
      for (const [label, pack] of [['float32', float32], ['int8', int8]] as const) {
        const clock = new SimulatedClock();
        const car = new VirtualCar({ clock });
        const r = await uploadPack({ clock, pack, connect: async () => car.connect({ link }) });
        expect(r.outcome).toBe('switched');
        // lower bound: the DATA frames' wire bytes at the link's rate
        const chunk = 512;
        const frames = Math.ceil(pack.length / chunk);
        const wire = frames * (cobsMaxEncodedLength(chunk + FRAME_OVERHEAD + 4) + 1);
        const bound = link.maxWriteSize >= wire / frames ? (wire * 1000) / link.bytesPerSecond : Math.ceil(wire / frames / link.maxWriteSize) * frames * link.perWriteMs;
        // plus HELLO, BEGIN, VERIFY and SWITCH: a round trip each
        const roundTrip = 2 * (link.latencyMs + link.perWriteMs + (100 * 1000) / link.bytesPerSecond);
        expect(r.elapsedMs).toBeGreaterThan(bound * 0.95);
        expect(r.elapsedMs).toBeLessThan(bound * 1.1 + 5 * roundTrip);
        lines.push(`${name} ${label} ${pack.length} B: ${(r.elapsedMs / 1000).toFixed(2)} s`);
      }
    }
    console.log(`upload times (simulated): ${lines.join('; ')}`);
  });

  it('keeps slots apart: the active slot is never written during an upload', async () => {
    const { float32, int8, other } = await fixtureInput();
    const clock = new SimulatedClock();
    const car = new VirtualCar({ clock });
    await uploadPack({ clock, pack: float32, connect: async () => car.connect() });
    const active = car.store.activeSlot()!;
    const writes: { slot: number; active: number | null }[] = [];
    const append = car.store.append.bind(car.store);
    car.store.append = (slot, bytes) => (writes.push({ slot, active: car.store.activeSlot() }), append(slot, bytes));
    await uploadPack({ clock, pack: int8, connect: async () => car.connect() });
    expect(car.store.activeSlot()).toBe(1 - active);
    await uploadPack({ clock, pack: other, connect: async () => car.connect() });
    expect(car.store.activeSlot()).toBe(active);
    expect(writes.length).toBeGreaterThan(20);
    expect(writes.filter((w) => w.slot === w.active)).toEqual([]);
    expect(toHex(car.device.activePack!.hash)).toBe(toHex(other.subarray(other.length - 32)));
  });
});
