/**
 * The garage ("My models"): every saved model with what it is and how it did, sorted and filtered; rename and
 * notes (labels, the model itself never changes), delete with a short undo, clone, export and import as a zip,
 * and share by link (8-bit weights only when they drive exactly as the float32 ones). Components read these runes
 * and call the methods; the codecs are in src/share, the records in src/store.
 */
import type { NetworkSpec } from '../rl/networks';
import type { SensorName } from '../sim/observation';
import type { TrackData } from '../track/track-data';
import { ShareError } from '../share/errors';
import { evaluateInWorker } from '../workers/evaluation-client';
import { StoreError } from '../store/errors';
import { newId, type ClaimedEvaluation } from '../store/records';
import type { GarageEntry } from '../store/repository';
import { simTraceForModel } from '../store/log-store';
import type { ModelExtras } from '../store/repository';
import { SHIPPED_TRACKS } from './tracks';
import { checkClaim, claimFromTrials } from './evaluation-record';
import { fileNameFor, formatBytes } from './model-summary';
import { downloadBytes } from './download';
import type { GarageHost } from './studio-host';

/** The zip and link codecs, loaded on first use (share-codecs.ts). */
const codecs = () => import('./share-codecs');

/** How long a deleted model can be brought back, ms. It is deleted from storage only then. */
export const UNDO_MS = 10_000;

export type SortKey = 'newest' | 'oldest' | 'name' | 'lap' | 'progress';

/** The sort orders offered, with their labels. */
export const SORTS: readonly { value: SortKey; label: string }[] = [
  { value: 'newest', label: 'Newest first' },
  { value: 'oldest', label: 'Oldest first' },
  { value: 'name', label: 'Name' },
  { value: 'lap', label: 'Best lap time' },
  { value: 'progress', label: 'Best progress' },
];

/** A model deleted from the list but not yet from storage. */
export interface PendingDelete {
  id: string;
  name: string;
}

/** The share dialog: checking the 8-bit weights, then the link or why there is none. */
export interface ShareState {
  modelId: string;
  name: string;
  stage: 'checking' | 'ready' | 'too-large' | 'failed';
  /** What is happening, or what went wrong and what to do. */
  message: string;
  /** The whole link (page address + `#` + fragment); null until ready. */
  url: string | null;
  /** Whether the link carries 8-bit weights. */
  quantized: boolean;
  /** The result the link claims (evaluated just now with the model's evaluation seed). */
  claim: ClaimedEvaluation | null;
}

const NO_EXTRAS = { history: [], logs: { training: [], evaluation: [] } };

/** Best lap time of an entry for sorting; models without a lap sort last. */
const lapOf = (e: GarageEntry): number => e.best?.summary.meanLapTimeS ?? Infinity;
const progressOf = (e: GarageEntry): number => e.best?.summary.meanProgress ?? -1;

export class Garage {
  /** Every readable model, newest first (as stored). */
  entries = $state.raw<GarageEntry[]>([]);
  sort = $state<SortKey>('newest');
  /** Text filter over name, notes, track and reward language. */
  query = $state('');
  /** Track name to show only, or '' for all. */
  trackFilter = $state('');
  pendingDeletes = $state.raw<PendingDelete[]>([]);
  /** What the garage is busy with (importing, exporting), for a status line; null when idle. */
  busy = $state<string | null>(null);
  share = $state.raw<ShareState | null>(null);

  /** The entries on show: not pending deletion, filtered, sorted. */
  readonly visible: GarageEntry[] = $derived.by(() => {
    const hidden = new Set(this.pendingDeletes.map((p) => p.id));
    const q = this.query.trim().toLowerCase();
    const list = this.entries.filter((e) => {
      if (hidden.has(e.model.id)) return false;
      if (this.trackFilter && e.model.track !== this.trackFilter) return false;
      if (!q) return true;
      const text = `${e.name}\n${e.notes}\n${this.trackLabel(e.model.track)}\n${e.model.track}\n${e.model.rewardLanguage}\n${e.model.parentName ?? ''}`.toLowerCase();
      return text.includes(q);
    });
    const by: Record<SortKey, (a: GarageEntry, b: GarageEntry) => number> = {
      newest: (a, b) => b.model.createdAt - a.model.createdAt,
      oldest: (a, b) => a.model.createdAt - b.model.createdAt,
      name: (a, b) => a.name.localeCompare(b.name),
      lap: (a, b) => lapOf(a) - lapOf(b) || progressOf(b) - progressOf(a),
      progress: (a, b) => progressOf(b) - progressOf(a) || lapOf(a) - lapOf(b),
    };
    return list.sort((a, b) => by[this.sort](a, b) || b.model.createdAt - a.model.createdAt);
  });

