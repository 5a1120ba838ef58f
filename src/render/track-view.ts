/**
 * Draws a track, the cars on it and a trail with pixi.js v8 (WebGL). It holds no simulation: every method
 * draws what it is given, and a frame is rendered on demand (one per animation frame at most) after a change,
 * never from a running ticker.
 *
 * Layers, bottom to top, one Container each: ground, road, borders, centre line, start/finish, trail, cars.
 * The world layers share one transform (metres → pixels, y flipped; see `view-transform.ts`), so shapes are
 * built in metres; line widths and the car size have pixel minimums and are rebuilt when the host resizes.
 */
import { Application, Container, Graphics, GraphicsContext } from 'pixi.js';
import { CAR } from '../sim/car';
import type { TrackData } from '../track/track-data';
import { OBJECT_VIEW_KIND, OBJECT_VIEW_STRIDE } from '../sim/objects';
import {
  dashSegments,
  fitTransform,
  roadPolygon,
  trackBounds,
  trackRings,
  type Bounds,
  type ViewTransform,
} from './view-transform';

/**
 * Car colours by car index (repeating): the Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008,
 * https://jfly.uni-koeln.de/color/) with black swapped for white, since the cars drive on grey and green.
 */
export const CAR_COLOURS: readonly number[] = [
  0xe69f00, // orange
  0x56b4e9, // sky blue
  0x009e73, // bluish green
  0xf0e442, // yellow
  0x0072b2, // blue
  0xd55e00, // vermillion
  0xcc79a7, // reddish purple
  0xffffff, // white
];

/** Default trail colour: white-ish pink that stands out on the grey road and differs from the yellow centre line. */
export const TRAIL_COLOUR = 0xff7fd0;

const COLOURS = {
  grass: 0x2d5a27,
  road: 0x5b5f66,
  border: 0xffffff,
  centre: 0xf0e442,
  carOutline: 0x111111,
  carNose: 0x111111,
} as const;

const BORDER_WIDTH = 0.05; // m
const CENTRE_WIDTH = 0.02; // m
const CENTRE_DASH = 0.15; // m
const CENTRE_GAP = 0.15; // m
const TRAIL_WIDTH = 0.035; // m
const MIN_LINE_PX = 1; // px, thinnest border or trail
const MIN_CENTRE_PX = 0.75; // px
const MIN_CAR_LENGTH_PX = 14; // px: cars never drawn shorter than this
const HIGHLIGHT_SCALE = 1.25; // the highlighted car is drawn this much larger
const PADDING_FRACTION = 0.04; // of the smaller side of the host
const MIN_PADDING_PX = 8; // px

export interface TrackViewOptions {
  /** Colour of the ground around and inside the track, 0xRRGGBB (default dark grass green). */
  background?: number;
}

/** The car body in metres, drawn white so each car's `tint` gives its colour; outline and nose stay dark. */
function carContext(): GraphicsContext {
  const l = CAR.length;
  const w = CAR.width;
  return new GraphicsContext()
    .rect(-l / 2, -w / 2, l, w)
    .fill(0xffffff)
    .stroke({ width: 0.018, color: COLOURS.carOutline })
    .poly([l / 2 - 0.11, -w * 0.32, l / 2 - 0.02, 0, l / 2 - 0.11, w * 0.32], true)
    .fill(COLOURS.carNose);
}

/** Radius of the highlight ring in its own context's units; large so pixi tessellates the circle finely. */
const RING_UNITS = 100;
/** The ring's radius on the track, m. */
const RING_RADIUS = CAR.length * 0.85;

/** A two-tone ring (white over black) drawn around the highlighted car, radius {@link RING_UNITS}. */
function highlightContext(): GraphicsContext {
  const w = RING_UNITS / RING_RADIUS; // context units per metre
  return new GraphicsContext()
    .circle(0, 0, RING_UNITS)
    .stroke({ width: 0.05 * w, color: 0x000000 })
    .circle(0, 0, RING_UNITS)
    .stroke({ width: 0.025 * w, color: 0xffffff });
}

