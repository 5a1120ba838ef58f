/**
 * Judges a step's check against what the student did: what their reward function pays on sample states, what the
 * training charts show, what their models did in evaluation, what the studio is set to. Checks are about meaning,
 * never about the text typed, and a failed check says what to try. Pure: the caller (src/ui/lessons/) gathers the
 * facts into a `CheckContext` and gives a `score` function that runs reward code in the reward sandbox.
 */
import type { ActionSpace } from '../sim/action-space';
import { defaultPpoConfig, hyperparameterLabel, type PpoConfig } from '../rl/config';
import type { RewardSource } from '../reward/compile';
import type { Track } from '../track/track';
import type { DeepRacerParams } from '../reward/params';
import type { StepCheck } from './lesson-format';
import { rewardCase, type RewardQuestion } from './reward-cases';
import { RACE_PRESET } from '../race/presets';

/**
 * One evaluation the student ran: which model and each trial's lap time (null: no lap), progress (percent), mean
 * distance of the car from the centre line as a fraction of half the track width (0 on the line, 1 at the border)
 * and share of its steps left of the centre line (0..1); both null when the trial's path was not recorded.
 */
export interface SeenEvaluation {
  modelId: string;
  /** The model's name when it was evaluated (for the lesson's comparisons). */
  modelName?: string;
  trials: { lapTimeS: number | null; progress: number; centreOffset?: number | null; leftShare?: number | null }[];
  /** The first trial's path, thinned: `[m * 2]` x, y (m) (`thinTrail`), for drawing trails side by side. */
  trail?: number[];
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
  /** The reward functions those models were trained with (those still in the garage), newest first. */
  trainedRewards: readonly RewardSource[];
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
   * Runs a reward function on params (in the sandbox in the page): `source`, or the one in the editor.
   * @throws Error with the reward function's own message (syntax error with its line, exception, bad value).
   */
  score(params: DeepRacerParams[], source?: RewardSource): Promise<ArrayLike<number>>;
  /**
   * The car's limit lap (race/limit-lap.ts) on the track a model was trained for: its time, s, and the track's name.
   * @returns null when the model is no longer in the garage or the limit cannot be computed there.
   */
  limitLap(modelId: string): Promise<{ lapTimeS: number; trackName: string } | null>;
}

export interface CheckResult {
  passed: boolean;
  /** What was found, and on failure what to try. */
  message: string;
}

/** A number for a message: 4 significant digits (0.001, 2.274, 1000), exponent form outside 1e-4..1e6. */
const fmt = (x: number): string => (x === 0 || (Math.abs(x) >= 1e-4 && Math.abs(x) < 1e6) ? String(Number(x.toPrecision(4))) : x.toExponential(1));