  /** The tracks the models were trained on, for the filter. */
  readonly trackOptions: { name: string; label: string }[] = $derived.by(() => {
    const names = [...new Set(this.entries.map((e) => e.model.track))];
    return names.map((name) => ({ name, label: this.trackLabel(name) })).sort((a, b) => a.label.localeCompare(b.label));
  });

  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  private shareToken = 0;

  constructor(private readonly studio: GarageHost) {}

  /** A track's display name (shipped or imported), else its name. */
  trackLabel(name: string): string {
    return SHIPPED_TRACKS.find((t) => t.name === name)?.displayName ?? this.studio.customTracks.find((t) => t.name === name)?.displayName ?? this.entries.find((e) => e.model.trackData?.name === name)?.model.trackData?.displayName ?? name;
  }

  /** The geometry a model drives on: its own copy of an imported track, or the shipped one; null if unknown. */
  trackOf(entry: GarageEntry): TrackData | null {
    return entry.model.trackData ?? SHIPPED_TRACKS.find((t) => t.name === entry.model.track) ?? null;
  }

  /** The current name of a model, or null when it is not in the garage. */
  nameOf(id: string): string | null {
    return this.entries.find((e) => e.model.id === id)?.name ?? null;
  }

  /** Reads the garage again; unreadable records become a notice (the readable ones are listed). */
  async refresh(): Promise<void> {
    const store = this.studio.store;
    if (!store) return;
    const { records, unreadable } = await store.readGarage();
    this.entries = records;
    if (unreadable.length > 0) {
      this.studio.notice = { kind: 'error', text: `${unreadable.length} stored record(s) could not be read and are hidden: ${unreadable[0].message}` };
    }
  }

  /** Renames a model (a label is added; the model record is unchanged). @returns whether it was saved. */
  async rename(id: string, name: string): Promise<boolean> {
    const entry = this.entries.find((e) => e.model.id === id);
    return entry ? this.label(id, name, entry.notes) : false;
  }

  /** Sets a model's notes. @returns whether they were saved. */
  async saveNotes(id: string, notes: string): Promise<boolean> {
    const entry = this.entries.find((e) => e.model.id === id);
    return entry ? this.label(id, entry.name, notes) : false;
  }

  private async label(id: string, name: string, notes: string): Promise<boolean> {
    const store = this.studio.store;
    if (!store) return false;
    try {
      await store.labelModel(id, name, notes);
      await this.refresh();
      return true;
    } catch (e) {
      this.studio.notice = { kind: 'error', text: (e as Error).message };
      return false;
    } finally {
      void this.studio.storage.refresh();
    }
  }

  /** Hides a model and deletes it from storage after UNDO_MS unless {@link undo} is called first. */
  remove(id: string): void {
    const entry = this.entries.find((e) => e.model.id === id);
    if (!entry || this.timers.has(id)) return;
    this.timers.set(id, setTimeout(() => void this.commitDelete(id), UNDO_MS));
    this.pendingDeletes = [...this.pendingDeletes, { id, name: entry.name }];
    if (this.studio.evaluation?.modelId === id) this.studio.evaluation = null;
    if (this.studio.selectedModelId === id) this.studio.selectedModelId = null;
  }

  /** Brings back a model deleted less than UNDO_MS ago. */
  undo(id: string): void {
    const timer = this.timers.get(id);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(id);
    this.pendingDeletes = this.pendingDeletes.filter((p) => p.id !== id);
  }

  private async commitDelete(id: string): Promise<void> {
    this.timers.delete(id);
    const runId = this.entries.find((e) => e.model.id === id)?.model.runId ?? null;
    try {
      await this.studio.store?.deleteModel(id);
      // Its evaluation logs and the training logs of the run that made it go too (the run record stays).
      await this.studio.logs?.deleteOwner(id);
      if (runId) await this.studio.logs?.deleteOwner(runId);
    } catch (e) {
      this.studio.notice = { kind: 'error', text: `The model was not deleted: ${(e as Error).message}` };
    }
    await this.refresh().catch(() => {});
    this.pendingDeletes = this.pendingDeletes.filter((p) => p.id !== id);
    void this.studio.storage.refresh();
  }

