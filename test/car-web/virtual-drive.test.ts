/**
 * The virtual car in the page: after an upload over the in-memory link, it drives re:Invent 2018 with
 * the uploaded pack on the simulator's observations, laps it, and reports telemetry over its link.
 */
import { describe, expect, it } from 'vitest';
import { fixtureInput } from '../car/fixture';
import { loadTrackData } from '../helpers/tracks';
import { realClock, SimulatedClock } from '../../src/car/clock';
import { SIMULATOR_SENSORS, VirtualCar } from '../../src/car/virtual-car';
import { buildPack } from '../../src/car/pack-build';
import { actionSpace, networkFor } from '../car/embedder-nets';
import type { SensorName } from '../../src/sim/observation';
import { uploadPack } from '../../src/car/host';
import { LINKS } from '../../src/car/stream';
import { VirtualDrive } from '../../src/car-web/virtual-drive';
import { openTelemetry } from '../../src/car-web/telemetry';
import { detectTransports, NO_TRANSPORT_EXPLANATION, virtualCarLink } from '../../src/car-web/transports';
import type { Telemetry } from '../../src/car/protocol';
import { CONTROL_HZ } from '../../src/sim/racing-env';

describe('the virtual car drives the track with the uploaded model', () => {
  it('does nothing without a model, then laps re:Invent 2018 with the fixture model’s float32 pack', async () => {
    const { float32 } = await fixtureInput();
    const clock = new SimulatedClock();
    const car = new VirtualCar({ clock });
    const drive = new VirtualDrive(car, loadTrackData('reinvent_base'));
    expect(drive.step()).toBe(false);
    expect(drive.advance(1000)).toBe(0);
    const r = await uploadPack({ clock, pack: float32, connect: async () => car.connect({ link: LINKS.serial115200 }) });
    expect(r.outcome).toBe('switched');
    expect(drive.reset()).toBe(true);
    const start = drive.poses();
    const t0 = performance.now();
    let steps = 0;
    while (drive.laps === 0 && steps < 1500) {
      expect(drive.step()).toBe(true);
      steps++;
    }
    const usPerStep = ((performance.now() - t0) * 1000) / steps;
    expect(drive.laps).toBe(1);
    expect(drive.lastEnd).toMatchObject({ status: 'lap_complete', progress: 100 });
    expect(drive.lastEnd!.lapTimeS).toBeGreaterThan(10);
    // the car restarted from the start line for the next lap
    expect(drive.progress).toBe(0);
    expect(Math.hypot(drive.poses()[0] - start[0], drive.poses()[1] - start[1])).toBeLessThan(0.01);
    expect(drive.trail().length).toBe(600);
    // cost of a control step once warm (the first lap includes the JIT's warm-up)
    const t1 = performance.now();
    for (let k = 0; k < 300; k++) drive.step();
    const warmUs = ((performance.now() - t1) * 1000) / 300;
    console.log(`virtual car: first lap after ${steps} control steps (${(steps / CONTROL_HZ).toFixed(1)} s simulated); µs per control step (sim + pack inference): ${usPerStep.toFixed(0)} over the first lap, ${warmUs.toFixed(0)} warm`);
    expect(usPerStep).toBeLessThan(1e6 / CONTROL_HZ / 10); // µs: far below a control step's 67 ms
  });

  it('advance() runs the steps real time calls for, at most 8 at once and within its time budget', async () => {
    const { int8 } = await fixtureInput();
    const clock = new SimulatedClock();
    const car = new VirtualCar({ clock });
    await uploadPack({ clock, pack: int8, connect: async () => car.connect() });
    const drive = new VirtualDrive(car, loadTrackData('reinvent_base'));
    expect(drive.advance(1000 / CONTROL_HZ - 1)).toBe(0);
    expect(drive.advance(2)).toBe(1);
    expect(drive.advance(10_000, Infinity)).toBe(8); // a long pause (background tab) does not make the car race
    expect(drive.steps).toBe(9);
    expect(drive.advance(10_000, 0)).toBe(1); // past its wall-time budget it drops the rest (slow motion, not a frozen page)
    expect(drive.advance(1000 / CONTROL_HZ - 1, Infinity)).toBe(0);
    expect(drive.speed).toBeGreaterThan(0);
    expect(car.measured.speed).toBe(drive.speed);
  });

  it('drives LiDAR and camera packs on the simulator\'s own sensors (the page\'s virtual car has them all)', async () => {
    const clock = new SimulatedClock();
    const car = new VirtualCar({ clock, sensors: [...SIMULATOR_SENSORS], slotCapacity: 32 << 20 });
    for (const sensors of [['TRACK_GEOMETRY', 'LIDAR'], ['SECTOR_LIDAR'], ['FRONT_FACING_CAMERA']] as SensorName[][]) {
      const { spec, weights } = networkFor(sensors, 2);
      const pack = await buildPack({ spec, weights, actionSpace, sensorNames: sensors }, { weightType: 'int8' });
      expect((await uploadPack({ clock, pack, connect: async () => car.connect() })).outcome, sensors.join('+')).toBe('switched');
      const drive = new VirtualDrive(car, loadTrackData('reinvent_base'));
      for (let i = 0; i < 3; i++) expect(drive.step()).toBe(true);
      expect(drive.steps).toBe(3);
      expect(car.device.activePack?.sensors.map((s) => s.name)).toEqual(sensors);
    }
  });

  it('a new model switched in mid-drive takes over at once, from the start line', async () => {
    const { float32, int8 } = await fixtureInput();
    const clock = new SimulatedClock();
    const car = new VirtualCar({ clock });
    await uploadPack({ clock, pack: float32, connect: async () => car.connect() });
    const drive = new VirtualDrive(car, loadTrackData('reinvent_base'));
    for (let k = 0; k < 50; k++) drive.step();
    expect(drive.progress).toBeGreaterThan(0);
    await uploadPack({ clock, pack: int8, connect: async () => car.connect() });
    drive.step();
    expect(drive.progress).toBeLessThan(1);
    expect(car.device.activePack!.weightType).toBe('int8');
  });

  it('sends telemetry over its link while it drives: speed, steering and action of each control step', async () => {
    const { float32 } = await fixtureInput();
    const car = new VirtualCar({ clock: realClock });
    const link = virtualCarLink(car, LINKS.instant);
    expect(link.label).toBe('Virtual car (simulated instant)');
    await uploadPack({ clock: realClock, pack: float32, connect: () => link.connect() });
    const seen: Telemetry[] = [];
    const feed = await openTelemetry(link, realClock, { periodMs: 1, onTelemetry: (t) => seen.push(t) });
    const drive = new VirtualDrive(car, loadTrackData('reinvent_base'));
    // telemetry is sent at each control step, with the action just chosen and the speed measured so far
    const sent: { speed: number; action: number; steering: number }[] = [];
    for (let k = 0; k < 30; k++) {
      const speed = drive.speed;
      drive.step();
      sent.push({ speed, action: car.device.lastAction!.index, steering: car.device.lastAction!.steering_angle });
      await new Promise((r) => setTimeout(r, 2));
    }
    feed.close();
    expect(seen.length).toBeGreaterThan(10);
    for (const t of seen) {
      expect(sent.some((s) => s.action === t.action && Math.abs(s.steering - t.steering) < 1e-4 && Math.abs(s.speed - t.speed) < 1e-4)).toBe(true);
    }
    expect(seen.some((t) => t.speed > 0.2)).toBe(true);
  });
});

describe('transport detection', () => {
  it('offers what the browser has, and explains when it has neither', () => {
    expect(detectTransports({ serial: {} as never, bluetooth: {} as never })).toEqual({ serial: true, bluetooth: true, explanation: null });
    expect(detectTransports({ serial: {} as never })).toEqual({ serial: true, bluetooth: false, explanation: null });
    expect(detectTransports({ bluetooth: {} as never })).toMatchObject({ serial: false, bluetooth: true });
    expect(detectTransports({ userAgent: 'Safari' })).toEqual({ serial: false, bluetooth: false, explanation: NO_TRANSPORT_EXPLANATION });
    expect(detectTransports(undefined).explanation).toBe(NO_TRANSPORT_EXPLANATION);
    expect(NO_TRANSPORT_EXPLANATION).toMatch(/download the car pack/);
  });
});
