/**
 * Sim worker: a share of the training cars. Holds a RacingVectorEnv and a copy of the policy for
 * acting (tfjs-wasm, one batched forward pass per step). The user's reward function does NOT run
 * here: it runs in the sandbox worker (docs/security.md), reached through the MessagePort in
 * `SimInit.rewardPort`, one call per step for all this worker's cars. Collects a rollout, computes
 * GAE locally and hands the learner flat typed arrays as transferables. Also runs evaluations.
 * Streams car poses at up to 30 Hz.
 */
import * as Comlink from 'comlink';
import { Track } from '../track/track';
import { RacingVectorEnv } from '../sim/racing-env';
import { OBJECT_VIEW_KIND, OBJECT_VIEW_STRIDE } from '../sim/objects';
import type { ResetOptions, VectorEnv, VectorStepResult } from '../sim/env';
import { connectRemoteReward } from './remote-reward';
import { RewardError, type RewardFunction } from '../reward/reward-function';
import { selectBackend } from '../rl/backend';
import { ActorCriticNetwork } from '../rl/networks';
import { ActorCritic } from '../rl/policy';
import { EnvShard, type CollectRequest } from '../rl/rollout-source';
import { evaluatePolicy } from '../race/evaluate';
import { LogLimiter } from './log-limiter';
import { TraceRecorder, traceBuffers } from '../race/trace-columns';
import type { CollectResult, EvaluateRequest, EvaluateResult, SimInit, WorkerError } from './protocol';

/** The reward of an evaluation-only worker: DeepRacer's evaluation does not use rewards. */
const ZERO_REWARD: RewardFunction = { language: 'javascript', evaluate: (batch) => batch.map(() => 0) };

/** Fastest pose stream to the page, Hz. */
const POSE_HZ = 30;

/** Fastest stream of one car's observation ("what the car sees"), Hz. */
const SENSOR_HZ = 4;

/** Car poses [n * 3]; from worker 0, also the objects its first car meets [m * 6] (`objectView`), or null without objects. */
type PoseSink = (workerIndex: number, poses: Float32Array, objects: Float32Array | null) => void;

/** KIND codes of `TrackView.setObjects`. */

/** The objects car 0 meets, as `TrackView.setObjects` draws them: [m * 6] x, y, heading, length, width, kind. */
function objectView(env: RacingVectorEnv): Float32Array | null {
  const objects = env.objectPoses(0);
  if (objects.length === 0) return null;
  const out = new Float32Array(objects.length * OBJECT_VIEW_STRIDE);
  objects.forEach((o, k) => out.set([o.x, o.y, o.heading, o.length, o.width, OBJECT_VIEW_KIND[o.kind]], k * OBJECT_VIEW_STRIDE));
  return out;
}
/** Receives a copy of car 0's observation, [observationSize] float32. */
type SensorSink = (observation: Float32Array) => void;
type LogSink = (line: string) => void;

/** Wraps the env to stream poses and keep each car's current path for the best-episode trail. */
class ObservedEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace;
  readonly singleActionSpace;
  private paths: number[][];
  private lastEmit = 0;
  private lastSensorEmit = 0;
  /** Set by the worker for the car whose view the page shows. */
  sensorSink: SensorSink | null = null;
  /** [numEnvs * 3] reused each step; the pose sink copies it when it sends. */
  private readonly poseBuffer: Float32Array;
  best: { progress: number; path: Float32Array } | null = null;

  constructor(
    readonly inner: RacingVectorEnv,
    private readonly workerIndex: number,
    private readonly sink: PoseSink | null,
  ) {
    this.numEnvs = inner.numEnvs;
    this.singleObservationSpace = inner.singleObservationSpace;
    this.singleActionSpace = inner.singleActionSpace;
    this.paths = Array.from({ length: inner.numEnvs }, () => []);
    this.poseBuffer = new Float32Array(inner.numEnvs * 3);
  }

  reset(options?: ResetOptions): { observations: Float32Array } {
    this.paths.forEach((p) => (p.length = 0));
    return this.inner.reset(options);
  }

  step(actions: Int32Array | Float32Array): VectorStepResult {
    return this.observe(this.inner.step(actions));
  }

  async stepAsync(actions: Int32Array | Float32Array): Promise<VectorStepResult> {
    return this.observe(await this.inner.stepAsync(actions));
  }

  private observe(r: VectorStepResult): VectorStepResult {
    const poses = this.inner.poses(this.poseBuffer);
    for (let i = 0; i < this.numEnvs; i++) {
      // A car that just ended is already back at its start (same-step autoreset): not part of its path.
      if (!r.terminated[i] && !r.truncated[i]) this.paths[i].push(poses[3 * i], poses[3 * i + 1]);
    }
    for (const e of r.episodes) {
      const progress = Number(e.extra?.progress ?? 0);
      if (!this.best || progress > this.best.progress) this.best = { progress, path: Float32Array.from(this.paths[e.envIndex]) };
      this.paths[e.envIndex].length = 0;
    }
    const now = performance.now();
    if (this.sink && now - this.lastEmit >= 1000 / POSE_HZ) {
      this.lastEmit = now;
      this.sink(this.workerIndex, poses, this.workerIndex === 0 ? objectView(this.inner) : null);
    }
    if (this.sensorSink && now - this.lastSensorEmit >= 1000 / SENSOR_HZ) {
      this.lastSensorEmit = now;
      const size = r.observations.length / this.numEnvs;
      const copy = r.observations.slice(0, size);
      this.sensorSink(Comlink.transfer(copy, [copy.buffer]));
    }
    return r;
  }
}

