import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { paramLayout } from '../../src/rl/networks';
import { fromBase64Url, toBase64Url } from '../../src/share/bytes';
import { decodeShareLink, encodeShareLink, LINK_VERSION, MAX_LINK_CHARS } from '../../src/share/link-codec';
import { fromModelFiles, type ModelPackage } from '../../src/share/model-package';
import { dequantize, quantizeWeights } from '../../src/share/quantize';
import { squareTrackData } from '../helpers/tracks';
import { continuousPackage, fixtureFiles, sameBytes, shareError, simTraceCsv, smallPackage } from './fixtures';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/share');

/** The link's bytes after `m1.`, and back. */
const linkBytes = (link: string) => fromBase64Url(link.slice(link.indexOf('.') + 1));
const toLink = (bytes: Uint8Array) => `m${LINK_VERSION}.${toBase64Url(bytes)}`;

describe('float32 links', () => {
  it('decode(encode(x)) equals x, weights bit for bit (fixture model, small, continuous, custom track)', async () => {
    const fixture = await fromModelFiles(fixtureFiles());
    const cases: ModelPackage[] = [{ ...fixture, history: [] }, smallPackage(), continuousPackage(), smallPackage({ track: squareTrackData() })];
    for (const pkg of cases) {
      const back = await decodeShareLink(await encodeShareLink(pkg));
      expect(back).toEqual(pkg);
      expect(sameBytes(back.weights, pkg.weights)).toBe(true);
    }
  });

  it('carries the evaluation seed and the claimed result', async () => {
    const pkg = smallPackage();
    const back = await decodeShareLink(await encodeShareLink(pkg));
    expect(back.evaluation).toEqual({ seed: 7, trials: pkg.evaluation!.trials });
  });

  it('leaves logs and history out (they travel in the zip)', async () => {
    const pkg = smallPackage({ logs: { training: [{ iteration: 0, csv: simTraceCsv(3) }], evaluation: [] }, history: [{ iteration: 1 }] });
    const back = await decodeShareLink(await encodeShareLink(pkg));
    expect(back).toEqual({ ...pkg, logs: { training: [], evaluation: [] }, history: [] });
  });

  it('opens from a whole URL, a router path or with white space around it', async () => {
    const link = await encodeShareLink(smallPackage());
    for (const text of [`https://raceline.example/#${link}`, `#/open/${link}`, `  #${link}\n`]) {
      expect((await decodeShareLink(text)).name).toBe('Small model');
    }
  });

  it('returns the reward code as text and never runs it', async () => {
    const g = globalThis as { __rewardRan?: boolean };
    const code = 'function reward_function(params) { globalThis.__rewardRan = true; return 1; }\nglobalThis.__rewardRan = true;\n';
    const back = await decodeShareLink(await encodeShareLink(smallPackage({ reward: { language: 'javascript', code } })));
    expect(back.reward.code).toBe(code);
    expect(g.__rewardRan).toBeUndefined();
  });
});

describe('8-bit links', () => {
  it('decode gives exactly dequantize(quantize(weights)), within half a step of every weight', async () => {
    const pkg = await fromModelFiles(fixtureFiles());
    const back = await decodeShareLink(await encodeShareLink(pkg, { quantize: true }));
    const tensors = quantizeWeights(pkg.network, pkg.weights);
    expect(sameBytes(back.weights, dequantize(pkg.network, tensors))).toBe(true);
    paramLayout(pkg.network).forEach((p, k) => {
      const { min, step } = tensors[k];
      for (let i = p.offset; i < p.offset + p.size; i++) {
        expect(Math.abs(back.weights[i] - pkg.weights[i]), p.name).toBeLessThanOrEqual(step * 0.5001 + 1e-7 * Math.abs(pkg.weights[i]));
      }
      expect(back.weights[p.offset + tensors[k].codes.indexOf(0)]).toBe(min);
    });
    expect({ ...back, weights: null }).toEqual({ ...pkg, history: [], weights: null });
  });

  it('measured sizes: the fixture model (MLP 64-64, 11,979 weights) fits in a link both ways, 8-bit about 4x smaller', async () => {
    const pkg = await fromModelFiles(fixtureFiles());
    const float32 = await encodeShareLink(pkg);
    const int8 = await encodeShareLink(pkg, { quantize: true });
    expect(float32.length).toBeLessThanOrEqual(MAX_LINK_CHARS); // 61,159 characters
    expect(int8.length).toBeLessThan(float32.length / 3.5); // 16,509 characters
  });

  it('keeps a constant tensor exact (step 0)', async () => {
    const pkg = smallPackage();
    const bias = paramLayout(pkg.network).find((p) => p.name === 'policy/dense_0/bias')!;
    pkg.weights.fill(0.25, bias.offset, bias.offset + bias.size);
    const back = await decodeShareLink(await encodeShareLink(pkg, { quantize: true }));
    expect(Array.from(back.weights.subarray(bias.offset, bias.offset + bias.size))).toEqual(new Array(bias.size).fill(0.25));
  });
});

