/**
 * Byte helpers shared by the codecs: SHA-256 through Web Crypto (`globalThis.crypto.subtle`, present in every
 * browser context, workers included, and in Node 20), UTF-8, base64url (RFC 4648 §5, no padding) and
 * little-endian float32 views.
 */
import { ShareError } from './errors';

/** SHA-256 of `bytes` (FIPS 180-4), 32 bytes. @throws ShareError kind `invalid` when Web Crypto is missing. */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new ShareError('invalid', 'This browser offers no Web Crypto (crypto.subtle), needed to check model checksums; open the page over https or from localhost');
  }
  return new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** SHA-256 of `bytes` as 64 lower-case hex digits. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(await sha256(bytes));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Decodes UTF-8 (a leading byte-order mark is dropped).
 * @param what names the bytes in the error, e.g. `reward_function.py`.
 * @throws ShareError kind `corrupt` for bytes that are not UTF-8.
 */
export function fromUtf8(bytes: Uint8Array, what: string): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new ShareError('corrupt', `${what} is not UTF-8 text: the file is damaged or is not what its name says`, what, { cause });
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** base64url without padding (RFC 4648 §5): the characters a URL fragment keeps as they are. */
export function toBase64Url(bytes: Uint8Array): string {
  const out: string[] = [];
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out.push(ALPHABET[n >> 18], ALPHABET[(n >> 12) & 63], ALPHABET[(n >> 6) & 63], ALPHABET[n & 63]);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out.push(ALPHABET[n >> 18], ALPHABET[(n >> 12) & 63]);
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out.push(ALPHABET[n >> 18], ALPHABET[(n >> 12) & 63], ALPHABET[(n >> 6) & 63]);
  }
  return out.join('');
}

/**
 * Decodes base64url without padding (`=` at the end is tolerated).
 * @throws ShareError kind `corrupt` naming the first character that base64url does not have, or `truncated`
 *   when the length cannot be a whole number of bytes.
 */
export function fromBase64Url(text: string): Uint8Array {
  const s = text.replace(/=+$/, '');
  if (s.length % 4 === 1) {
    throw new ShareError('truncated', 'The link is cut short (its last characters are missing); copy the whole link again', 'link');
  }
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c] : -1;
    if (v === -1) {
      throw new ShareError('corrupt', `The link has a character it cannot contain (${JSON.stringify(s[i])} at position ${i + 1}); copy the whole link again`, 'link');
    }
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 255;
    }
  }
  return out;
}

/** The bytes of `weights` (float32 little-endian: every browser platform is little-endian), copied. */
export function float32Bytes(weights: Float32Array): Uint8Array {
  return new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength).slice();
}

/** float32 values from little-endian bytes, copied (so bit patterns are kept exactly). @param bytes length a multiple of 4. */
export function bytesToFloat32(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.slice().buffer);
}
