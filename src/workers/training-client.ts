/**
 * The page's handle on a training run: starts the sim workers (one per spare core) and the learner
 * worker, and drives DeepRacer's loop — collect N episodes across the sim workers in parallel, update
 * the policy in the learner, send the new weights back — until stopped, out of time, or (optionally)
 * lapping in evaluation. Nothing here computes: it only moves typed arrays between workers.
 *
 * Pause takes effect at the next iteration boundary; stop is immediate (sim workers are terminated
 * mid-rollout) and keeps the weights of the last completed update.
 */
import * as Comlink from 'comlink';
import type { ActionSpace } from '../sim/action-space';
import type { EpisodeRecord } from '../sim/env';
import type { TrackData } from '../track/track-data';
import type { PpoConfig } from '../rl/config';
import type { TrialResult } from '../race/evaluate';
import { summarizeTrials } from '../race/summary';
import type { IterationPoint } from '../rl/training-types';
import type { SimWorker } from './sim.worker';
import type { LearnerWorker } from './learner.worker';
import type { EvaluateResult, LearnerReady, NetworkBlob, WorkerError } from './protocol';
import { PpoTrainer } from '../rl/ppo';
import { firstCarOf, trainingStreams } from '../rl/rollout-source';
import { CollectError, RemoteUpdater, WorkerRolloutSource } from './worker-rollout';
import { WASM_PATHS } from './wasm-paths';
import { RewardSandbox } from '../sandbox/reward-sandbox';
import { REWARD_CALL_LIMIT_S } from './remote-reward';
import type { RewardLanguage } from '../reward/compile';
import { observationSpaceFor, sensorLayout, type SensorName } from '../sim/observation';
import { embedderFor, type CameraNetworkName } from '../rl/embedder-spec';
import type { DomainRandomization } from '../sim/sensor-rig';
import { spaceSize } from '../sim/spaces';
import type { SceneConfig } from '../sim/scene';
import { TraceBuilder, type TraceColumns } from '../race/trace-columns';

export interface TrainingSetup {
  track: TrackData;
  actionSpace: ActionSpace;
  rewardCode: string;
  rewardLanguage: RewardLanguage;
  config: PpoConfig;
  /** DeepRacer's stop condition, minutes of training (pauses excluded). */
  maxMinutes: number;
  /** Evaluate between iterations and stop once every evaluation trial completes a lap. */
  stopOnLap: boolean;
  /** Evaluation trials for `stopOnLap`. */
  evalTrials: number;
  /** Stop once the run (a resumed run's earlier iterations included) has this many iterations; absent: no limit. */
  maxIterations?: number | null;
  /** Start from these weights (clone) instead of fresh ones. */
  initialNetwork?: NetworkBlob | null;
  /**
   * Sim workers to use (default: `navigator.hardwareConcurrency - 1`, at least 1, at most the number of cars). Each
   * is one shard of the rollout with its own streams, so a run is reproducible for a given seed, settings and
   * number of sim workers; with one, it trains the model `npm run train` trains with the same seed and settings.
   */
  simWorkers?: number;
  /** Backends the learner may pick from, by measurement (default: all the browser has). */
  learnerBackends?: string[];
  /** Boxes and bot cars on the track while training and in its evaluations (object avoidance, head to bot). */
  objects?: SceneConfig;
  /** DeepRacer's sensor list (default `['TRACK_GEOMETRY']`, the MLP); a camera or LiDAR trains DeepRacer's embedders. */
  sensors?: SensorName[];
  /** The camera network for a camera sensor (default the shallow CNN, as DeepRacer). */
  cameraNetwork?: CameraNetworkName;
  /** Sim-to-real randomisation while training (camera noise, brightness/contrast, mount and steering offsets). */
  domainRandomization?: DomainRandomization | null;
}

export type TrainingStatus = 'starting' | 'running' | 'paused' | 'stopping' | 'stopped' | 'failed';

/** The state of a run after one policy update: what an autosave keeps to resume it. */
export interface TrainingCheckpoint {
  /** The network after this update (spec and flat float32 weights); the client does not touch these weights again. */
  network: NetworkBlob;
  /** Every iteration point so far, in order (a copy). */
  points: IterationPoint[];
  /** Training time so far, seconds (pauses excluded). */
  trainingSeconds: number;
  /** Env steps so far, all cars. */
  envSteps: number;
  /** Best episode progress so far, percent. */
  bestProgress: number;
  /** The newest evaluation between iterations (`stopOnLap`), or null. */
  evaluation: TrialResult[] | null;
}

