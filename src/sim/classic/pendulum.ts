/**
 * Pendulum-v1, a port of Gymnasium's `classic_control/pendulum.py` (`max_episode_steps=200`), the continuous-control
 * PPO learning gate (rl-baselines3-zoo: PPO with gSDE reaches about −172 at 100k steps).
 *
 * ## Description
 * An inverted pendulum: a rod of length 1 m and mass 1 kg fixed at one end swings under gravity; the agent applies a
 * torque to its free end's joint to swing it up and keep it upright.
 *
 * ## Action Space
 * `box([1], −2, 2)`: the torque, N·m; values outside are clipped (as Gymnasium clips `u`).
 *
 * ## Observation Space
 * Float32Array [3]: cos θ, sin θ (θ = 0 upright), angular velocity θ̇ (rad/s, [−8, 8]).
 *
 * ## Rewards
 * −(θ² + 0.1·θ̇² + 0.001·u²), θ normalised to [−π, π): between about −16.27 and 0 a step.
 *
 * ## Starting State
 * θ uniform in [−π, π], θ̇ uniform in [−1, 1], from the env's seeded `Rng`.
 *
 * ## Episode End
 * Never terminated; truncated after 200 steps.
 */
import type { Env, ResetOptions, ResetResult, StepResult } from '../env';
import { Rng } from '../rng';
import { box, type BoxSpace } from '../spaces';

export const MAX_SPEED = 8; // rad/s
export const MAX_TORQUE = 2; // N·m
export const DT = 0.05; // s
export const G = 10; // m/s² (Gymnasium's default g)
export const MASS = 1; // kg
export const LENGTH = 1; // m
export const MAX_EPISODE_STEPS = 200;

/** θ wrapped into [−π, π) (Gymnasium `angle_normalize`). */
export function angleNormalize(x: number): number {
  return ((((x + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) - Math.PI;
}

export class PendulumEnv implements Env {
  readonly observationSpace: BoxSpace = box([3], [-1, -1, -MAX_SPEED], [1, 1, MAX_SPEED]);
  readonly actionSpace: BoxSpace = box([1], [-MAX_TORQUE], [MAX_TORQUE]);
  private rng: Rng;
  private theta = 0;
  private thetaDot = 0;
  private running = false;
  private elapsedSteps = 0;

  /** @param options.seed generator seed used until `reset({seed})` (default 0). */
  constructor(options: { seed?: number } = {}) {
    this.rng = new Rng(options.seed ?? 0);
  }

  reset(options: ResetOptions = {}): ResetResult {
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    this.theta = -Math.PI + 2 * Math.PI * this.rng.uniform();
    this.thetaDot = -1 + 2 * this.rng.uniform();
    this.running = true;
    this.elapsedSteps = 0;
    return { observation: this.observation(), info: {} };
  }

  /**
   * Applies a torque. @param action Float32Array [1] (or a number), N·m, clipped to ±2.
   * @throws Error before `reset` or after the episode ended.
   */
  step(action: number | Float32Array): StepResult {
    if (!this.running) throw new Error('PendulumEnv.step(): call reset() first (no episode is running)');
    const raw = typeof action === 'number' ? action : action[0];
    const u = Math.min(MAX_TORQUE, Math.max(-MAX_TORQUE, Number.isFinite(raw) ? raw : 0));
    const th = this.theta;
    const cost = angleNormalize(th) ** 2 + 0.1 * this.thetaDot ** 2 + 0.001 * u * u;
    let newThDot = this.thetaDot + ((3 * G) / (2 * LENGTH)) * Math.sin(th) * DT + (3 / (MASS * LENGTH * LENGTH)) * u * DT;
    newThDot = Math.min(MAX_SPEED, Math.max(-MAX_SPEED, newThDot));
    this.theta = th + newThDot * DT;
    this.thetaDot = newThDot;
    this.elapsedSteps++;
    const truncated = this.elapsedSteps >= MAX_EPISODE_STEPS;
    if (truncated) this.running = false;
    return { observation: this.observation(), reward: -cost, terminated: false, truncated, info: {} };
  }

  private observation(): Float32Array {
    return Float32Array.from([Math.cos(this.theta), Math.sin(this.theta), this.thetaDot]);
  }
}
