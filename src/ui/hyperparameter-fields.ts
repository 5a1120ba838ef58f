/**
 * The hyperparameter fields of the studio's form: DeepRacer's seven PPO hyperparameters with the console's labels,
 * defaults and ranges (reference/deepracer.md §3.1; DEEPRACER_HYPERPARAMETERS in src/rl/config.ts), plus the
 * number of parallel cars. Labels come from HYPERPARAMETER_LABELS (src/rl/config.ts), which the lesson checks use too. `HyperparameterForm.svelte` shows them; the studio draft (studio-draft.ts) checks a
 * stored draft against the same ranges, so a value the form would refuse never comes back from a draft.
 */
import { DEEPRACER_BATCH_SIZES, DEEPRACER_HYPERPARAMETERS, defaultPpoConfig, hyperparameterLabel, type PpoConfig } from '../rl/config';

/** What a field holds while typed: a number, a select's value, or null/undefined for an empty number input. */
export type FieldInput = number | string | null | undefined;

/** How one field is entered: console ranges (DROA UI) for the DeepRacer ones. */
export interface FieldSpec {
  field: keyof PpoConfig;
  label: string;
  /** DeepRacer's hyperparameters.json key, or null for Raceline's own. */
  key: string | null;
  default: number | string;
  kind: 'number' | 'select';
  min?: number;
  max?: number;
  integer?: boolean;
  /** The allowed range as shown, e.g. `3–10`. */
  range?: string;
  options?: readonly { value: number | string; label: string }[];
}

const LOSS_OPTIONS = [
  { value: 'huber', label: 'Huber' },
  { value: 'mse', label: 'Mean squared error' },
] as const;

const RANGES: Partial<Record<keyof PpoConfig, Omit<FieldSpec, 'field' | 'label' | 'key' | 'default'>>> = {
  minibatchSize: { kind: 'select', options: DEEPRACER_BATCH_SIZES.map((n) => ({ value: n, label: String(n) })) },
  updateEpochs: { kind: 'number', min: 3, max: 10, integer: true, range: '3–10' },
  learningRate: { kind: 'number', min: 1e-8, max: 1e-3, range: '1e-8–1e-3' },
  entropyCoef: { kind: 'number', min: 0, max: 1, range: '0–1' },
  gamma: { kind: 'number', min: 0, max: 1, range: '0–1' },
  valueLoss: { kind: 'select', options: LOSS_OPTIONS },
  episodesPerIteration: { kind: 'number', min: 5, max: 100, integer: true, range: '5–100' },
};

/** The form's fields, in the console's order, then Raceline's parallel cars. */
export const HYPERPARAMETER_FIELDS: readonly FieldSpec[] = [
  ...DEEPRACER_HYPERPARAMETERS.map((h) => ({ field: h.field, label: hyperparameterLabel(h.field), key: h.key, default: h.default, ...(RANGES[h.field] ?? { kind: 'number' as const }) })),
  { field: 'numEnvs', label: hyperparameterLabel('numEnvs'), key: null, default: defaultPpoConfig.numEnvs, kind: 'number', min: 1, max: 16, integer: true, range: '1–16' },
];

/**
 * The console's rule for one field: null when the field takes `v`, else what is wrong, e.g.
 * "must be 1e-8–1e-3, got 0.5" or "enter a number 0–1". Selects take any value (a loaded model may use a
 * batch size the console does not offer).
 */
export function fieldError(f: FieldSpec, v: FieldInput): string | null {
  if (f.kind === 'select') return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `enter a number${f.range ? ` ${f.range}` : ''}`;
  if (f.integer && !Number.isInteger(v)) return `must be a whole number, got ${v}`;
  if (f.min !== undefined && f.max !== undefined && (v < f.min || v > f.max)) return `must be ${f.range}, got ${v}`;
  return null;
}