export interface TrainingCallbacks {
  onStatus?(status: TrainingStatus): void;
  onBackend?(info: LearnerReady & { simWorkers: number }): void;
  /** After each policy update. `bestTrail` ([m*2] x, y) when this iteration's best episode beat the run's best. */
  onIteration?(point: IterationPoint, extra: { bestTrail: Float32Array | null; bestProgress: number; evaluation: TrialResult[] | null }): void;
  /** Car poses [numCars * 3] (x m, y m, heading rad), at most ~30 times a second. */
  onPoses?(poses: Float32Array): void;
  /**
   * Boxes and bot cars the first car meets, with the poses (object avoidance, head to bot):
   * [m * 6] x, y (m), heading (rad), length, width (m), kind (0 box, 1 bot car), as `TrackView.setObjects` takes.
   */
  onObjects?(objects: Float32Array): void;
  /**
   * A line for the training log: what the reward code prints (at most 200 lines a second per sim
   * worker, long lines cut), and how long compiling it took (Pyodide's loading included).
   */
  onLog?(line: string): void;
  /** What the first car's sensors give the network ([observationSize] float32, `sensorLayout` order), a few times a second. */
  onSensor?(observation: Float32Array): void;
  /**
   * After each policy update: the DeepRacer sim-trace of the iteration's finished episodes (all sim workers, episodes
   * numbered on from the previous iteration's). Given, the sim workers record it; `iteration` is 0-based, as in
   * `training-simtrace/{N}-iteration.csv`.
   */
  onSimTrace?(iteration: number, trace: TraceColumns): void;
  /** After each policy update, right after `onIteration`: what an autosave needs to resume from this update. */
  onCheckpoint?(checkpoint: TrainingCheckpoint): void;
}

export interface TrainingOutcome {
  reason: 'stopped' | 'time' | 'lap' | 'iterations' | 'error';
  /** Weights of the last completed update (null only if even the first setup failed). */
  network: NetworkBlob | null;
  points: IterationPoint[];
  trainingSeconds: number;
  envSteps: number;
  iterations: number;
  lastEvaluation: TrialResult[] | null;
  error: WorkerError | null;
  backend: string | null;
}

/**
 * Backstop for a collecting sim worker, s: it streams poses many times a second, so one silent this
 * long is stuck (the reward call itself has its own, shorter limit, REWARD_CALL_LIMIT_S).
 */
export const REWARD_TIME_LIMIT_S = 10;
/** Longest a sim worker may take to start (loading Pyodide, compiling the reward code), s. */
export const WORKER_START_LIMIT_S = 120;

/** Progress a training iteration must reach before `stopOnLap` spends time evaluating. */
const EVAL_GATE_PROGRESS = 50;

type Remote<T> = Comlink.Remote<T>;

export class TrainingClient {
  private simWorkers: Worker[] = [];
  private sims: Remote<SimWorker>[] = [];
  private learnerWorker: Worker | null = null;
  private learner: Remote<LearnerWorker> | null = null;
  private stopRequested = false;
  private paused = false;
  private resumeWaiters: (() => void)[] = [];
  private stopWaiters: (() => void)[] = [];
  /** Set when a worker dies (out of memory, a crashed backend) or overruns a limit: the run ends with this error. */
  private crash: WorkerError | null = null;
  /** Per sim worker: when it last reported (ms, performance.now()). */
  private beats: number[] = [];
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private poses: Float32Array = new Float32Array(0);
  /** Where the reward code runs (docs/security.md); one worker in it per sim worker. */
  private sandbox: RewardSandbox | null = null;

  constructor(
    private readonly setup: TrainingSetup,
    private readonly callbacks: TrainingCallbacks = {},
  ) {}

  /** Asks training to pause at the end of the current iteration. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.resumeWaiters.splice(0).forEach((f) => f());
  }

  /** Stops now; `start()` then resolves with the last completed update's weights. */
  stop(): void {
    this.stopRequested = true;
    this.resume();
    this.stopWaiters.splice(0).forEach((f) => f());
  }

