/**
 * Between the stored records of a model and a `ModelPackage` (src/share/model-package.ts), the in-memory form the
 * zip and link codecs read and write. Pure functions: no database, no DOM.
 */
import type { ModelPackage } from '../share/model-package';
import type { NetworkSpec } from '../rl/networks';
import { networkNameOf, toModelMetadata } from '../rl/model-metadata';
import { summarizeTrials } from '../race/summary';
import type { ModelExtras } from './repository';
import type { ClaimedEvaluation, EvaluationRecord, ModelOrigin, ModelRecord } from './records';

/** What the garage knows of a model: its record and the name and notes it goes by now. */
export interface NamedModel {
  model: ModelRecord;
  name: string;
  notes: string;
}

/** The claim of an evaluation record: its seed and per-trial results. */
export function claimOf(evaluation: Pick<EvaluationRecord, 'seed' | 'trials'>): ClaimedEvaluation {
  return {
    seed: evaluation.seed,
    trials: evaluation.trials.map((t) => ({ progress: t.progress, lapTimeS: t.lapTimeS, steps: t.steps ?? null, status: t.status ?? null })),
  };
}

/**
 * The package of a saved model, for export or a share link.
 * @param weights flat float32 `[numWeights]`, as read from the store (checked there).
 * @param best the model's best evaluation: it becomes the package's claim (seed and trials); without one, the
 *   claim the model came with, if any.
 * @param extras history and logs kept with the model.
 * The package is not checked here: the codecs check it (`checkModelPackage`) and say what is wrong.
 */
export function packageFromModel(named: NamedModel, weights: Float32Array, best: EvaluationRecord | null, extras: ModelExtras): ModelPackage {
  const m = named.model;
  return {
    name: named.name,
    track: m.trackData ?? m.track,
    sensors: [...m.modelMetadata.sensor],
    actionSpace: m.actionSpace,
    network: m.networkSpec as NetworkSpec,
    weights,
    reward: { language: m.rewardLanguage, code: m.rewardCode },
    ppo: m.hyperparameters,
    seed: m.seed,
    evaluation: best ? claimOf(best) : m.claim,
    training: { seconds: m.trainingSeconds, envSteps: m.envSteps, iterations: m.iterations },
    history: extras.history,
    logs: { training: [...extras.logs.training], evaluation: [...extras.logs.evaluation] },
    notes: named.notes,
    parent: m.parentId === null ? null : { id: m.parentId, name: m.parentName ?? '' },
  };
}

/**
 * The records to save for a package that arrived (zip or link): a new model with a new id, its weights and extras.
 * @param pkg a checked package (what `importModelZip` and `decodeShareLink` return).
 * @param origin `zip` or `link`.
 * @returns the model record (version 2), the weights as bytes (a copy) and the extras.
 */
export function modelFromPackage(pkg: ModelPackage, origin: Extract<ModelOrigin, 'zip' | 'link'>, id: string, now = Date.now()): { model: ModelRecord; weights: ArrayBuffer; extras: ModelExtras } {
  const custom = typeof pkg.track === 'string' ? null : pkg.track;
  const sensor = pkg.sensors[0];
  const model: ModelRecord = {
    type: 'model',
    version: 2,
    id,
    name: pkg.name,
    createdAt: now,
    track: custom ? custom.name : (pkg.track as string),
    trackData: custom,
    actionSpace: pkg.actionSpace,
    sensor,
    modelMetadata: toModelMetadata(pkg.actionSpace, pkg.sensors, networkNameOf(pkg.network)),
    hyperparameters: pkg.ppo,
    rewardCode: pkg.reward.code,
    rewardLanguage: pkg.reward.language,
    seed: pkg.seed,
    trainingSeconds: pkg.training?.seconds ?? 0,
    envSteps: pkg.training?.envSteps ?? 0,
    iterations: pkg.training?.iterations ?? 0,
    networkSpec: pkg.network,
    bestEvaluation: pkg.evaluation ? summarizeTrials(pkg.evaluation.trials) : null,
    parentId: pkg.parent?.id ?? null,
    parentName: pkg.parent?.name ?? null,
    origin,
    claim: pkg.evaluation ? { seed: pkg.evaluation.seed, trials: pkg.evaluation.trials.map((t) => ({ ...t })) } : null,
    runId: null,
    notes: pkg.notes,
  };
  const w = pkg.weights;
  const weights = w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer;
  return { model, weights, extras: { history: pkg.history, logs: { training: [...pkg.logs.training], evaluation: [...pkg.logs.evaluation] } } };
}
