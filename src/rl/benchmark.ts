/**
 * Timing of the PPO hot paths on the active backend, for `npm run bench` and the details panel:
 * ms per minibatch gradient step and ms per batched acting forward pass, measured through the real
 * `PpoTrainer` on a synthetic env (random observations, so the env costs nothing).
 */
import type { Env, StepResult } from '../sim/env';
import { Rng } from '../sim/rng';
import { box, discrete, type BoxSpace, type DiscreteSpace } from '../sim/spaces';
import { SyncVectorEnv } from '../sim/sync-vector-env';
import type { PpoConfig } from './config';
import { PpoTrainer, type GradientMode } from './ppo';

/** Random observations in [-1, 1], zero reward, episodes of `episodeLength` steps. */
class NoiseEnv implements Env {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  private rng = new Rng(0);
  private t = 0;
  constructor(
    private readonly obsSize: number,
    numActions: number,
    private readonly episodeLength: number,
  ) {
    this.observationSpace = box([obsSize], -1, 1);
    this.actionSpace = discrete(numActions);
  }
  private observe(): Float32Array {
    return Float32Array.from({ length: this.obsSize }, () => 2 * this.rng.uniform() - 1);
  }
  reset(options: { seed?: number } = {}) {
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    this.t = 0;
    return { observation: this.observe(), info: {} };
  }
  step(): StepResult {
    this.t++;
    return { observation: this.observe(), reward: this.rng.normal(), terminated: false, truncated: this.t >= this.episodeLength, info: {} };
  }
}

export interface PpoBenchmarkOptions {
  obsSize?: number;
  numActions?: number;
  numEnvs?: number;
  /** Steps per env per rollout (samples = numEnvs × numSteps). */
  numSteps?: number;
  /** Iterations to time after one warm-up iteration. */
  iterations?: number;
  config?: Partial<PpoConfig>;
  /** Gradient path to time (default 'auto'). */
  gradientMode?: GradientMode;
}

export interface PpoBenchmarkResult {
  samplesPerIteration: number;
  minibatchesPerIteration: number;
  /** Mean ms per minibatch step (forward, backward, clip, Adam), over the timed iterations. */
  msPerMinibatch: number;
  /** Mean ms per batched acting call for `numEnvs` observations (forward, one read, sampling). */
  msPerAct: number;
  /** Mean ms per iteration's update phase. */
  updateMsPerIteration: number;
}

/**
 * Runs `iterations + 1` PPO iterations of the racing trainer's shape (defaults: 17 observations,
 * 10 actions, 16 envs × 375 steps = 6000 samples, DeepRacer minibatch 64 and 10 epochs) and reports
 * per-step timings. The backend must already be active.
 */
export async function benchmarkPpo(options: PpoBenchmarkOptions = {}): Promise<PpoBenchmarkResult> {
  const obsSize = options.obsSize ?? 17;
  const numEnvs = options.numEnvs ?? 16;
  const numSteps = options.numSteps ?? 375;
  const vec = new SyncVectorEnv(Array.from({ length: numEnvs }, () => new NoiseEnv(obsSize, options.numActions ?? 10, 200)));
  const trainer = new PpoTrainer(vec, { numEnvs, numSteps, ...options.config });
  await trainer.init({ gradientMode: options.gradientMode });
  await trainer.iteration(); // warm-up: kernel set-up, buffer growth
  const iterations = options.iterations ?? 2;
  let updateMs = 0;
  let actMs = 0;
  let minibatches = 0;
  for (let i = 0; i < iterations; i++) {
    const m = await trainer.iteration();
    updateMs += m.timings.updateMs;
    actMs += m.timings.actMs;
    minibatches += m.epochsRun * Math.ceil(m.samples / trainer.config.minibatchSize);
  }
  trainer.dispose();
  const samples = numEnvs * numSteps;
  return {
    samplesPerIteration: samples,
    minibatchesPerIteration: minibatches / iterations,
    msPerMinibatch: updateMs / minibatches,
    msPerAct: actMs / ((numSteps + 1) * iterations), // numSteps acting calls + one lastValues pass
    updateMsPerIteration: updateMs / iterations,
  };
}
