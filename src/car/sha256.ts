/**
 * SHA-256 (FIPS 180-4) through Web Crypto (`globalThis.crypto.subtle`), present in browsers, workers
 * and Node 20. The car pack's model hash and the protocol's VERIFY use it.
 */

/** Byte length of a SHA-256 digest. */
export const HASH_SIZE = 32;

/**
 * @returns the 32-byte SHA-256 digest of `bytes`.
 * @throws Error when Web Crypto is missing (a page served over plain http from another host, or a very old runtime).
 */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('SHA-256 needs Web Crypto (crypto.subtle): serve the page from https or localhost, or use Node 20+');
  // Copy into a plain ArrayBuffer: subtle rejects views of SharedArrayBuffer.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Uint8Array(await subtle.digest('SHA-256', copy.buffer));
}
