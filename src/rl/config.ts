/**
 * PPO hyperparameters: one object, every field documented, DeepRacer's defaults, and the mapping to
 * DeepRacer's `hyperparameters.json` keys and console labels (reference/deepracer.md §3.1).
 * Field names follow CleanRL's `ppo.py` Args in camelCase (https://github.com/vwxyzjn/cleanrl).
 */

/** Value-function loss: DeepRacer's "Loss type" (`loss_type`: 'huber' or 'mean squared error'). */
export type ValueLossType = 'huber' | 'mse';

/** Hidden-layer nonlinearity of both towers. */
export type Activation = 'tanh' | 'relu';

export interface PpoConfig {
  /** Samples per gradient step (DeepRacer `batch_size`, "Gradient descent batch size"). */
  minibatchSize: number;
  /** Passes over each rollout per iteration (DeepRacer `num_epochs`, "Number of epochs"). */
  updateEpochs: number;
  /** Adam step size (DeepRacer `lr`, "Learning rate"). */
  learningRate: number;
  /** Weight of the entropy bonus (DeepRacer `beta_entropy`, "Entropy"). */
  entropyCoef: number;
  /** Discount per step (DeepRacer `discount_factor`, "Discount factor"). */
  gamma: number;
  /** Value loss (DeepRacer `loss_type`, "Loss type"): Huber with delta 1, or 0.5·squared error. */
  valueLoss: ValueLossType;
  /** Episodes per rollout (DeepRacer `num_episodes_between_training`); ignored when `numSteps` is set. */
  episodesPerIteration: number;
  /** Parallel envs (cars) stepped in lockstep. */
  numEnvs: number;
  /** If set, fixed-length rollouts of `numSteps` steps per env (CleanRL `num_steps`) instead of episode counts. */
  numSteps: number | null;
  /** GAE λ (Schulman et al. 2015, arXiv:1506.02438). */
  gaeLambda: number;
  /** PPO clip ε on the probability ratio (Schulman et al. 2017, arXiv:1707.06347). */
  clipRange: number;
  /** Weight of the value loss in the total loss (CleanRL `vf_coef`). */
  valueCoef: number;
  /** Clip the global gradient norm to this value (CleanRL `max_grad_norm`). */
  maxGradNorm: number;
  /** Normalise advantages per minibatch (CleanRL `norm_adv`). */
  normalizeAdvantages: boolean;
  /** Anneal the learning rate linearly to 0 over `totalTimesteps` (CleanRL `anneal_lr`). */
  annealLr: boolean;
  /** Clip the value update around the rollout's values with `clipRange` (CleanRL `clip_vloss`). */
  clipValueLoss: boolean;
  /** Stop an iteration's epochs early once the epoch's mean approx KL exceeds this (CleanRL `target_kl`). */
  targetKl: number | null;
  /** Env steps of the whole run (all envs); needed by `annealLr`, else informational. */
  totalTimesteps: number | null;
  /** Widths of the hidden layers of each tower (policy and value have their own). */
  hiddenSizes: number[];
  /** Hidden nonlinearity. */
  activation: Activation;
  /** Adam ε (CleanRL and SB3 use 1e-5 rather than PyTorch's 1e-8). */
  adamEpsilon: number;
  /** Seed of the weights, the action sampling, the minibatch shuffles and the env resets. */
  seed: number;
  /** Safety cap on steps per env in one rollout (an episode rollout that never ends stops here). */
  maxRolloutSteps: number;
}

/** DeepRacer's PPO defaults (console, DROA) plus CleanRL's defaults for the fields DeepRacer does not expose. */
export const defaultPpoConfig: Readonly<PpoConfig> = Object.freeze({
  minibatchSize: 64,
  updateEpochs: 10,
  learningRate: 3e-4,
  entropyCoef: 0.01,
  gamma: 0.999,
  valueLoss: 'huber',
  episodesPerIteration: 20,
  numEnvs: 8,
  numSteps: null,
  gaeLambda: 0.95,
  clipRange: 0.2,
  valueCoef: 0.5,
  maxGradNorm: 0.5,
  normalizeAdvantages: true,
  annealLr: false,
  clipValueLoss: false,
  targetKl: null,
  totalTimesteps: null,
  hiddenSizes: [64, 64],
  activation: 'tanh',
  adamEpsilon: 1e-5,
  seed: 1,
  maxRolloutSteps: 4000,
} satisfies PpoConfig);

