/**
 * What a car's sensors give its network at the start line, for the studio's "what the car sees" panel before
 * training starts: one car in the real simulator, reset with a seed, its first observation. Loaded on demand
 * (it brings the physics engine into the page).
 */
import { RacingVectorEnv } from '../sim/racing-env';
import { defaultActionSpace } from '../sim/action-space';
import type { SensorName } from '../sim/observation';
import type { SceneConfig } from '../sim/scene';
import type { Track } from '../track/track';
import type { RewardFunction } from '../reward/reward-function';

/** Resetting never calls the reward function; this one would answer 0. */
const NO_REWARD: RewardFunction = { language: 'javascript', evaluate: (batch) => batch.map(() => 0) };

/**
 * The first observation of one car on `track` with `sensors`, from the start line.
 * @returns [observationSize] float32 in `sensorLayout(sensors)` order.
 * @throws Error for a sensor list DeepRacer refuses.
 */
export function startObservation(track: Track, sensors: SensorName[], objects?: SceneConfig): Float32Array {
  const env = new RacingVectorEnv({ track, actionSpace: defaultActionSpace(), reward: NO_REWARD, numEnvs: 1, sensors, objects, startFraction: 0 });
  return env.reset({ seed: 1 }).observations.slice();
}
