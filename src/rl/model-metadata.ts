/**
 * `model_metadata.json` in DeepRacer's keys (deepracer-simapp `markov/boto/s3/files/model_metadata.py`;
 * reference/deepracer.md §2.3). Raceline extends the accepted values with the `TRACK_GEOMETRY`
 * sensor and the `RACELINE_MLP` network, which DeepRacer does not have.
 */
import { actionSpaceToMetadata, validateActionSpace, type ActionSpace } from '../sim/action-space';
import { CAMERA_NETWORKS } from './embedder-spec';
import type { NetworkSpec } from './network-spec';

export interface ModelMetadata {
  action_space: unknown;
  action_space_type: 'discrete' | 'continuous';
  training_algorithm: 'clipped_ppo';
  sensor: string[];
  neural_network: string;
  version: string;
}

/** Simapp version whose format the file follows. */
export const METADATA_VERSION = '5';

/**
 * The `neural_network` name of a network spec: DeepRacer's camera network whose convolutions it has
 * (`DEEP_CONVOLUTIONAL_NETWORK_SHALLOW`, `DEEP_CONVOLUTIONAL_NETWORK`), `RACELINE_MLP` for an MLP on a
 * vector (TRACK_GEOMETRY, or a LiDAR alone), `RACELINE_CUSTOM_CNN` for any other convolution stack.
 */
export function networkNameOf(spec: Pick<NetworkSpec, 'embedder'>): string {
  const image = spec.embedder?.image;
  if (!image) return 'RACELINE_MLP';
  const key = (convs: { filters: number; kernel: number; stride: number }[], dense: number[]) => JSON.stringify([convs.map((c) => [c.filters, c.kernel, c.stride]), dense]);
  const mine = key(image.convs, image.dense);
  for (const [name, net] of Object.entries(CAMERA_NETWORKS)) if (key(net.convs, net.dense) === mine) return name;
  return 'RACELINE_CUSTOM_CNN';
}

/** Builds the metadata of a model. @param sensor DeepRacer's sensor list (or one sensor); @param network `networkNameOf(spec)`. */
export function toModelMetadata(actionSpace: ActionSpace, sensor: string | readonly string[], network: string): ModelMetadata {
  return {
    action_space: actionSpaceToMetadata(actionSpace),
    action_space_type: actionSpace.type,
    training_algorithm: 'clipped_ppo',
    sensor: typeof sensor === 'string' ? [sensor] : [...sensor],
    neural_network: network,
    version: METADATA_VERSION,
  };
}

/**
 * Reads the action space of a `model_metadata.json` object (discrete list or continuous ranges).
 * @throws Error when `action_space` is missing or breaks DeepRacer's rules.
 */
export function actionSpaceFromMetadata(meta: { action_space?: unknown; action_space_type?: string }): ActionSpace {
  const type = (meta.action_space_type ?? 'discrete').trim().toLowerCase();
  const raw = meta.action_space;
  if (raw === undefined) throw new Error('model_metadata.json has no action_space (it is required)');
  if (type === 'discrete') {
    if (!Array.isArray(raw)) throw new Error('model_metadata.json: a discrete action_space must be a list of {steering_angle, speed}');
    return validateActionSpace({ type: 'discrete', actions: raw.map((a) => ({ steering_angle: Number(a?.steering_angle), speed: Number(a?.speed) })) });
  }
  if (type === 'continuous') {
    const r = raw as { steering_angle?: { low: number; high: number }; speed?: { low: number; high: number } };
    return validateActionSpace({ type: 'continuous', steering_angle: r.steering_angle!, speed: r.speed! });
  }
  throw new Error(`model_metadata.json: action_space_type must be 'discrete' or 'continuous', got '${meta.action_space_type}'`);
}
