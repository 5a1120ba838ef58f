/**
 * The browser's storage manager (https://storage.spec.whatwg.org/): ask that IndexedDB data be kept under storage
 * pressure, and read how much is used. Both are safe where `navigator.storage` is missing (old browsers, insecure
 * contexts, Node).
 */

/** The part of `StorageManager` used here. */
interface StorageManagerLike {
  persisted?: () => Promise<boolean>;
  persist?: () => Promise<boolean>;
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
}

function storageManager(): StorageManagerLike | null {
  const nav = (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator;
  return nav?.storage ?? null;
}

/**
 * Asks the browser to keep this site's storage even under storage pressure (`navigator.storage.persist()`), unless
 * it already does (`persisted()` is checked first, so no prompt is shown twice).
 * @returns `granted` when storage is (now) persistent, `denied` when the browser said no or the call failed,
 *   `unsupported` when the Storage API is missing. Never throws: persistence is a request, not a guarantee.
 */
export async function requestPersistentStorage(): Promise<'granted' | 'denied' | 'unsupported'> {
  const storage = storageManager();
  if (!storage || typeof storage.persist !== 'function') return 'unsupported';
  try {
    if (typeof storage.persisted === 'function' && (await storage.persisted())) return 'granted';
    return (await storage.persist()) ? 'granted' : 'denied';
  } catch {
    // Firefox and Safari can reject outside a user gesture or in private windows: that is a "no".
    return 'denied';
  }
}

/**
 * How much storage this site uses and may use (`navigator.storage.estimate()`), bytes. Browsers round and pad
 * these figures; treat them as estimates.
 * @returns `{ usage, quota }` in bytes (0 where the browser leaves one out), or null when the Storage API is missing
 *   or the call failed. Never throws.
 */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  const storage = storageManager();
  if (!storage || typeof storage.estimate !== 'function') return null;
  try {
    const { usage, quota } = await storage.estimate();
    return { usage: Number.isFinite(usage) ? (usage as number) : 0, quota: Number.isFinite(quota) ? (quota as number) : 0 };
  } catch {
    return null;
  }
}
