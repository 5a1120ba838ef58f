/**
 * DeepRacer's front camera in 2D: a 160×120 greyscale image per step, made by casting each pixel's
 * ray from the camera onto the flat ground (the track texture of `ground-texture.ts`) and against
 * the boxes standing on it (obstacles, bot cars). The mount is DeepRacer's (reference/deepracer.md
 * §2.4): 0.092 m ahead of the car origin, 0.103 m up, pitched down 15°, horizontal field of view
 * 1.13 rad; the simulator renders 640×480 and resizes to 160×120, Raceline renders 160×120 directly.
 *
 * Cost: the ray of every pixel is fixed in the car's frame, so `CameraModel` computes where each
 * one meets the ground once; a frame is then a rotation and a texture read per pixel (about 50 µs),
 * plus a ray-box test per pixel and nearby box when boxes are present.
 */
import type { Rng } from './rng';
import { SHADE, type GroundTexture } from './ground-texture';

export const IMAGE_WIDTH = 160;
export const IMAGE_HEIGHT = 120;

/** Where a camera sits on the car and what it sees. Lengths m, angles rad. */
export interface CameraMount {
  /** Ahead of the car origin. */
  forward: number;
  /** Left of the car's centre line (stereo lenses: ±half the baseline). */
  left: number;
  /** Above the ground. */
  up: number;
  /** Downward tilt. */
  pitch: number;
  /** Horizontal field of view. */
  hfov: number;
}

/** DeepRacer's simulated front camera (`racecar.gazebo`, URDF). */
export const DEEPRACER_CAMERA: CameraMount = { forward: 0.092, left: 0, up: 0.103, pitch: (15 * Math.PI) / 180, hfov: 1.13, };
/** Distance between the two lenses of STEREO_CAMERAS (DeepRacer Evo), m. */
export const STEREO_BASELINE_M = 0.06;
/** Ground farther than this is drawn as background, m. */
const MAX_GROUND_M = 25;

/** A box standing on the ground: an obstacle or a car. Centre and footprint m, heading rad. */
export interface CameraObject {
  x: number;
  y: number;
  heading: number;
  length: number;
  width: number;
  height: number;
  /** Luma of its sides; the top is drawn a little brighter. */
  shade: number;
}

/** Per-image randomisation for sim-to-real transfer (off by default). */
export interface ImageJitter {
  /** Added to every pixel, luma units. */
  brightness: number;
  /** Multiplies the distance from mid-grey (1 = unchanged). */
  contrast: number;
  /** Standard deviation of Gaussian pixel noise, luma units (0 = none). */
  noise: number;
  rng: Rng | null;
}

/** The pixel rays of a mount, in the car frame (forward F, left L, up U), computed once. */
export class CameraModel {
  readonly mount: CameraMount;
  /** [W*H] ray direction components, row-major from the top-left pixel. */
  readonly dirF: Float32Array;
  readonly dirL: Float32Array;
  readonly dirU: Float32Array;
  /** [W*H] where the ray meets the ground, car frame; NaN above the horizon or beyond MAX_GROUND_M. */
  readonly groundF: Float32Array;
  readonly groundL: Float32Array;
  /** Focal length, pixels. */
  readonly focal: number;

  constructor(mount: CameraMount = DEEPRACER_CAMERA) {
    this.mount = mount;
    const n = IMAGE_WIDTH * IMAGE_HEIGHT;
    this.dirF = new Float32Array(n);
    this.dirL = new Float32Array(n);
    this.dirU = new Float32Array(n);
    this.groundF = new Float32Array(n);
    this.groundL = new Float32Array(n);
    this.focal = IMAGE_WIDTH / 2 / Math.tan(mount.hfov / 2);
    const cp = Math.cos(mount.pitch);
    const sp = Math.sin(mount.pitch);
    for (let v = 0; v < IMAGE_HEIGHT; v++) {
      const yc = (v + 0.5 - IMAGE_HEIGHT / 2) / this.focal; // image down
      for (let u = 0; u < IMAGE_WIDTH; u++) {
        const xc = (u + 0.5 - IMAGE_WIDTH / 2) / this.focal; // image right
        // camera forward (cp, 0, -sp), image down (-sp, 0, -cp), image right (0, -1, 0)
        const f = cp - yc * sp;
        const l = -xc;
        const up = -sp - yc * cp;
        const k = v * IMAGE_WIDTH + u;
        this.dirF[k] = f;
        this.dirL[k] = l;
        this.dirU[k] = up;
        const t = up < 0 ? mount.up / -up : Infinity;
        const gf = mount.forward + t * f;
        const gl = mount.left + t * l;
        const far = !Number.isFinite(t) || Math.hypot(gf, gl) > MAX_GROUND_M;
        this.groundF[k] = far ? NaN : gf;
        this.groundL[k] = far ? NaN : gl;
      }
    }
  }

  /**
   * The pixel that sees a point, car frame (F, L, U), m.
   * @returns [u, v] (continuous, pixel centres at +0.5), or null behind the camera.
   */
  project(f: number, l: number, u = 0): [number, number] | null {
    const m = this.mount;
    const cp = Math.cos(m.pitch);
    const sp = Math.sin(m.pitch);
    const dF = f - m.forward;
    const dL = l - m.left;
    const dU = u - m.up;
    const z = dF * cp - dU * sp; // along the optical axis
    if (z <= 1e-9) return null;
    const right = -dL;
    const down = -dF * sp - dU * cp;
    return [IMAGE_WIDTH / 2 + (this.focal * right) / z, IMAGE_HEIGHT / 2 + (this.focal * down) / z];
  }
}

