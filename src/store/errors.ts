/**
 * The errors the store throws. Every one extends {@link StoreError} and carries a `kind` the UI switches on;
 * the message is already written for the user (what happened, what is safe, what to do).
 *
 * {@link toStoreError} maps whatever IndexedDB or Dexie threw (DOMException, Dexie error, an error wrapping
 * one in `inner` or `cause`) onto these classes, so no raw storage error reaches the UI.
 */

/** What went wrong, for the UI to pick an icon, a colour and the next action. */
export type StoreErrorKind =
  | 'storage-full' // quota exceeded: nothing of this write was kept
  | 'unavailable' // no IndexedDB (private window, blocked by settings, failed to open)
  | 'version' // another tab runs a newer Raceline (newer database schema)
  | 'model-exists' // models are immutable: an id can be saved once
  | 'not-found' // the record asked for is not in the store
  | 'corrupt' // stored bytes fail their checksum or length
  | 'unreadable' // a stored record cannot be restored (unknown type, newer version, missing field)
  | 'invalid' // a record given to a write would not restore; nothing was written
  | 'unknown'; // any other storage failure; `cause` holds the original

/** Base class of every store error. */
export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** The browser refused the write because its storage quota is used up. Nothing of that write was kept. */
export class StorageFullError extends StoreError {
  /** @param subject what was not saved, e.g. `this model`, `the training run`. */
  constructor(subject = 'this model', options?: { cause?: unknown }) {
    super(
      'storage-full',
      `Browser storage is full: ${subject} was not saved. Delete old models or free disk space; everything saved before is intact.`,
      options,
    );
    this.name = 'StorageFullError';
  }
}

/** IndexedDB is missing, blocked or failed to open (private window, settings, broken profile). */
export class StorageUnavailableError extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super(
      'unavailable',
      'Browser storage is unavailable (private window or blocked by settings): models cannot be kept in this session.',
      options,
    );
    this.name = 'StorageUnavailableError';
  }
}

/** The database on disk has a newer schema than this page knows: another tab opened a newer Raceline. */
export class StorageVersionError extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super(
      'version',
      'Another tab has a newer version of Raceline open, so this page can no longer use the saved models. Reload this page; nothing saved was changed.',
      options,
    );
    this.name = 'StorageVersionError';
  }
}

/** A model with this id is already saved; models are immutable, the stored one was left untouched. */
export class ModelExistsError extends StoreError {
  constructor(readonly modelId: string) {
    super(
      'model-exists',
      `A model with id "${modelId}" is already saved and saved models cannot be changed; the stored one was left as it was. Save under a new id (newId('model')).`,
    );
    this.name = 'ModelExistsError';
  }
}

/** No record with this id (or no weights for this model). */
export class RecordNotFoundError extends StoreError {
  constructor(
    readonly recordType: string,
    readonly recordId: string,
  ) {
    super('not-found', `No ${recordType} with id "${recordId}" is saved in this browser.`);
    this.name = 'RecordNotFoundError';
  }
}

/** Stored bytes do not match their checksum or length: the record is damaged and must not be used. */
export class CorruptRecordError extends StoreError {
  constructor(
    readonly recordId: string,
    message: string,
  ) {
    super('corrupt', message);
    this.name = 'CorruptRecordError';
  }
}

/**
 * A stored value cannot be read back as a record: unknown `type`, a `version` newer than this code, a missing
 * or mistyped required field. Thrown by `restore`; `field` names the offending field when there is one.
 */
export class RestoreError extends StoreError {
  constructor(
    message: string,
    readonly recordType: string | null = null,
    readonly recordId: string | null = null,
    readonly field: string | null = null,
  ) {
    super('unreadable', message);
    this.name = 'RestoreError';
  }
}

/** A record passed to a write would not restore (see the cause); nothing was written. */
export class InvalidRecordError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid', message, options);
    this.name = 'InvalidRecordError';
  }
}

/** Names (DOMException or Dexie `errnames`) meaning the quota is used up; the Firefox one is legacy. */
const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);
/** Names meaning another connection has a newer schema. */
const VERSION_NAMES = new Set(['VersionError']);
/** Names meaning IndexedDB cannot be used at all in this context. */
const UNAVAILABLE_NAMES = new Set([
  'MissingAPIError',
  'InvalidStateError',
  'OpenFailedError',
  'SecurityError',
  'DatabaseClosedError',
]);

/** The error and the errors it wraps (Dexie `inner`, standard `cause`), outermost first, at most 8 deep. */
function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let e: unknown = error;
  while (e !== null && e !== undefined && chain.length < 8 && !chain.includes(e)) {
    chain.push(e);
    const obj = typeof e === 'object' ? (e as { inner?: unknown; cause?: unknown }) : null;
    e = obj ? (obj.inner ?? obj.cause) : undefined;
  }
  return chain;
}

function errorName(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string'
    ? (e as { name: string }).name
    : '';
}

/**
 * Maps anything thrown by IndexedDB or Dexie to a {@link StoreError}; a store error (also one wrapped by Dexie)
 * passes through unchanged.
 * Order of precedence over the error and everything it wraps: quota → {@link StorageFullError}; `VersionError`
 * → {@link StorageVersionError}; missing API, `InvalidStateError`, `OpenFailedError`, `SecurityError`, closed
 * database → {@link StorageUnavailableError}; `DataCloneError` → {@link InvalidRecordError}; anything else → `StoreError('unknown')` naming what was being done.
 * The original error is kept as `cause`.
 * @param doing what the store was doing, for the fallback message, e.g. `saving model "m-1"`.
 * @param subject what a full disk failed to save, e.g. `this model`.
 */
export function toStoreError(error: unknown, doing: string, subject = 'this model'): StoreError {
  const chain = errorChain(error);
  const wrapped = chain.find((e) => e instanceof StoreError);
  if (wrapped) return wrapped as StoreError;
  const names = chain.map(errorName);
  if (names.some((n) => QUOTA_NAMES.has(n))) return new StorageFullError(subject, { cause: error });
  if (names.some((n) => VERSION_NAMES.has(n))) return new StorageVersionError({ cause: error });
  if (names.some((n) => UNAVAILABLE_NAMES.has(n))) return new StorageUnavailableError({ cause: error });
  if (names.includes('DataCloneError')) {
    return new InvalidRecordError(
      `Cannot store the data while ${doing}: it holds a value IndexedDB cannot copy (a function, a class instance or a Svelte $state proxy; pass $state.snapshot(value)). Nothing was written.`,
      { cause: error },
    );
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StoreError('unknown', `Browser storage failed while ${doing} (${detail}). Everything saved before is intact; try again or reload the page.`, {
    cause: error,
  });
}
