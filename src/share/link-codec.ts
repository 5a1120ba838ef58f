/**
 * Share links: a whole model in the URL fragment (the part after `#`, which browsers never send to a server).
 *
 * Fragment: `m<version>.<base64url>`, e.g. `m1.UkxNAQE...`. The base64url (RFC 4648 §5, no padding) holds:
 *
 *   offset  bytes  field
 *   0       3      magic "RLM"
 *   3       1      format version (1)
 *   4       1      flags: bit 0 = weights quantised to 8 bits; other bits 0
 *   5       4      payload length in bytes, uint32 little-endian
 *   9       8      first 8 bytes of SHA-256(payload)
 *   17      …      payload, raw DEFLATE (RFC 1951)
 *
 * Payload v1: uint32 LE length J, then J bytes of UTF-8 JSON (name, track name or custom geometry, sensors,
 * action space, network spec, reward code and language, PPO settings, seed, claimed evaluation with its seed,
 * training stats, notes, parent), then the weights in `paramLayout` order: float32 LE, or per tensor float32 min,
 * float32 step and one uint8 code per value (`quantize.ts`). Logs and training history stay out (share the zip).
 *
 * Versions: `decoders[v]` reads version v. A new version gets a new encoder and a new entry; the old decoders stay,
 * with their golden links in `test/fixtures/share/`, so every link ever made still opens.
 */
import { deflateSync, inflateSync } from 'fflate';
import { fromBase64Url, fromUtf8, sha256, toBase64Url, utf8, float32Bytes, bytesToFloat32 } from './bytes';
import { ShareError } from './errors';
import type { ModelPackage } from './model-package';
import { checkModelPackage, type CheckOptions } from './package-check';
import { dequantize, quantizeWeights, type QuantizedTensor } from './quantize';
import type { NetworkSpec } from '../rl/network-spec';
import { weightLayout } from './network-spec';

/** The version {@link encodeShareLink} writes. */
export const LINK_VERSION = 1;

/**
 * Longest fragment {@link encodeShareLink} makes: 64 KiB of characters. Browsers open far longer URLs (Chromium
 * 2 MB), but chat apps, e-mail clients and address bars truncate or refuse long links; 64 KiB still holds an MLP
 * 64-64 in float32 and leaves 8-bit weights room to spare. Camera CNNs (millions of weights) need the zip.
 */
export const MAX_LINK_CHARS = 65_536;
/** Largest payload a link may declare, bytes (so a crafted link cannot make the decoder allocate much). */
export const MAX_LINK_PAYLOAD_BYTES = 4 * 1024 * 1024;

const MAGIC = [0x52, 0x4c, 0x4d]; // "RLM"
const HEADER_BYTES = 17;
const FLAG_INT8 = 1;

export interface EncodeOptions {
  /** Store 8-bit weights (about 4x smaller). Evaluate `dequantize(...)` first: see `quantize.ts`. */
  quantize?: boolean;
  /** Lower size limit (tests). */
  maxChars?: number;
}

/**
 * Encodes a package as a share-link fragment (without the `#`). Logs and history are not carried.
 * @throws ShareError as `checkModelPackage` for an invalid package, or kind `too-large` when the fragment would
 *   be longer than {@link MAX_LINK_CHARS} (the message says how long, and to share the file instead).
 */