describe('golden links of every version still open', () => {
  const versions = readdirSync(GOLDEN_DIR).map((f) => /^link-v(\d+)-expected\.json$/.exec(f)?.[1]).filter((v): v is string => v !== undefined);

  it('has the golden links of the current version', () => {
    expect(versions).toContain(String(LINK_VERSION));
  });

  for (const v of versions) {
    it(`version ${v}: float32 and 8-bit links decode to what they decoded to when made`, async () => {
      const expected = JSON.parse(readFileSync(join(GOLDEN_DIR, `link-v${v}-expected.json`), 'utf8'));
      for (const kind of ['float32', 'int8'] as const) {
        const link = readFileSync(join(GOLDEN_DIR, `link-v${v}-${kind}.txt`), 'utf8');
        const pkg = await decodeShareLink(link);
        expect({ ...pkg, weights: Array.from(pkg.weights) }, kind).toEqual(expected[kind]);
      }
    });
  }
});

describe('bad links', () => {
  it('refuses what is not a Raceline model link, and links of a newer version', async () => {
    expect(await shareError(decodeShareLink('https://example.com/#section-2'))).toMatchObject({ kind: 'unknown-format' });
    const newer = await shareError(decodeShareLink(`m${LINK_VERSION + 1}.AAAA`));
    expect(newer.kind).toBe('newer-version');
    expect(newer.message).toMatch(/made by a newer Raceline \(link version 2; this one reads up to 1\): update Raceline/);
  });

  it('finds a link cut short, wherever it is cut', async () => {
    const link = await encodeShareLink(smallPackage());
    for (const keep of [link.length - 1, link.length - 40, Math.floor(link.length / 2), 20, 8]) {
      const e = await shareError(decodeShareLink(link.slice(0, keep)));
      expect(['truncated', 'corrupt', 'checksum'], `cut at ${keep}: ${e.message}`).toContain(e.kind);
    }
    expect((await shareError(decodeShareLink(link.slice(0, link.length - 200)))).kind).toBe('truncated');
    expect((await shareError(decodeShareLink(link.slice(0, 10)))).message).toMatch(/cut short; copy the whole link again/);
  });

  it('rejects characters a link cannot hold and damaged data', async () => {
    const link = await encodeShareLink(smallPackage());
    const bad = await shareError(decodeShareLink(`${link.slice(0, 30)}*${link.slice(31)}`));
    expect(bad.kind).toBe('corrupt');
    expect(bad.message).toMatch(/character it cannot contain \("\*" at position 28\)/);
    const bytes = linkBytes(link);
    bytes[0] = 0x51; // magic
    expect((await shareError(decodeShareLink(toLink(bytes)))).kind).toBe('corrupt');
  });

  it('detects tampering: a changed payload with the old checksum, or a changed checksum', async () => {
    const link = await encodeShareLink(smallPackage());
    const bytes = linkBytes(link);
    const length = new DataView(bytes.buffer).getUint32(5, true);
    const payload = inflateSync(bytes.subarray(17), { out: new Uint8Array(length) });
    const text = new TextDecoder().decode(payload);
    const tampered = new TextEncoder().encode(text.replace('Small model', 'Small modem'));
    const forged = new Uint8Array([...bytes.subarray(0, 17), ...deflateSync(tampered)]);
    const e = await shareError(decodeShareLink(toLink(forged)));
    expect(e.kind).toBe('checksum');
    expect(e.message).toMatch(/changed or damaged after it was made/);
    bytes[12] ^= 0x40;
    expect((await shareError(decodeShareLink(toLink(bytes)))).kind).toBe('checksum');
  });

  it('says a model too large for a link should be shared as a file, and refuses links declaring huge payloads', async () => {
    const e = await shareError(encodeShareLink(smallPackage(), { maxChars: 500 }));
    expect(e.kind).toBe('too-large');
    expect(e.message).toMatch(/makes a link of [\d,]+ characters; links hold at most 500 \(8-bit weights may fit: try quantize\)\. Share the model as a file/);
    const bytes = linkBytes(await encodeShareLink(smallPackage()));
    new DataView(bytes.buffer).setUint32(5, 0xffffffff, true);
    expect((await shareError(decodeShareLink(toLink(bytes)))).kind).toBe('too-large');
  });

  it('refuses a track this Raceline does not ship, unless the link holds its geometry', async () => {
    const link = await encodeShareLink(smallPackage());
    const e = await shareError(decodeShareLink(link, { knownTracks: ['Oval_track'] }));
    expect(e.kind).toBe('unknown-track');
    expect(e.message).toMatch(/^This link: it was trained on the track 'reinvent_base', which this Raceline does not ship/);
    const custom = await encodeShareLink(smallPackage({ track: squareTrackData() }));
    expect((await decodeShareLink(custom, { knownTracks: [] })).track).toEqual(squareTrackData());
  });
});