function toWorkerError(e: unknown): WorkerError {
  if (e instanceof RewardError) return { kind: e.kind, message: e.message, line: e.line };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: err.name || 'Error', message: err.message, line: null };
}

export class SimWorker {
  private init_: SimInit | null = null;
  private env: ObservedEnv | null = null;
  private policy: ActorCritic | null = null;
  private shard: EnvShard | null = null;
  private track: Track | null = null;
  /** With `SimInit.simTrace`: the training episodes' sim-trace since the last collect. */
  private recorder: TraceRecorder | null = null;

  /**
   * Builds the cars, has the sandbox compile the reward function (loading Pyodide first for Python) and makes the policy copy.
   * @param onPoses receives car poses, at most POSE_HZ times a second.
   * @param onLog receives the lines the reward code prints, at most MAX_LINES_PER_SECOND a second.
   * @param onSensor receives this worker's first car's observation, at most SENSOR_HZ times a second.
   * @returns `{ok: false, error}` when the reward code does not compile; `rewardMs` is the time
   *   spent compiling it, Pyodide's loading included.
   */
  async init(init: SimInit, onPoses?: PoseSink, onLog?: LogSink, onSensor?: SensorSink): Promise<{ ok: true; backend: string; rewardMs: number } | { ok: false; error: WorkerError }> {
    try {
      const backend = await selectBackend({ preferred: ['wasm', 'cpu'], measure: false, wasmPaths: init.wasmPaths });
      this.init_ = init;
      this.track = new Track(init.track);
      const log = onLog ? new LogLimiter((line) => void onLog(line)) : null;
      const rewardStart = performance.now();
      const reward = init.rewardPort
        ? (
            await connectRemoteReward(
              init.rewardPort,
              { code: init.rewardCode, language: init.rewardLanguage },
              { seed: init.envSeed, onPrint: log ? (line) => log.push(line) : undefined },
            )
          ).reward
        : ZERO_REWARD;
      const rewardMs = performance.now() - rewardStart;
      const inner = new RacingVectorEnv({
        track: this.track,
        actionSpace: init.actionSpace,
        reward,
        numEnvs: init.numEnvs,
        startFraction: init.startFraction,
        objects: init.objects,
        sensors: init.sensors,
        domainRandomization: init.domainRandomization ?? null,
      });
      this.recorder = init.simTrace ? new TraceRecorder() : null;
      if (this.recorder) inner.setStepListener(this.recorder.listener);
      this.env = new ObservedEnv(inner, init.workerIndex, onPoses ?? null);
      this.env.sensorSink = onSensor ?? null;
      this.policy?.dispose();
      this.policy = new ActorCritic(ActorCriticNetwork.fromSerialized({ spec: init.network.spec as never, weightData: init.network.weights.slice().buffer }));
      this.shard = new EnvShard(this.env, this.policy, { actionSeed: init.actionSeed, envSeed: init.envSeed }, init.firstCar);
      return { ok: true, backend: backend.name, rewardMs };
    } catch (e) {
      return { ok: false, error: toWorkerError(e) };
    }
  }

  /** Replaces the acting policy's weights (flat float32, after each update). */
  setWeights(weights: Float32Array): void {
    if (!this.policy) throw new Error('SimWorker.setWeights before init');
    this.policy.network.setWeights(weights);
  }

  /** Collects this worker's share of an iteration and computes its advantages and returns (arrays transferred). */
  async collect(request: CollectRequest): Promise<CollectResult> {
    const { env, shard } = this;
    if (!env || !shard) return { ok: false, error: { kind: 'Error', message: 'SimWorker.collect before init', line: null } };
    try {
      env.best = null;
      const r = await shard.collect(request, true);
      const best = env.best as ObservedEnv['best']; // set by env.step during the rollout
      const trace = this.recorder ? this.recorder.take() : null;
      const { share } = r;
      const transfer = [share.observations.buffer, share.actions.buffer, share.logProbs.buffer, share.values.buffer, share.advantages.buffer, share.returns.buffer];
      if (best) transfer.push(best.path.buffer);
      if (trace) transfer.push(...traceBuffers(trace));
      return Comlink.transfer({ ok: true, ...r, best, trace }, transfer as ArrayBuffer[]);
    } catch (e) {
      return { ok: false, error: toWorkerError(e) };
    }
  }

  /** DeepRacer time-trial evaluation of the current weights from the start line. */
  async evaluate(req: EvaluateRequest): Promise<EvaluateResult> {
    if (!this.policy || !this.track || !this.init_) return { ok: false, error: { kind: 'Error', message: 'SimWorker.evaluate before init', line: null } };
    try {
      const recorder = req.trace ? new TraceRecorder() : null;
      const trials = await evaluatePolicy(this.policy, {
        track: this.track,
        actionSpace: this.init_.actionSpace,
        trials: req.trials,
        seed: req.seed,
        recordPaths: req.recordPaths,
        objects: this.init_.objects,
        sensors: this.init_.sensors,
        onStep: recorder?.listener,
      });
      const buffers: ArrayBuffer[] = [];
      for (const t of trials) if (t.path) buffers.push(t.path.buffer as ArrayBuffer);
      const trace = recorder ? recorder.flush() : null;
      if (trace) buffers.push(...traceBuffers(trace));
      return Comlink.transfer({ ok: true, trials, trace }, buffers);
    } catch (e) {
      return { ok: false, error: toWorkerError(e) };
    }
  }
}

Comlink.expose(new SimWorker());
