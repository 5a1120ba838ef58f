/**
 * The shipped tracks in the browser: every `tracks/*.json` bundled by Vite, validated once.
 * (Node tools read the same files from disk: `src/track/node/track-files.ts`.)
 */
import { parseTrackData, type TrackData } from '../track/track-data';

const files = import.meta.glob('../../tracks/*.json', { eager: true, import: 'default' }) as Record<string, unknown>;

/** Shipped tracks by name, sorted by display name; re:Invent 2018 (`reinvent_base`) is the default. */
export const SHIPPED_TRACKS: readonly TrackData[] = Object.entries(files)
  .map(([path, json]) => parseTrackData(json, path.split('/').pop()!))
  .sort((a, b) => a.displayName.localeCompare(b.displayName));

export const DEFAULT_TRACK = 'reinvent_base';

/** @throws Error naming the shipped tracks when `name` is unknown. */
export function shippedTrack(name: string): TrackData {
  const t = SHIPPED_TRACKS.find((x) => x.name === name);
  if (!t) throw new Error(`unknown track '${name}': shipped tracks are ${SHIPPED_TRACKS.map((x) => x.name).join(', ')}`);
  return t;
}
