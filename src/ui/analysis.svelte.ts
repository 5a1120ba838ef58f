/**
 * The log analysis screen's state: which logs are open (a saved model's training and evaluation logs from the log
 * store, sim-trace CSV files, or a model zip's logs), their per-episode and per-iteration aggregates
 * (src/race/analysis.ts), the episodes picked for the path plot, the step being inspected, and a re-scoring with a
 * new reward function (run in the reward sandbox only). Files are parsed in a log worker, so a million-step log
 * never freezes the page.
 */
import { aggregateEpisodes, iterationStats, type EpisodeAggregate, type IterationStats } from '../race/analysis';
import * as Comlink from 'comlink';
import { csvToTrace, type TraceColumns } from '../race/trace-columns';
import { EPISODE_STATUSES } from '../race/sim-trace';
import type { LogWorker } from '../workers/log.worker';
import { paramsFromRow } from '../race/reward-grid';
import { importModelZip } from '../share/model-zip';
import { Track } from '../track/track';
import type { RewardSource } from '../reward/compile';
import type { DeepRacerParams } from '../reward/params';
import { RacelineStore, type GarageEntry } from '../store/repository';
import { RacelineDb } from '../store/db';
import { LogStore } from '../store/log-store';
import { scoreInSandbox } from './reward-scoring';
import { DEFAULT_TRACK, SHIPPED_TRACKS } from './tracks';

const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** A file's sim-trace, parsed in a log worker (off the page's thread). @throws Error naming line and column. */
async function parseFile(file: File, onProgress: (f: number) => void): Promise<TraceColumns> {
  const worker = new Worker(new URL('../workers/log.worker.ts', import.meta.url), { type: 'module', name: 'raceline-log' });
  try {
    return await Comlink.wrap<LogWorker>(worker).parse(file, Comlink.proxy(onProgress));
  } finally {
    worker.terminate();
  }
}

export type Phase = 'training' | 'evaluation';

export class AnalysisState {
  saved = $state.raw<GarageEntry[]>([]);
  source = $state('');
  trackName = $state(DEFAULT_TRACK);
  logs = $state.raw<Record<Phase, TraceColumns[]>>({ training: [], evaluation: [] });
  phase = $state<Phase>('training');
  loading = $state(false);
  progress = $state(0);
  message = $state<{ kind: 'info' | 'error'; text: string } | null>(null);
  /** Episodes shown on the path plot (at most 12). */
  selected = $state.raw<EpisodeAggregate[]>([]);
  colourBy = $state<'speed' | 'reward' | 'action'>('speed');
  /** The episode and step being inspected. */
  inspect = $state.raw<EpisodeAggregate | null>(null);
  step = $state(0);
  /** New rewards per log of the current phase (re-scoring), or null. */
  rescored = $state.raw<Float64Array[] | null>(null);
  rescoring = $state(false);

  get traces(): TraceColumns[] {
    return this.logs[this.phase];
  }

  get track(): Track {
    const data = SHIPPED_TRACKS.find((t) => t.name === this.trackName) ?? SHIPPED_TRACKS[0];
    return new Track(data);
  }

  /** Episodes of the current phase's logs (one pass; cached per logs object). */
  episodes = $derived.by((): EpisodeAggregate[] => aggregateEpisodes(this.logs[this.phase]));
  stats = $derived.by((): IterationStats[] => iterationStats(this.episodes, this.logs[this.phase].length));
  steps = $derived.by((): number => this.logs[this.phase].reduce((a, t) => a + t.length, 0));

  async open(): Promise<void> {
    try {
      this.saved = (await new RacelineStore(new RacelineDb()).readGarage()).records;
    } catch (e) {
      this.message = { kind: 'error', text: `Saved models cannot be listed: ${(e as Error).message}` };
    }
  }

  private show(logs: Record<Phase, TraceColumns[]>, source: string): void {
    this.logs = logs;
    this.phase = logs.training.length > 0 || logs.evaluation.length === 0 ? 'training' : 'evaluation';
    this.source = source;
    this.selected = [];
    this.inspect = null;
    this.rescored = null;
    const n = logs.training.length + logs.evaluation.length;
    this.message = n === 0 ? { kind: 'error', text: `${source} has no sim-trace logs (training with the studio keeps them; imported models bring theirs in the zip).` } : null;
  }

  /** Opens a saved model's logs: its run's training logs and its evaluations (races included). */
  async loadSaved(modelId: string): Promise<void> {
    const g = this.saved.find((s) => s.model.id === modelId);
    if (!g) return;
    this.loading = true;
    try {
      const store = new LogStore();
      const training = g.model.runId ? await store.traces(g.model.runId, 'training') : [];
      const evaluation = await store.traces(g.model.id, 'evaluation');
      store.close();
      let logs: Record<Phase, TraceColumns[]> = { training: training.map((r) => r.columns), evaluation: evaluation.map((r) => r.columns) };
      if (logs.training.length === 0 && logs.evaluation.length === 0) {
        // A model that came in a zip keeps its logs as CSV with the model.
        const extras = await new RacelineStore(new RacelineDb()).getModelExtras(modelId);
        logs = { training: extras.logs.training.map((l) => csvToTrace(l.csv)), evaluation: extras.logs.evaluation.map((l) => csvToTrace(l.csv)) };
      }
      if (SHIPPED_TRACKS.some((t) => t.name === g.model.track)) this.trackName = g.model.track;
      this.show(logs, `“${g.name}”`);
    } catch (e) {
      this.message = { kind: 'error', text: `The logs of “${g.name}” cannot be read: ${(e as Error).message}` };
    } finally {
      this.loading = false;
    }
  }

