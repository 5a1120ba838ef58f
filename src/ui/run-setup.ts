/**
 * The settings of a training run as its record keeps them, and how a run is set up again from its newest checkpoint
 * to resume it. Pure: no store, no workers.
 */
import type { ActionSpace } from '../sim/action-space';
import type { SceneConfig } from '../sim/scene';
import type { SensorName } from '../sim/observation';
import type { CameraNetworkName } from '../rl/embedder-spec';
import type { DomainRandomization } from '../sim/sensor-rig';
import type { RewardLanguage } from '../reward/compile';
import { resolvePpoConfig, type PpoConfig } from '../rl/config';
import type { TrackData } from '../track/track-data';
import type { NetworkBlob } from '../workers/protocol';
import { newId, type CheckpointRecord, type RunRecord } from '../store/records';
import type { RunBase, RunMeta, TrainingSetupPlain } from './save-trained';
import { SHIPPED_TRACKS } from './tracks';

/** Shortest time a resumed run gets, minutes, when its maximum time is (nearly) used up. */
export const MIN_RESUME_MINUTES = 0.5;

/** A saved model being cloned: training starts from its weights with its action space and network. */
export interface CloneSource {
  id: string;
  name: string;
  actionSpace: ActionSpace;
  /** DeepRacer's sensor list of the model (`model_metadata.json` `sensor`). */
  sensors: string[];
  network: NetworkBlob;
}

/** The settings of a run as kept in its record (`RunRecord.config`), enough to resume it. */
export interface RunConfig {
  ppo: PpoConfig;
  actionSpace: ActionSpace;
  rewardCode: string;
  rewardLanguage: RewardLanguage;
  maxMinutes: number;
  stopOnLap: boolean;
  /** Stop after this many iterations (a lesson's stop condition); absent: no limit. */
  maxIterations?: number | null;
  /** The geometry, for an imported track only. */
  trackData?: TrackData;
  /** Boxes or bot cars on the track while training, if any. */
  objects?: SceneConfig;
  /** DeepRacer's sensor list; absent in runs from before sensors could be chosen (TRACK_GEOMETRY). */
  sensors?: SensorName[];
  /** Camera network name, with a camera sensor. */
  cameraNetwork?: CameraNetworkName;
  /** Sim-to-real randomisation, if on. */
  domainRandomization?: DomainRandomization | null;
  /** A "Reproducible run": one sim worker and these learner backends (`['wasm']`); absent: the machine's choice. */
  simWorkers?: number;
  learnerBackends?: string[];
  modelName?: string;
  parent?: { id: string; name: string } | null;
}

/** The record of a new run of `setup`, status `running`. */
export function newRunRecord(setup: TrainingSetupPlain, meta: RunMeta): RunRecord {
  const config: RunConfig = {
    ppo: setup.config,
    actionSpace: setup.actionSpace,
    rewardCode: setup.rewardCode,
    rewardLanguage: setup.rewardLanguage,
    maxMinutes: setup.maxMinutes,
    stopOnLap: setup.stopOnLap,
    ...(setup.maxIterations ? { maxIterations: setup.maxIterations } : {}),
    ...(SHIPPED_TRACKS.some((t) => t.name === setup.track.name) ? {} : { trackData: setup.track }),
    ...(setup.objects ? { objects: setup.objects } : {}),
    ...(setup.sensors ? { sensors: setup.sensors } : {}),
    ...(setup.cameraNetwork ? { cameraNetwork: setup.cameraNetwork } : {}),
    ...(setup.domainRandomization ? { domainRandomization: setup.domainRandomization } : {}),
    ...(setup.simWorkers ? { simWorkers: setup.simWorkers } : {}),
    ...(setup.learnerBackends ? { learnerBackends: setup.learnerBackends } : {}),
    modelName: meta.modelName,
    parent: meta.parent,
  };
  return {
    type: 'run',
    version: 1,
    id: newId('run'),
    modelId: null,
    startedAt: Date.now(),
    endedAt: null,
    status: 'running',
    error: null,
    track: setup.track.name,
    config: config as unknown as Record<string, unknown>,
    metrics: [],
  };
}

/** How to resume a run: its settings, the setup that continues from the checkpoint, and where it starts. */
export interface ResumePlan {
  config: RunConfig;
  track: TrackData;
  setup: TrainingSetupPlain;
  base: RunBase;
  meta: RunMeta;
}

/**
 * The plan to resume `run` from `checkpoint`: the run's settings, the checkpoint's weights as the initial network,
 * what remains of its maximum time (at least {@link MIN_RESUME_MINUTES}), and the checkpoint's iterations and
 * totals as the base. The optimiser's moment estimates are not in a checkpoint: they start afresh.
 * @throws Error when the settings no longer validate or the track is not available (the message says which).
 */
export function resumePlan(run: RunRecord, checkpoint: CheckpointRecord): ResumePlan {
  const cfg = run.config as unknown as RunConfig;
  const config = resolvePpoConfig(cfg.ppo);
  const track = cfg.trackData ?? SHIPPED_TRACKS.find((t) => t.name === run.track);
  if (!track) throw new Error(`the track '${run.track}' is not available in this Raceline`);
  return {
    config: cfg,
    track,
    setup: {
      track,
      actionSpace: cfg.actionSpace,
      rewardCode: cfg.rewardCode,
      rewardLanguage: cfg.rewardLanguage,
      config,
      maxMinutes: Math.max(MIN_RESUME_MINUTES, cfg.maxMinutes - checkpoint.trainingSeconds / 60),
      stopOnLap: cfg.stopOnLap,
      maxIterations: cfg.maxIterations ?? null,
      evalTrials: 3,
      initialNetwork: { spec: checkpoint.networkSpec, weights: new Float32Array(checkpoint.data.slice(0)) },
      ...(cfg.objects ? { objects: cfg.objects } : {}),
      ...(cfg.sensors ? { sensors: cfg.sensors } : {}),
      ...(cfg.cameraNetwork ? { cameraNetwork: cfg.cameraNetwork } : {}),
      ...(cfg.domainRandomization ? { domainRandomization: cfg.domainRandomization } : {}),
      ...(cfg.simWorkers ? { simWorkers: cfg.simWorkers } : {}),
      ...(cfg.learnerBackends ? { learnerBackends: cfg.learnerBackends } : {}),
    },
    base: {
      points: checkpoint.points,
      trainingSeconds: checkpoint.trainingSeconds,
      envSteps: checkpoint.envSteps,
      bestProgress: checkpoint.bestProgress,
      evaluation: checkpoint.evaluation,
    },
    meta: { modelName: cfg.modelName ?? '', parent: cfg.parent ?? null },
  };
}
