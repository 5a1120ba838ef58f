/**
 * CartPole-v1, a line-for-line port of Gymnasium's `classic_control/cartpole.py` (v1, Euler integrator,
 * `max_episode_steps=500`), used as the PPO learning gate (rl-baselines3-zoo: PPO reaches 500 in 100k steps).
 *
 * ## Description
 * A pole is attached by an un-actuated joint to a cart moving along a frictionless track (Barto, Sutton and
 * Anderson 1983, "Neuronlike adaptive elements that can solve difficult learning control problems").
 * The goal is to balance the pole by pushing the cart left or right.
 *
 * ## Action Space
 * `discrete(2)`: 0 pushes the cart to the left, 1 to the right, with a force of 10 N.
 *
 * ## Observation Space
 * Float32Array [4]: cart position x (m, [-4.8, 4.8]), cart velocity (m/s, unbounded), pole angle θ
 * (rad, about [-0.418, 0.418], i.e. ±24°), pole angular velocity (rad/s, unbounded).
 *
 * ## Rewards
 * +1 for every step taken, including the step that terminates.
 *
 * ## Starting State
 * All four state variables uniform in [-0.05, 0.05], drawn from the env's seeded `Rng`.
 *
 * ## Episode End
 * Terminated when |θ| > 12° (0.2095 rad) or |x| > 2.4 (the cart centre leaves the track).
 * Truncated after 500 steps (Gymnasium registers CartPole-v1 with `max_episode_steps=500`); as Gymnasium's
 * `TimeLimit`, a step can be both terminated and truncated.
 *
 * ## Version History
 * v1 (this port): Gymnasium 1.x semantics; `step` after the episode ended throws instead of warning.
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../env';
import { Rng } from '../rng';
import { box, discrete, type BoxSpace, type DiscreteSpace } from '../spaces';

export const GRAVITY = 9.8; // m/s²
export const MASS_CART = 1.0; // kg
export const MASS_POLE = 0.1; // kg
export const TOTAL_MASS = MASS_POLE + MASS_CART; // kg
export const HALF_POLE_LENGTH = 0.5; // m (Gymnasium `length`: half the pole's length)
export const POLE_MASS_LENGTH = MASS_POLE * HALF_POLE_LENGTH; // kg·m
export const FORCE_MAG = 10.0; // N
export const TAU = 0.02; // s between state updates
export const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360; // rad, 0.2095
export const X_THRESHOLD = 2.4; // m
export const MAX_EPISODE_STEPS = 500;

/** The four state variables [x, xDot, theta, thetaDot], in float64 like Gymnasium's internal state. */
export type CartPoleState = [number, number, number, number];

/**
 * One Euler step of the cart-pole dynamics (Gymnasium `CartPoleEnv.step`, `kinematics_integrator="euler"`).
 * @param action 0 (push left) or 1 (push right). @returns the next state.
 */
export function cartPoleDynamics(state: CartPoleState, action: number): CartPoleState {
  const [x, xDot, theta, thetaDot] = state;
  const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
  const thetaAcc = (GRAVITY * sin - cos * temp) / (HALF_POLE_LENGTH * (4.0 / 3.0 - (MASS_POLE * cos * cos) / TOTAL_MASS));
  const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
  return [x + TAU * xDot, xDot + TAU * xAcc, theta + TAU * thetaDot, thetaDot + TAU * thetaAcc];
}

export class CartPoleEnv implements Env {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace = discrete(2);
  readonly maxEpisodeSteps: number;
  private rng: Rng;
  private state: CartPoleState | null = null;
  private elapsedSteps = 0;

  /** @param options.seed generator seed used until `reset({seed})` (default 0); @param options.maxEpisodeSteps default 500. */
  constructor(options: { seed?: number; maxEpisodeSteps?: number } = {}) {
    const high = [X_THRESHOLD * 2, Infinity, THETA_THRESHOLD * 2, Infinity];
    this.observationSpace = box([4], high.map((h) => -h), high);
    this.rng = new Rng(options.seed ?? 0);
    this.maxEpisodeSteps = options.maxEpisodeSteps ?? MAX_EPISODE_STEPS;
  }

  /** Starts an episode; a seed re-seeds the env's generator (Gymnasium `reset(seed=...)`). */
  reset(options: ResetOptions = {}): ResetResult {
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    const u = () => -0.05 + 0.1 * this.rng.uniform();
    this.state = [u(), u(), u(), u()];
    this.elapsedSteps = 0;
    return { observation: Float32Array.from(this.state), info: {} };
  }

  /**
   * Applies a push. @param action 0 or 1.
   * @throws Error before `reset`, after the episode ended, or for an action outside {0, 1}.
   */
  step(action: number | Float32Array): StepResult {
    if (this.state === null) throw new Error('CartPoleEnv.step(): call reset() first (no episode is running)');
    if (action !== 0 && action !== 1) throw new Error(`CartPoleEnv.step(): action must be 0 (left) or 1 (right), got ${String(action)}`);
    const next = cartPoleDynamics(this.state, action);
    const [x, , theta] = next;
    const terminated = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
    this.elapsedSteps++;
    const truncated = this.elapsedSteps >= this.maxEpisodeSteps; // Gymnasium TimeLimit: may coincide with terminated
    this.state = terminated || truncated ? null : next;
    return { observation: Float32Array.from(next), reward: 1, terminated, truncated, info: {} };
  }
}
