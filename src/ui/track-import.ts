/** Importing a DeepRacer route file (`.npy`) from the page into the imported tracks. */
import { trackDataFromNpy } from '../track/npy';
import { TrackFormatError, type TrackData } from '../track/track-data';
import { StoreError } from '../store/errors';
import { uniqueTrackName, type TrackStore } from '../store/track-repository';

/** Largest route file accepted, bytes (the shipped routes are under 20 KB; 10,000 rows are 480 KB). */
export const MAX_NPY_BYTES = 8 * 1024 * 1024;

/**
 * Reads a `.npy` route file, names it so that it hides no other track (`Oval_track` → `Oval_track_2` when taken)
 * and keeps it.
 * @param taken names of the tracks already known (shipped and imported).
 * @returns the stored track, or the message saying what is wrong with the file or the storage.
 */
export async function importTrackFile(file: File, store: TrackStore, taken: readonly string[]): Promise<{ ok: true; track: TrackData } | { ok: false; message: string }> {
  if (!/\.npy$/i.test(file.name)) {
    return { ok: false, message: `${file.name}: not a route file. Choose a DeepRacer route file ending in .npy (an (N, 6) array of centre, inner and outer x/y in metres).` };
  }
  if (file.size > MAX_NPY_BYTES) {
    return { ok: false, message: `${file.name}: ${(file.size / 1e6).toFixed(1)} MB is too large for a route file (at most ${MAX_NPY_BYTES / 1024 / 1024} MiB); check that it is a DeepRacer route.` };
  }
  try {
    const data = trackDataFromNpy(new Uint8Array(await file.arrayBuffer()), file.name);
    const name = uniqueTrackName(data.name, taken);
    const track: TrackData = { ...data, name, displayName: name === data.name ? data.displayName : `${data.displayName} (imported)` };
    await store.add(track);
    return { ok: true, track };
  } catch (e) {
    if (e instanceof TrackFormatError || e instanceof StoreError) return { ok: false, message: e.message };
    throw e;
  }
}
