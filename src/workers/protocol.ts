/**
 * What crosses the worker boundary during training: plain data and typed arrays (sent as
 * transferables), never class instances. Shared by the main-thread client and the worker entries.
 */
import type { ActionSpace } from '../sim/action-space';
import type { TrackData } from '../track/track-data';
import type { PpoConfig } from '../rl/config';
import type { TrialResult } from '../race/evaluate';
import type { RewardLanguage } from '../reward/compile';
import type { SceneConfig } from '../sim/scene';
import type { TraceColumns } from '../race/trace-columns';
import type { SensorName } from '../sim/observation';
import type { DomainRandomization } from '../sim/sensor-rig';
import type { EmbedderSpec } from '../rl/embedder-spec';
import type { ShardRollout } from '../rl/rollout-source';

/** The network as it travels: its JSON spec and flat float32 weights. */
export interface NetworkBlob {
  spec: unknown;
  /** Flat float32 weights, as `ActorCriticNetwork.getFlatWeights()`. */
  weights: Float32Array;
}

/** Everything a sim worker needs to build its cars. */
export interface SimInit {
  workerIndex: number;
  track: TrackData;
  actionSpace: ActionSpace;
  rewardCode: string;
  rewardLanguage: RewardLanguage;
  /**
   * The sandboxed RewardHost that runs the reward code (`RewardSandbox.startWorker`), transferred;
   * null to evaluate only (every reward is 0, no user code runs).
   */
  rewardPort: MessagePort | null;
  /** Cars in this worker. */
  numEnvs: number;
  /** This worker's shard streams (`trainingStreams`): its action sampling and its env's reset. */
  actionSeed: number;
  envSeed: number;
  /** Index of this worker's first car among all cars (for colours and start positions). */
  firstCar: number;
  /** Start of this worker's first episode, fraction of the lap, so workers spread around the track. */
  startFraction: number;
  network: NetworkBlob;
  /** tfjs-wasm binary URLs (Vite `?url` imports), by file name. */
  wasmPaths: Record<string, string>;
  /** Boxes and bot cars on the track while training and evaluating (object avoidance, head to bot); default none. */
  objects?: SceneConfig;
  /** Record the DeepRacer sim-trace of every finished episode and hand it back with each collect (default false). */
  simTrace?: boolean;
  /** DeepRacer's sensor list (`model_metadata.json` `sensor`); default `['TRACK_GEOMETRY']`. */
  sensors?: SensorName[];
  /** Camera and mount randomisation for sim-to-real transfer (training only; evaluation never randomises). */
  domainRandomization?: DomainRandomization | null;
}

/** A serialisable reward or worker error. */
export interface WorkerError {
  kind: string;
  message: string;
  /** 1-based line in the user's reward code, when known. */
  line: number | null;
}

export type CollectResult =
  | (ShardRollout & {
      ok: true;
      /** The best episode of this collect by progress: its path [m * 2] (x, y per step) and progress. */
      best: { progress: number; path: Float32Array } | null;
      /** With `SimInit.simTrace`: the episodes that ended during this collect, numbered from 0. */
      trace?: TraceColumns | null;
    })
  | { ok: false; error: WorkerError };

export interface LearnerInit {
  config: PpoConfig;
  observationSize: number;
  /** Discrete: number of actions; continuous: action dimensions. */
  actionKind: { type: 'discrete'; n: number } | { type: 'box'; size: number };
  /** Continue from these weights (clone), else seeded fresh weights. */
  network: NetworkBlob | null;
  /** DeepRacer's input embedders for camera/LiDAR sensors (`embedderFor`); null or absent: an MLP on the vector. */
  embedder?: EmbedderSpec | null;
  wasmPaths: Record<string, string>;
  /** Backends the learner may pick from, by measurement (default: all the browser has). */
  backends?: string[];
}

export interface LearnerReady {
  backend: string;
  reason: string;
  timingsMs: Record<string, number>;
  network: NetworkBlob;
}

export interface EvaluateRequest {
  trials: number;
  seed: number;
  recordPaths: boolean;
  /** Also return the evaluation's sim-trace (DeepRacer's evaluation-simtrace), one episode per trial. */
  trace?: boolean;
}

export type EvaluateResult = { ok: true; trials: TrialResult[]; trace?: TraceColumns | null } | { ok: false; error: WorkerError };