  /** Runs training to its end. Never rejects: failures come back as `reason: 'error'`. */
  async start(): Promise<TrainingOutcome> {
    const { setup, callbacks } = this;
    const cfg = setup.config;
    const sensors = setup.sensors ?? ['TRACK_GEOMETRY'];
    const points: IterationPoint[] = [];
    let network: NetworkBlob | null = null;
    let envSteps = 0;
    let trainingMs = 0;
    let lastEvaluation: TrialResult[] | null = null;
    let backend: string | null = null;
    const outcome = (reason: TrainingOutcome['reason'], error: WorkerError | null = null): TrainingOutcome => ({
      reason,
      network,
      points,
      trainingSeconds: trainingMs / 1000,
      envSteps,
      iterations: points.length,
      lastEvaluation,
      error,
      backend,
    });
    callbacks.onStatus?.('starting');
    try {
      const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 2;
      const numSims = Math.max(1, Math.min(setup.simWorkers ?? cores - 1, cfg.numEnvs));
      this.learnerWorker = new Worker(new URL('./learner.worker.ts', import.meta.url), { type: 'module', name: 'raceline-learner' });
      this.watch(this.learnerWorker, 'learner');
      this.learner = Comlink.wrap<LearnerWorker>(this.learnerWorker);
      const actionKind = setup.actionSpace.type === 'discrete' ? ({ type: 'discrete', n: setup.actionSpace.actions.length } as const) : ({ type: 'box', size: 2 } as const);
      const ready = await this.learner.init({
        config: cfg,
        observationSize: spaceSize(observationSpaceFor(sensors)),
        actionKind,
        network: setup.initialNetwork ?? null,
        embedder: embedderFor(sensorLayout(sensors), setup.cameraNetwork),
        wasmPaths: WASM_PATHS,
        backends: setup.learnerBackends,
      });
      backend = ready.backend;
      network = ready.network;
      callbacks.onBackend?.({ ...ready, simWorkers: numSims });

      this.poses = new Float32Array(cfg.numEnvs * 3);
      const onPoses = Comlink.proxy((workerIndex: number, p: Float32Array, objects: Float32Array | null) => {
        this.beats[workerIndex] = performance.now();
        this.poses.set(p, this.firstCar(workerIndex, numSims) * 3);
        callbacks.onPoses?.(this.poses);
        if (objects) callbacks.onObjects?.(objects);
      });
      const onLog = Comlink.proxy((line: string) => callbacks.onLog?.(line));
      const onSensor = callbacks.onSensor ? Comlink.proxy((obs: Float32Array) => callbacks.onSensor?.(obs)) : undefined;
      this.sandbox = await RewardSandbox.open();
      this.sandbox.onWorkerError = (_id, message) => {
        if (this.crash || this.stopRequested) return;
        this.crash = { kind: 'WorkerCrash', message: `the reward code raised an error outside reward_function (${message}); training stopped and the model trained so far is kept`, line: null };
        this.stop();
      };
      const rewardWorkers = await Promise.all(Array.from({ length: numSims }, () => this.sandbox!.startWorker(setup.rewardLanguage)));
      const streams = trainingStreams(cfg.seed, numSims);
      const inits = [];
      for (let w = 0; w < numSims; w++) {
        const worker = new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module', name: `raceline-sim-${w}` });
        this.simWorkers.push(worker);
        this.watch(worker, `simulator ${w + 1}`);
        const sim = Comlink.wrap<SimWorker>(worker);
        this.sims.push(sim);
        const firstCar = this.firstCar(w, numSims);
        inits.push(
          sim.init(
            Comlink.transfer(
            {
              workerIndex: w,
              track: setup.track,
              actionSpace: setup.actionSpace,
              rewardCode: setup.rewardCode,
              rewardLanguage: setup.rewardLanguage,
              rewardPort: rewardWorkers[w].port,
              numEnvs: this.firstCar(w + 1, numSims) - firstCar,
              actionSeed: streams.actionSeeds[w],
              envSeed: streams.envSeeds[w],
              firstCar,
              startFraction: w / numSims,
              network: ready.network,
              wasmPaths: WASM_PATHS,
              objects: setup.objects,
              simTrace: !!callbacks.onSimTrace,
              sensors,
              domainRandomization: setup.domainRandomization ?? null,
            },
            [rewardWorkers[w].port],
            ),
            onPoses,
            onLog,
            w === 0 ? onSensor : undefined,
          ),
        );
      }
      this.startWatchdog('start', WORKER_START_LIMIT_S);
      const results = await this.untilStopped(Promise.all(inits));
      this.stopWatchdog();
      if (results === null) return this.finish(outcome(this.crash ? 'error' : 'stopped', this.crash), this.crash ? 'failed' : 'stopped');
      for (const r of results) if (!r.ok) return this.finish(outcome('error', r.error), 'failed');
      if (setup.rewardLanguage === 'python') {
        const slowest = Math.max(...results.map((r) => (r.ok ? r.rewardMs : 0)));
        callbacks.onLog?.(`Python reward function ready in ${(slowest / 1000).toFixed(1)} s (Pyodide loaded and the code compiled in the sandbox${numSims === 1 ? '' : `, once for each of ${numSims} simulators`})`);
      }
      callbacks.onStatus?.('running');

      const source = new WorkerRolloutSource(this.sims, cfg.numEnvs, {
        beforeCollect: () => this.startWatchdog('collect', REWARD_TIME_LIMIT_S),
        afterCollect: () => this.stopWatchdog(),
      });
      const updater = new RemoteUpdater(this.learner);
      // The one PPO iteration (rl/ppo.ts); this client keeps the lifecycle: pause, stop, limits, evaluation, autosave.
      const trainer = PpoTrainer.fromParts(cfg, source, updater);
      let bestProgress = 0;
      let traceEpisodes = 0; // sim-trace episodes numbered so far
      let runStart = performance.now();
      while (!this.stopRequested) {
        if (this.paused) {
          trainingMs += performance.now() - runStart;
          callbacks.onStatus?.('paused');
          await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
          if (this.stopRequested) break;
          callbacks.onStatus?.('running');
          runStart = performance.now();
        }
        if (trainingMs + (performance.now() - runStart) >= setup.maxMinutes * 60_000) {
          trainingMs += performance.now() - runStart;
          return this.finish(outcome('time'), 'stopped');
        }
        let metrics;
        try {
          metrics = await this.untilStopped(trainer.iteration());
        } catch (e) {
          if (!(e instanceof CollectError)) throw e;
          trainingMs += performance.now() - runStart;
          return this.finish(outcome('error', await this.explain(e.error)), 'failed');
        }
        if (metrics === null) break;
        network = { spec: network!.spec, weights: updater.weights! };
        envSteps = trainer.globalStep;
        const episodes = metrics.episodes;
        let bestTrail: Float32Array | null = null;
        for (const extra of source.lastExtras) {
          if (extra.best && extra.best.progress > bestProgress) {
            bestProgress = extra.best.progress;
            bestTrail = extra.best.path;
          }
        }
        const progressOf = (e: EpisodeRecord): number => Number(e.extra?.progress ?? 0);
        const mean = (f: (e: EpisodeRecord) => number): number => (episodes.length ? episodes.reduce((a, e) => a + f(e), 0) / episodes.length : 0);
        let evaluation: TrialResult[] | null = null;
        if (setup.stopOnLap && Math.max(0, ...episodes.map(progressOf)) >= EVAL_GATE_PROGRESS) {
          const ev = await this.untilStopped<EvaluateResult>(this.sims[0].evaluate({ trials: setup.evalTrials, seed: cfg.seed, recordPaths: false }) as Promise<EvaluateResult>);
          if (ev === null) break;
          if (ev.ok) evaluation = lastEvaluation = ev.trials;
        }
        const { losses } = metrics;
        const point: IterationPoint = {
          iteration: points.length + 1,
          elapsedS: (trainingMs + performance.now() - runStart) / 1000,
          globalStep: envSteps,
          episodes: episodes.length,
          meanReward: mean((e) => e.episodicReturn),
          meanProgress: mean(progressOf),
          laps: episodes.filter((e) => e.extra?.status === 'lap_complete').length,
          entropy: losses.entropy,
          approxKl: losses.approxKl,
          policyLoss: losses.policyLoss,
          valueLoss: losses.valueLoss,
          clipFraction: losses.clipFraction,
          explainedVariance: Number.isFinite(losses.explainedVariance) ? losses.explainedVariance : null,
          learningRate: metrics.learningRate,
          sps: metrics.sps,
        };
        points.push(point);
        if (callbacks.onSimTrace) {
          const merged = new TraceBuilder();
          for (const { trace } of source.lastExtras) {
            if (!trace || trace.length === 0) continue;
            merged.append(trace, traceEpisodes);
            traceEpisodes += trace.episode[trace.length - 1] + 1;
          }
          callbacks.onSimTrace(point.iteration - 1, merged.build());
        }
        callbacks.onIteration?.(point, { bestTrail, bestProgress, evaluation });
        callbacks.onCheckpoint?.({ network, points: [...points], trainingSeconds: point.elapsedS, envSteps, bestProgress, evaluation: lastEvaluation });
        if (evaluation && summarizeTrials(evaluation).completed === evaluation.length) {
          trainingMs += performance.now() - runStart;
          return this.finish(outcome('lap'), 'stopped');
        }
        if (setup.maxIterations && points.length >= setup.maxIterations) {
          trainingMs += performance.now() - runStart;
          return this.finish(outcome('iterations'), 'stopped');
        }
      }
      trainingMs += performance.now() - runStart;
      if (this.crash) return this.finish(outcome('error', this.crash), 'failed');
      return this.finish(outcome('stopped'), 'stopped');
    } catch (e) {
      if (this.crash) return this.finish(outcome('error', this.crash), 'failed');
      const err = e instanceof Error ? e : new Error(String(e));
      return this.finish(outcome('error', { kind: err.name, message: err.message, line: null }), 'failed');
    }
  }

