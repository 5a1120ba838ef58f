/** The checksum stored with every block of weights (model weights, checkpoints), checked on every read. */

/**
 * FNV-1a 32-bit hash of the bytes (http://www.isthe.com/chongo/tech/comp/fnv/): offset basis 0x811c9dc5, prime
 * 0x01000193. Detects damaged or truncated weights; not a cryptographic hash.
 * @returns an unsigned 32-bit integer.
 */
export function checksumBytes(data: ArrayBuffer): number {
  const bytes = new Uint8Array(data);
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
