import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy, parseNpy, trackDataFromNpy } from '../../src/track/npy';
import { Track } from '../../src/track/track';
import { generatedLoop } from '../../src/cli/loop-npy';
import { limitLap } from '../../src/race/limit-lap';
import { driveLimitLap } from '../../src/race/line-driver';

describe('encodeNpy', () => {
  it('writes what numpy.save writes: a simapp route file comes back byte for byte', () => {
    const bytes = new Uint8Array(readFileSync(join(__dirname, '../fixtures/tracks-npy/Oval_track.npy')));
    const a = parseNpy(bytes);
    expect(encodeNpy(a.shape, a.data)).toEqual(bytes);
  });

  it('refuses data that does not fill the shape', () => {
    expect(() => encodeNpy([2, 6], [1, 2, 3])).toThrow(/shape \(2, 6\) needs 12 values, got 3/);
  });
});

describe('generatedLoop: route files of tracks the project does not ship', () => {
  it.each([1, 4])('seed %i: a counter-clockwise loop the importer reads, whose limit lap the scripted driver follows', (seed) => {
    const rows = generatedLoop(seed);
    expect(generatedLoop(seed)).toEqual(rows);
    const data = trackDataFromNpy(encodeNpy([rows.length, 6], rows.flat()), `loop-${seed}`);
    expect(data).toMatchObject({ loop: true, direction: 'ccw' });
    expect(data.lengthM).toBeCloseTo(20, 1);
    expect(data.widthM).toBeCloseTo(0.76, 2);
    const track = new Track(data);
    const lap = limitLap(track);
    const drive = driveLimitLap(track, lap);
    expect(drive.status).toBe('lap_complete');
    expect(drive.wheelsOffSteps).toBe(0);
    expect(drive.lapTimeS!).toBeLessThan(lap.lapTimeS * 1.1);
  });
});
