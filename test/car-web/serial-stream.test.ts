/**
 * The Web Serial transport against a fake port wired to the core's virtual car: upload, telemetry, a
 * non-fatal read error, a pulled cable (reconnect and resume), a port that will not open.
 */
import { describe, expect, it } from 'vitest';
import { fixtureInput } from '../car/fixture';
import { realClock } from '../../src/car/clock';
import { VirtualCar } from '../../src/car/virtual-car';
import { uploadPack } from '../../src/car/host';
import { toHex } from '../../src/car/byte-io';
import { openSerialStream, SERIAL_SETTINGS } from '../../src/car-web/serial-stream';
import { requestSerialLink } from '../../src/car-web/transports';
import { openTelemetry } from '../../src/car-web/telemetry';
import type { Telemetry } from '../../src/car/protocol';
import { FakeSerialPort } from './fakes';

const serialOf = (port: FakeSerialPort) => ({ requestPort: async () => port });

describe('Web Serial transport (fake port → virtual car)', () => {
  it('opens the port at 115200 8N1 and uploads a pack that the car verifies and switches to', async () => {
    const { float32 } = await fixtureInput();
    const car = new VirtualCar({ clock: realClock });
    const port = new FakeSerialPort(car);
    const link = await requestSerialLink(serialOf(port));
    expect(link.label).toBe('USB serial 303a:1001');
    const r = await uploadPack({ clock: realClock, pack: float32, connect: () => link.connect() });
    expect(r).toMatchObject({ ok: true, outcome: 'switched', reconnects: 0, retransmittedBytes: 0 });
    expect(port.openOptions).toEqual(SERIAL_SETTINGS);
    expect(car.activeModelBytes()).toEqual(float32);
    // uploadPack closed its connection: the port is released (asynchronously) and can be opened again
    await expect.poll(() => port.readable).toBeNull();
    const again = await uploadPack({ clock: realClock, pack: float32, connect: () => link.connect() });
    expect(again.outcome).toBe('already-active');
    expect(port.opens).toBe(2);
  });

  it('carries telemetry while the car drives, and asks the car to stop it on close', async () => {
    const { int8, observations } = await fixtureInput();
    const car = new VirtualCar({ clock: realClock });
    const port = new FakeSerialPort(car);
    const link = await requestSerialLink(serialOf(port));
    await uploadPack({ clock: realClock, pack: int8, connect: () => link.connect() });
    const seen: Telemetry[] = [];
    const feed = await openTelemetry(link, realClock, { periodMs: 1, onTelemetry: (t) => seen.push(t) });
    expect(feed.info.activeSlot).toBe(0);
    for (let k = 0; k < 5; k++) {
      car.drive(observations.subarray(k * 22, (k + 1) * 22));
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen.at(-1)).toMatchObject({ action: car.device.lastAction!.index, activeSlot: 0 });
    expect(seen.at(-1)!.steering).toBeCloseTo(car.device.lastAction!.steering_angle, 5);
    feed.close();
    await new Promise((r) => setTimeout(r, 50));
    const before = seen.length;
    car.drive(observations.subarray(0, 22));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.length).toBe(before);
    expect(port.readable).toBeNull();
  });

  it('keeps reading after a non-fatal read error (a new readable replaces the old one)', async () => {
    const car = new VirtualCar({ clock: realClock });
    const port = new FakeSerialPort(car);
    const stream = await openSerialStream(port);
    const got: number[] = [];
    stream.onData((b) => got.push(...b));
    port.readError();
    await new Promise((r) => setTimeout(r, 10));
    expect(stream.closed).toBe(false);
    const { float32 } = await fixtureInput();
    // a HELLO over the same stream still gets its reply
    const r = await uploadPack({ clock: realClock, pack: float32, connect: async () => stream });
    expect(r.outcome).toBe('switched');
    expect(stream.stats.readErrors).toBe(1);
    expect(got.length).toBeGreaterThan(0);
  });

  it('a pulled cable closes the stream with a reason; the uploader reopens the port and resumes at the car’s offset', async () => {
    const { float32 } = await fixtureInput();
    const car = new VirtualCar({ clock: realClock });
    const port = new FakeSerialPort(car);
    const link = await requestSerialLink(serialOf(port));
    const reasons: string[] = [];
    let pulled = false;
    const r = await uploadPack({
      clock: realClock,
      pack: float32,
      connect: async () => {
        const s = await link.connect();
        s.onClose((why) => reasons.push(why));
        return s;
      },
      onProgress: (p) => {
        if (!pulled && p.phase === 'sending' && p.ackedBytes > 8000) {
          pulled = true;
          port.unplug();
        }
      },
    });
    expect(r).toMatchObject({ ok: true, outcome: 'switched', reconnects: 1 });
    expect(reasons[0]).toMatch(/serial port went away|serial read failed/);
    expect(r.resumes).toHaveLength(1);
    const resume = r.resumes[0];
    expect(resume.beginOffset).toBeGreaterThan(8000);
    expect(resume.firstDataOffset).toBe(resume.beginOffset);
    expect(toHex(car.device.activePack!.hash)).toBe(r.hash);
  });

  it('says what to do when the port will not open, and when the chooser is dismissed', async () => {
    const port = new FakeSerialPort(new VirtualCar({ clock: realClock }));
    port.failNextOpen = 'Failed to open serial port.';
    await expect(openSerialStream(port)).rejects.toThrow('Could not open the serial port (Failed to open serial port.). Close any other program or tab using it (a serial monitor, another Raceline tab) and try again.');
    const cancelled = { requestPort: async () => Promise.reject(Object.assign(new Error('No port selected by the user.'), { name: 'NotFoundError' })) };
    await expect(requestSerialLink(cancelled)).rejects.toThrow('No serial port was chosen.');
  });
});
