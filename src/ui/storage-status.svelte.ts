/**
 * How much of the browser's storage Raceline uses and may use (`navigator.storage.estimate`), and whether the
 * browser was asked to keep it under storage pressure (`navigator.storage.persist`). Shown in the garage.
 */
import { requestPersistentStorage, storageEstimate } from '../store/storage';

/** Estimates are refreshed at most this often, ms (a training run writes a checkpoint every iteration). */
const REFRESH_MS = 2000;

export class StorageStatus {
  /** Bytes used by this site; null until known or where the browser cannot say. */
  usage = $state<number | null>(null);
  /** Bytes this site may use; null until known. */
  quota = $state<number | null>(null);
  /** False until the first estimate came back. */
  checked = $state(false);
  /** The browser's answer to the persistence request; null before asking. */
  persistence = $state<'granted' | 'denied' | 'unsupported' | null>(null);

  private last = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** Reads the estimate and asks for persistent storage (once; browsers remember the answer). */
  async open(): Promise<void> {
    await this.refresh(true);
    this.persistence = await requestPersistentStorage();
  }

  /** Asks again for persistent storage (some browsers grant it only after a click). */
  async askPersistence(): Promise<void> {
    this.persistence = await requestPersistentStorage();
  }

  /** Reads the estimate again, at most every REFRESH_MS unless `now`. */
  async refresh(now = false): Promise<void> {
    const wait = this.last + REFRESH_MS - Date.now();
    if (!now && wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = null;
        void this.refresh(true);
      }, wait);
      return;
    }
    this.last = Date.now();
    const e = await storageEstimate();
    this.usage = e?.usage ?? null;
    this.quota = e && e.quota > 0 ? e.quota : null;
    this.checked = true;
  }
}
