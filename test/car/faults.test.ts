import { describe, expect, it } from 'vitest';
import { fixtureSource } from './fixture';
import { buildPack } from '../../src/car/pack-build';
import { runFaultInjection, DEFAULT_FAULTS } from '../../src/car/fault-run';
import { SimulatedClock } from '../../src/car/clock';
import { VirtualCar } from '../../src/car/virtual-car';
import { uploadPack } from '../../src/car/host';
import { LINKS } from '../../src/car/stream';
import { Rng } from '../../src/sim/rng';

describe('uploads over a faulty link', () => {
  it('200 seeded uploads end with the new model or the previous one, never a corrupt one', async () => {
    const source = fixtureSource();
    const s = await runFaultInjection({
      uploads: 200,
      seed: 11,
      makePack: (i) => buildPack(source, { name: `upload ${i}`, weightType: i % 2 ? 'int8' : 'float32' }),
    });
    expect(s.corrupt).toBe(0);
    expect(s.misreported).toBe(0);
    expect(s.verified + s.keptPrevious).toBe(200);
    expect(s.verified).toBeGreaterThan(180);
    // the faults did happen, in both kinds that matter most
    expect(s.faults.cuts).toBeGreaterThan(10);
    expect(s.faults.forged).toBeGreaterThan(0);
    expect(s.faults.dropped + s.faults.duplicated + s.faults.reordered + s.faults.flipped).toBeGreaterThan(500);
    // every resume started where the car said it stood
    expect(s.resumes).toBeGreaterThan(10);
    expect(s.resumesAtReportedOffset).toBe(s.resumes);
  });

  it('is deterministic: the same seed gives the same run', async () => {
    const source = fixtureSource();
    const run = () => runFaultInjection({ uploads: 20, seed: 5, faults: { ...DEFAULT_FAULTS, cut: 0.02 }, makePack: (i) => buildPack(source, { name: `u${i}`, weightType: 'int8' }) });
    expect(await run()).toEqual(await run());
  });

  it('a forged DATA frame (CRC recomputed) is caught by the SHA-256 and the previous model stays', async () => {
    const source = fixtureSource();
    const clock = new SimulatedClock();
    const car = new VirtualCar({ clock });
    const first = await buildPack(source, { name: 'first' });
    const second = await buildPack(source, { name: 'second', weightType: 'int8' });
    await uploadPack({ clock, pack: first, connect: async () => car.connect() });
    const rng = new Rng(1);
    const r = await uploadPack({ clock, pack: second, hashRetries: 0, connect: async () => car.connect({ faults: { forge: 1 }, rng }) });
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/HASH_MISMATCH: received bytes hash to [0-9a-f]{16}…, expected [0-9a-f]{16}…; upload discarded, the active model is unchanged/);
    expect(car.activeModelBytes()).toEqual(first);
  });

  it('after a cut the upload continues from the offset the car reports, not from zero', async () => {
    const source = fixtureSource();
    const pack = await buildPack(source, { name: 'resume' });
    const clock = new SimulatedClock();
    const car = new VirtualCar({ clock });
    let connections = 0;
    const r = await uploadPack({
      clock,
      pack,
      // the first connection drops 1 s in (about 11 KB of the 25 KB pack at 115200 baud)
      connect: async () => {
        const stream = car.connect({ link: LINKS.serial115200 });
        if (connections++ === 0) clock.setTimeout(() => stream.close('cable pulled'), 1000);
        return stream;
      },
    });
    expect(r.outcome).toBe('switched');
    expect(r.reconnects).toBe(1);
    const [resume] = r.resumes;
    expect(resume.helloOffset).toBeGreaterThan(8000);
    expect(resume.beginOffset).toBe(resume.helloOffset);
    expect(resume.firstDataOffset).toBe(resume.helloOffset);
    // nothing before the reported offset was sent twice
    expect(r.dataBytesSent - r.retransmittedBytes).toBe(pack.length);
    expect(r.dataBytesSent).toBeLessThan(pack.length + 16 * 512);
  });
});
