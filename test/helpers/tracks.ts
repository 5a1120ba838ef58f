import { loadTrack, loadTrackData } from '../../src/track/node/track-files';
import type { Track } from '../../src/track/track';
import type { TrackData } from '../../src/track/track-data';

const cache = new Map<string, Track>();

/** A shipped track by name, built once per test file. */
export function shippedTrack(name: string): Track {
  let t = cache.get(name);
  if (!t) {
    t = loadTrack(name);
    cache.set(name, t);
  }
  return t;
}

/** A square loop track of centre side 4 m and width 1 m, centred on (2, 2), counter-clockwise. */
export function squareTrackData(): TrackData {
  const c = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]];
  const inner = [[0.5, 0.5], [3.5, 0.5], [3.5, 3.5], [0.5, 3.5], [0.5, 0.5]];
  const outer = [[-0.5, -0.5], [4.5, -0.5], [4.5, 4.5], [-0.5, 4.5], [-0.5, -0.5]];
  return {
    name: 'square', displayName: 'Square', note: '', source: 'test', license: 'test', units: 'm', loop: true,
    direction: 'ccw', lengthM: 16, widthM: 1, columns: ['center_x', 'center_y', 'inner_x', 'inner_y', 'outer_x', 'outer_y'],
    waypoints: c.map((p, i) => [p[0], p[1], inner[i][0], inner[i][1], outer[i][0], outer[i][1]]),
  };
}

export { loadTrackData };
