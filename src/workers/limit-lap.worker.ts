/**
 * Limit-lap worker: computes a track's limit lap (`race/limit-lap.ts`, tens to hundreds of milliseconds) off the
 * page's thread. Stateless; the client keeps the results.
 */
import * as Comlink from 'comlink';
import { Track } from '../track/track';
import type { TrackData } from '../track/track-data';
import { limitLap, limitSectorTimes, type LimitLap } from '../race/limit-lap';

export interface LimitLapReply {
  lap: LimitLap;
  /** The limit's time in each of the 10 sectors of the analysis, s. */
  sectorTimesS: number[];
}

const api = {
  /** @throws Error for a track the limit lap cannot be computed on (shorter than 1 m). */
  compute(data: TrackData, reversed: boolean): LimitLapReply {
    const track = new Track(data, reversed);
    const lap = limitLap(track);
    const reply = { lap, sectorTimesS: limitSectorTimes(lap, track) };
    const buffers = [lap.xs, lap.ys, lap.offsets, lap.curvature, lap.speeds, lap.times, lap.along].map((a) => a.buffer as ArrayBuffer);
    return Comlink.transfer(reply, buffers);
  },
};

export type LimitLapWorker = typeof api;
Comlink.expose(api);
