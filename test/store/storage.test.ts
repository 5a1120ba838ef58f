import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestPersistentStorage, storageEstimate } from '../../src/store/storage';

function stubStorage(storage: unknown): void {
  vi.stubGlobal('navigator', storage === undefined ? undefined : { storage });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('requestPersistentStorage', () => {
  it('is unsupported without navigator or navigator.storage', async () => {
    stubStorage(undefined);
    expect(await requestPersistentStorage()).toBe('unsupported');
    vi.stubGlobal('navigator', {});
    expect(await requestPersistentStorage()).toBe('unsupported');
  });

  it('checks persisted() first and does not ask again', async () => {
    const persist = vi.fn(async () => false);
    stubStorage({ persisted: async () => true, persist });
    expect(await requestPersistentStorage()).toBe('granted');
    expect(persist).not.toHaveBeenCalled();
  });

  it('asks with persist() and reports the answer', async () => {
    stubStorage({ persisted: async () => false, persist: async () => true });
    expect(await requestPersistentStorage()).toBe('granted');
    stubStorage({ persisted: async () => false, persist: async () => false });
    expect(await requestPersistentStorage()).toBe('denied');
    stubStorage({ persisted: async () => false, persist: async () => Promise.reject(new DOMException('no', 'SecurityError')) });
    expect(await requestPersistentStorage()).toBe('denied');
  });
});

describe('storageEstimate', () => {
  it('returns usage and quota in bytes', async () => {
    stubStorage({ estimate: async () => ({ usage: 1234, quota: 5_000_000 }) });
    expect(await storageEstimate()).toEqual({ usage: 1234, quota: 5_000_000 });
    stubStorage({ estimate: async () => ({ quota: 10 }) });
    expect(await storageEstimate()).toEqual({ usage: 0, quota: 10 });
  });

  it('is null where the API is missing or fails', async () => {
    stubStorage(undefined);
    expect(await storageEstimate()).toBeNull();
    stubStorage({ estimate: async () => Promise.reject(new Error('nope')) });
    expect(await storageEstimate()).toBeNull();
  });
});
