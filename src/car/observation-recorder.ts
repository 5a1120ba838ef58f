/**
 * Recorded observations for checking a pack: the pack's own policy drives cars in the simulator
 * (`RacingVectorEnv`, with the pack's sensors), sampling its actions as in training so the cars also visit the states a
 * greedy lap never reaches (near the edges, mid-correction), and every observation is kept.
 * Used to measure int8-against-float32 agreement and to compare a car runtime's actions with the
 * browser's.
 */
import { RacingVectorEnv } from '../sim/racing-env';
import { Rng } from '../sim/rng';
import type { ActionSpace } from '../sim/action-space';
import type { SensorName } from '../sim/observation';
import type { Track } from '../track/track';
import type { RewardFunction } from '../reward/reward-function';
import { packObservationSize, type CarPack } from './pack';
import { packForward } from './pack-inference';

export interface RecordOptions {
  track: Track;
  /** The action space the pack was trained with. */
  actionSpace: ActionSpace;
  pack: CarPack;
  /** Observations to record. */
  count: number;
  seed: number;
  /** Cars driven at once (default 6), starting around the lap (DeepRacer's round-robin starts). */
  numEnvs?: number;
  /** Continuous packs: standard deviation of the noise added to the mean, in [−1, 1] units (default 0.3). */
  continuousNoise?: number;
}

const NO_REWARD: RewardFunction = { language: 'javascript', evaluate: (batch) => batch.map(() => 0) };

/**
 * @returns [count * obsSize] float32, row-major, one row per car-step in step order.
 */
export function recordObservations(o: RecordOptions): Float32Array {
  const numEnvs = o.numEnvs ?? 6;
  const obsSize = packObservationSize(o.pack);
  const env = new RacingVectorEnv({
    track: o.track,
    actionSpace: o.actionSpace,
    reward: NO_REWARD,
    numEnvs,
    sensors: o.pack.sensors.map((x) => x.name as SensorName),
    autoreset: true,
    startFraction: 0,
    roundRobinAdvance: 1 / numEnvs,
    startNoise: { lateral: 0.1, heading: 0.1 },
  });
  const rng = new Rng(o.seed);
  const out = new Float32Array(o.count * obsSize);
  const discrete = o.actionSpace.type === 'discrete';
  const actions = discrete ? new Int32Array(numEnvs) : new Float32Array(numEnvs * 2);
  const probs = new Float64Array(o.actionSpace.type === 'discrete' ? o.actionSpace.actions.length : 0);
  let obs = env.reset({ seed: o.seed }).observations;
  let kept = 0;
  while (kept < o.count) {
    for (let i = 0; i < numEnvs && kept < o.count; i++, kept++) out.set(obs.subarray(i * obsSize, (i + 1) * obsSize), kept * obsSize);
    for (let i = 0; i < numEnvs; i++) {
      const y = packForward(o.pack, obs.subarray(i * obsSize, (i + 1) * obsSize));
      if (discrete) {
        // softmax, then a draw (as the training rollout samples)
        const max = Math.max(...y);
        let sum = 0;
        for (let k = 0; k < y.length; k++) sum += probs[k] = Math.exp(y[k] - max);
        for (let k = 0; k < y.length; k++) probs[k] /= sum;
        actions[i] = rng.categorical(probs);
      } else {
        const sd = o.continuousNoise ?? 0.3;
        actions[2 * i] = y[0] + sd * rng.normal();
        actions[2 * i + 1] = y[1] + sd * rng.normal();
      }
    }
    obs = env.step(actions).observations;
  }
  return out;
}