export async function encodeShareLink(pkg: ModelPackage, options: EncodeOptions = {}): Promise<string> {
  const p = checkModelPackage({ ...pkg, logs: { training: [], evaluation: [] }, history: [] }, { source: 'This model' });
  const description = {
    name: p.name, track: p.track, sensors: p.sensors, actionSpace: p.actionSpace, network: p.network, reward: p.reward,
    ppo: p.ppo, seed: p.seed, evaluation: p.evaluation, training: p.training, notes: p.notes, parent: p.parent,
  };
  const json = utf8(JSON.stringify(description));
  const weights = options.quantize ? packQuantized(quantizeWeights(p.network, p.weights)) : float32Bytes(p.weights);
  const payload = new Uint8Array(4 + json.length + weights.length);
  new DataView(payload.buffer).setUint32(0, json.length, true);
  payload.set(json, 4);
  payload.set(weights, 4 + json.length);

  const body = deflateSync(payload, { level: 9 });
  const bytes = new Uint8Array(HEADER_BYTES + body.length);
  bytes.set(MAGIC, 0);
  bytes[3] = LINK_VERSION;
  bytes[4] = options.quantize ? FLAG_INT8 : 0;
  new DataView(bytes.buffer).setUint32(5, payload.length, true);
  bytes.set((await sha256(payload)).subarray(0, 8), 9);
  bytes.set(body, HEADER_BYTES);
  const fragment = `m${LINK_VERSION}.${toBase64Url(bytes)}`;
  const limit = options.maxChars ?? MAX_LINK_CHARS;
  if (fragment.length > limit) {
    const hint = options.quantize ? '' : ' (8-bit weights may fit: try quantize)';
    throw new ShareError(
      'too-large',
      `This model makes a link of ${fragment.length.toLocaleString('en')} characters; links hold at most ${limit.toLocaleString('en')}${hint}. Share the model as a file (Export model) instead`,
      'link',
    );
  }
  return fragment;
}

/** Reads one version's payload into package parts; `checkModelPackage` judges them. */
type PayloadDecoder = (payload: Uint8Array, flags: number) => Partial<Record<keyof ModelPackage, unknown>>;

const decoders: Readonly<Record<number, PayloadDecoder>> = { 1: decodePayloadV1 };

/**
 * Decodes a share-link fragment. A whole URL, a leading `#` and surrounding white space are accepted too.
 * Nothing in the package runs: the reward code comes back as text, for the page to show before the user accepts.
 * @throws ShareError: `unknown-format` (not a Raceline model link), `newer-version` (made by a newer Raceline),
 *   `truncated` (link cut short), `corrupt` (characters a link cannot hold, damaged data), `too-large` (declares
 *   a payload over {@link MAX_LINK_PAYLOAD_BYTES}), `checksum` (changed after it was made), and whatever
 *   `checkModelPackage` finds (`unknown-track`, `inconsistent`, `invalid`).
 */
export async function decodeShareLink(fragment: string, options: CheckOptions = {}): Promise<ModelPackage> {
  const fail = (kind: ShareError['kind'], message: string): never => {
    throw new ShareError(kind, `This link ${message}`, 'link');
  };
  // the fragment alone, a whole URL, or a router path such as `#/open/m1.…`: base64url has no `#/?&=`
  const m = /(?:^|[#/?&=])m(\d+)\.([^#/?&=]*)=*$/.exec(fragment.trim());
  if (!m) fail('unknown-format', 'is not a Raceline model link (it should look like #m1.…)');
  const version = Number(m![1]);
  if (version > LINK_VERSION) fail('newer-version', `was made by a newer Raceline (link version ${version}; this one reads up to ${LINK_VERSION}): update Raceline (reload the page) and open it again`);
  const decoder = decoders[version];
  if (!decoder) fail('unknown-format', `has version ${version}, which no Raceline made`);
  if (m![2].length > 4 * MAX_LINK_CHARS) fail('too-large', `is ${m![2].length.toLocaleString('en')} characters long; links hold at most ${MAX_LINK_CHARS.toLocaleString('en')}`);

  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(m![2]);
  } catch (e) {
    return fail((e as ShareError).kind ?? 'corrupt', (e as Error).message.replace(/^The link /, ''));
  }
  if (bytes.length < HEADER_BYTES) fail('truncated', 'is cut short; copy the whole link again');
  if (bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1] || bytes[2] !== MAGIC[2]) fail('corrupt', 'is damaged (it does not start as a Raceline model link should); copy the whole link again');
  if (bytes[3] !== version) fail('corrupt', `is damaged (it says version ${version} in its text and ${bytes[3]} in its data); copy the whole link again`);
  const flags = bytes[4];
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(5, true);
  if (length > MAX_LINK_PAYLOAD_BYTES) fail('too-large', `declares ${length.toLocaleString('en')} bytes of model; links hold at most ${MAX_LINK_PAYLOAD_BYTES.toLocaleString('en')}`);

  let payload: Uint8Array;
  try {
    payload = inflateSync(bytes.subarray(HEADER_BYTES), { out: new Uint8Array(length) });
  } catch (e) {
    const eof = (e as { code?: number }).code === 0; // fflate FlateErrorCode.UnexpectedEOF
    return fail(eof ? 'truncated' : 'corrupt', eof ? 'is cut short; copy the whole link again' : 'is damaged (its data does not decompress); copy the whole link again');
  }
  if (payload.length !== length) fail('truncated', 'is cut short; copy the whole link again');
  const digest = await sha256(payload);
  for (let i = 0; i < 8; i++) {
    if (digest[i] !== bytes[9 + i]) fail('checksum', 'was changed or damaged after it was made (its checksum does not match); ask for the link again');
  }
  let parts: Partial<Record<keyof ModelPackage, unknown>>;
  try {
    parts = decoder(payload, flags);
  } catch (e) {
    if (e instanceof ShareError) throw e;
    return fail('invalid', `holds a model that cannot be read (${(e as Error).message})`);
  }
  return checkModelPackage(parts, { ...options, source: options.source ?? 'This link' });
}