/** The batch sizes DeepRacer's console offers; other positive integers are accepted here. */
export const DEEPRACER_BATCH_SIZES = [32, 64, 128, 256, 512] as const;

/** One DeepRacer hyperparameter: its JSON key, console label, our field and the default. */
export interface DeepRacerHyperparameter {
  key: string;
  label: string;
  field: keyof PpoConfig;
  default: number | string;
}

/** DeepRacer's seven PPO hyperparameters mapped to `PpoConfig` (reference/deepracer.md §3.1). */
export const DEEPRACER_HYPERPARAMETERS: readonly DeepRacerHyperparameter[] = [
  { key: 'batch_size', label: 'Gradient descent batch size', field: 'minibatchSize', default: 64 },
  { key: 'num_epochs', label: 'Number of epochs', field: 'updateEpochs', default: 10 },
  { key: 'lr', label: 'Learning rate', field: 'learningRate', default: 3e-4 },
  { key: 'beta_entropy', label: 'Entropy', field: 'entropyCoef', default: 0.01 },
  { key: 'discount_factor', label: 'Discount factor', field: 'gamma', default: 0.999 },
  { key: 'loss_type', label: 'Loss type', field: 'valueLoss', default: 'huber' },
  {
    key: 'num_episodes_between_training',
    label: 'Number of experience episodes between each policy-updating iteration',
    field: 'episodesPerIteration',
    default: 20,
  },
];

/** The settings of the studio's Hyperparameters form that are Raceline's own, shown after DeepRacer's seven. */
export const RACELINE_HYPERPARAMETERS: readonly { field: keyof PpoConfig; label: string }[] = [{ field: 'numEnvs', label: 'Parallel cars' }];

/**
 * The user-visible label of every field of the studio's Hyperparameters form, by `PpoConfig` field: DeepRacer's
 * console labels, then Raceline's own. The one source of these words: the form (src/ui/hyperparameter-fields.ts)
 * and the lesson checks' messages (src/lessons/checks.ts) both read them here.
 */
export const HYPERPARAMETER_LABELS: Readonly<Partial<Record<keyof PpoConfig, string>>> = Object.fromEntries(
  [...DEEPRACER_HYPERPARAMETERS, ...RACELINE_HYPERPARAMETERS].map((h) => [h.field, h.label]),
);

/** A PPO setting's name as the Hyperparameters tab shows it; a setting the form does not show keeps its field name. */
export function hyperparameterLabel(field: keyof PpoConfig): string {
  return HYPERPARAMETER_LABELS[field] ?? field;
}

/** DeepRacer `hyperparameters.json` (the PPO subset). */
export interface DeepRacerHyperparameters {
  batch_size: number;
  num_epochs: number;
  lr: number;
  beta_entropy: number;
  discount_factor: number;
  loss_type: 'huber' | 'mean squared error';
  num_episodes_between_training: number;
}

/**
 * Merges `partial` over the defaults and validates every field.
 * @throws Error naming the field, the allowed range and the value given, e.g.
 *   "PpoConfig.gamma must be in [0, 1] (DeepRacer 'Discount factor'), got 1.5".
 */
