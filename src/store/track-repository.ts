/**
 * `TrackStore`: tracks imported from DeepRacer route files (`.npy`), kept in IndexedDB and shown in the track
 * picker beside the shipped ones. A model trained on one carries its own copy of the geometry
 * (`ModelRecord.trackData`), so deleting an imported track never breaks a model.
 */
import type { TrackData } from '../track/track-data';
import { RacelineDb } from './db';
import { checkWrite, guard, restoreAll, type ReadReport } from './guard';
import { newId, type TrackRecord } from './records';

/**
 * A name no track in `taken` has: `name` itself, else `name_2`, `name_3`, ... (shipped names count as taken, so
 * an imported `reinvent_base.npy` becomes `reinvent_base_2` and never hides the shipped track).
 */
export function uniqueTrackName(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(name)) return name;
  for (let k = 2; ; k++) if (!used.has(`${name}_${k}`)) return `${name}_${k}`;
}

export class TrackStore {
  constructor(readonly db: RacelineDb) {}

  /**
   * Keeps an imported track.
   * @param data a track that passed `parseTrackData` or `trackDataFromNpy`; its `name` must be unique (see
   *   {@link uniqueTrackName}).
   * @returns the record written.
   * @throws InvalidRecordError when the geometry is invalid; StorageFullError and the other store errors.
   */
  async add(data: TrackData): Promise<TrackRecord> {
    const record = checkWrite({ type: 'track', version: 1, id: newId('track'), createdAt: Date.now(), data }, 'track', `track "${data?.name}"`);
    await guard(`saving track "${data.name}"`, 'the track', () => this.db.tracks.add(record));
    return record;
  }

  /** Every imported track, oldest first, and an error for each unreadable one. */
  async list(): Promise<ReadReport<TrackRecord>> {
    const raws = await guard('listing imported tracks', 'the track', () => this.db.tracks.orderBy('createdAt').toArray());
    return restoreAll(raws, 'track');
  }

  /** Deletes an imported track (models trained on it keep their copy). @returns whether it was there. */
  async delete(id: string): Promise<boolean> {
    return guard(`deleting track "${id}"`, 'the deletion', async () => {
      const n = await this.db.tracks.where('id').equals(id).count();
      await this.db.tracks.delete(id);
      return n > 0;
    });
  }
}
