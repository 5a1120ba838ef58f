import { describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import {
  InvalidRecordError,
  ModelExistsError,
  StorageFullError,
  StorageUnavailableError,
  StorageVersionError,
  StoreError,
  toStoreError,
} from '../../src/store/errors';

const domError = (name: string) => new DOMException(`native ${name}`, name);

describe('toStoreError', () => {
  it('maps quota errors, native, Dexie and wrapped, to StorageFullError', () => {
    const wrappedInner = new Dexie.AbortError('Transaction aborted', domError('QuotaExceededError'));
    const wrappedCause = new Error('write failed', { cause: domError('QuotaExceededError') });
    for (const error of [domError('QuotaExceededError'), new Dexie.QuotaExceededError('quota'), wrappedInner, wrappedCause]) {
      const mapped = toStoreError(error, 'saving model "m"', 'this model');
      expect(mapped).toBeInstanceOf(StorageFullError);
      expect(mapped.kind).toBe('storage-full');
      expect(mapped.cause).toBe(error);
    }
    expect(Dexie.errnames.QuotaExceeded).toBe('QuotaExceededError');
    expect(toStoreError(domError('QuotaExceededError'), 'saving run', 'the training run').message).toContain('the training run was not saved');
  });

  it('maps VersionError (also inside OpenFailedError) to StorageVersionError', () => {
    for (const error of [domError('VersionError'), new Dexie.OpenFailedError(domError('VersionError')), new Dexie.VersionError('v')]) {
      const mapped = toStoreError(error, 'listing models');
      expect(mapped).toBeInstanceOf(StorageVersionError);
      expect(mapped.kind).toBe('version');
      expect(mapped.message).toMatch(/Another tab has a newer version of Raceline open.*Reload this page/);
    }
  });

  it('maps missing, blocked or failed IndexedDB to StorageUnavailableError', () => {
    const cases = [
      new Dexie.MissingAPIError('IndexedDB API missing'),
      domError('InvalidStateError'),
      new Dexie.OpenFailedError(domError('UnknownError')),
      domError('SecurityError'),
      new Dexie.DatabaseClosedError(domError('InvalidStateError')),
    ];
    for (const error of cases) expect(toStoreError(error, 'opening')).toBeInstanceOf(StorageUnavailableError);
  });

  it('passes store errors through, also when Dexie wraps them', () => {
    const exists = new ModelExistsError('m');
    expect(toStoreError(exists, 'saving')).toBe(exists);
    expect(toStoreError(new Dexie.AbortError('aborted', exists), 'saving')).toBe(exists);
  });

  it('maps DataCloneError to InvalidRecordError with the $state.snapshot hint', () => {
    const mapped = toStoreError(domError('DataCloneError'), 'saving run "r"');
    expect(mapped).toBeInstanceOf(InvalidRecordError);
    expect(mapped.message).toContain('$state.snapshot');
  });

  it('wraps anything else as kind unknown, naming the step and keeping the cause', () => {
    const original = new TypeError('x is not a function');
    const mapped = toStoreError(original, 'deleting model "m"');
    expect(mapped).toBeInstanceOf(StoreError);
    expect(mapped.kind).toBe('unknown');
    expect(mapped.message).toContain('deleting model "m" (TypeError: x is not a function)');
    expect(mapped.cause).toBe(original);
  });
});
