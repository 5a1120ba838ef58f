/**
 * The Web Bluetooth transport (Nordic UART Service) against a fake BLE car wired to the core's virtual
 * car: the write-size probe on links of different ATT payloads (long writes refused or cut short), the
 * 20-byte floor, a lost connection (reconnect and resume), and errors that name the failed step.
 */
import { describe, expect, it } from 'vitest';
import { fixtureInput } from '../car/fixture';
import { realClock } from '../../src/car/clock';
import { VirtualCar } from '../../src/car/virtual-car';
import { uploadPack } from '../../src/car/host';
import { BLE_WRITE_FLOOR, openNusStream } from '../../src/car-web/ble-stream';
import { requestBluetoothLink } from '../../src/car-web/transports';
import { FakeBleCar, type LongWrite } from './fakes';

const bluetoothOf = (device: FakeBleCar) => ({ requestDevice: async () => device });

describe('Web Bluetooth transport (fake NUS car → virtual car)', () => {
  const cases: { payload: number; longWrite: LongWrite; expected: number }[] = [
    { payload: 244, longWrite: 'throw', expected: 244 }, // MTU 247
    { payload: 509, longWrite: 'throw', expected: 244 }, // MTU 512: 244 is the largest candidate
    { payload: 185, longWrite: 'throw', expected: 182 }, // older macOS: 244 refused
    { payload: 20, longWrite: 'throw', expected: BLE_WRITE_FLOOR }, // no MTU exchange, long writes refused
    { payload: 20, longWrite: 'truncate', expected: BLE_WRITE_FLOOR }, // no MTU exchange, long writes cut short
    { payload: 200, longWrite: 'truncate', expected: 182 },
  ];
  for (const c of cases) {
    it(`ATT payload ${c.payload}, longer writes ${c.longWrite === 'throw' ? 'refused' : 'cut short'}: probes ${c.expected}-byte writes, then uploads with none longer`, async () => {
      const { int8 } = await fixtureInput();
      const car = new VirtualCar({ clock: realClock });
      const device = new FakeBleCar(car, c.payload, c.longWrite);
      const stream = await openNusStream(device, { probeTimeoutMs: 1000 });
      expect(stream.writeSize).toBe(c.expected);
      const afterProbe = device.attempted.length;
      const r = await uploadPack({ clock: realClock, pack: int8, connect: async () => stream });
      expect(r).toMatchObject({ ok: true, outcome: 'switched', reconnects: 0 });
      const uploadWrites = device.attempted.slice(afterProbe);
      expect(Math.max(...uploadWrites)).toBe(c.expected);
      expect(uploadWrites.every((n) => n <= c.payload)).toBe(true);
      expect(car.activeModelBytes()).toEqual(int8);
    });
  }

  it('a probe that was cut short leaves the car nothing but filler (no bad frame, no request)', async () => {
    const car = new VirtualCar({ clock: realClock });
    const device = new FakeBleCar(car, 20, 'truncate');
    await openNusStream(device, { probeTimeoutMs: 1000 });
    expect(device.delivered).toEqual([20, 20]); // the 244- and 182-byte probes, cut to their first 20 (zero) bytes
    expect(car.device.stats).toMatchObject({ frames: 0, badFrames: 0 });
  });

  it('steps the write size down when a write is refused later, and closes at the floor', async () => {
    const car = new VirtualCar({ clock: realClock });
    const device = new FakeBleCar(car, 244, 'throw');
    const stream = await openNusStream(device, { probeTimeoutMs: 1000 });
    expect(stream.writeSize).toBe(244);
    device.attPayload = 100; // the link renegotiated
    await stream.write(new Uint8Array(300).fill(0));
    expect(stream.writeSize).toBe(BLE_WRITE_FLOOR);
    device.attPayload = 10;
    const reasons: string[] = [];
    stream.onClose((r) => reasons.push(r));
    await expect(stream.write(new Uint8Array(30))).rejects.toThrow(/GATT operation failed/);
    await Promise.resolve();
    expect(stream.closed).toBe(true);
    expect(reasons).toEqual(['Bluetooth write failed: GATT operation failed for unknown reason.']);
  });

  it('a lost connection: the uploader reconnects (GATT again, the write size found before tried first) and resumes at the car’s offset', async () => {
    const { float32 } = await fixtureInput();
    const car = new VirtualCar({ clock: realClock });
    const device = new FakeBleCar(car, 185, 'throw');
    const link = await requestBluetoothLink(bluetoothOf(device), { probeTimeoutMs: 1000 });
    expect(link.label).toBe('Bluetooth: Raceline-test');
    let dropped = false;
    const r = await uploadPack({
      clock: realClock,
      pack: float32,
      connect: () => link.connect(),
      onProgress: (p) => {
        if (!dropped && p.phase === 'sending' && p.ackedBytes > 10_000) {
          dropped = true;
          device.dropConnection();
        }
      },
    });
    expect(r).toMatchObject({ ok: true, outcome: 'switched', reconnects: 1 });
    expect(r.resumes[0].beginOffset).toBeGreaterThan(10_000);
    expect(r.resumes[0].firstDataOffset).toBe(r.resumes[0].beginOffset);
    expect(device.connects).toBe(2);
    expect(link.writeSize()).toBe(182);
    // the second connection probed 182 first: no refused 244-byte write after the first connection's probe
    expect(device.attempted.filter((n) => n === 244)).toHaveLength(1);
    expect(car.activeModelBytes()).toEqual(float32);
  });

  it('names the step that failed and leaves GATT disconnected', async () => {
    const car = new VirtualCar({ clock: realClock });
    const device = new FakeBleCar(car);
    device.gatt.getPrimaryService = async () => Promise.reject(Object.assign(new Error('No Services matching UUID found in Device.'), { name: 'NotFoundError' }));
    await expect(openNusStream(device)).rejects.toThrow('Bluetooth: finding the Nordic UART Service failed (No Services matching UUID found in Device.). Check that the car is on and close by, then try again.');
    expect(device.gatt.connected).toBe(false);
    const cancelled = { requestDevice: async () => Promise.reject(Object.assign(new Error('User cancelled the requestDevice() chooser.'), { name: 'NotFoundError' })) };
    await expect(requestBluetoothLink(cancelled)).rejects.toThrow('No Bluetooth car was chosen.');
  });
});
