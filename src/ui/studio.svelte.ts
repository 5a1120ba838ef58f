/**
 * The studio's state: the model being set up (or cloned), the training run in progress with its autosave, the
 * interrupted runs that can be resumed, and the last evaluation. Components read these runes and call the
 * methods; all computation happens in workers (`TrainingClient`, `evaluateInWorker`) and all keeping in the store.
 * The garage (`garage.svelte.ts`), opened share links (`shared-link.svelte.ts`) and the storage figures
 * (`storage-status.svelte.ts`) hang off the studio.
 */
import type { ActionSpace } from '../sim/action-space';
import { defaultActionSpace } from '../sim/action-space';
import { DEFAULT_REWARD } from '../reward/examples';
import type { RewardLanguage } from '../reward/compile';
import { resolvePpoConfig, type PpoConfig } from '../rl/config';
import type { NetworkSpec } from '../rl/networks';
import type { TrialResult } from '../race/evaluate';
import type { TrackData } from '../track/track-data';
import { Track } from '../track/track';
import { TrainingClient } from '../workers/training-client';
import { evaluateInWorker } from '../workers/evaluation-client';
import { RacelineStore } from '../store/repository';
import { CheckpointStore, type ResumableRun } from '../store/checkpoint-repository';
import { TrackStore } from '../store/track-repository';
import { LogStore } from '../store/log-store';
import type { SceneConfig } from '../sim/scene';
import { RacelineDb } from '../store/db';
import type { ClaimedEvaluation, RunRecord } from '../store/records';
import { DEFAULT_TRACK, SHIPPED_TRACKS } from './tracks';
import type { IterationPoint } from './training-types';
import { checkClaim, evaluationRecord, type ClaimCheck } from './evaluation-record';
import { Garage } from './garage.svelte';
import { SharedLink } from './shared-link.svelte';
import { StorageStatus } from './storage-status.svelte';
import { saveTrainedModel, type RunBase, type RunMeta, type TrainingSetupPlain } from './save-trained';
import { importTrackFile } from './track-import';
import { liveRuns, queueLog, RunRecorder } from './run-recorder';
import { newRunRecord, resumePlan, type CloneSource, type ResumePlan } from './run-setup';
import { SensorSetup } from './sensor-setup.svelte';
import { networkNameOf } from '../rl/model-metadata';
import { sensorLayout, type SensorName } from '../sim/observation';
import { applyDraft, draftOf, DraftWriter, readDraft, setupOf } from './studio-draft';
import { evaluatedNotice, type Notice } from './notice';
import { studioReady } from './first-work';

export type StudioStatus = 'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'stopped' | 'failed' | 'saving';

export type { Notice } from './notice';

export type { CloneSource, RunConfig } from './run-setup';

/** The evaluation on show. */
export interface ShownEvaluation {
  modelId: string;
  trials: TrialResult[];
  seed: number;
  /** The result the model came with (link or zip), and whether this run reproduced it; null for models trained here. */
  claim: ClaimedEvaluation | null;
  check: ClaimCheck | null;
}

/** Speed of replays relative to simulated time. */
const REPLAY_SPEED = 2;
/** Lines the training log keeps (the newest). */
const LOG_LINES = 200;
/** The training log is redrawn at most this often, ms (reward code may print on every step). */
const LOG_FLUSH_MS = 100;

const EMPTY_BASE: RunBase = { points: [], trainingSeconds: 0, envSteps: 0, bestProgress: 0, evaluation: null };

export class Studio {
  // The model being set up.
  trackName = $state(DEFAULT_TRACK);
  /** Python by default, as in DeepRacer. */
  rewardLanguage = $state<RewardLanguage>(DEFAULT_REWARD.language);
  rewardCode = $state(DEFAULT_REWARD.code);
  actionSpace = $state<ActionSpace>(defaultActionSpace());
  hyperparameters = $state<Partial<PpoConfig>>({ numEnvs: 8 });
  maxMinutes = $state(10);
  stopOnLap = $state(true);
  /**
   * One sim worker and the WASM learner, so the same settings and seed give the same model on any computer, and the
   * model `npm run train` makes with them (slower where the machine has more cores or a GPU).
   */
  reproducible = $state(false);
  /** Stop after this many iterations; null: no limit (DeepRacer stops on time only; lessons set it). */
  maxIterations = $state<number | null>(null);
  /** What is on the track while training (object avoidance, head to bot); null for a time trial. */
  trainingObjects = $state.raw<SceneConfig | null>(null);
  modelName = $state('');
  /** Set while cloning a saved model (DeepRacer's clone: same action space and sensor, new reward or settings). */
  clone = $state.raw<CloneSource | null>(null);
  /** Tracks imported from `.npy` route files (and those of models opened from elsewhere), after the shipped ones. */
  customTracks = $state.raw<TrackData[]>([]);
  trackImportError = $state<string | null>(null);

