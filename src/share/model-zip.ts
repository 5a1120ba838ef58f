/**
 * A model as a `.zip`: the files of a saved model folder (`toModelFiles`, docs/sharing.md), so the zip unpacks
 * into a folder that `npm run evaluate -- --model DIR` reads, and DeepRacer's own files (`model_metadata.json`,
 * `hyperparameters.json`, `reward_function.py`, the sim-trace CSVs) sit where DeepRacer users look for them.
 *
 * Import is all-or-nothing: sizes are checked from the zip's directory before anything is inflated, every file is
 * CRC-checked, the weights are checked against the SHA-256 in `raceline.json`, and the whole package goes through
 * `checkModelPackage`. It returns a valid package or throws a {@link ShareError}.
 */
import { zipSync, type Zippable } from 'fflate';
import { ShareError } from './errors';
import { fromModelFiles, toModelFiles, type FromFilesOptions, type ModelPackage } from './model-package';
import { checkModelPackage } from './package-check';
import { listZip, readZipEntry, type ZipEntry } from './zip-reader';

const MIB = 1024 * 1024;

export interface ZipLimits {
  /** Size of the .zip file itself, bytes. */
  maxZipBytes: number;
  /** Sum of the declared uncompressed sizes of the files read, bytes (checked before inflating: zip bombs). */
  maxUncompressedBytes: number;
  /** Entries in the zip's directory. */
  maxEntries: number;
}

/**
 * What an import accepts. 256 MiB, because the sim-trace logs of a long run are large (a million steps is about
 * 150 MB of CSV) while the model itself is small (an MLP 64-64 is 48 KB); beyond that a browser tab runs short of
 * memory. Export without logs to share a model from a longer run.
 */
export const ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxZipBytes: 256 * MIB,
  maxUncompressedBytes: 256 * MIB,
  maxEntries: 20_000,
});

export interface ZipImportOptions extends FromFilesOptions {
  /** Lower limits (tests); never raise them above what a tab can hold. */
  limits?: Partial<ZipLimits>;
}

/** Files of a model the import reads; anything else in the zip is left alone (never inflated). */
const MODEL_FILES = new Set([
  'raceline.json', 'model.json', 'weights.bin', 'model_metadata.json', 'hyperparameters.json', 'reward_function.py',
  'reward_function.js', 'training.jsonl', 'track.json',
]);
const LOG_FILE = /^logs\/(training|evaluation)\/\d+-iteration\.csv$/;

/** Operating-system litter that zip tools add (macOS resource forks, Finder and Explorer metadata). */
function isLitter(name: string): boolean {
  return name.startsWith('__MACOSX/') || /(^|\/)(\.DS_Store|Thumbs\.db|desktop\.ini)$/.test(name);
}

/**
 * The folder inside the zip that holds the model: `''`, or `name/` when the zip holds one folder with the model
 * in it (what zipping a folder from a file manager gives).
 */
function modelRoot(entries: readonly ZipEntry[]): string {
  const manifests = entries.map((e) => e.name).filter((n) => n === 'raceline.json' || /^[^/]+\/raceline\.json$/.test(n));
  if (manifests.includes('raceline.json') || manifests.length !== 1) return '';
  return manifests[0].slice(0, -'raceline.json'.length);
}

/**
 * Reads a model zip.
 * @param zip the bytes of the .zip file.
 * @throws ShareError: `too-large` (file over `maxZipBytes`, files over `maxUncompressedBytes`, over `maxEntries`
 *   entries), `not-a-zip`, `truncated`, `corrupt` (CRC or deflate errors), `unknown-format`, `newer-version`,
 *   `missing-file`, `invalid`, `inconsistent`, `checksum`, `unknown-track` (see `fromModelFiles`).
 */
export async function importModelZip(zip: Uint8Array, options: ZipImportOptions = {}): Promise<ModelPackage> {
  const limits = { ...ZIP_LIMITS, ...options.limits };
  const source = options.source ?? 'The zip';
  if (zip.byteLength > limits.maxZipBytes) {
    throw new ShareError('too-large', `${source} is ${formatSize(zip.byteLength)}; Raceline imports model zips of at most ${formatSize(limits.maxZipBytes)}. Export the model again without its logs`);
  }
  let entries: ZipEntry[];
  try {
    entries = listZip(zip, limits.maxEntries);
  } catch (e) {
    throw e instanceof ShareError ? new ShareError(e.kind, `${source}: ${e.message}`, e.file, { cause: e }) : e;
  }
  const root = modelRoot(entries);
  const wanted: ZipEntry[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (isLitter(entry.name) || !entry.name.startsWith(root)) continue;
    const name = entry.name.slice(root.length);
    if (!MODEL_FILES.has(name) && !LOG_FILE.test(name)) continue;
    if (seen.has(name)) throw new ShareError('invalid', `${source}: ${name} is in the zip twice; export the model again`, name);
    seen.add(name);
    wanted.push(entry);
  }
  const total = wanted.reduce((n, e) => n + e.size, 0);
  if (total > limits.maxUncompressedBytes) {
    throw new ShareError('too-large', `${source}: the model's files add up to ${formatSize(total)} uncompressed; Raceline imports at most ${formatSize(limits.maxUncompressedBytes)}. Export the model again without its logs`);
  }
  const files: Record<string, Uint8Array> = {};
  for (const entry of wanted) {
    try {
      files[entry.name.slice(root.length)] = readZipEntry(zip, entry);
    } catch (e) {
      throw e instanceof ShareError ? new ShareError(e.kind, `${source}: ${e.message}`, e.file, { cause: e }) : e;
    }
  }
  return fromModelFiles(files, { ...options, source });
}

export interface ZipExportOptions {
  /** Modification time of every file in the zip; default now. Fixed, it makes the export reproducible. */
  date?: Date;
}

/**
 * Writes a package as a model zip (deflate level 6; `raceline.json` first). The package is checked first, so a
 * zip that would not import is never made.
 * @returns the bytes of the .zip file.
 * @throws ShareError as `checkModelPackage` (e.g. `unknown-track` for a track name without geometry).
 */
export async function exportModelZip(pkg: ModelPackage, options: ZipExportOptions = {}): Promise<Uint8Array> {
  const checked = checkModelPackage(pkg, { source: 'This model' });
  const files = await toModelFiles(checked);
  const mtime = options.date ?? new Date();
  const zippable: Zippable = {};
  for (const [name, data] of Object.entries(files)) zippable[name] = [data, { level: 6, mtime }];
  return zipSync(zippable);
}

/** `1000 bytes`, `2.6 KiB`, `2.0 MiB`, `256 MiB`. */
function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < MIB) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0)} MiB`;
}
