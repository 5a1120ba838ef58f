/**
 * The camera and LiDAR sensors of every car of a vector env, writing observations in the layout of
 * `sensorLayout` (image first, channels last, then the LiDAR vector). Holds what is expensive to
 * make once: the track's ground texture (one per track per thread) and the cameras' pixel rays.
 *
 * Domain randomisation (for transfer to a real car; off by default): per episode and car, a
 * brightness offset and a contrast factor drawn uniformly in ±`brightness` and 1 ± `contrast`, and
 * Gaussian pixel noise of σ `noise`, all from a generator seeded by `seed` and the car index.
 */
import type { Body, World } from 'planck';
import type { Track } from '../track/track';
import { CameraModel, DEEPRACER_CAMERA, IMAGE_HEIGHT, IMAGE_WIDTH, renderCamera, STEREO_BASELINE_M, type CameraObject, type ImageJitter } from './camera';
import { makeGroundTexture, type GroundTexture } from './ground-texture';
import { DEFAULT_DISCRETIZED_SECTOR_LIDAR, SEES_OBJECTS, writeDiscretizedSectorLidar, writeLidar, writeSectorLidar, type LidarFilter } from './lidar';
import { writeGeometryObservation, type SensorLayout } from './observation';
import type { CarMeasure } from './params';
import { Rng } from './rng';

export interface DomainRandomization {
  /** Largest brightness offset, luma units (e.g. 20). */
  brightness: number;
  /** Largest contrast change, fraction (e.g. 0.2 for 0.8–1.2). */
  contrast: number;
  /** Pixel noise σ, luma units (e.g. 4). */
  noise: number;
  /** Largest camera yaw error per episode, rad (a camera mounted slightly askew); default 0. */
  mountYaw?: number;
  /** Largest sideways camera offset per episode, m; default 0. */
  mountShift?: number;
  /** Largest steering trim error per episode, rad (the servo's centre is off); default 0. */
  steeringOffset?: number;
  seed: number;
}

/** One car's mount and steering errors for an episode (zero without randomisation). */
interface MountError {
  yaw: number; // rad
  shift: number; // m, to the car's left
  steering: number; // rad, added to every steering command
}

const textures = new WeakMap<Track, GroundTexture>();

/** The ground texture of a track, made once per track object and thread. */
export function groundTextureFor(track: Track): GroundTexture {
  let t = textures.get(track);
  if (!t) {
    t = makeGroundTexture(track);
    textures.set(track, t);
  }
  return t;
}

let monoCamera: CameraModel | null = null;
let stereoCameras: [CameraModel, CameraModel] | null = null;

export class SensorRig {
  private readonly texture: GroundTexture | null;
  private readonly cameras: CameraModel[];
  private readonly scratch: Uint8Array;
  private readonly jitters: (ImageJitter | null)[];
  private readonly jitterRngs: Rng[];
  private readonly mountRngs: Rng[];
  private readonly mounts: MountError[];

  constructor(
    readonly layout: SensorLayout,
    track: Track,
    numEnvs: number,
    private readonly randomization: DomainRandomization | null,
  ) {
    this.texture = layout.image ? groundTextureFor(track) : null;
    if (layout.camera === 'FRONT_FACING_CAMERA') this.cameras = [(monoCamera ??= new CameraModel())];
    else if (layout.camera === 'STEREO_CAMERAS') {
      const half = STEREO_BASELINE_M / 2;
      this.cameras = (stereoCameras ??= [new CameraModel({ ...DEEPRACER_CAMERA, left: half }), new CameraModel({ ...DEEPRACER_CAMERA, left: -half })]);
    } else this.cameras = [];
    this.scratch = new Uint8Array(IMAGE_WIDTH * IMAGE_HEIGHT);
    this.jitters = new Array(numEnvs).fill(null);
    this.jitterRngs = Array.from({ length: numEnvs }, (_, i) => new Rng((randomization?.seed ?? 0) * 7919 + i));
    this.mountRngs = Array.from({ length: numEnvs }, (_, i) => new Rng((randomization?.seed ?? 0) * 104729 + 31 * i + 17));
    this.mounts = Array.from({ length: numEnvs }, () => ({ yaw: 0, shift: 0, steering: 0 }));
  }