/** Viridis stops (perceptually ordered, colour-blind safe), dark purple → yellow. */
const VIRIDIS = [0x440154, 0x482878, 0x3e4a89, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6dcd59, 0xb4de2c, 0xfde725];

/** The viridis colour of t in 0..1, as 0xRRGGBB. */
export function viridis(t: number): number {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  const mix = (shift: number): number => Math.round(((a >> shift) & 255) + f * (((b >> shift) & 255) - ((a >> shift) & 255)));
  return (mix(16) << 16) | (mix(8) << 8) | mix(0);
}

/**
 * Whether to ask WebGL for multisampling. Not on a high-density screen (2 device pixels per CSS pixel smooth edges
 * already), and not on a software rasteriser (SwiftShader, llvmpipe: no GPU), where resolving the samples made each
 * frame's commit block the page's main thread for 50–80 ms while training (`npm run bench -- --only long-tasks`).
 */
function wantsAntialias(resolution: number): boolean {
  return resolution < 2 && !softwareWebgl();
}

/** Whether WebGL here is a software rasteriser; asked once (a throwaway context), then remembered. */
let software: boolean | null = null;
function softwareWebgl(): boolean {
  if (software !== null) return software;
  software = false;
  try {
    const gl = document.createElement('canvas').getContext('webgl');
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      software = /swiftshader|llvmpipe|softpipe|software/i.test(String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)));
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    // No answer: keep multisampling.
  }
  return software;
}

export class TrackView {
  private readonly app: Application;
  private readonly resizeObserver: ResizeObserver | null;
  private readonly groundColour: number;

  private readonly ground = new Container({ label: 'ground' });
  private readonly road = new Container({ label: 'road' });
  private readonly borders = new Container({ label: 'borders' });
  private readonly centreLine = new Container({ label: 'centre' });
  private readonly startLine = new Container({ label: 'start-finish' });
  private readonly lineLayer = new Container({ label: 'racing-line' });
  private readonly trailLayer = new Container({ label: 'trail' });
  private readonly objectsLayer = new Container({ label: 'objects' });
  private readonly carsLayer = new Container({ label: 'cars', sortableChildren: true });
  /** Layers drawn in world metres; they share the fit transform. */
  private readonly worldLayers = [this.road, this.borders, this.centreLine, this.startLine, this.lineLayer, this.trailLayer, this.objectsLayer, this.carsLayer];

  private readonly groundG = new Graphics();
  private readonly roadG = new Graphics();
  private readonly bordersG = new Graphics();
  private readonly centreG = new Graphics();
  private readonly startG = new Graphics();
  private readonly lineG = new Graphics();
  private readonly trailG = new Graphics();
  private readonly objectsG = new Graphics();
  private readonly carShape = carContext();
  private readonly ringShape = highlightContext();
  private readonly ring = new Graphics(this.ringShape);
  /** One Graphics per car ever shown, reused between calls (extras hidden). */
  private readonly cars: Graphics[] = [];

  private track: TrackData | null = null;
  private bounds: Bounds | null = null;
  private view: ViewTransform = { scale: 1, offsetX: 0, offsetY: 0 };
  private trail: Float32Array | null = null;
  private racingLine: { points: Float32Array; speeds: Float32Array; maxSpeed: number } | null = null;
  private trailColour = TRAIL_COLOUR;
  private carCount = 0;
  private highlight = -1;
  private frame = 0;
  private destroyed = false;

