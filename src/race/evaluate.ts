/**
 * DeepRacer evaluation (time trial, not continuous): the greedy policy drives N trials from the
 * start line; a trial ends on lap complete, off track, reversed, immobilized or the time limit
 * (deepracer-simapp `evaluation_worker.py`; reference/deepracer.md §3.4). All trials run at once
 * as one vector env, one batched policy call per step.
 *
 * Raceline's simulator is deterministic, so identical trials would all give the same result;
 * each trial therefore starts with a small seeded perturbation of the start pose (±2 cm sideways,
 * ±1.5° heading), standing in for the physics noise of DeepRacer's Gazebo runs.
 */
import { RacingVectorEnv, CONTROL_HZ } from '../sim/racing-env';
import type { ActionSpace } from '../sim/action-space';
import type { Track } from '../track/track';
import type { RewardFunction } from '../reward/reward-function';
import type { SensorName } from '../sim/observation';
import type { SceneConfig } from '../sim/scene';
import type { CarStepEvent } from '../sim/racing-env';

export { summarizeTrials, type TrialsSummary } from './summary';

/** The part of a policy evaluation needs: greedy batched actions. */
export interface GreedyPolicy {
  /** @param observations [n * obsSize] float32. @returns actions [n] (discrete) or [n * 2] (continuous). */
  act(observations: Float32Array, n: number, options: { deterministic: boolean }): Promise<{ actions: Int32Array | Float32Array }>;
}

export interface EvaluationConfig {
  track: Track;
  actionSpace: ActionSpace;
  sensor?: SensorName;
  /** DeepRacer's sensor list (takes precedence over `sensor`). */
  sensors?: readonly SensorName[];
  /** Number of trials (DeepRacer console default 3). */
  trials?: number;
  /** Time limit of a trial, simulated seconds (default 180). */
  timeLimitS?: number;
  /** Seed of the start perturbations. */
  seed?: number;
  /** Start-pose perturbation; default ±0.02 m and ±1.5°. Zero both for exact starts. */
  startNoise?: { lateral: number; heading: number };
  /** Keep each trial's driven path (for replays). */
  recordPaths?: boolean;
  /** Boxes and bot cars on the track, one scene per trial (an object-avoidance model meets its boxes). */
  objects?: SceneConfig;
  /** Receives every step of every trial (for the evaluation sim-trace). */
  onStep?: (event: CarStepEvent) => void;
}

export interface TrialResult {
  trial: number;
  /** Percent of the lap completed, 0..100. */
  progress: number;
  /** Lap time in simulated seconds, or null when the lap was not completed. */
  lapTimeS: number | null;
  steps: number;
  /** DeepRacer episode status at the end of the trial. */
  status: string;
  /** Times the car left the track (0 or 1: a non-continuous trial ends on the first). */
  offTrackCount: number;
  /** With `recordPaths`: [steps * 3] float32 car origin x, y (m) and heading (rad) after each step. */
  path?: Float32Array;
}

/** Rewards are not needed to evaluate; DeepRacer still computes them, Raceline skips the call. */
const NO_REWARD: RewardFunction = { language: 'javascript', evaluate: (batch) => batch.map(() => 0) };

/**
 * Runs the evaluation. @returns one result per trial, in trial order.
 */
export async function evaluatePolicy(policy: GreedyPolicy, cfg: EvaluationConfig): Promise<TrialResult[]> {
  const trials = cfg.trials ?? 3;
  const env = new RacingVectorEnv({
    track: cfg.track,
    actionSpace: cfg.actionSpace,
    sensor: cfg.sensor,
    sensors: cfg.sensors,
    reward: NO_REWARD,
    numEnvs: trials,
    autoreset: false,
    roundRobinAdvance: 0,
    startFraction: 0,
    maxSteps: Math.round((cfg.timeLimitS ?? 180) * CONTROL_HZ),
    startNoise: cfg.startNoise ?? { lateral: 0.02, heading: (1.5 * Math.PI) / 180 },
    objects: cfg.objects,
  });
  if (cfg.onStep) env.setStepListener(cfg.onStep);
  let obs = env.reset({ seed: cfg.seed ?? 0 }).observations;
  const results: (TrialResult | null)[] = new Array(trials).fill(null);
  let remaining = trials;
  const paths: number[][] = Array.from({ length: trials }, () => []);
  while (remaining > 0) {
    const { actions } = await policy.act(obs, trials, { deterministic: true });
    const r = env.step(actions);
    obs = r.observations;
    if (cfg.recordPaths) {
      const poses = env.poses();
      for (let i = 0; i < trials; i++) {
        if (results[i] === null) paths[i].push(poses[3 * i], poses[3 * i + 1], poses[3 * i + 2]);
      }
    }
    for (const e of r.episodes) {
      const status = String(e.extra?.status);
      results[e.envIndex] = {
        trial: e.envIndex,
        progress: Number(e.extra?.progress ?? 0),
        lapTimeS: status === 'lap_complete' ? (e.extra?.lapTimeS as number) : null,
        steps: e.episodicLength,
        status,
        offTrackCount: status === 'off_track' ? 1 : 0,
        ...(cfg.recordPaths ? { path: Float32Array.from(paths[e.envIndex]) } : {}),
      };
      remaining--;
    }
  }
  return results as TrialResult[];
}
