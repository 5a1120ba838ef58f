/**
 * The car's limit lap on a track as a rune (for components): computed in the limit-lap worker when the track
 * changes, null until it is known or when it cannot be computed. Call during a component's initialisation.
 * The worker starts once the studio has read storage (first-work.ts).
 */
import type { TrackData } from '../track/track-data';
import { limitLapOf } from '../workers/limit-lap-client';
import type { LimitLapReply } from '../workers/limit-lap.worker';
import type { LimitLap } from '../race/limit-lap';
import { afterFirstWork } from './first-work';

/**
 * @param track reads the track (reactively); null for none.
 * @returns an object whose `value` is the limit lap and its sector times, or null.
 */
export function trackLimit(track: () => TrackData | null, reversed: () => boolean = () => false): { readonly value: LimitLapReply | null } {
  let value = $state.raw<LimitLapReply | null>(null);
  $effect(() => {
    value = null;
    const data = track();
    if (!data) return;
    let live = true;
    const rev = reversed();
    afterFirstWork().then(() => (live ? limitLapOf(data, rev) : null)).then(
      (r) => {
        if (live && r) value = r;
      },
      () => {},
    );
    return () => {
      live = false;
    };
  });
  return {
    get value() {
      return value;
    },
  };
}

/** A limit lap's racing line as the track views draw it: `[n * 2]` x, y (m), `[n]` speeds (m/s) and the top speed. */
export function racingLineOf(lap: LimitLap): { points: Float32Array; speeds: Float32Array; maxSpeed: number } {
  const points = new Float32Array(lap.xs.length * 2);
  for (let i = 0; i < lap.xs.length; i++) {
    points[2 * i] = lap.xs[i];
    points[2 * i + 1] = lap.ys[i];
  }
  return { points, speeds: Float32Array.from(lap.speeds), maxSpeed: lap.maxSpeed };
}