  // The training run.
  status = $state<StudioStatus>('idle');
  /** True once `open()` has read storage (models, imported tracks, interrupted runs): Train waits for it. */
  ready = $state(false);
  points = $state.raw<IterationPoint[]>([]);
  poses = $state.raw<Float32Array | null>(null);
  trail = $state.raw<Float32Array | null>(null);
  /** Boxes and bot cars the first training car meets ([m * 6], `TrackView.setObjects`), null without objects. */
  objectsView = $state.raw<Float32Array | null>(null);
  bestProgress = $state(0);
  backend = $state<string | null>(null);
  rewardError = $state<{ message: string; line: number | null } | null>(null);
  lastTrainingEvaluation = $state.raw<TrialResult[] | null>(null);
  notice = $state<Notice | null>(null);
  /** The newest LOG_LINES lines of the training log: what the reward code printed, and start-up notes. */
  log = $state.raw<string[]>([]);
  /** The last checkpoint written in this run: its iteration and how long the write took, ms. */
  autosaved = $state<{ iteration: number; ms: number } | null>(null);
  /** Runs interrupted mid-training (tab closed) that can be resumed from their last checkpoint. */
  resumable = $state.raw<ResumableRun[]>([]);

  // Evaluation.
  selectedModelId = $state<string | null>(null);
  evaluation = $state.raw<ShownEvaluation | null>(null);
  evaluating = $state(false);
  replaying = $state<number | null>(null);

  readonly garage: Garage;
  readonly shared: SharedLink;
  readonly storage = new StorageStatus();
  /** The car's sensors and network (DeepRacer's vehicle settings) and what its sensors show while training. */
  readonly sensing = new SensorSetup();
  /** The stores; null until `open()` succeeded. */
  store: RacelineStore | null = null;
  checkpoints: CheckpointStore | null = null;
  tracks: TrackStore | null = null;
  /** Sim-trace logs of training runs and evaluations (a database of its own, src/store/log-store.ts). */
  logs: LogStore | null = null;