export function resolvePpoConfig(partial: Partial<PpoConfig> = {}): PpoConfig {
  const c: PpoConfig = { ...defaultPpoConfig, hiddenSizes: [...defaultPpoConfig.hiddenSizes], ...partial };
  for (const key of Object.keys(partial)) {
    if (!(key in defaultPpoConfig)) throw new Error(`PpoConfig: unknown field '${key}' (known: ${Object.keys(defaultPpoConfig).join(', ')})`);
  }
  const fail = (field: keyof PpoConfig, rule: string): never => {
    const label = DEEPRACER_HYPERPARAMETERS.find((h) => h.field === field)?.label;
    const where = label ? ` (DeepRacer '${label}')` : '';
    throw new Error(`PpoConfig.${field} must be ${rule}${where}, got ${JSON.stringify(c[field])}`);
  };
  const positiveInt = (f: keyof PpoConfig) => {
    const v = c[f];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(f, 'a positive integer');
  };
  const inRange = (f: keyof PpoConfig, lo: number, hi: number, loOpen = false) => {
    const v = c[f];
    const ok = typeof v === 'number' && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && v <= hi;
    if (!ok) fail(f, `in ${loOpen ? '(' : '['}${lo}, ${hi}]`);
  };
  positiveInt('minibatchSize');
  positiveInt('updateEpochs');
  positiveInt('episodesPerIteration');
  positiveInt('numEnvs');
  positiveInt('maxRolloutSteps');
  if (c.numSteps !== null) positiveInt('numSteps');
  inRange('learningRate', 0, 1, true);
  inRange('entropyCoef', 0, 1);
  inRange('gamma', 0, 1);
  inRange('gaeLambda', 0, 1);
  inRange('clipRange', 0, 10, true);
  inRange('valueCoef', 0, 1e3);
  inRange('maxGradNorm', 0, 1e9, true);
  inRange('adamEpsilon', 0, 1, true);
  if (c.valueLoss !== 'huber' && c.valueLoss !== 'mse') fail('valueLoss', "'huber' or 'mse'");
  if (c.activation !== 'tanh' && c.activation !== 'relu') fail('activation', "'tanh' or 'relu'");
  if (c.targetKl !== null) inRange('targetKl', 0, 1e9, true);
  if (c.totalTimesteps !== null) positiveInt('totalTimesteps');
  if (!Array.isArray(c.hiddenSizes) || c.hiddenSizes.length === 0 || !c.hiddenSizes.every((h) => Number.isInteger(h) && h >= 1)) {
    fail('hiddenSizes', 'a non-empty array of positive integers');
  }
  if (!Number.isFinite(c.seed)) fail('seed', 'a finite number');
  for (const f of ['normalizeAdvantages', 'annealLr', 'clipValueLoss'] as const) {
    if (typeof c[f] !== 'boolean') fail(f, 'true or false');
  }
  if (c.annealLr && c.totalTimesteps === null) {
    throw new Error('PpoConfig.annealLr needs PpoConfig.totalTimesteps (the length of the run in env steps) to know where the learning rate reaches 0');
  }
  return c;
}

/** True when `minibatchSize` is one DeepRacer's console offers (a UI can warn otherwise). */
export function isDeepRacerBatchSize(n: number): boolean {
  return (DEEPRACER_BATCH_SIZES as readonly number[]).includes(n);
}

/** The config's DeepRacer subset as `hyperparameters.json` keys (`loss_type` in DeepRacer's spelling). */
export function toDeepRacerHyperparameters(config: PpoConfig): DeepRacerHyperparameters {
  return {
    batch_size: config.minibatchSize,
    num_epochs: config.updateEpochs,
    lr: config.learningRate,
    beta_entropy: config.entropyCoef,
    discount_factor: config.gamma,
    loss_type: config.valueLoss === 'huber' ? 'huber' : 'mean squared error',
    num_episodes_between_training: config.episodesPerIteration,
  };
}

/**
 * Reads DeepRacer `hyperparameters.json` (numbers may be strings, as DeepRacer writes some);
 * unknown keys (`sac_alpha`, `exploration_type`, ...) are ignored. Validate with `resolvePpoConfig`.
 * @throws Error for a non-numeric number or an unknown `loss_type`.
 */
export function fromDeepRacerHyperparameters(obj: Record<string, unknown>): Partial<PpoConfig> {
  const out: Partial<PpoConfig> = {};
  for (const h of DEEPRACER_HYPERPARAMETERS) {
    if (!(h.key in obj)) continue;
    const raw = obj[h.key];
    if (h.key === 'loss_type') {
      const s = String(raw).trim().toLowerCase();
      if (s === 'huber') out.valueLoss = 'huber';
      else if (s === 'mean squared error' || s === 'mse') out.valueLoss = 'mse';
      else throw new Error(`hyperparameters.loss_type must be 'huber' or 'mean squared error', got ${JSON.stringify(raw)}`);
      continue;
    }
    const v = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`hyperparameters.${h.key} must be a number, got ${JSON.stringify(raw)}`);
    (out as Record<string, number>)[h.field] = v;
  }
  return out;
}