/** What to try when a reward question fails. */
const REWARD_ADVICE: Record<RewardQuestion, string> = {
  centre:
    "Use params['distance_from_center'] and params['track_width']: give the most when the distance is small, less as it grows, and almost nothing (1e-3) when the car is off the track (params['is_offtrack']).",
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
    case 'trained-with-reward': {
      if (ctx.modelsMade === 0) return { passed: false, message: 'No model was trained in this lesson yet. Press Train and wait until training stops.' };
      if (ctx.trainedRewards.length === 0) return { passed: false, message: 'The models trained in this lesson are no longer in My models. Train one again.' };
      let last: CheckResult | null = null;
      for (const source of ctx.trainedRewards) {
        last = await rewardQuestion(ctx, 'centre', source);
        if (last.passed) return { passed: true, message: `You trained a model with a reward function that prefers the centre line. ${last.message}` };
      }
      return {
        passed: false,
        message: `The model${ctx.trainedRewards.length > 1 ? 's' : ''} you trained learned from a reward function that does not prefer the centre line, so ${ctx.trainedRewards.length > 1 ? 'they were' : 'it was'} taught something else. ${last!.message} Then press Train again.`,
      };
    }
    case 'evaluation-near-centre':
      return nearCentre(ctx.evaluations, n);
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
      const minIterations = check.args[1] === undefined ? 1 : Number(check.args[1]);
      if (last === undefined) return { passed: false, message: 'There is no training chart yet. Press Train and watch the Entropy chart.' };
      if (ctx.entropies.length < minIterations) {
        return {
          passed: false,
          message: `The Entropy chart has ${ctx.entropies.length} iteration${ctx.entropies.length === 1 ? '' : 's'}; it needs at least ${minIterations} to show where entropy settles. Press Apply setup (it trains for ${minIterations} iterations or more), then Train, and check when training stops.`,
        };
      }
      return last < n
        ? { passed: true, message: `The latest entropy is ${fmt(last)}, below ${n}.` }
        : { passed: false, message: `The latest entropy is ${fmt(last)}, not below ${n} yet. Let training run longer, or lower the Entropy hyperparameter and train again.` };
    }
    case 'evaluation-near-limit':
      return nearLimit(ctx, n);
    case 'compared-models': {
      const ids = new Set(ctx.evaluations.map((e) => e.modelId));
      return ids.size >= 2
        ? { passed: true, message: `You evaluated ${ids.size} different models.` }
        : { passed: false, message: `You evaluated ${ids.size} model${ids.size === 1 ? '' : 's'} in this lesson; evaluate two different models from My models and compare their lap times.` };
    }
    case 'compare-trails':
      return compareTrails(ctx.evaluations, check.args[0] === 'left' ? 'left' : 'right', Number(check.args[1] ?? 0.6));
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
        ? { passed: true, message: `${hyperparameterLabel(key)} is ${String(value)} (the default is ${String(defaultPpoConfig[key])}).` }
        : { passed: false, message: `${hyperparameterLabel(key)} is still its default, ${String(defaultPpoConfig[key])}; change it in the Hyperparameters tab.` };
    }
    case 'hyperparameter-is': {
      const key = check.args[0] as keyof PpoConfig;
      const want = Number(check.args[1]);
      const value = ctx.hyperparameters[key] ?? defaultPpoConfig[key];
      const label = hyperparameterLabel(key);
      const same = typeof value === 'number' && Math.abs(value - want) <= 1e-9 * Math.max(1, Math.abs(want));
      if (same) return { passed: true, message: `${label} is ${String(value)}, as the step asks.` };
      return {
        passed: false,
        message: `${label} is ${String(value)}${value === defaultPpoConfig[key] ? ' (the default)' : ''}; this step asks for ${String(want)}. Set ${label} to ${String(want)} in the Hyperparameters tab.`,
      };
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

/**
 * Whether a model lapped while keeping near the centre line: some evaluation trial completed a lap with a mean
 * distance from the centre line of at most `limit` × half the track width.
 */
function nearCentre(evaluations: readonly SeenEvaluation[], limit: number): CheckResult {
  const laps = evaluations.flatMap((e) => e.trials).filter((t) => t.lapTimeS !== null);
  if (laps.length === 0) {
    return {
      passed: false,
      message: evaluations.length === 0 ? 'No evaluation yet. Press Evaluate on a model in My models (training evaluates its model when it stops).' : 'No evaluation trial completed a lap yet. Train longer, then evaluate.',
    };
  }
  const measured = laps.filter((t): t is typeof t & { centreOffset: number } => typeof t.centreOffset === 'number');
  if (measured.length === 0) return { passed: false, message: 'Evaluate the model once more in this lesson, so Raceline can measure how far from the centre line it drives.' };
  const best = measured.reduce((a, t) => (t.centreOffset < a.centreOffset ? t : a));
  const pct = (x: number): string => `${Math.round(100 * x)}%`;
  return best.centreOffset <= limit
    ? { passed: true, message: `The model lapped in ${best.lapTimeS!.toFixed(2)} s, on average ${pct(best.centreOffset)} of the way from the centre line to the border (at most ${pct(limit)} asked).` }
    : {
        passed: false,
        message: `The model lapped, but on average ${pct(best.centreOffset)} of the way from the centre line to the border (this step asks at most ${pct(limit)}): it did not learn to follow the centre line. Check that your reward pays most on the centre line (step 1), train a new model, and evaluate it.`,
      };
}

/**
 * Whether a model races: some evaluation in which every trial lapped has a mean lap time of at most `ratio` × the
 * car's limit lap on that track (race/limit-lap.ts: the racing line at the speed the car's grip, drive and brakes
 * allow). The mean of all trials, as DeepRacer ranks, so one lucky trial does not pass.
 */
async function nearLimit(ctx: CheckContext, ratio: number): Promise<CheckResult> {
  const advice = `Press ${RACE_PRESET.label} (above the setup tabs: actions up to 4 m/s, the race reward, discount factor ${RACE_PRESET.hyperparameters.gamma}), set the maximum time to 10 minutes, train, and evaluate the new model.`;
  if (ctx.evaluations.length === 0) return { passed: false, message: `No evaluation yet. ${advice}` };
  const lapped = ctx.evaluations.flatMap((e) => {
    const laps = e.trials.map((t) => t.lapTimeS);
    return laps.length > 0 && laps.every((t) => t !== null) ? [{ e, mean: (laps as number[]).reduce((a, b) => a + b, 0) / laps.length }] : [];
  });
  if (lapped.length === 0) return { passed: false, message: `No evaluation in this lesson lapped in every trial yet, and the limit is a yardstick for complete laps. ${advice}` };
  const judged = [];
  for (const j of lapped) {
    const limit = await ctx.limitLap(j.e.modelId).catch(() => null);
    if (limit && limit.lapTimeS > 0) judged.push({ ...j, limit, ratio: j.mean / limit.lapTimeS });
  }
  if (judged.length === 0) return { passed: false, message: `The limit of the track the lapping models were trained on is not known (they are no longer in My models, or it could not be computed there). ${advice}` };
  const best = judged.reduce((a, j) => (j.ratio < a.ratio ? j : a));
  const what = `${best.e.modelName ? `'${best.e.modelName}'` : 'A model'} lapped ${best.limit.trackName} in ${best.mean.toFixed(2)} s on average (${best.e.trials.length} trials) against the car's ${best.limit.lapTimeS.toFixed(2)} s limit lap: ${best.ratio.toFixed(2)}×`;
  return best.ratio <= ratio
    ? { passed: true, message: `${what}, within the ${ratio}× this step asks.` }
    : { passed: false, message: `${what}; this step asks for ${ratio}× or less. ${advice} Turn on "Show the limit line" to see the line it races against.` };
}

/**
 * Share of an evaluation's steps on one side of the centre line, mean over its trials (0..1), or null when no
 * trial's path was measured.
 */
export function sideShare(e: SeenEvaluation, side: 'left' | 'right'): number | null {
  const shares = e.trials.map((t) => t.leftShare).filter((v): v is number => typeof v === 'number');
  if (shares.length === 0) return null;
  const left = shares.reduce((a, b) => a + b, 0) / shares.length;
  return side === 'left' ? left : 1 - left;
}

/**
 * The two evaluations a trail comparison shows: the newest one, and of the other models' evaluations the one that
 * drove least on `side` (the most different; an unmeasured one counts as the least different).
 * @returns `[other, newest]`, `[newest]` when only one model was evaluated, `[]` with none.
 */
export function trailPair<E extends SeenEvaluation>(evaluations: readonly E[], side: 'left' | 'right'): E[] {
  const newest = evaluations.at(-1);
  if (!newest) return [];
  let other: E | null = null;
  for (const e of evaluations) {
    if (e.modelId === newest.modelId) continue;
    if (!other || (sideShare(e, side) ?? 2) <= (sideShare(other, side) ?? 2)) other = e;
  }
  return other ? [other, newest] : [newest];
}

/**
 * Whether two models drove differently, as two rewards should make them: the newest evaluation's model kept to
 * `side` of the centre line for at least `share` of its steps (mean over its trials), and another model's
 * evaluation (`trailPair`'s) did not.
 */
function compareTrails(evaluations: readonly SeenEvaluation[], side: 'left' | 'right', share: number): CheckResult {
  const pct = (x: number): string => `${Math.round(100 * x)}%`;
  const name = (e: SeenEvaluation): string => (e.modelName ? `"${e.modelName}"` : 'the model');
  const [earlier, newest] = trailPair(evaluations, side);
  if (!earlier) return { passed: false, message: 'No evaluation yet in this lesson. Train the two models of the steps above; each is evaluated when its training stops.' };
  if (!newest) return { passed: false, message: `Only one model (${name(earlier)}) was evaluated in this lesson; there is nothing to compare it with. Train the second model of the step above.` };
  const now = sideShare(newest, side);
  const before = sideShare(earlier, side);
  if (now === null || before === null) return { passed: false, message: 'Evaluate both models once more in this lesson (Evaluate in My models), so Raceline can see where they drove.' };
  const saw = `${name(newest)} drove ${side} of the centre line ${pct(now)} of the time, ${name(earlier)} ${pct(before)}.`;
  if (now >= share && before < share) return { passed: true, message: `${saw} Two rewards, two ways of driving: each model learned what its reward paid for.` };
  if (now < share) {
    return {
      passed: false,
      message: `${saw} This step asks for at least ${pct(share)} on the ${side} for the newest model. Check that its reward pays almost nothing on the other side (params['is_left_of_center']), train a new model, and let it be evaluated.`,
    };
  }
  return { passed: false, message: `${saw} Both kept to the ${side}: evaluate the centre-line model of the first steps again, then the new one, and check.` };
}

/** The fastest lap over all evaluations, s, or null. */
function bestLap(evaluations: readonly SeenEvaluation[]): number | null {
  const laps = evaluations.flatMap((e) => e.trials.map((t) => t.lapTimeS)).filter((t): t is number => t !== null);
  return laps.length > 0 ? Math.min(...laps) : null;
}

/** Asks the reward function one question: every better state must earn more than every worse one. */
async function rewardQuestion(ctx: CheckContext, question: RewardQuestion, source?: RewardSource): Promise<CheckResult> {
  const c = rewardCase(ctx.track, question);
  let values: ArrayLike<number>;
  try {
    values = await ctx.score([...c.better, ...c.worse].map((s) => s.params), source);
  } catch (e) {
    return { passed: false, message: `Your reward function failed: ${(e as Error).message}. Fix it in the Reward tab (the check below the editor shows the line).` };
  }
  const better = c.better.map((s, i) => ({ ...s, reward: Number(values[i]) }));
  const worse = c.worse.map((s, i) => ({ ...s, reward: Number(values[c.better.length + i]) }));
  const low = Math.min(...better.map((s) => s.reward));
  const offender = worse.find((s) => !(s.reward < low));
  const top = better.find((s) => s.reward === low) ?? better[0];
  if (!offender) {
    return { passed: true, message: `Your reward function pays ${fmt(top.reward)} ${top.label}, more than it pays ${worse.map((s) => `${s.label} (${fmt(s.reward)})`).join(', ')}.` };
  }
  return {
    passed: false,
    message: `Your reward function pays ${fmt(offender.reward)} ${offender.label}, which is not less than the ${fmt(low)} it pays ${top.label}. ${REWARD_ADVICE[question]}`,
  };
}
