/**
 * What a lesson is once read from its markdown file (`lessons/NN-slug.md`, format in lessons/README.md): its front
 * matter and its steps, each with an instruction, an optional hint, an optional setup applied to the studio and an
 * optional check about meaning (what the reward function pays, what the model did), never about typed text.
 * Pure data: no DOM, no svelte.
 */
import type { ActionSpace } from '../sim/action-space';
import type { PpoConfig } from '../rl/config';
import type { RewardLanguage } from '../reward/compile';

export type LessonLevel = 'beginner' | 'intermediate' | 'advanced';
export const LESSON_LEVELS: readonly LessonLevel[] = ['beginner', 'intermediate', 'advanced'];

/** What applying a step does to the studio; every field optional. */
export interface StepSetup {
  /** A track's name (`tracks/<name>.json` or an imported one). */
  track?: string;
  /** A reward template's id (src/reward/examples.ts), e.g. `follow-center-line-py`. */
  rewardTemplate?: string;
  /** Reward code written in the lesson, with its language (a ```reward-python or ```reward-javascript block). */
  reward?: { language: RewardLanguage; code: string };
  actionSpace?: ActionSpace;
  /** Overrides of PPO settings by their config names (`entropyCoef`, `learningRate`, ...). */
  hyperparameters?: Partial<PpoConfig>;
  /** Sensors by DeepRacer name (FRONT_FACING_CAMERA, STEREO_CAMERAS, LIDAR, SECTOR_LIDAR), where the studio has them. */
  sensors?: string[];
  /** Maximum training time, minutes. */
  maxMinutes?: number;
  /** Stop training after this many iterations (so a chart has enough points to read). */
  maxIterations?: number;
  /** Whether training stops once the car laps in evaluation. */
  stopOnLap?: boolean;
}

/** The kinds of check a step may ask for (src/lessons/checks.ts judges them). */
export const CHECK_KINDS = [
  'drove-with-keyboard',
  'reward-prefers-centre',
  'reward-prefers-heading',
  'reward-penalises',
  'trained-model',
  'trained-with-reward',
  'evaluation-lap',
  'evaluation-near-centre',
  'evaluation-near-limit',
  'entropy-below',
  'compared-models',
  'compare-trails',
  'action-space-size',
  'action-space-type',
  'hyperparameter-changed',
  'hyperparameter-is',
  'track-selected',
  'training-format',
  'models-saved',
  'sensors-include',
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** Behaviours `reward-penalises` knows, each a pair of sample states (src/lessons/reward-cases.ts). */
export const PENALISED_CASES = ['reversing', 'zig-zag', 'standing-still', 'off-track'] as const;
export type PenalisedCase = (typeof PENALISED_CASES)[number];

export interface StepCheck {
  kind: CheckKind;
  /** The words after the kind, e.g. `['0.8', '20']` for `entropy-below 0.8 20`. */
  args: string[];
}

export interface LessonStep {
  /** The `## ` heading as written: one line of markdown, may hold `[[term]]` (shown with `renderInline`). */
  title: string;
  /** Markdown (the subset of src/lessons/markdown.ts). */
  instruction: string;
  hint: string | null;
  setup: StepSetup | null;
  check: StepCheck | null;
}

export interface Lesson {
  id: string;
  title: string;
  level: LessonLevel;
  minutes: number;
  /** Ids of lessons to take first. */
  prerequisites: string[];
  /** Markdown before the first step. */
  intro: string;
  steps: LessonStep[];
  /** The file it came from, e.g. `01-you-are-the-agent.md`. */
  file: string;
}

/** Thrown for a lesson file that does not follow the format; the message names the file, the line and the fix. */
export class LessonFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file} line ${line}: ${message}`);
    this.name = 'LessonFormatError';
  }
}
