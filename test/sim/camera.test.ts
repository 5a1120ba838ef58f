import { describe, expect, it } from 'vitest';
import { Track } from '../../src/track/track';
import { CameraModel, DEEPRACER_CAMERA, IMAGE_HEIGHT, IMAGE_WIDTH, renderCamera, type CameraObject } from '../../src/sim/camera';
import { makeGroundTexture, SHADE } from '../../src/sim/ground-texture';
import { Rng } from '../../src/sim/rng';
import { squareTrackData } from '../helpers/tracks';

// The square track: centre line y = 0 along the bottom side (dashes where x mod 0.3 < 0.15),
// inner border y = 0.5, outer border y = −0.5, grass beyond.
const track = new Track(squareTrackData());
const tex = makeGroundTexture(track);
const model = new CameraModel();
const pose = { x: 1, y: 0, heading: 0 };

function render(objects: CameraObject[] = [], jitter = null as Parameters<typeof renderCamera>[6]): Uint8Array {
  const img = new Uint8Array(IMAGE_WIDTH * IMAGE_HEIGHT);
  renderCamera(model, tex, pose, objects, img, 0, jitter);
  return img;
}

/** The image value where the camera sees the world point (x, y, z). */
function seen(img: Uint8Array, x: number, y: number, z = 0): number {
  const p = model.project(x - pose.x, y - pose.y, z)!;
  expect(p).not.toBeNull();
  const [u, v] = p.map(Math.floor);
  expect(u).toBeGreaterThanOrEqual(0);
  expect(u).toBeLessThan(IMAGE_WIDTH);
  expect(v).toBeGreaterThanOrEqual(0);
  expect(v).toBeLessThan(IMAGE_HEIGHT);
  return img[v * IMAGE_WIDTH + u];
}

describe('the front camera', () => {
  const img = render();

  it('has DeepRacer\'s mount and image size', () => {
    expect(DEEPRACER_CAMERA).toMatchObject({ forward: 0.092, up: 0.103, hfov: 1.13 });
    expect(DEEPRACER_CAMERA.pitch).toBeCloseTo((15 * Math.PI) / 180, 12);
    expect([IMAGE_HEIGHT, IMAGE_WIDTH]).toEqual([120, 160]);
  });

  it('shows the dashed centre line, the borders and the grass where the geometry puts them', () => {
    expect(seen(img, 1.575, 0)).toBe(SHADE.centre); // inside the dash [1.5, 1.65)
    expect(seen(img, 1.725, 0)).toBe(SHADE.road); // the gap [1.65, 1.8)
    expect(seen(img, 1.875, 0)).toBe(SHADE.centre); // next dash [1.8, 1.95)
    // Farther ahead, where the borders are inside the field of view.
    expect(seen(img, 2.775, 0)).toBe(SHADE.centre); // dash [2.7, 2.85)
    expect(seen(img, 2.775, 0.3)).toBe(SHADE.road);
    expect(seen(img, 2.775, -0.3)).toBe(SHADE.road);
    expect(seen(img, 2.775, 0.5)).toBe(SHADE.border); // inner border
    expect(seen(img, 2.775, -0.5)).toBe(SHADE.border); // outer border
    expect(seen(img, 2.775, -0.7)).toBe(SHADE.grass); // outside the track
    expect(seen(img, 2.775, 0.7)).toBe(SHADE.grass); // inside the loop
  });

  it('sees the horizon: the top rows are background, the bottom rows ground near the car', () => {
    expect(img[0]).toBe(SHADE.background);
    const bottomMiddle = img[(IMAGE_HEIGHT - 1) * IMAGE_WIDTH + IMAGE_WIDTH / 2];
    expect([SHADE.road, SHADE.centre]).toContain(bottomMiddle);
  });

  it('shows a box placed in front of the car, in front of the ground it hides', () => {
    const box: CameraObject = { x: 1.8, y: 0, heading: 0, length: 0.2, width: 0.2, height: 0.2, shade: 210 };
    const withBox = render([box]);
    expect(seen(withBox, 1.7, 0, 0.05)).toBe(210); // its front face
    expect(seen(withBox, 1.575, 0)).toBe(SHADE.centre); // ground before it still visible
    const changed = withBox.reduce((n, v, k) => n + (v !== img[k] ? 1 : 0), 0);
    expect(changed).toBeGreaterThan(100);
    // Behind the car: not drawn.
    expect(render([{ ...box, x: 0.2 }])).toEqual(img);
  });

  it('is deterministic, and its noise and brightness jitter are seeded', () => {
    expect(render()).toEqual(img);
    const jitter = (seed: number) => ({ brightness: 10, contrast: 0.9, noise: 4, rng: new Rng(seed) });
    const a = render([], jitter(1));
    expect(render([], jitter(1))).toEqual(a);
    expect(render([], jitter(2))).not.toEqual(a);
    expect(a).not.toEqual(img);
  });
});
