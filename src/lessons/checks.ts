/**
 * Judges a step's check against what the student did: what their reward function pays on sample states, what the
 * training charts show, what their models did in evaluation, what the studio is set to. Checks are about meaning,
 * never about the text typed, and a failed check says what to try. Pure: the caller (src/ui/lessons/) gathers the
 * facts into a `CheckContext` and gives a `score` function that runs reward code in the reward sandbox.
 */
import type { ActionSpace } from '../sim/action-space';
import { defaultPpoConfig, type PpoConfig } from '../rl/config';
import type { Track } from '../track/track';
import type { DeepRacerParams } from '../reward/params';
import type { StepCheck } from './lesson-format';
import { rewardCase, type RewardQuestion } from './reward-cases';

/** One evaluation the student ran: which model and each trial's lap time (null: no lap) and progress (percent). */
export interface SeenEvaluation {
  modelId: string;
  trials: { lapTimeS: number | null; progress: number }[];
}

/** What a check may look at. */
export interface CheckContext {
  /** Best progress (percent of a lap) driven with the keyboard in "You are the agent". */
  driveBestProgress: number;
  /** Entropy of each training iteration so far, oldest first (the studio's chart points). */
  entropies: readonly number[];
  /** Evaluations run while this lesson was open, and the one on show. */
  evaluations: readonly SeenEvaluation[];
  /** Models trained while this lesson was open. */
  modelsMade: number;
  /** Models in the garage. */
  modelsSaved: number;
  actionSpace: ActionSpace;
  hyperparameters: Partial<PpoConfig>;
  trackName: string;
  /** The sensors set for training (DeepRacer names; TRACK_GEOMETRY without camera or LiDAR). */
  sensors: readonly string[];
  /** The race type set for training. */
  trainingFormat: 'time_trial' | 'object_avoidance' | 'head_to_bot';
  /** The selected track's geometry, for reward states. */
  track: Track;
  /**
   * Runs the student's reward function on params (in the sandbox in the page).
   * @throws Error with the reward function's own message (syntax error with its line, exception, bad value).
   */
  score(params: DeepRacerParams[]): Promise<ArrayLike<number>>;
}

export interface CheckResult {
  passed: boolean;
  /** What was found, and on failure what to try. */
  message: string;
}

const fmt = (x: number): string => (Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(3).replace(/\.?0+$/, '') : x.toExponential(1));

/** What to try when a reward question fails. */
const REWARD_ADVICE: Record<RewardQuestion, string> = {
  centre: "Use params['distance_from_center'] and params['track_width']: give the most when the distance is small, less as it grows.",
  heading:
    "Compare params['heading'] with the direction from waypoints[closest_waypoints[0]] to waypoints[closest_waypoints[1]] (math.atan2) and pay less when they differ by more than 10°.",
  reversing: "Find the track's direction from the two closest waypoints; when the heading points the other way (differs by more than 90°), return a tiny reward such as 1e-3.",
  'zig-zag': "Pay less when abs(params['steering_angle']) is large, for example multiply the reward by 0.8 above 15°.",
  'standing-still': "Use params['speed']: return a tiny reward (1e-3) when the speed is below 0.5 m/s, or add a term that grows with speed.",
  'off-track': "Return a tiny reward (1e-3) when params['all_wheels_on_track'] is False or params['is_offtrack'] is True.",
};

/**
 * Judges `check` in `ctx`.
 * @returns passed and a message; never throws (a reward function that fails makes the check fail with its error).
 */