  /**
   * Opens files: sim-trace CSVs or RoboMaker logs (one per iteration, ordered by the `N` of `N-iteration.csv`, else
   * by name), or a model zip (its logs).
   */
  async loadFiles(files: readonly File[]): Promise<void> {
    if (files.length === 0) return;
    this.loading = true;
    this.progress = 0;
    try {
      const zip = files.find((f) => f.name.toLowerCase().endsWith('.zip'));
      if (zip) {
        const pkg = await importModelZip(new Uint8Array(await zip.arrayBuffer()), { source: zip.name });
        if (typeof pkg.track === 'string' && SHIPPED_TRACKS.some((t) => t.name === pkg.track)) this.trackName = pkg.track as string;
        const logs = { training: [] as TraceColumns[], evaluation: [] as TraceColumns[] };
        for (const phase of ['training', 'evaluation'] as const) {
          for (const l of pkg.logs[phase]) {
            logs[phase].push(csvToTrace(l.csv, `${phase}/${l.iteration}-iteration.csv`));
            await pause();
          }
        }
        this.show(logs, zip.name);
        return;
      }
      const key = (f: File): number => Number(/(\d+)-iteration/.exec(f.name)?.[1] ?? Number.NaN);
      const ordered = [...files].sort((a, b) => (Number.isFinite(key(a)) && Number.isFinite(key(b)) ? key(a) - key(b) : a.name.localeCompare(b.name)));
      const traces: TraceColumns[] = [];
      for (const [k, f] of ordered.entries()) traces.push(await parseFile(f, (p) => (this.progress = (k + p) / ordered.length)));
      const phase: Phase = ordered.every((f) => /evaluation/i.test(f.name)) ? 'evaluation' : 'training';
      this.show({ training: phase === 'training' ? traces : [], evaluation: phase === 'evaluation' ? traces : [] }, ordered.length === 1 ? ordered[0].name : `${ordered.length} files`);
    } catch (e) {
      this.message = { kind: 'error', text: (e as Error).message };
    } finally {
      this.loading = false;
    }
  }

  toggle(e: EpisodeAggregate): void {
    const has = this.selected.some((s) => s.iteration === e.iteration && s.episode === e.episode);
    this.selected = has ? this.selected.filter((s) => !(s.iteration === e.iteration && s.episode === e.episode)) : [...this.selected, e].slice(-12);
  }

  /** The params of the inspected step, rebuilt from the log. */
  stepParams(): { params: DeepRacerParams; logged: number; rescored: number | null; status: string } | null {
    const e = this.inspect;
    if (!e) return null;
    const t = this.traces[e.iteration];
    const row = e.start + Math.min(this.step, e.steps - 1);
    return {
      params: paramsFromRow(this.track, t, row),
      logged: t.reward[row],
      rescored: this.rescored?.[e.iteration]?.[row] ?? null,
      status: EPISODE_STATUSES[t.status[row]] ?? '',
    };
  }

  /**
   * Re-scores the current phase's logs with another reward function, in the reward sandbox: every step's params
   * rebuilt from the log (objects are not logged: their params come back empty).
   * @param maxSteps the most steps re-scored (the latest logs first), to keep Python runs short.
   */
  async rescore(source: RewardSource, maxSteps = 200_000): Promise<void> {
    this.rescoring = true;
    this.progress = 0;
    this.message = null;
    try {
      const track = this.track;
      const traces = this.traces;
      const out: Float64Array[] = traces.map((t) => new Float64Array(t.length).fill(Number.NaN));
      let budget = maxSteps;
      const order = traces.map((_, i) => i).reverse();
      let done = 0;
      const total = Math.min(maxSteps, traces.reduce((a, t) => a + t.length, 0));
      for (const i of order) {
        if (budget <= 0) break;
        const t = traces[i];
        const n = Math.min(t.length, budget);
        const params: DeepRacerParams[] = [];
        for (let r = 0; r < n; r++) params.push(paramsFromRow(track, t, r));
        const values = await scoreInSandbox(source, params, (f) => (this.progress = (done + f * n) / total));
        out[i].set(values);
        done += n;
        budget -= n;
      }
      this.rescored = out;
      this.message = { kind: 'info', text: `Re-scored ${done.toLocaleString('en')} steps with the new reward function.` };
    } catch (e) {
      this.message = { kind: 'error', text: `Re-scoring failed: ${(e as Error).message}` };
    } finally {
      this.rescoring = false;
    }
  }
}
