/**
 * The studio's state: the model being set up, the training run in progress, the saved models and
 * the last evaluation. Components read these runes and call the methods; all computation happens in
 * workers (`TrainingClient`, `evaluateInWorker`) and all keeping in the store.
 */
import type { ActionSpace } from '../sim/action-space';
import { defaultActionSpace } from '../sim/action-space';
import { DEFAULT_REWARD } from '../reward/examples';
import type { RewardLanguage } from '../reward/compile';
import { resolvePpoConfig, type PpoConfig } from '../rl/config';
import { toModelMetadata } from '../rl/model-metadata';
import type { TrialResult } from '../race/evaluate';
import { summarizeTrials } from '../race/summary';
import type { TrackData } from '../track/track-data';
import { Track } from '../track/track';
import { TrainingClient, type TrainingOutcome, type TrainingStatus } from '../workers/training-client';
import { evaluateInWorker } from '../workers/evaluation-client';
import type { NetworkBlob, WorkerError } from '../workers/protocol';
import { RacelineStore } from '../store/repository';
import { RacelineDb } from '../store/db';
import { newId, type EvaluationRecord, type ModelRecord, type RunRecord } from '../store/records';
import { requestPersistentStorage } from '../store/storage';
import { DEFAULT_TRACK, shippedTrack } from './tracks';
import type { IterationPoint } from './training-types';

export type StudioStatus = 'idle' | TrainingStatus | 'saving';

export interface Notice {
  kind: 'info' | 'error';
  text: string;
}