  /**
   * A worker that dies never answers its pending call: turn its error event into the run's error and
   * end the run (the weights of the last completed update are kept).
   */
  private watch(worker: Worker, role: string): void {
    const fail = (what: string) => {
      if (this.crash || this.stopRequested) return;
      this.crash = { kind: 'WorkerCrash', message: `the ${role} worker stopped (${what}); training ended, the last completed update is kept`, line: null };
      this.stop();
    };
    worker.addEventListener('error', (e) => fail(e.message || 'an error with no message, possibly out of memory'));
    worker.addEventListener('messageerror', () => fail('a message could not be read'));
  }

  /** Watches every sim worker's heartbeat; one silent for `limitS` ends the run with a message naming the limit. */
  private startWatchdog(phase: 'start' | 'collect', limitS: number): void {
    this.stopWatchdog();
    const now = performance.now();
    this.beats = this.sims.map(() => now);
    this.watchdog = setInterval(() => {
      const t = performance.now();
      const stuck = this.beats.findIndex((b) => t - b > limitS * 1000);
      if (stuck < 0 || this.crash || this.stopRequested) return;
      this.crash = {
        kind: 'time-limit',
        message:
          phase === 'collect'
            ? `reward_function did not return within the time limit of ${limitS} s (an endless loop, code that blocks, or memory running short because a list or string keeps growing?); simulator ${stuck + 1} was stopped and the model trained so far is kept`
            : `simulator ${stuck + 1} did not start within ${limitS} s (does the reward code's top level loop forever?); training stopped`,
        line: null,
      };
      this.stop();
    }, 250);
  }