/**
 * Renders one greyscale image.
 * @param pose the car origin (m) and heading (rad) in the world.
 * @param objects boxes to draw (obstacles, other cars); may be empty.
 * @param out receives IMAGE_HEIGHT×IMAGE_WIDTH luma values 0..255 (row-major, top row first) at `offset`.
 * @param jitter brightness/contrast/noise (domain randomisation), or null.
 */
export function renderCamera(
  model: CameraModel,
  tex: GroundTexture,
  pose: { x: number; y: number; heading: number },
  objects: readonly CameraObject[],
  out: Float32Array | Uint8Array,
  offset: number,
  jitter: ImageJitter | null = null,
): void {
  const c = Math.cos(pose.heading);
  const s = Math.sin(pose.heading);
  const { groundF, groundL, dirF, dirL, dirU, mount } = model;
  const { x0, y0, width, height, data } = tex;
  const inv = 1 / 0.02;
  const n = IMAGE_WIDTH * IMAGE_HEIGHT;
  for (let k = 0; k < n; k++) {
    const gf = groundF[k];
    let shade: number = SHADE.background;
    if (gf === gf) {
      const gl = groundL[k];
      const col = Math.floor((pose.x + c * gf - s * gl - x0) * inv);
      const row = Math.floor((pose.y + s * gf + c * gl - y0) * inv);
      if (col >= 0 && row >= 0 && col < width && row < height) shade = data[row * width + col];
    }
    out[offset + k] = shade;
  }
  if (objects.length > 0) drawObjects(model, pose, objects, out, offset, c, s, dirF, dirL, dirU, mount);
  if (jitter && (jitter.brightness !== 0 || jitter.contrast !== 1 || jitter.noise > 0)) applyJitter(out, offset, n, jitter);
}

/** Overdraws the pixels whose ray meets a box before the ground. */
function drawObjects(
  model: CameraModel,
  pose: { x: number; y: number },
  objects: readonly CameraObject[],
  out: Float32Array | Uint8Array,
  offset: number,
  c: number,
  s: number,
  dirF: Float32Array,
  dirL: Float32Array,
  dirU: Float32Array,
  mount: CameraMount,
): void {
  const camX = pose.x + c * mount.forward - s * mount.left;
  const camY = pose.y + s * mount.forward + c * mount.left;
  for (const o of objects) {
    // Cull: behind the camera or far away.
    const ox = o.x - camX;
    const oy = o.y - camY;
    const reach = Math.hypot(o.length, o.width) / 2;
    if (ox * c + oy * s < -reach || Math.hypot(ox, oy) > MAX_GROUND_M) continue;
    const oc = Math.cos(o.heading);
    const os = Math.sin(o.heading);
    const hx = o.length / 2;
    const hy = o.width / 2;
    // Camera position in the box frame.
    const px = ox * -oc + oy * -os;
    const py = ox * os + oy * -oc;
    for (let k = 0; k < dirF.length; k++) {
      const wx = c * dirF[k] - s * dirL[k];
      const wy = s * dirF[k] + c * dirL[k];
      const du = dirU[k];
      const bx = wx * oc + wy * os;
      const by = -wx * os + wy * oc;
      // Slab test on the footprint: t where the ray is inside [-hx, hx] × [-hy, hy].
      let t0 = 0;
      let t1 = Infinity;
      let nearAxis = -1;
      for (let axis = 0; axis < 2; axis++) {
        const p = axis === 0 ? px : py;
        const d = axis === 0 ? bx : by;
        const h = axis === 0 ? hx : hy;
        if (Math.abs(d) < 1e-12) {
          if (p < -h || p > h) t0 = Infinity;
          continue;
        }
        let ta = (-h - p) / d;
        let tb = (h - p) / d;
        if (ta > tb) [ta, tb] = [tb, ta];
        if (ta > t0) {
          t0 = ta;
          nearAxis = axis;
        }
        if (tb < t1) t1 = tb;
      }
      if (!(t0 <= t1)) continue;
      // Height of the ray where it enters the footprint and where it crosses the box's top.
      const z0 = mount.up + t0 * du;
      let hitShade = -1;
      let tHit = Infinity;
      if (z0 >= 0 && z0 <= o.height && t0 > 0) {
        tHit = t0;
        hitShade = nearAxis === 0 ? o.shade : Math.max(0, o.shade - 30);
      } else if (du < 0 && mount.up > o.height) {
        const tTop = (o.height - mount.up) / du;
        if (tTop >= t0 && tTop <= t1) {
          tHit = tTop;
          hitShade = Math.min(255, o.shade + 25);
        }
      }
      if (hitShade < 0) continue;
      const tGround = du < 0 ? mount.up / -du : Infinity;
      if (tHit < tGround || model.groundF[k] !== model.groundF[k]) out[offset + k] = hitShade;
    }
  }
}

function applyJitter(out: Float32Array | Uint8Array, offset: number, n: number, j: ImageJitter): void {
  for (let k = 0; k < n; k++) {
    let v = (out[offset + k] - 128) * j.contrast + 128 + j.brightness;
    if (j.noise > 0 && j.rng) v += j.noise * j.rng.normal();
    out[offset + k] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
  }
}