  private constructor(app: Application, host: HTMLElement, background: number) {
    this.app = app;
    this.groundColour = background;
    this.ground.addChild(this.groundG);
    this.road.addChild(this.roadG);
    this.borders.addChild(this.bordersG);
    this.centreLine.addChild(this.centreG);
    this.startLine.addChild(this.startG);
    this.lineLayer.addChild(this.lineG);
    this.trailLayer.addChild(this.trailG);
    this.objectsLayer.addChild(this.objectsG);
    this.ring.visible = false;
    this.ring.zIndex = 1;
    this.carsLayer.addChild(this.ring);
    app.stage.addChild(this.ground, ...this.worldLayers);

    app.renderer.on('resize', this.onResize);
    // `resizeTo` only listens to window resizes; an observer also catches layout changes of the host.
    this.resizeObserver = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => app.queueResize());
    this.resizeObserver?.observe(host);
    this.onResize();
  }

  /**
   * Creates a view filling `host` (its canvas is absolutely positioned over the host, which becomes
   * `position: relative` if it was static) and keeps it fitted as the host resizes.
   * @throws Error when WebGL (or any pixi renderer) cannot start in this browser.
   */
  static async create(host: HTMLElement, options: TrackViewOptions = {}): Promise<TrackView> {
    const app = new Application();
    const resolution = Math.min(globalThis.devicePixelRatio || 1, 2);
    await app.init({
      resizeTo: host,
      preference: 'webgl',
      antialias: wantsAntialias(resolution),
      autoStart: false, // rendered on demand, see scheduleRender
      background: options.background ?? COLOURS.grass,
      resolution,
      autoDensity: true,
    });
    if (getComputedStyle(host).position === 'static') host.style.position = 'relative';
    const canvas = app.canvas;
    canvas.setAttribute('aria-hidden', 'true');
    Object.assign(canvas.style, { position: 'absolute', left: '0', top: '0', display: 'block' });
    host.appendChild(canvas);
    return new TrackView(app, host, options.background ?? COLOURS.grass);
  }

  /** The current world→screen transform (CSS pixels), e.g. for hit tests or end-to-end checks. */
  get transform(): ViewTransform {
    return { ...this.view };
  }

  /** Draws a track (replacing the previous one) and fits it to the host. */
  setTrack(track: TrackData): void {
    if (this.destroyed) return;
    this.track = track;
    this.bounds = trackBounds(track);
    this.refit();
  }

  /**
   * Places the cars.
   * @param poses `[n * 3]` float32: x (m), y (m), heading (rad, counter-clockwise from +x) of each car.
   * @param options.highlight index of a car to draw larger with a ring (e.g. the one being followed).
   * @throws Error when `poses.length` is not a multiple of 3.
   */
  setCars(poses: Float32Array, options: { highlight?: number } = {}): void {
    if (this.destroyed) return;
    if (poses.length % 3 !== 0) {
      throw new Error(`TrackView.setCars: poses must hold [x, y, heading] per car; got length ${poses.length}, not a multiple of 3`);
    }
    const n = poses.length / 3;
    while (this.cars.length < n) {
      const g = new Graphics(this.carShape);
      g.tint = CAR_COLOURS[this.cars.length % CAR_COLOURS.length];
      this.cars.push(g);
      this.carsLayer.addChild(g);
    }
    this.carCount = n;
    this.highlight = options.highlight !== undefined && options.highlight >= 0 && options.highlight < n ? options.highlight : -1;
    this.placeCars(poses);
    this.scheduleRender();
  }

  /**
   * Draws a trail (the best episode's path, or a replayed trial's), replacing the previous one.
   * @param points `[m * 2]` float32: x, y in metres; fewer than 2 points clears the trail. The array is copied.
   * @param colour 0xRRGGBB (default {@link TRAIL_COLOUR}).
   */
  setTrail(points: Float32Array, colour: number = TRAIL_COLOUR): void {
    if (this.destroyed) return;
    this.trail = points.length >= 4 ? points.slice(0, points.length - (points.length % 2)) : null;
    this.trailColour = colour;
    this.drawTrail();
    this.scheduleRender();
  }

  /**
   * Draws the objects on the track (boxes light brown, bot cars dark grey with a red nose), replacing the previous
   * ones.
   * @param objects `[n * 6]` float32: x, y (m), heading (rad), length, width (m), kind (0 box, 1 bot car, 2 car).
   * @throws Error when the length is not a multiple of 6.
   */
  setObjects(objects: Float32Array): void {
    if (this.destroyed) return;
    if (objects.length % OBJECT_VIEW_STRIDE !== 0) throw new Error(`TrackView.setObjects: objects must hold [x, y, heading, length, width, kind] each; got length ${objects.length}`);
    const g = this.objectsG.clear();
    for (let k = 0; k < objects.length; k += OBJECT_VIEW_STRIDE) {
      const [x, y, h, l, w, kind] = objects.subarray(k, k + OBJECT_VIEW_STRIDE);
      const c = Math.cos(h);
      const s = Math.sin(h);
      const corner = (a: number, b: number): [number, number] => [x + a * c - b * s, y + a * s + b * c];
      const pts = [corner(l / 2, w / 2), corner(l / 2, -w / 2), corner(-l / 2, -w / 2), corner(-l / 2, w / 2)].flat();
      g.poly(pts, true).fill(kind === OBJECT_VIEW_KIND.object ? 0xd9a55b : 0x333a44).stroke({ width: this.width(0.015, 1), color: 0x111111 });
      if (kind !== OBJECT_VIEW_KIND.object) g.poly([...corner(l / 2, w / 3), ...corner(l / 2 - 0.08, 0), ...corner(l / 2, -w / 3)], true).fill(0xe53935);
    }
    this.scheduleRender();
  }

  /**
   * Draws the limit lap's racing line (race/limit-lap.ts), coloured by speed on the viridis scale (dark = slow,
   * yellow = `maxSpeed`), under the trail and the cars; null removes it.
   * @param line.points `[n * 2]` x, y (m) of a closed line; `line.speeds` `[n]` m/s.
   */
  setRacingLine(line: { points: Float32Array; speeds: Float32Array; maxSpeed: number } | null): void {
    if (this.destroyed) return;
    this.racingLine = line;
    this.drawRacingLine();
    this.scheduleRender();
  }

  /** Removes the trail. */
  clearTrail(): void {
    if (this.destroyed) return;
    this.trail = null;
    this.trailG.clear();
    this.scheduleRender();
  }

  /** Stops drawing and frees the canvas and GPU resources; safe to call more than once. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.resizeObserver?.disconnect();
    this.app.renderer.off('resize', this.onResize);
    this.app.destroy(true, { children: true });
    // Shared contexts are not owned by any one Graphics, so `children: true` leaves them: free them here.
    this.carShape.destroy();
    this.ringShape.destroy();
  }

  // ---------------------------------------------------------------------------------------------------------

  private readonly onResize = (): void => {
    if (this.destroyed) return;
    const { width, height } = this.app.screen;
    this.groundG.clear().rect(0, 0, width, height).fill(this.groundColour);
    this.refit();
  };

  /** Recomputes the fit transform for the host size and redraws what depends on the scale. */
  private refit(): void {
    const { width, height } = this.app.screen;
    if (this.bounds) {
      const padding = Math.max(MIN_PADDING_PX, PADDING_FRACTION * Math.min(width, height));
      this.view = fitTransform(this.bounds, width, height, padding);
    }
    const { scale, offsetX, offsetY } = this.view;
    for (const layer of this.worldLayers) {
      layer.position.set(offsetX, offsetY);
      layer.scale.set(scale, -scale);
    }
    this.drawTrack();
    this.drawRacingLine();
    this.drawTrail();
    this.scaleCars();
    this.scheduleRender();
  }

  /** A world line width (m) widened so it is never thinner than `minPx` on screen. */
  private width(metres: number, minPx: number): number {
    return Math.max(metres, minPx / this.view.scale);
  }

  private drawTrack(): void {
    for (const g of [this.roadG, this.bordersG, this.centreG, this.startG]) g.clear();
    const track = this.track;
    if (!track) return;

    const { outline, hole } = roadPolygon(track);
    this.roadG.poly(outline, true).fill(COLOURS.road);
    if (hole) this.roadG.poly(hole, true).cut();

    const { centre, inner, outer } = trackRings(track);
    const border = { width: this.width(BORDER_WIDTH, MIN_LINE_PX), color: COLOURS.border, join: 'round' as const };
    this.bordersG.poly(inner, track.loop).stroke(border).poly(outer, track.loop).stroke(border);

    const dash = { width: this.width(CENTRE_WIDTH, MIN_CENTRE_PX), color: COLOURS.centre, cap: 'butt' as const };
    for (const d of dashSegments(centre, CENTRE_DASH, CENTRE_GAP)) this.centreG.poly(d, false).stroke(dash);

    // A loop's start/finish straddles waypoint 0; an open track's start and finish lie inside the road.
    this.drawChequer(0, track.loop);
    if (!track.loop) this.drawChequer(track.waypoints.length - 1, false);
  }

  /**
   * A chequered strip (8 squares × 2 rows) across the road at waypoint `row`: centred on it, or (for the ends
   * of an open track) reaching from it into the road.
   */
  private drawChequer(row: number, centred: boolean): void {
    const rows = this.track!.waypoints;
    const [cx, cy, ix, iy, ox, oy] = rows[row];
    const next = rows[row + 1] ?? rows[row - 1];
    const sign = rows[row + 1] ? 1 : -1;
    let dx = (next[0] - cx) * sign;
    let dy = (next[1] - cy) * sign;
    const len = Math.hypot(dx, dy) || 1;
    dx /= len;
    dy /= len;
    const squares = 8;
    const ax = (ox - ix) / squares; // one square across the road, m
    const ay = (oy - iy) / squares;
    const side = Math.hypot(ax, ay);
    for (let r = 0; r < 2; r++) {
      for (let k = 0; k < squares; k++) {
        const x0 = ix + ax * k + dx * side * (centred ? r - 1 : r);
        const y0 = iy + ay * k + dy * side * (centred ? r - 1 : r);
        this.startG
          .poly([x0, y0, x0 + ax, y0 + ay, x0 + ax + dx * side, y0 + ay + dy * side, x0 + dx * side, y0 + dy * side], true)
          .fill((k + r) % 2 === 0 ? 0xffffff : 0x111111);
      }
    }
  }

  private drawRacingLine(): void {
    const g = this.lineG.clear();
    const line = this.racingLine;
    if (!line) return;
    const { points, speeds, maxSpeed } = line;
    const n = speeds.length;
    const width = this.width(0.03, MIN_LINE_PX);
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      g.moveTo(points[2 * i], points[2 * i + 1]).lineTo(points[2 * j], points[2 * j + 1]);
      g.stroke({ width, color: viridis(speeds[i] / maxSpeed), alpha: 0.95, cap: 'round' });
    }
  }

  private drawTrail(): void {
    this.trailG.clear();
    const pts = this.trail;
    if (!pts) return;
    this.trailG.moveTo(pts[0], pts[1]);
    for (let i = 2; i + 1 < pts.length; i += 2) this.trailG.lineTo(pts[i], pts[i + 1]);
    this.trailG.stroke({
      width: this.width(TRAIL_WIDTH, 1.5 * MIN_LINE_PX),
      color: this.trailColour,
      alpha: 0.9,
      join: 'round',
      cap: 'round',
    });
  }

  /** Moves the reused car Graphics to `poses`; hides the ones beyond `carCount`. No allocation. */
  private placeCars(poses: Float32Array): void {
    for (let i = 0; i < this.cars.length; i++) {
      const g = this.cars[i];
      if (i >= this.carCount) {
        g.visible = false;
        continue;
      }
      g.visible = true;
      g.position.set(poses[3 * i], poses[3 * i + 1]);
      g.rotation = poses[3 * i + 2];
      g.zIndex = i === this.highlight ? 2 : 0;
    }
    this.ring.visible = this.highlight >= 0;
    if (this.highlight >= 0) this.ring.position.copyFrom(this.cars[this.highlight].position);
    this.scaleCars();
  }

  /** Enlarges cars (and the ring) so a car is at least MIN_CAR_LENGTH_PX long on screen. */
  private scaleCars(): void {
    const k = Math.max(1, MIN_CAR_LENGTH_PX / (CAR.length * this.view.scale));
    for (let i = 0; i < this.carCount; i++) this.cars[i].scale.set(i === this.highlight ? k * HIGHLIGHT_SCALE : k);
    this.ring.scale.set((k * HIGHLIGHT_SCALE * RING_RADIUS) / RING_UNITS);
  }

  /** Renders once on the next animation frame (coalescing any number of changes before it). */
  private scheduleRender(): void {
    if (this.frame || this.destroyed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.destroyed) this.app.render();
    });
  }
}