/** Speed of replays relative to simulated time. */
const REPLAY_SPEED = 2;
/** Lines the training log keeps (the newest). */
const LOG_LINES = 200;
/** The training log is redrawn at most this often, ms (reward code may print on every step). */
const LOG_FLUSH_MS = 100;

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
  modelName = $state('');

  // The training run.
  status = $state<StudioStatus>('idle');
  points = $state.raw<IterationPoint[]>([]);
  poses = $state.raw<Float32Array | null>(null);
  trail = $state.raw<Float32Array | null>(null);
  bestProgress = $state(0);
  backend = $state<string | null>(null);
  rewardError = $state<{ message: string; line: number | null } | null>(null);
  lastTrainingEvaluation = $state.raw<TrialResult[] | null>(null);
  notice = $state<Notice | null>(null);
  /** The newest LOG_LINES lines of the training log: what the reward code printed, and start-up notes. */
  log = $state.raw<string[]>([]);

  // Saved models and evaluation.
  models = $state.raw<ModelRecord[]>([]);
  selectedModelId = $state<string | null>(null);
  evaluation = $state.raw<{ modelId: string; trials: TrialResult[] } | null>(null);
  evaluating = $state(false);
  replaying = $state<number | null>(null);
  persistence = $state<string | null>(null);

  private client: TrainingClient | null = null;
  /** Run records are written in order, one after another. */
  private runWrites: Promise<void> = Promise.resolve();
  private store: RacelineStore | null = null;
  private replayFrame = 0;
  private pendingLog: string[] = [];
  private logTimer: ReturnType<typeof setTimeout> | null = null;

  /** The selected track's data. */
  get track(): TrackData {
    return shippedTrack(this.trackName);
  }

  get training(): boolean {
    return this.status === 'starting' || this.status === 'running' || this.status === 'paused' || this.status === 'stopping' || this.status === 'saving';
  }

  /** Opens storage, asks for persistence and loads the model list. Errors become a notice. */
  async open(): Promise<void> {
    try {
      this.store = new RacelineStore(new RacelineDb());
      await this.refreshModels();
      this.persistence = await requestPersistentStorage();
    } catch (e) {
      this.store = null;
      this.notice = { kind: 'error', text: (e as Error).message };
    }
  }

  async refreshModels(): Promise<void> {
    if (!this.store) return;
    const { records, unreadable } = await this.store.readModels();
    this.models = records;
    if (unreadable.length > 0) {
      this.notice = { kind: 'error', text: `${unreadable.length} stored model(s) could not be read and are hidden: ${unreadable[0].message}` };
    }
  }

  /** Starts training with the current setup; resolves when training ended and the model is saved. */
  async train(): Promise<void> {
    if (this.training) return;
    let config: PpoConfig;
    try {
      config = resolvePpoConfig($state.snapshot(this.hyperparameters) as Partial<PpoConfig>);
    } catch (e) {
      this.notice = { kind: 'error', text: `Hyperparameters: ${(e as Error).message}` };
      return;
    }
    this.notice = null;
    this.rewardError = null;
    this.points = [];
    this.trail = null;
    this.bestProgress = 0;
    this.lastTrainingEvaluation = null;
    this.evaluation = null;
    this.stopReplay();
    this.log = [];
    const setup = {
      track: this.track,
      actionSpace: $state.snapshot(this.actionSpace) as ActionSpace,
      rewardCode: this.rewardCode,
      rewardLanguage: this.rewardLanguage,
      config,
      maxMinutes: this.maxMinutes,
      stopOnLap: this.stopOnLap,
      evalTrials: 3,
    };
    const run: RunRecord = {
      type: 'run',
      version: 1,
      id: newId('run'),
      modelId: null,
      startedAt: Date.now(),
      endedAt: null,
      status: 'running',
      error: null,
      track: setup.track.name,
      config: { ppo: config, actionSpace: setup.actionSpace, rewardCode: setup.rewardCode, rewardLanguage: setup.rewardLanguage, maxMinutes: setup.maxMinutes, stopOnLap: setup.stopOnLap },
      metrics: [],
    };
    this.saveRun(run);
    if (setup.rewardLanguage === 'python') this.appendLog('Loading Python (Pyodide) in the sim workers…');
    this.client = new TrainingClient(setup, {
      onStatus: (s) => (this.status = s),
      onBackend: (b) => (this.backend = `${b.backend} (${b.reason}); ${b.simWorkers} sim worker${b.simWorkers > 1 ? 's' : ''}`),
      onPoses: (p) => (this.poses = p.slice()),
      onLog: (line) => this.appendLog(line),
      onIteration: (point, extra) => {
        this.points = [...this.points, point];
        run.metrics = this.points;
        this.saveRun(run);
        this.bestProgress = extra.bestProgress;
        if (extra.bestTrail) this.trail = extra.bestTrail;
        if (extra.evaluation) this.lastTrainingEvaluation = extra.evaluation;
      },
    });
    const outcome = await this.client.start();
    this.client = null;
    this.flushLog();
    if (outcome.error) {
      this.rewardError = { message: outcome.error.message, line: outcome.error.line };
      this.notice = { kind: 'error', text: `Training stopped: ${outcome.error.message}` };
    }
    let savedId: string | null = null;
    if (outcome.network && outcome.points.length > 0) savedId = await this.saveTrained(setup, outcome, run.id);
    else if (!outcome.error) this.notice = { kind: 'info', text: 'Training stopped before the first policy update: there is no model to keep.' };
    run.modelId = savedId;
    run.endedAt = Date.now();
    run.status = outcome.error ? 'failed' : outcome.reason === 'lap' ? 'completed' : 'stopped';
    run.error = outcome.error?.message ?? null;
    this.saveRun(run);
    await this.runWrites;
    this.status = outcome.error ? 'failed' : 'stopped';
    // DeepRacer's next step after training: evaluate the model (3 trials) and replay a trial.
    if (savedId && !outcome.error) await this.evaluateModel(savedId);
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

  private async saveTrained(
    setup: { track: TrackData; actionSpace: ActionSpace; rewardCode: string; rewardLanguage: RewardLanguage; config: PpoConfig },
    outcome: TrainingOutcome,
    runId: string,
  ): Promise<string | null> {
    if (!this.store) {
      this.notice = { kind: 'error', text: 'Browser storage is unavailable: the trained model cannot be kept in this session.' };
      return null;
    }
    this.status = 'saving';
    const id = newId('model');
    const summary = outcome.lastEvaluation ? summarizeTrials(outcome.lastEvaluation) : null;
    const model: ModelRecord = {
      type: 'model',
      version: 2,
      id,
      name: this.modelName.trim() || `${setup.track.displayName} ${new Date().toLocaleString()}`,
      createdAt: Date.now(),
      track: setup.track.name,
      trackData: null,
      actionSpace: setup.actionSpace,
      sensor: 'TRACK_GEOMETRY',
      modelMetadata: toModelMetadata(setup.actionSpace, 'TRACK_GEOMETRY', 'RACELINE_MLP'),
      hyperparameters: setup.config,
      rewardCode: setup.rewardCode,
      rewardLanguage: setup.rewardLanguage,
      seed: setup.config.seed,
      trainingSeconds: outcome.trainingSeconds,
      envSteps: outcome.envSteps,
      iterations: outcome.iterations,
      networkSpec: outcome.network!.spec,
      bestEvaluation: summary,
      parentId: null,
      parentName: null,
      origin: 'trained',
      claim: null,
      runId,
      notes: outcome.error ? `Training stopped by an error: ${outcome.error.message}` : '',
    };
    try {
      const w = outcome.network!.weights;
      await this.store.saveModel(model, w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer);
      if (outcome.lastEvaluation) {
        await this.store.addEvaluation(evaluationRecord(id, setup.track.name, setup.config.seed, outcome.lastEvaluation));
      }
      await this.refreshModels();
      this.selectedModelId = id;
      if (!outcome.error) {
        const why = outcome.reason === 'lap' ? 'it completed a lap in every evaluation trial' : outcome.reason === 'time' ? 'the maximum time was reached' : 'you stopped it';
        this.notice = { kind: 'info', text: `Model "${model.name}" saved: training ended because ${why}. Evaluating it now.` };
      }
      return id;
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message };
      return null;
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

  /** Queues a write of the run record (config and metric series); a failure becomes a notice. */
  private saveRun(run: RunRecord): void {
    const store = this.store;
    if (!store) return;
    const snapshot: RunRecord = { ...run, metrics: run.metrics.map((p) => ({ ...p })) };
    this.runWrites = this.runWrites
      .then(() => store.putRun(snapshot))
      .catch((e: unknown) => {
        this.notice = { kind: 'error', text: (e as Error).message };
      });
  }

  /** Evaluates a saved model (DeepRacer time trial, 3 trials) in a worker, stores and shows the result. */
  async evaluateModel(id: string): Promise<void> {
    if (!this.store || this.evaluating) return;
    this.evaluating = true;
    this.selectedModelId = id;
    this.stopReplay();
    try {
      const model = await this.store.getModel(id);
      if (!model) throw new Error('That model is no longer stored.');
      const weights = new Float32Array(await this.store.getModelWeights(id));
      const track = model.trackData ?? shippedTrack(model.track);
      this.trackName = model.track;
      const network: NetworkBlob = { spec: model.networkSpec, weights };
      const r = await evaluateInWorker(track, model.actionSpace, network, 3, model.seed);
      if (!r.ok) throw new Error(evaluationMessage(r.error));
      this.evaluation = { modelId: id, trials: r.trials };
      await this.store.addEvaluation(evaluationRecord(id, model.track, model.seed, r.trials));
      this.replayTrial(0);
    } catch (e) {
      this.notice = { kind: 'error', text: `Evaluation failed: ${(e as Error).message}` };
    } finally {
      this.evaluating = false;
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

function evaluationMessage(e: WorkerError): string {
  return e.message;
}

/** A stored evaluation of a model (paths are dropped: they are for replays only). */
function evaluationRecord(modelId: string, track: string, seed: number, trials: TrialResult[]): EvaluationRecord {
  const stored = trials.map(({ path: _path, ...t }) => t);
  return { type: 'evaluation', version: 2, id: newId('evaluation'), modelId, createdAt: Date.now(), track, seed, trials: stored, summary: summarizeTrials(stored), bestPath: null };
}