  private client: TrainingClient | null = null;
  /** Evaluation logs are written one after another. */
  private evaluationLogs: Promise<void> = Promise.resolve();
  private replayFrame = 0;
  private pendingLog: string[] = [];
  private logTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    this.garage = new Garage(this);
    this.shared = new SharedLink(this);
    this.keepDraft();
  }

  /**
   * Brings back the setup typed before a reload (studio-draft.ts) and keeps it from now on. Read here, before
   * `open()`, so what the app sets on purpose later (a resumed run, a clone, a link) wins. Nothing is written
   * while training (the settings are locked and a resume reads its run, not the draft); a clone's name is not kept.
   */
  private keepDraft(): void {
    if (typeof window === 'undefined') return;
    const defaults = setupOf(this);
    const stored = readDraft();
    if (stored) applyDraft(this, stored);
    const writer = new DraftWriter();
    let last = JSON.stringify(draftOf(setupOf(this), defaults));
    $effect.root(() => {
      $effect(() => {
        const setup = { ...setupOf(this), ...(this.clone ? { modelName: defaults.modelName } : {}) };
        if (this.training) return;
        const draft = draftOf(setup, defaults);
        const json = JSON.stringify(draft);
        if (json !== last) writer.schedule(draft);
        last = json;
      });
    });
  }

  /** The selected track's data: a shipped track, or an imported one; the default track if the name is unknown. */
  get track(): TrackData {
    return SHIPPED_TRACKS.find((t) => t.name === this.trackName) ?? this.customTracks.find((t) => t.name === this.trackName) ?? SHIPPED_TRACKS.find((t) => t.name === DEFAULT_TRACK)!;
  }

  get training(): boolean {
    return this.status === 'starting' || this.status === 'running' || this.status === 'paused' || this.status === 'stopping' || this.status === 'saving';
  }

  /**
   * Opens storage, loads the garage, the imported tracks and the interrupted runs, asks for persistent storage,
   * and opens a share link in the address, if any. Errors become a notice.
   */
  async open(): Promise<void> {
    try {
      const db = new RacelineDb();
      this.store = new RacelineStore(db);
      this.checkpoints = new CheckpointStore(db);
      this.tracks = new TrackStore(db);
      this.logs = new LogStore();
      await this.garage.refresh();
      await this.loadTracks();
      await this.checkpoints.sweep();
      await this.showLastRun();
      await this.refreshResumable();
    } catch (e) {
      this.store = this.checkpoints = this.tracks = this.logs = null;
      this.notice = { kind: 'error', text: (e as Error).message };
    } finally {
      this.ready = true;
      studioReady();
    }
    void this.storage.open();
    void this.shared.openFromAddress();
  }

  /**
   * Shows the charts of the newest run that ended (its points are kept in its run record), so they survive a
   * reload; an unreadable run list shows nothing. A run started meanwhile keeps its own points.
   */
  private async showLastRun(): Promise<void> {
    const runs = (await this.store?.listRuns().catch(() => null)) ?? [];
    const last = runs.find((r) => r.endedAt !== null && r.metrics.length > 0);
    if (last && !this.training && this.points.length === 0) this.points = last.metrics;
  }

  /** Reads the imported tracks into `customTracks`. */
  private async loadTracks(): Promise<void> {
    if (!this.tracks) return;
    const { records, unreadable } = await this.tracks.list();
    this.customTracks = records.map((r) => r.data);
    if (unreadable.length > 0) this.notice = { kind: 'error', text: `${unreadable.length} imported track(s) could not be read: ${unreadable[0].message}` };
  }

  /** Makes a track known to the picker for this session (a model's own copy of an imported track). */
  ensureTrack(data: TrackData): void {
    if (SHIPPED_TRACKS.some((t) => t.name === data.name) || this.customTracks.some((t) => t.name === data.name)) return;
    this.customTracks = [...this.customTracks, data];
  }

  /**
   * Imports a DeepRacer route file (`.npy`) as a track, keeps it in IndexedDB and selects it. A bad file sets
   * `trackImportError` to what is wrong with it.
   */
  async importTrack(file: File): Promise<void> {
    this.trackImportError = null;
    if (!this.tracks) {
      this.trackImportError = 'Browser storage is unavailable: imported tracks cannot be kept in this session.';
      return;
    }
    const result = await importTrackFile(file, this.tracks, [...SHIPPED_TRACKS, ...this.customTracks].map((t) => t.name));
    if (!result.ok) {
      this.trackImportError = result.message;
      return;
    }
    this.customTracks = [...this.customTracks, result.track];
    this.trackName = result.track.name;
    this.notice = { kind: 'info', text: `Track "${result.track.displayName}" imported (${result.track.lengthM.toFixed(1)} m long) and selected.` };
    void this.storage.refresh();
  }

  /** Looks for runs interrupted mid-training, leaving out those another tab is training now (Web Locks). */
  async refreshResumable(): Promise<void> {
    if (!this.checkpoints) return;
    const { records, unreadable } = await this.checkpoints.resumable(await liveRuns());
    this.resumable = records;
    if (unreadable.length > 0) this.notice = { kind: 'error', text: `An interrupted training run could not be read: ${unreadable[0].message}` };
  }

  /** Starts cloning a saved model: its reward, settings and track are loaded for editing; its action space stays. */
  startClone(source: CloneSource, setup: { trackName: string; trackData: TrackData | null; rewardCode: string; rewardLanguage: RewardLanguage; hyperparameters: PpoConfig }): void {
    if (this.training) return;
    if (setup.trackData) this.ensureTrack(setup.trackData);
    this.clone = source;
    this.trackName = setup.trackName;
    this.rewardLanguage = setup.rewardLanguage;
    this.rewardCode = setup.rewardCode;
    this.actionSpace = structuredClone(source.actionSpace);
    this.hyperparameters = { ...setup.hyperparameters, hiddenSizes: [...setup.hyperparameters.hiddenSizes] };
    this.sensing.set(source.sensors, networkNameOf(source.network.spec as NetworkSpec));
    this.modelName = `${source.name} (clone)`;
    this.notice = {
      kind: 'info',
      text: `Cloning "${source.name}": training starts from its weights with its action space and sensor. Change the reward function, hyperparameters or track, then press Train.`,
    };
  }

  cancelClone(): void {
    this.clone = null;
    this.modelName = '';
  }

  /** Starts training with the current setup (from the clone's weights when cloning); resolves when it ended and the model is saved. */
  async train(): Promise<void> {
    if (this.training) return;
    const clone = this.clone;
    let config: PpoConfig;
    try {
      config = resolvePpoConfig($state.snapshot(this.hyperparameters) as Partial<PpoConfig>);
      if (clone) {
        const spec = clone.network.spec as NetworkSpec;
        config = { ...config, hiddenSizes: [...spec.hiddenSizes], activation: spec.activation };
      } else config = this.sensing.configFor(config);
    } catch (e) {
      this.notice = { kind: 'error', text: `Hyperparameters: ${(e as Error).message}` };
      return;
    }
    const track = this.track;
    const actionSpace = clone ? structuredClone(clone.actionSpace) : ($state.snapshot(this.actionSpace) as ActionSpace);
    const setup: TrainingSetupPlain = {
      track,
      actionSpace,
      rewardCode: this.rewardCode,
      rewardLanguage: this.rewardLanguage,
      config,
      maxMinutes: this.maxMinutes,
      stopOnLap: this.stopOnLap,
      maxIterations: this.maxIterations,
      evalTrials: 3,
      ...(this.reproducible ? { simWorkers: 1, learnerBackends: ['wasm'] } : {}),
      initialNetwork: clone ? { spec: clone.network.spec, weights: clone.network.weights.slice() } : null,
      objects: this.trainingObjects ?? undefined,
      ...this.sensing.forTraining(config.seed),
    };
    const meta: RunMeta = { modelName: this.modelName.trim(), parent: clone ? { id: clone.id, name: clone.name } : null };
    const run = newRunRecord(setup, meta);
    this.clone = null;
    await this.runTraining(setup, run, EMPTY_BASE, meta);
  }

  /**
   * Resumes an interrupted run from its newest checkpoint: its settings come back on screen, the charts show the
   * iterations done so far, and training continues from the checkpoint's weights (the optimiser's moment
   * estimates start afresh) for the rest of its maximum time.
   */
  async resumeRun(runId: string): Promise<void> {
    if (this.training || !this.store || !this.checkpoints) return;
    let run: RunRecord | null;
    let checkpoint;
    try {
      run = await this.store.getRun(runId);
      checkpoint = await this.checkpoints.latest(runId);
      if (!run || !checkpoint) throw new Error('this run or its checkpoint is no longer stored');
    } catch (e) {
      this.notice = { kind: 'error', text: `Cannot resume the training: ${(e as Error).message}` };
      await this.refreshResumable();
      return;
    }
    let plan: ResumePlan;
    try {
      plan = resumePlan(run, checkpoint);
    } catch (e) {
      this.notice = { kind: 'error', text: `Cannot resume the training: ${(e as Error).message}. Discard it and train again.` };
      return;
    }
    const { config: cfg, track, setup } = plan;
    if (cfg.trackData) this.ensureTrack(cfg.trackData);
    this.clone = null;
    this.trackName = track.name;
    this.rewardLanguage = cfg.rewardLanguage;
    this.rewardCode = cfg.rewardCode;
    this.actionSpace = structuredClone(cfg.actionSpace);
    this.hyperparameters = { ...setup.config, hiddenSizes: [...setup.config.hiddenSizes] };
    this.sensing.set(cfg.sensors ?? ['TRACK_GEOMETRY'], cfg.cameraNetwork);
    this.sensing.randomize = !!cfg.domainRandomization;
    this.maxMinutes = cfg.maxMinutes;
    this.stopOnLap = cfg.stopOnLap;
    this.maxIterations = cfg.maxIterations ?? null;
    this.reproducible = cfg.simWorkers === 1;
    this.modelName = cfg.modelName ?? '';
    this.trainingObjects = cfg.objects ?? null;
    this.resumable = this.resumable.filter((r) => r.run.id !== runId);
    run.status = 'running';
    this.notice = { kind: 'info', text: `Resuming "${cfg.modelName || track.displayName}" from iteration ${checkpoint.iteration}.` };
    await this.runTraining(setup, run, plan.base, plan.meta);
  }

  /** Gives up an interrupted run: its checkpoints are deleted and the run is marked stopped. */
  async discardRun(runId: string): Promise<void> {
    if (!this.store || !this.checkpoints) return;
    try {
      const run = await this.store.getRun(runId);
      await this.checkpoints.discard(runId);
      if (run) await this.store.putRun({ ...run, status: 'stopped', endedAt: Date.now(), error: 'interrupted; discarded without resuming' });
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message };
    }
    await this.refreshResumable();
    void this.storage.refresh();
  }

  /** Trains from `base` (empty for a new run, a checkpoint's state for a resumed one) and saves the model. */
  private async runTraining(setup: TrainingSetupPlain, run: RunRecord, base: RunBase, meta: RunMeta): Promise<void> {
    this.notice = this.notice?.kind === 'info' && /^(Resuming|Cloning)/.test(this.notice.text) ? this.notice : null;
    this.rewardError = null;
    this.points = base.points;
    this.trail = null;
    this.objectsView = null;
    this.bestProgress = base.bestProgress;
    this.lastTrainingEvaluation = base.evaluation;
    this.evaluation = null;
    this.autosaved = null;
    this.stopReplay();
    this.log = [];
    const recorder = new RunRecorder({ store: this.store, checkpoints: this.checkpoints, logs: this.logs }, run, base, {
      onAutosave: (iteration, ms) => (this.autosaved = { iteration, ms }),
      onStorageFull: (message) => {
        this.notice = { kind: 'error', text: message };
        this.client?.stop();
      },
      onError: (message) => (this.notice = { kind: 'error', text: message }),
    });
    if (setup.rewardLanguage === 'python') this.appendLog('Loading Python (Pyodide) in the sim workers…');
    this.client = new TrainingClient(setup, {
      // The run is over for the client when it says stopped or failed; for the studio, once the model is kept.
      onStatus: (s) => (this.status = s === 'stopped' || s === 'failed' ? 'saving' : s),
      onBackend: (b) => (this.backend = `${b.backend} (${b.reason}); ${b.simWorkers} sim worker${b.simWorkers > 1 ? 's' : ''}`),
      onPoses: (p) => (this.poses = p.slice()),
      onObjects: (o) => (this.objectsView = o),
      onLog: (line) => this.appendLog(line),
      onSensor: (observation) => {
        this.sensing.frame = observation;
        this.sensing.frameLayout = sensorLayout(setup.sensors ?? ['TRACK_GEOMETRY']);
      },
      onIteration: (point, extra) => {
        this.points = [...this.points, recorder.shift(point)];
        this.bestProgress = Math.max(base.bestProgress, extra.bestProgress);
        if (extra.bestTrail) this.trail = extra.bestTrail;
        if (extra.evaluation) this.lastTrainingEvaluation = extra.evaluation;
      },
      onCheckpoint: (c) => recorder.checkpoint(c),
      // DeepRacer's training sim-trace, one file per iteration.
      onSimTrace: (iteration, trace) => recorder.trainingLog(iteration, trace),
    });
    const outcome = await this.client.start();
    this.client = null;
    this.flushLog();
    await recorder.settle();
    if (outcome.error) {
      this.rewardError = { message: outcome.error.message, line: outcome.error.line };
      this.notice = { kind: 'error', text: `Training stopped: ${outcome.error.message}` };
    }
    const points = this.points;
    const storageStop = recorder.storageStop;
    let savedId: string | null = null;
    if (outcome.network && points.length > 0) {
      this.status = 'saving';
      const saved = await saveTrainedModel(this.store, { setup, outcome, runId: run.id, base, meta, points, storageStop, lastCheckpoint: recorder.lastCheckpoint });
      this.notice = saved.notice ?? this.notice;
      savedId = saved.id;
      if (savedId) {
        this.selectedModelId = savedId;
        await this.garage.refresh();
      }
    } else if (!outcome.error) {
      this.notice = { kind: 'info', text: 'Training stopped before the first policy update: there is no model to keep.' };
    }
    run.modelId = savedId;
    run.metrics = points;
    // A run whose model could not be saved stays open, so its checkpoints can be resumed once there is space.
    if (savedId || !storageStop) {
      run.endedAt = Date.now();
      run.status = outcome.error ? 'failed' : outcome.reason === 'lap' ? 'completed' : 'stopped';
      run.error = outcome.error?.message ?? null;
    }
    await recorder.finish();
    if (savedId && this.checkpoints) await this.checkpoints.discard(run.id).catch(() => 0);
    await this.refreshResumable().catch(() => {});
    void this.storage.refresh();
    this.status = outcome.error ? 'failed' : 'stopped';
    // DeepRacer's next step after training: evaluate the model (3 trials) and replay a trial.
    if (savedId && !outcome.error) {
      const shown = this.notice;
      const trials = await this.evaluateModel(savedId);
      // The saved model's notice (`evaluating`) says what came of it, unless something else has been said since.
      if (trials && this.notice === shown && shown?.evaluating) this.notice = evaluatedNotice(shown, trials);
    }
  }

  pause(): void {
    this.client?.pause();
  }

  resume(): void {
    this.client?.resume();
  }

  stop(): void {
    if (this.client) {
      this.status = 'stopping';
      this.client.stop();
    }
  }

  /** Adds a line to the training log; lines reach the page at most every LOG_FLUSH_MS. */
  private appendLog(line: string): void {
    this.pendingLog.push(line);
    if (this.pendingLog.length > LOG_LINES) this.pendingLog.splice(0, this.pendingLog.length - LOG_LINES);
    this.logTimer ??= setTimeout(() => this.flushLog(), LOG_FLUSH_MS);
  }

  private flushLog(): void {
    if (this.logTimer !== null) clearTimeout(this.logTimer);
    this.logTimer = null;
    if (this.pendingLog.length === 0) return;
    this.log = [...this.log, ...this.pendingLog.splice(0)].slice(-LOG_LINES);
  }

  /**
   * Evaluates a saved model (DeepRacer time trial) in a worker, stores and shows the result, and replays trial 1.
   * A model that came with a claimed result (link, zip) is evaluated with the claim's seed and number of trials,
   * and the result is checked against the claim; others with their training seed and 3 trials.
   * @returns the trials, or null when the evaluation failed (the notice says why).
   */
  async evaluateModel(id: string): Promise<TrialResult[] | null> {
    if (!this.store || this.evaluating) return null;
    this.evaluating = true;
    this.selectedModelId = id;
    this.stopReplay();
    try {
      const model = await this.store.getModel(id);
      if (!model) throw new Error('That model is no longer stored.');
      const weights = new Float32Array(await this.store.getModelWeights(id));
      if (model.trackData) this.ensureTrack(model.trackData);
      const track = model.trackData ?? SHIPPED_TRACKS.find((t) => t.name === model.track);
      if (!track) throw new Error(`the track '${model.track}' is not available in this Raceline`);
      this.trackName = track.name;
      const seed = model.claim?.seed ?? model.seed;
      const trials = model.claim?.trials.length ?? 3;
      const r = await evaluateInWorker(track, model.actionSpace, { spec: model.networkSpec, weights }, trials, seed, { trace: this.logs !== null, sensors: model.modelMetadata.sensor as SensorName[] });
      if (!r.ok) throw new Error(r.error.message);
      if (r.trace && this.logs) {
        // DeepRacer's evaluation sim-trace, numbered by the model's evaluations.
        const done = (await this.logs.summary(id).catch(() => [])).filter((l) => l.phase === 'evaluation').length;
        this.evaluationLogs = queueLog(this.logs, this.evaluationLogs, id, 'evaluation', done, r.trace, () => false, (message) => (this.notice = { kind: 'error', text: message }));
      }
      this.evaluation = { modelId: id, trials: r.trials, seed, claim: model.claim, check: model.claim ? checkClaim(model.claim, r.trials) : null };
      await this.store.addEvaluation(evaluationRecord(id, model.track, seed, r.trials));
      await this.garage.refresh();
      this.replayTrial(0);
      return r.trials;
    } catch (e) {
      this.notice = { kind: 'error', text: `Evaluation failed: ${(e as Error).message}` };
      return null;
    } finally {
      this.evaluating = false;
      void this.storage.refresh();
    }
  }

  /** Replays an evaluated trial on the track view at REPLAY_SPEED× simulated time. */
  replayTrial(index: number): void {
    const trial = this.evaluation?.trials[index];
    if (!trial?.path || trial.path.length < 3) return;
    this.stopReplay();
    const path = trial.path;
    const steps = path.length / 3;
    const trail = new Float32Array(steps * 2);
    for (let k = 0; k < steps; k++) {
      trail[2 * k] = path[3 * k];
      trail[2 * k + 1] = path[3 * k + 1];
    }
    this.replaying = index;
    const start = performance.now();
    const frame = (): void => {
      const k = Math.min(steps - 1, Math.floor(((performance.now() - start) / 1000) * 15 * REPLAY_SPEED));
      this.poses = path.slice(3 * k, 3 * k + 3);
      this.trail = trail.slice(0, 2 * (k + 1));
      if (k < steps - 1) this.replayFrame = requestAnimationFrame(frame);
      else this.replaying = null;
    };
    this.replayFrame = requestAnimationFrame(frame);
  }

  stopReplay(): void {
    cancelAnimationFrame(this.replayFrame);
    this.replaying = null;
  }

  /** A Track object for the reward check (geometry only). */
  geometry(): Track {
    return new Track(this.track);
  }
}
