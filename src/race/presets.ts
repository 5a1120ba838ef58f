/**
 * Training presets: a whole setup picked in one click in the studio and with one flag in the CLI
 * (`npm run train -- --preset race`). DeepRacer's own defaults stay the defaults; a preset is a documented choice
 * beside them.
 *
 * The racing setup aims at lap time against the car's own limit (`limit-lap.ts`) rather than at "it laps":
 * - actions up to the simulator's 4 m/s: discrete 5 steering angles × 3 speeds (4/3, 8/3 and 4 m/s, the console's
 *   generator), or continuous steering ±30° and speed 1–4 m/s;
 * - the race reward (`reward/examples.ts`, Python and JavaScript, DeepRacer params only);
 * - DeepRacer's hyperparameters but the discount factor: 0.97 (a horizon of about 33 steps, 2.2 s) instead of 0.999.
 *   Training starts spread around the lap (DeepRacer's round robin) and an episode ends when its lap from that start
 *   is complete, which the observation cannot tell. With γ = 0.999 the return is mostly "how much of this lap is
 *   left", so the critic explained almost none of it (explained variance ≈ 0.01 through training), the end of a lap
 *   looked like a loss, and laps got slower as training went on. With γ = 0.97 the return is the speed of the next
 *   two seconds, which the observation does tell.
 * Measured (re:Invent 2018, 5 minutes headless on 2 cores, seed 1, mean of 3 greedy trials): discrete γ 0.999 11.0 s
 * (2.28× the 4.84 s limit), 0.99 5.16 s (1.07×), 0.97 5.04 s (1.04×); continuous γ 0.999 15.4 s (3.17×), 0.97 5.40 s
 * (1.12×). See the README's benchmark table.
 */
import { generateDiscreteActionSpace, type ActionSpace } from '../sim/action-space';
import { REWARD_TEMPLATES, type RewardTemplate } from '../reward/examples';
import type { RewardLanguage } from '../reward/compile';
import type { PpoConfig } from '../rl/config';

/** A training preset's id. */
export type PresetId = 'race';

export interface TrainingPreset {
  id: PresetId;
  label: string;
  /** One sentence for the studio. */
  description: string;
  /** The action space of each kind. */
  actionSpaces: { discrete: ActionSpace; continuous: ActionSpace };
  /** The reward template id in each language. */
  rewardTemplates: Record<RewardLanguage, string>;
  /** Hyperparameters the preset sets; the rest keep DeepRacer's defaults (or what the user chose). */
  hyperparameters: Partial<Pick<PpoConfig, 'gamma'>>;
}

/** The racing setup. */
export const RACE_PRESET: TrainingPreset = {
  id: 'race',
  label: 'Racing setup',
  description: 'Actions up to 4 m/s and a reward for fast laps: for lap time against the car\u2019s limit, not just a lap.',
  actionSpaces: {
    discrete: generateDiscreteActionSpace(30, 5, 4, 3),
    continuous: { type: 'continuous', steering_angle: { low: -30, high: 30 }, speed: { low: 1, high: 4 } },
  },
  rewardTemplates: { python: 'race-py', javascript: 'race' },
  hyperparameters: { gamma: 0.97 },
};

export const PRESETS: Readonly<Record<PresetId, TrainingPreset>> = { race: RACE_PRESET };

/**
 * A preset by id.
 * @throws Error naming the presets for an unknown id.
 */
export function presetById(id: string): TrainingPreset {
  const p = (PRESETS as Record<string, TrainingPreset>)[id];
  if (!p) throw new Error(`unknown preset '${id}': use one of ${Object.keys(PRESETS).join(', ')}`);
  return p;
}

/** The preset's reward template in a language. */
export function presetReward(preset: TrainingPreset, language: RewardLanguage): RewardTemplate {
  return REWARD_TEMPLATES.find((t) => t.id === preset.rewardTemplates[language])!;
}