  /** Starts a clone of a model in the studio (DeepRacer's clone: same action space and sensor, new reward or settings). */
  async clone(id: string): Promise<void> {
    const entry = this.entries.find((e) => e.model.id === id);
    const store = this.studio.store;
    if (!entry || !store) return;
    try {
      const weights = new Float32Array(await store.getModelWeights(id));
      const m = entry.model;
      this.studio.startClone(
        { id, name: entry.name, actionSpace: m.actionSpace, sensors: [...m.modelMetadata.sensor], network: { spec: m.networkSpec, weights } },
        { trackName: m.track, trackData: m.trackData, rewardCode: m.rewardCode, rewardLanguage: m.rewardLanguage, hyperparameters: m.hyperparameters },
      );
    } catch (e) {
      this.studio.notice = { kind: 'error', text: `Cannot clone "${entry.name}": ${(e as Error).message}` };
    }
  }

  /** Exports a model as a `.zip` download (docs/sharing.md: the files of a saved model folder). */
  async exportZip(id: string): Promise<void> {
    const entry = this.entries.find((e) => e.model.id === id);
    const store = this.studio.store;
    if (!entry || !store) return;
    this.busy = `Exporting "${entry.name}"…`;
    try {
      const { exportModelZip, packageFromModel } = await codecs();
      const weights = new Float32Array(await store.getModelWeights(id));
      const pkg = packageFromModel(entry, weights, entry.best, await this.extrasWithLogs(entry));
      const zip = await exportModelZip(pkg);
      downloadBytes(zip, fileNameFor(entry.name, 'zip'), 'application/zip');
      this.studio.notice = { kind: 'info', text: `Exported "${entry.name}" as ${fileNameFor(entry.name, 'zip')} (${formatBytes(zip.byteLength)}).` };
    } catch (e) {
      this.studio.notice = { kind: 'error', text: `Cannot export "${entry.name}": ${(e as Error).message}` };
    } finally {
      this.busy = null;
    }
  }

  /**
   * A model's extras with every sim-trace log it has: those it came with (zip) and those kept in the log store
   * (its training run's and its evaluations'); the same iteration twice keeps the one it came with.
   */
  private async extrasWithLogs(entry: GarageEntry): Promise<ModelExtras> {
    const extras = await this.studio.store!.getModelExtras(entry.model.id);
    if (!this.studio.logs) return extras;
    const kept = await simTraceForModel(this.studio.logs, entry.model);
    const merge = (own: ModelExtras['logs']['training'], more: ModelExtras['logs']['training']) => {
      const seen = new Set(own.map((l) => l.iteration));
      return [...own, ...more.filter((l) => !seen.has(l.iteration))].sort((a, b) => a.iteration - b.iteration);
    };
    return { history: extras.history, logs: { training: merge(extras.logs.training, kept.training), evaluation: merge(extras.logs.evaluation, kept.evaluation) } };
  }

  /**
   * Imports model zips (from the file picker or dropped on the garage); a dropped `.npy` route file is imported as
   * a track. Each zip is all-or-nothing: checked whole by `importModelZip`, then saved in one transaction.
   * What is wrong with a file becomes the notice.
   */
  async importFiles(files: Iterable<File>): Promise<void> {
    const store = this.studio.store;
    if (!store) {
      this.studio.notice = { kind: 'error', text: 'Browser storage is unavailable: imported models cannot be kept in this session.' };
      return;
    }
    const imported: string[] = [];
    for (const file of files) {
      if (/\.npy$/i.test(file.name)) {
        await this.studio.importTrack(file);
        if (this.studio.trackImportError) this.studio.notice = { kind: 'error', text: this.studio.trackImportError };
        continue;
      }
      this.busy = `Importing ${file.name}…`;
      try {
        if (!/\.zip$/i.test(file.name)) {
          throw new ShareError('not-a-zip', `${file.name}: not a model zip. Choose the .zip file Raceline exported (or a DeepRacer route .npy to import a track).`);
        }
        const { importModelZip, modelFromPackage, ZIP_LIMITS } = await codecs();
        if (file.size > ZIP_LIMITS.maxZipBytes) {
          throw new ShareError('too-large', `${file.name} is ${formatBytes(file.size)}; Raceline imports model zips of at most ${formatBytes(ZIP_LIMITS.maxZipBytes)}. Export the model again without its logs`);
        }
        const pkg = await importModelZip(new Uint8Array(await file.arrayBuffer()), { source: file.name });
        const { model, weights, extras } = modelFromPackage(pkg, 'zip', newId('model'));
        await store.saveModel(model, weights, extras);
        imported.push(model.name);
        this.studio.selectedModelId = model.id;
      } catch (e) {
        if (!(e instanceof ShareError) && !(e instanceof StoreError)) console.error(e);
        this.studio.notice = { kind: 'error', text: `Nothing was imported from ${file.name}: ${(e as Error).message}` };
        break;
      } finally {
        this.busy = null;
      }
    }
    await this.refresh();
    void this.studio.storage.refresh();
    if (imported.length > 0 && this.studio.notice?.kind !== 'error') {
      this.studio.notice = { kind: 'info', text: `Imported ${imported.map((n) => `"${n}"`).join(', ')}. Evaluate it to check its result here.` };
    }
  }

