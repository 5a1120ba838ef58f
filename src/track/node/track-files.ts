/**
 * Loads a track in Node for the headless tools: a shipped track by name (`tracks/<name>.json`)
 * or a DeepRacer route file by path (`*.npy`). Node only (`node:fs`): the CLI, `car/node/` and the tests use it;
 * the page bundles the shipped tracks with Vite instead (src/ui/tracks.ts).
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Track } from '../track';
import { parseTrackData, type TrackData } from '../track-data';
import { trackDataFromNpy } from '../npy';

/** Folder of the shipped tracks. */
export const TRACKS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../tracks');

/** Names of the shipped tracks, sorted. */
export function shippedTrackNames(): string[] {
  return readdirSync(TRACKS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/**
 * @param nameOrPath a shipped track's name (e.g. `reinvent_base`), or a path to a `.npy` route file or track `.json`.
 * @throws Error naming the shipped tracks when the name is unknown; TrackFormatError for a malformed file.
 */
export function loadTrackData(nameOrPath: string): TrackData {
  if (nameOrPath.endsWith('.npy')) {
    if (!existsSync(nameOrPath)) throw new Error(`route file not found: ${nameOrPath}`);
    return trackDataFromNpy(new Uint8Array(readFileSync(nameOrPath)), basename(nameOrPath, '.npy'));
  }
  const file = nameOrPath.endsWith('.json') ? nameOrPath : resolve(TRACKS_DIR, `${nameOrPath}.json`);
  if (!existsSync(file)) {
    throw new Error(`unknown track '${nameOrPath}': use one of ${shippedTrackNames().join(', ')}, or a path to a DeepRacer .npy route file`);
  }
  return parseTrackData(JSON.parse(readFileSync(file, 'utf8')), basename(file));
}

/** Loads and builds a Track (see `loadTrackData`). */
export function loadTrack(nameOrPath: string, reversed = false): Track {
  return new Track(loadTrackData(nameOrPath), reversed);
}