  private stopWatchdog(): void {
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  /**
   * A reward call over its time limit either looped (the sandbox still answers) or took the
   * sandbox's process down, which is what running out of memory does: say which.
   */
  private async explain(error: WorkerError): Promise<WorkerError> {
    if (error.kind !== 'time-limit' || !this.sandbox) return error;
    if (await this.sandbox.survives()) return error;
    return {
      kind: 'sandbox',
      message: `the reward code's sandbox stopped answering within ${REWARD_CALL_LIMIT_S} s: the browser ended it, most likely because reward_function used too much memory (does it keep growing a list or a string?); training stopped and the model trained so far is kept`,
      line: null,
    };
  }

  /** Index of the first car of sim worker w when cars are split evenly. */
  private firstCar(w: number, numSims: number): number {
    return firstCarOf(w, this.setup.config.numEnvs, numSims);
  }

  /** Resolves with the promise's value, or null as soon as stop() is called. */
  private untilStopped<T>(p: Promise<T>): Promise<T | null> {
    if (this.stopRequested) return Promise.resolve(null);
    return Promise.race([p, new Promise<null>((resolve) => this.stopWaiters.push(() => resolve(null)))]);
  }

  private finish(o: TrainingOutcome, status: TrainingStatus): TrainingOutcome {
    this.stopWatchdog();
    this.terminate();
    this.callbacks.onStatus?.(status);
    return o;
  }

  /** Ends every worker, and the sandbox with the reward workers in it. */
  terminate(): void {
    this.sandbox?.close();
    this.sandbox = null;
    this.simWorkers.forEach((w) => w.terminate());
    this.simWorkers = [];
    this.sims = [];
    this.learnerWorker?.terminate();
    this.learnerWorker = null;
    this.learner = null;
  }
}