  /**
   * Makes a share link for a model. Evaluates it twice with the same seed and trials (float32 weights, then the
   * 8-bit weights a receiver would get) and carries 8-bit weights only when both give the same laps, lap times
   * and progress; the float32 result is the claim the link carries. A model too large for a link gets a
   * `too-large` state with the advice to export the file.
   */
  async shareModel(id: string): Promise<void> {
    const entry = this.entries.find((e) => e.model.id === id);
    const store = this.studio.store;
    if (!entry || !store) return;
    const token = ++this.shareToken;
    const state = (s: Partial<ShareState>): void => {
      if (token === this.shareToken) this.share = { modelId: id, name: entry.name, stage: 'checking', message: '', url: null, quantized: false, claim: null, ...s };
    };
    state({ message: 'Evaluating the model with its float32 weights and with 8-bit weights (same seed) to choose the smaller link that drives the same…' });
    try {
      const { dequantize, encodeShareLink, MAX_LINK_CHARS, packageFromModel, quantizeWeights } = await codecs();
      const m = entry.model;
      const track = this.trackOf(entry);
      if (!track) throw new Error(`the track '${m.track}' is not available in this Raceline`);
      const spec = m.networkSpec as NetworkSpec;
      const weights = new Float32Array(await store.getModelWeights(id));
      const seed = m.claim?.seed ?? m.seed;
      const trials = m.claim?.trials.length ?? 3;
      const sensors = m.modelMetadata.sensor as SensorName[];
      const full = await evaluateInWorker(track, m.actionSpace, { spec, weights }, trials, seed, { sensors });
      if (!full.ok) throw new Error(`evaluation failed: ${full.error.message}`);
      const claim = claimFromTrials(seed, full.trials);
      const eight = await evaluateInWorker(track, m.actionSpace, { spec, weights: dequantize(spec, quantizeWeights(spec, weights)) }, trials, seed, { sensors });
      const quantize = eight.ok && checkClaim(claim, eight.trials).reproduced;
      const pkg = { ...packageFromModel(entry, weights, null, NO_EXTRAS), evaluation: claim };
      let fragment: string;
      try {
        fragment = await encodeShareLink(pkg, { quantize });
      } catch (e) {
        if (e instanceof ShareError && e.kind === 'too-large' && !quantize) {
          throw new ShareError('too-large', `${e.message.replace(/ \(8-bit weights may fit: try quantize\)/, '')}. (8-bit weights would be smaller, but they change how this model drives.)`);
        }
        throw e;
      }
      const url = `${location.href.split('#')[0]}#${fragment}`;
      state({
        stage: 'ready',
        url,
        quantized: quantize,
        claim,
        message: `${url.length.toLocaleString('en')} characters (links hold at most ${MAX_LINK_CHARS.toLocaleString('en')}), ${quantize ? '8-bit weights: they drive exactly as the float32 ones in this evaluation' : 'float32 weights: 8-bit weights would change the result'}.`,
      });
    } catch (e) {
      const tooLarge = e instanceof ShareError && e.kind === 'too-large';
      state({ stage: tooLarge ? 'too-large' : 'failed', message: tooLarge ? (e as Error).message : `Cannot make a link for "${entry.name}": ${(e as Error).message}` });
    }
  }

  closeShare(): void {
    this.shareToken++;
    this.share = null;
  }
}