export async function runCheck(check: StepCheck, ctx: CheckContext): Promise<CheckResult> {
  const n = Number(check.args[0]);
  switch (check.kind) {
    case 'drove-with-keyboard':
      return ctx.driveBestProgress >= n
        ? { passed: true, message: `You drove ${ctx.driveBestProgress.toFixed(0)}% of a lap.` }
        : { passed: false, message: `You have driven ${ctx.driveBestProgress.toFixed(0)}% of a lap so far; drive at least ${n}%. Press "Drive the car", click nothing else, and hold the Up arrow (or W); steer with Left and Right.` };
    case 'reward-prefers-centre':
      return rewardQuestion(ctx, 'centre');
    case 'reward-prefers-heading':
      return rewardQuestion(ctx, 'heading');
    case 'reward-penalises':
      return rewardQuestion(ctx, check.args[0] as RewardQuestion);
    case 'trained-model':
      return ctx.modelsMade > 0
        ? { passed: true, message: `You trained ${ctx.modelsMade} model${ctx.modelsMade > 1 ? 's' : ''} in this lesson.` }
        : { passed: false, message: 'No model was trained in this lesson yet. Press Train and wait until training stops.' };
    case 'evaluation-lap': {
      const best = bestLap(ctx.evaluations);
      if (best !== null) return { passed: true, message: `A model completed a lap in evaluation in ${best.toFixed(2)} s.` };
      const progress = Math.max(0, ...ctx.evaluations.flatMap((e) => e.trials.map((t) => t.progress)));
      return {
        passed: false,
        message:
          ctx.evaluations.length === 0
            ? 'No evaluation yet. Press Evaluate on a model in My models (training evaluates its model when it stops).'
            : `The best trial reached ${progress.toFixed(0)}% of the lap. Train longer (raise the maximum time) or clone the model and train it again, then evaluate.`,
      };
    }
    case 'entropy-below': {
      const last = ctx.entropies.at(-1);
      if (last === undefined) return { passed: false, message: 'There is no training chart yet. Press Train and watch the Entropy chart.' };
      return last < n
        ? { passed: true, message: `The latest entropy is ${fmt(last)}, below ${n}.` }
        : { passed: false, message: `The latest entropy is ${fmt(last)}, not below ${n} yet. Let training run longer, or lower the Entropy hyperparameter and train again.` };
    }
    case 'compared-models': {
      const ids = new Set(ctx.evaluations.map((e) => e.modelId));
      return ids.size >= 2
        ? { passed: true, message: `You evaluated ${ids.size} different models.` }
        : { passed: false, message: `You evaluated ${ids.size} model${ids.size === 1 ? '' : 's'} in this lesson; evaluate two different models from My models and compare their lap times.` };
    }
    case 'action-space-size': {
      const size = ctx.actionSpace.type === 'discrete' ? ctx.actionSpace.actions.length : null;
      return size === n
        ? { passed: true, message: `The action space has ${n} actions.` }
        : { passed: false, message: `${size === null ? 'The action space is continuous' : `The action space has ${size} actions`}; make a discrete one with ${n} (in the Action space tab, steering levels × speed levels = ${n}).` };
    }
    case 'action-space-type':
      return ctx.actionSpace.type === check.args[0]
        ? { passed: true, message: `The action space is ${check.args[0]}.` }
        : { passed: false, message: `The action space is ${ctx.actionSpace.type}; choose ${check.args[0]} in the Action space tab.` };
    case 'hyperparameter-changed': {
      const key = check.args[0] as keyof PpoConfig;
      const value = ctx.hyperparameters[key];
      return value !== undefined && value !== defaultPpoConfig[key]
        ? { passed: true, message: `${key} is ${String(value)} (the default is ${String(defaultPpoConfig[key])}).` }
        : { passed: false, message: `${key} is still its default, ${String(defaultPpoConfig[key])}; change it in the Hyperparameters tab.` };
    }
    case 'track-selected':
      return ctx.trackName === check.args[0]
        ? { passed: true, message: 'The track is selected.' }
        : { passed: false, message: `Select the track '${check.args[0]}' in the Track tab (now: '${ctx.trackName}').` };
    case 'training-format':
      return ctx.trainingFormat === check.args[0]
        ? { passed: true, message: `Training is set to ${check.args[0].replace(/_/g, ' ')}.` }
        : { passed: false, message: `Training is set to ${ctx.trainingFormat.replace(/_/g, ' ')}; in the Track tab, under "Race type for training", choose ${check.args[0].replace(/_/g, ' ')}.` };
    case 'sensors-include':
      return ctx.sensors.includes(check.args[0])
        ? { passed: true, message: `The car trains with ${ctx.sensors.join(' and ')}.` }
        : { passed: false, message: `The car trains with ${ctx.sensors.join(' and ')}; add ${check.args[0]} in the Sensors tab.` };
    case 'models-saved':
      return ctx.modelsSaved >= n
        ? { passed: true, message: `You have ${ctx.modelsSaved} model${ctx.modelsSaved === 1 ? '' : 's'} in My models.` }
        : { passed: false, message: `My models holds ${ctx.modelsSaved}; you need ${n}. Train a model, or import a model zip with Import.` };
  }
}

/** The fastest lap over all evaluations, s, or null. */
function bestLap(evaluations: readonly SeenEvaluation[]): number | null {
  const laps = evaluations.flatMap((e) => e.trials.map((t) => t.lapTimeS)).filter((t): t is number => t !== null);
  return laps.length > 0 ? Math.min(...laps) : null;
}

/** Asks the reward function one question: every better state must earn more than every worse one. */
async function rewardQuestion(ctx: CheckContext, question: RewardQuestion): Promise<CheckResult> {
  const c = rewardCase(ctx.track, question);
  let values: ArrayLike<number>;
  try {
    values = await ctx.score([...c.better, ...c.worse].map((s) => s.params));
  } catch (e) {
    return { passed: false, message: `Your reward function failed: ${(e as Error).message}. Fix it in the Reward tab (the check below the editor shows the line).` };
  }
  const better = c.better.map((s, i) => ({ ...s, reward: Number(values[i]) }));
  const worse = c.worse.map((s, i) => ({ ...s, reward: Number(values[c.better.length + i]) }));
  const low = Math.min(...better.map((s) => s.reward));
  const offender = worse.find((s) => !(s.reward < low));
  const pays = (s: { label: string; reward: number }): string => `${fmt(s.reward)} ${s.label}`;
  if (!offender) return { passed: true, message: `Your reward function pays ${better.map(pays).join('; ')}, and less ${worse.map(pays).join('; ')}.` };
  return {
    passed: false,
    message: `Your reward function pays ${pays(offender)}, not less than ${fmt(low)} ${better[0].label}. ${REWARD_ADVICE[question]}`,
  };
}