  /** Car i's steering trim error this episode, rad (0 without randomisation). */
  steeringOffset(i: number): number {
    return this.mounts[i].steering;
  }

  /** Draws car i's image randomisation for a new episode (nothing without domain randomisation). */
  newEpisode(i: number): void {
    const r = this.randomization;
    if (!r) return;
    const m = this.mountRngs[i];
    const sym = (max: number | undefined) => (max ? (m.uniform() * 2 - 1) * max : 0);
    this.mounts[i] = { yaw: sym(r.mountYaw), shift: sym(r.mountShift), steering: sym(r.steeringOffset) };
    if (!this.layout.image) return;
    const rng = this.jitterRngs[i];
    this.jitters[i] = {
      brightness: (rng.uniform() * 2 - 1) * r.brightness,
      contrast: 1 + (rng.uniform() * 2 - 1) * r.contrast,
      noise: r.noise,
      rng,
    };
  }

  /**
   * Writes car i's observation at `out[offset ..]`.
   * @param objects boxes the camera draws (obstacles, bots).
   * @param self the car's own body (the LiDAR ignores it).
   * @param sees which bodies this car's LiDAR sees (its own scene's boxes and bots).
   */
  write(i: number, pose: { x: number; y: number; heading: number }, world: World, self: Body, objects: readonly CameraObject[], out: Float32Array, offset: number, sees: LidarFilter = SEES_OBJECTS): void {
    const { image, lidar } = this.layout;
    let at = offset;
    const mount = this.mounts[i];
    if (image && this.texture) {
      const h = pose.heading;
      const camPose = mount.yaw === 0 && mount.shift === 0 ? pose : { x: pose.x - Math.sin(h) * mount.shift, y: pose.y + Math.cos(h) * mount.shift, heading: h + mount.yaw };
      const jitter = this.jitters[i];
      if (this.cameras.length === 1) renderCamera(this.cameras[0], this.texture, camPose, objects, out, at, jitter);
      else {
        const n = IMAGE_WIDTH * IMAGE_HEIGHT;
        this.cameras.forEach((cam, c) => {
          renderCamera(cam, this.texture!, camPose, objects, this.scratch, 0, jitter);
          for (let k = 0; k < n; k++) out[at + k * 2 + c] = this.scratch[k];
        });
      }
      at += image.height * image.width * image.channels;
    }
    if (lidar === 'LIDAR') writeLidar(world, pose, out, at, self, sees);
    else if (lidar === 'SECTOR_LIDAR') writeSectorLidar(world, pose, out, at, self, sees);
    else if (lidar === 'DISCRETIZED_SECTOR_LIDAR') writeDiscretizedSectorLidar(world, pose, DEFAULT_DISCRETIZED_SECTOR_LIDAR, out, at, self, sees);
  }
}

/**
 * Writes a car's TRACK_GEOMETRY observation (`observation.ts`) from its planck body and its last
 * measurement against the track.
 * @param steer the front wheels' angle, rad; @param trackWidth the local width, m.
 */
export function writeTrackGeometry(track: Track, body: Body, m: CarMeasure, steer: number, trackWidth: number, out: Float32Array, offset: number): void {
  const pos = body.getPosition();
  const vel = body.getLinearVelocity();
  const p = m.projection;
  const seg = p.segment;
  const tx = track.center.xs[seg + 1] - track.center.xs[seg];
  const ty = track.center.ys[seg + 1] - track.center.ys[seg];
  const cross = tx * (m.frontY - p.py) - ty * (m.frontX - p.px);
  const dist = Math.sqrt(p.dist2);
  writeGeometryObservation(
    track.center,
    {
      x: pos.x,
      y: pos.y,
      heading: body.getAngle(),
      vx: vel.x,
      vy: vel.y,
      yawRate: body.getAngularVelocity(),
      steer,
      along: p.along,
      offset: cross >= 0 ? dist : -dist,
      width: trackWidth,
    },
    out,
    offset,
  );
}