/** Version 1 payload: JSON description, then float32 or 8-bit weights (see the module comment). */
function decodePayloadV1(payload: Uint8Array, flags: number): Partial<Record<keyof ModelPackage, unknown>> {
  if ((flags & ~FLAG_INT8) !== 0) throw new Error(`unknown flags ${flags}`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload.length < 4) throw new Error('no description');
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > payload.length) throw new Error('the description runs past the end');
  const description = JSON.parse(fromUtf8(payload.subarray(4, 4 + jsonLength), 'the link')) as Record<string, unknown>;
  if (typeof description !== 'object' || description === null) throw new Error('the description is not an object');
  const spec = description.network as NetworkSpec;
  const layout = weightLayout(spec);
  const rest = payload.subarray(4 + jsonLength);
  let weights: Float32Array;
  if (flags & FLAG_INT8) {
    const tensors: QuantizedTensor[] = [];
    let at = 0;
    for (const p of layout) {
      if (at + 8 + p.size > rest.length) throw new Error(`the 8-bit weights end inside ${p.name}`);
      const head = new DataView(rest.buffer, rest.byteOffset + at, 8);
      tensors.push({ min: head.getFloat32(0, true), step: head.getFloat32(4, true), codes: rest.slice(at + 8, at + 8 + p.size) });
      at += 8 + p.size;
    }
    if (at !== rest.length) throw new Error(`${rest.length - at} bytes after the weights`);
    weights = dequantize(spec, tensors);
  } else {
    const needed = layout.reduce((n, p) => n + p.size, 0) * 4;
    if (rest.length !== needed) {
      throw new ShareError('inconsistent', `This link holds ${rest.length / 4} weights but its network needs ${needed / 4}; ask for the link again`, 'link');
    }
    weights = bytesToFloat32(rest);
  }
  return { ...description, weights };
}

/** 8-bit tensors as bytes: per tensor float32 LE min, float32 LE step, then the codes. */
function packQuantized(tensors: readonly QuantizedTensor[]): Uint8Array {
  const out = new Uint8Array(tensors.reduce((n, t) => n + 8 + t.codes.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const t of tensors) {
    view.setFloat32(at, t.min, true);
    view.setFloat32(at + 4, t.step, true);
    out.set(t.codes, at + 8);
    at += 8 + t.codes.length;
  }
  return out;
}
