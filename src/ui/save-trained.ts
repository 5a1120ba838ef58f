/**
 * Keeping the model a training run produced: one model record with its weights and training history (one
 * transaction), then the evaluation that stopped it. Used for new, cloned and resumed runs alike.
 */
import type { TrialResult } from '../race/evaluate';
import { summarizeTrials } from '../race/summary';
import { networkNameOf, toModelMetadata } from '../rl/model-metadata';
import type { NetworkSpec } from '../rl/network-spec';
import type { TrainingOutcome, TrainingSetup } from '../workers/training-client';
import { SHIPPED_TRACK_NAMES } from '../share/shipped-tracks';
import type { RacelineStore } from '../store/repository';
import { newId, type ModelRecord } from '../store/records';
import { evaluationRecord } from './evaluation-record';
import type { Notice } from './notice';
import type { IterationPoint } from './training-types';

/** A training setup as the studio builds it (the client's, all fields plain data). */
export type TrainingSetupPlain = TrainingSetup;

/** Where a run starts from: nothing for a new run, a checkpoint's state for a resumed one. */
export interface RunBase {
  /** Iterations done before this session, in order. */
  points: IterationPoint[];
  /** Training time before this session, seconds. */
  trainingSeconds: number;
  /** Env steps before this session. */
  envSteps: number;
  /** Best episode progress before this session, percent. */
  bestProgress: number;
  /** The last evaluation between iterations before this session (paths left out), or null. */
  evaluation: TrialResult[] | null;
}

/** What the user chose for the model: its name (empty: a default) and the model it was cloned from. */
export interface RunMeta {
  modelName: string;
  parent: { id: string; name: string } | null;
}

export interface SaveTrainedArgs {
  setup: TrainingSetupPlain;
  outcome: TrainingOutcome;
  runId: string;
  base: RunBase;
  meta: RunMeta;
  /** Every iteration point of the run, this session's shifted after the base's. */
  points: IterationPoint[];
  /** Set when training stopped because a checkpoint did not fit in storage: the message so far. */
  storageStop: string | null;
  /** Iteration of the newest checkpoint written in this session, null when none was. */
  lastCheckpoint: number | null;
}

/**
 * Saves the trained model (`outcome.network` must be set) and the evaluation that ended training, if any.
 * @returns the new model's id (null when nothing could be saved) and the notice to show (null: keep the current).
 *   Never throws: storage errors become the notice, written for the user.
 */
export async function saveTrainedModel(
  store: RacelineStore | null,
  { setup, outcome, runId, base, meta, points, storageStop, lastCheckpoint }: SaveTrainedArgs,
): Promise<{ id: string | null; notice: Notice | null }> {
  if (!store) return { id: null, notice: { kind: 'error', text: 'Browser storage is unavailable: the trained model cannot be kept in this session.' } };
  const id = newId('model');
  const lastEvaluation = outcome.lastEvaluation ?? base.evaluation;
  const network = outcome.network!;
  const sensors = setup.sensors ?? ['TRACK_GEOMETRY'];
  const model: ModelRecord = {
    type: 'model',
    version: 2,
    id,
    name: meta.modelName || `${setup.track.displayName} ${new Date().toLocaleString()}`,
    createdAt: Date.now(),
    track: setup.track.name,
    trackData: SHIPPED_TRACK_NAMES.includes(setup.track.name) ? null : setup.track,
    actionSpace: setup.actionSpace,
    sensor: sensors[0],
    modelMetadata: toModelMetadata(setup.actionSpace, sensors, networkNameOf(network.spec as NetworkSpec)),
    hyperparameters: setup.config,
    rewardCode: setup.rewardCode,
    rewardLanguage: setup.rewardLanguage,
    seed: setup.config.seed,
    trainingSeconds: base.trainingSeconds + outcome.trainingSeconds,
    envSteps: base.envSteps + outcome.envSteps,
    iterations: points.length,
    networkSpec: network.spec,
    bestEvaluation: lastEvaluation ? summarizeTrials(lastEvaluation) : null,
    parentId: meta.parent?.id ?? null,
    parentName: meta.parent?.name ?? null,
    origin: meta.parent ? 'clone' : 'trained',
    claim: null,
    runId,
    notes: outcome.error ? `Training stopped by an error: ${outcome.error.message}` : '',
  };
  try {
    const w = network.weights;
    const history = points.map((p) => ({ ...p }) as unknown as Record<string, unknown>);
    await store.saveModel(model, w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer, { history, logs: { training: [], evaluation: [] } });
    if (lastEvaluation) await store.addEvaluation(evaluationRecord(id, setup.track.name, setup.config.seed, lastEvaluation));
  } catch (e) {
    const message = (e as Error).message;
    if (storageStop) {
      const kept = lastCheckpoint ?? (base.points.length > 0 ? base.points.length : null);
      const next = kept === null
        ? 'Nothing of this run could be kept; everything saved before is intact. Delete models you no longer need, then train again.'
        : `The checkpoint of iteration ${kept} is kept: delete models you no longer need, then resume the training.`;
      return { id: null, notice: { kind: 'error', text: `${storageStop} The model could not be saved either. ${next}` } };
    }
    return { id: null, notice: { kind: 'error', text: message } };
  }
  if (storageStop) return { id, notice: { kind: 'error', text: `${storageStop} The model trained so far was saved as "${model.name}"; everything saved before is intact.` } };
  if (outcome.error) return { id, notice: null };
  const why =
    outcome.reason === 'lap' ? 'it completed a lap in every evaluation trial'
    : outcome.reason === 'time' ? 'the maximum time was reached'
    : outcome.reason === 'iterations' ? `it reached ${outcome.iterations} iterations`
    : 'you stopped it';
  // The studio evaluates the model next; `evaluating` makes the notice say so, then say what came of it.
  return { id, notice: { kind: 'info', text: `Model "${model.name}" saved: training ended because ${why}.`, evaluating: true } };
}
