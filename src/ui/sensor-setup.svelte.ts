/**
 * The car's sensors and network as the studio sets them up (DeepRacer's "vehicle" settings): the sensor
 * list of `model_metadata.json`, the camera network, sim-to-real randomisation, and the latest picture of
 * what the first training car's sensors give its network.
 */
import { CAMERA_NETWORKS, DEEPRACER_MIDDLEWARE, type CameraNetworkName } from '../rl/embedder-spec';
import { sensorLayout, type CameraSensorName, type LidarSensorName, type SensorLayout, type SensorName } from '../sim/observation';
import type { DomainRandomization } from '../sim/sensor-rig';
import type { PpoConfig } from '../rl/config';

/** What the car sees the road with: a camera kind, Raceline's track geometry, or nothing (a LiDAR alone). */
export type RoadSensor = CameraSensorName | 'TRACK_GEOMETRY' | null;

/** What the studio offers for each sensor, in DeepRacer's words where DeepRacer has the sensor. */
export const CAMERA_CHOICES: { value: RoadSensor; label: string; detail: string }[] = [
  { value: 'TRACK_GEOMETRY', label: 'Track geometry (fast, Raceline only)', detail: 'distances and angles to the centre line ahead: 22 numbers, an MLP; trains in minutes on any machine. Add a LiDAR to see boxes and cars too' },
  { value: 'FRONT_FACING_CAMERA', label: 'Camera', detail: "DeepRacer's 160×120 greyscale camera, a CNN; much slower to train without a GPU" },
  { value: 'STEREO_CAMERAS', label: 'Stereo camera', detail: 'two cameras 6 cm apart as two channels (DeepRacer Evo), a CNN' },
  { value: null, label: 'None (LiDAR only)', detail: 'the car sees boxes and cars but not the road' },
];

export const LIDAR_CHOICES: { value: LidarSensorName | null; label: string; detail: string }[] = [
  { value: null, label: 'No LiDAR', detail: '' },
  { value: 'LIDAR', label: 'LiDAR', detail: '64 rays over ±150°, 0.15–1 m' },
  { value: 'SECTOR_LIDAR', label: 'Sector LiDAR', detail: '8 sectors: is anything within 0.5 m?' },
  { value: 'DISCRETIZED_SECTOR_LIDAR', label: 'Discretized sector LiDAR', detail: '8 sectors × 8 distance bins up to 2 m' },
];

export const NETWORK_CHOICES: { value: CameraNetworkName; label: string }[] = [
  { value: 'DEEP_CONVOLUTIONAL_NETWORK_SHALLOW', label: '3-layer CNN (DeepRacer default)' },
  { value: 'DEEP_CONVOLUTIONAL_NETWORK', label: '5-layer CNN' },
];

/** The randomisation switched on by "Randomise for a real car": moderate values, seeded from the run's seed. */
export function defaultRandomization(seed: number): DomainRandomization {
  return { brightness: 25, contrast: 0.25, noise: 4, mountYaw: 0.035, mountShift: 0.01, steeringOffset: 0.035, seed };
}

export class SensorSetup {
  /** How the car sees the road: a camera kind, TRACK_GEOMETRY, or null (LiDAR only). */
  view = $state<RoadSensor>('TRACK_GEOMETRY');
  lidar = $state<LidarSensorName | null>(null);
  cameraNetwork = $state<CameraNetworkName>('DEEP_CONVOLUTIONAL_NETWORK_SHALLOW');
  /** Sim-to-real randomisation while training (off by default, as the issue asks). */
  randomize = $state(false);
  /** The first training car's latest observation ([layout.size] float32), or null when not training. */
  frame = $state.raw<Float32Array | null>(null);
  /** The sensor list a frame was made with (frames can lag a change of setup). */
  frameLayout = $state.raw<SensorLayout | null>(null);

  /** DeepRacer's sensor list for the current choice. */
  get sensors(): SensorName[] {
    if (!this.view && !this.lidar) return ['TRACK_GEOMETRY'];
    return [...(this.view ? [this.view] : []), ...(this.lidar ? [this.lidar] : [])];
  }

  /** The observation layout of the current choice. @throws Error for a list DeepRacer refuses. */
  get layout(): SensorLayout {
    return sensorLayout(this.sensors);
  }

  /** Sets the choice from a sensor list (a clone, a resumed run, a lesson). Unknown names fall back to TRACK_GEOMETRY. */
  set(sensors: readonly string[], network?: string | null): void {
    const layout = (() => {
      try {
        return sensorLayout(sensors as SensorName[]);
      } catch {
        return sensorLayout('TRACK_GEOMETRY');
      }
    })();
    this.view = layout.geometry ? 'TRACK_GEOMETRY' : layout.camera;
    this.lidar = layout.lidar;
    if (network && network in CAMERA_NETWORKS) this.cameraNetwork = network as CameraNetworkName;
  }

  /** A camera is chosen (the camera network applies). */
  get usesCamera(): boolean {
    return this.view !== null && this.view !== 'TRACK_GEOMETRY';
  }

  /**
   * The PPO settings a run with these sensors trains with: DeepRacer's middleware (dense 512) after the
   * embedders of a camera or LiDAR network; the MLP's hidden sizes for TRACK_GEOMETRY (with or without a LiDAR).
   */
  configFor(config: PpoConfig): PpoConfig {
    return this.view === 'TRACK_GEOMETRY' || (!this.view && !this.lidar) ? config : { ...config, hiddenSizes: [...DEEPRACER_MIDDLEWARE], activation: 'relu' };
  }

  /** The training setup's sensor fields. */
  forTraining(seed: number): { sensors: SensorName[]; cameraNetwork: CameraNetworkName; domainRandomization: DomainRandomization | null } {
    return { sensors: this.sensors, cameraNetwork: this.cameraNetwork, domainRandomization: this.randomize ? defaultRandomization(seed) : null };
  }
}
