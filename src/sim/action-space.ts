/**
 * DeepRacer action spaces in the `model_metadata.json` format (reference/deepracer.md §2.1–2.3):
 * a discrete list of `{steering_angle, speed}` or continuous `{low, high}` ranges.
 * Steering in degrees, positive = left; speed in m/s.
 */
import { box, discrete, type Space } from './spaces';

export interface DiscreteAction {
  /** Degrees, −30..30, positive = left. */
  steering_angle: number;
  /** m/s, 0.1..4. */
  speed: number;
  index?: number;
}

export interface DiscreteActionSpace {
  type: 'discrete';
  actions: DiscreteAction[];
}

export interface Range {
  low: number;
  high: number;
}

export interface ContinuousActionSpace {
  type: 'continuous';
  /** Degrees; DeepRacer console limits −30..30. */
  steering_angle: Range;
  /** m/s; DeepRacer console limits 0.5..4. */
  speed: Range;
}

export type ActionSpace = DiscreteActionSpace | ContinuousActionSpace;

/** Simulator limits on the command sent to the car (simapp MIN/MAX_ANGLE, MIN/MAX_SPEED). */
export const MAX_STEERING_DEG = 30;
export const MIN_SPEED = 0.1; // m/s
export const MAX_SPEED = 4; // m/s
/** Console limits for continuous speed ranges, m/s (DROA i18n). */
export const MIN_CONTINUOUS_SPEED = 0.5;

/**
 * The console's discrete generator (DROA `computeDiscreteActionSpace`): `steeringLevels` angles
 * evenly spaced over [−maxSteering, maxSteering] and speeds `maxSpeed·i/speedLevels` for
 * i = 1..speedLevels; steering outer, speed inner. Defaults (30°, 5, 1 m/s, 2) are the console's.
 * @throws Error outside the console's limits (max steering 1..30°, max speed 0.1..4 m/s, levels ≥ 1).
 */
export function generateDiscreteActionSpace(
  maxSteering = 30,
  steeringLevels = 5,
  maxSpeed = 1,
  speedLevels = 2,
): DiscreteActionSpace {
  if (!(maxSteering >= 1 && maxSteering <= MAX_STEERING_DEG))
    throw new Error(`maximum steering angle must be 1..30 degrees, got ${maxSteering}`);
  if (!(maxSpeed >= MIN_SPEED && maxSpeed <= MAX_SPEED)) throw new Error(`maximum speed must be 0.1..4 m/s, got ${maxSpeed}`);
  if (!Number.isInteger(steeringLevels) || steeringLevels < 1 || steeringLevels > 15)
    throw new Error(`steering angle granularity must be an integer 1..15, got ${steeringLevels}`);
  if (!Number.isInteger(speedLevels) || speedLevels < 1 || speedLevels > 10)
    throw new Error(`speed granularity must be an integer 1..10, got ${speedLevels}`);
  const actions: DiscreteAction[] = [];
  for (let s = 0; s < steeringLevels; s++) {
    const steering = steeringLevels === 1 ? 0 : -maxSteering + (2 * maxSteering * s) / (steeringLevels - 1);
    for (let v = 1; v <= speedLevels; v++) {
      actions.push({ steering_angle: round2(steering), speed: round2((maxSpeed * v) / speedLevels), index: actions.length });
    }
  }
  return { type: 'discrete', actions };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100 + 0;
}

/** The default action space of a new model: the console's 10 actions (±30°, ±15°, 0° × 0.5, 1 m/s). */
export function defaultActionSpace(): DiscreteActionSpace {
  return generateDiscreteActionSpace();
}

/**
 * Checks an action space against DeepRacer's rules and returns it normalised (indices filled).
 * @throws Error naming the bad entry: empty list, steering outside ±30°, speed outside 0.1..4 m/s,
 *   continuous `low >= high`, or continuous speed outside 0.5..4 m/s.
 */
export function validateActionSpace(space: ActionSpace): ActionSpace {
  if (space.type === 'discrete') {
    if (!Array.isArray(space.actions) || space.actions.length === 0) throw new Error('discrete action space: the action list is empty');
    const actions = space.actions.map((a, i) => {
      if (!Number.isFinite(a.steering_angle) || Math.abs(a.steering_angle) > MAX_STEERING_DEG)
        throw new Error(`action ${i}: steering_angle must be −30..30 degrees, got ${a.steering_angle}`);
      if (!Number.isFinite(a.speed) || a.speed < MIN_SPEED || a.speed > MAX_SPEED)
        throw new Error(`action ${i}: speed must be 0.1..4 m/s, got ${a.speed}`);
      return { steering_angle: a.steering_angle, speed: a.speed, index: i };
    });
    return { type: 'discrete', actions };
  }
  const check = (r: Range, name: string, min: number, max: number, unit: string): void => {
    if (!r || !Number.isFinite(r.low) || !Number.isFinite(r.high)) throw new Error(`continuous action space: ${name} needs numeric low and high`);
    if (r.low >= r.high) throw new Error(`continuous action space: ${name} low (${r.low}) must be less than high (${r.high})`);
    if (r.low < min || r.high > max) throw new Error(`continuous action space: ${name} must lie within ${min}..${max} ${unit}, got ${r.low}..${r.high}`);
  };
  check(space.steering_angle, 'steering_angle', -MAX_STEERING_DEG, MAX_STEERING_DEG, 'degrees');
  check(space.speed, 'speed', MIN_CONTINUOUS_SPEED, MAX_SPEED, 'm/s');
  return { type: 'continuous', steering_angle: { ...space.steering_angle }, speed: { ...space.speed } };
}

/**
 * The policy-side space: Discrete(n) for a discrete list; for continuous, Box([-1, 1]²) that the
 * env rescales linearly to the ranges (simapp `ScalableBoxActionSpace`), steering first.
 */
export function policyActionSpace(space: ActionSpace): Space {
  return space.type === 'discrete' ? discrete(space.actions.length) : box([2], -1, 1);
}

/**
 * Turns a policy action into the command the car gets, written into `out` as
 * `[steering_angle deg, speed m/s]`. Continuous samples are clipped to [−1, 1] then rescaled.
 * @param raw discrete index array or continuous samples [numEnvs * 2]; @param i env index.
 * @throws RangeError for a discrete index outside the list.
 */
export function decodeAction(space: ActionSpace, raw: ArrayLike<number>, i: number, out: Float64Array): void {
  if (space.type === 'discrete') {
    const a = space.actions[raw[i]];
    if (!a) throw new RangeError(`action index ${raw[i]} is outside 0..${space.actions.length - 1}`);
    out[0] = a.steering_angle;
    out[1] = a.speed;
    return;
  }
  const s = Math.min(1, Math.max(-1, raw[2 * i]));
  const v = Math.min(1, Math.max(-1, raw[2 * i + 1]));
  const st = space.steering_angle;
  const sp = space.speed;
  out[0] = st.low + ((s + 1) / 2) * (st.high - st.low);
  out[1] = sp.low + ((v + 1) / 2) * (sp.high - sp.low);
}

/** The `action_space` value of `model_metadata.json` for this space. */
export function actionSpaceToMetadata(space: ActionSpace): unknown {
  if (space.type === 'discrete') return space.actions.map((a, i) => ({ steering_angle: a.steering_angle, speed: a.speed, index: i }));
  return { steering_angle: { ...space.steering_angle }, speed: { ...space.speed } };
}
