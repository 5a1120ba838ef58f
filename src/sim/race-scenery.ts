/**
 * What a `RacingVectorEnv` races among: the scenes of boxes and bot cars (none, one shared, or one
 * per car), their planck bodies (for ray casts), the other racers as objects (head to head), and the
 * race rules (resets, laps, start grid), checked once. The env owns the cars; this owns the rest.
 */
import { Box as PlanckBox, Vec2, type Body, type World } from 'planck';
import type { Track } from '../track/track';
import type { CameraObject } from './camera';
import { alongGap, hitsObject, RACECAR_FOOTPRINT, TrackLanes, type SceneObject } from './objects';
import { CAR } from './car';
import { emptyNearest } from '../track/polyline';
import type { RaceResets, RacingEnvConfig } from './racing-env-types';
import { Scene, sceneHasObjects, type SceneConfig } from './scene';

/** The race options of a config, checked and with defaults. */
export interface RaceRules {
  objects: SceneConfig | null;
  resets: Required<RaceResets> | null;
  laps: number;
  grid: boolean;
}

/**
 * Whether a planck body's user data is something car i's sensors see: a box or bot of its own scene
 * (`scene` is the owning car, −1 for a shared scene); other cars' scenes are invisible to it.
 */
export function isVisibleTo(userData: unknown, i: number): boolean {
  if (!userData || typeof userData !== 'object') return false;
  const d = userData as { kind?: string; scene?: number };
  if (d.kind !== 'object' && d.kind !== 'bot') return false;
  return d.scene === -1 || d.scene === i;
}

/**
 * Objects as the camera draws them: boxes standing on the ground. Heights: a box 0.2 m (its centre is
 * at simapp OBSTACLE_Z = 0.1 m), a car 0.15 m.
 */
export function cameraObjects(objects: readonly SceneObject[]): CameraObject[] {
  return objects.map((o) => ({
    x: o.x,
    y: o.y,
    heading: o.heading,
    length: o.length,
    width: o.width,
    height: o.kind === 'object' ? 0.2 : 0.15,
    shade: o.kind === 'object' ? 200 : 60,
  }));
}

export class RaceScenery {
  readonly rules: RaceRules;
  /** The scenes: none without objects, one shared, or one per car. */
  readonly scenes: Scene[] = [];
  lanes: TrackLanes | null = null;
  /** [scene][k] planck bodies mirroring the scene's boxes then bots. */
  private readonly objectBodies: Body[][] = [];
  /** [numEnvs] other racers as objects (head to head), refreshed each step; empty otherwise. */
  readonly carObjects: SceneObject[] = [];
  private readonly scratchNearest = emptyNearest();

  /**
   * Checks the race options and builds the scenes and their planck bodies.
   * @throws RangeError for bad objects, resets or laps (the message names the field).
   */
  constructor(
    private readonly world: World,
    track: Track,
    numEnvs: number,
    config: RacingEnvConfig,
  ) {
    const laps = config.laps ?? 1;
    if (!Number.isInteger(laps) || laps < 1) throw new RangeError(`laps must be a whole number ≥ 1, got ${laps}`);
    let resets: Required<RaceResets> | null = null;
    if (config.resets) {
      const r = config.resets;
      resets = { reversePenaltyS: r.offTrackPenaltyS, immobilizedPenaltyS: 0, ...r };
      for (const [k, v] of Object.entries(resets)) if (!(Number(v) >= 0)) throw new RangeError(`resets.${k} must be ≥ 0, got ${v}`);
    }
    const objects = config.objects && sceneHasObjects(config.objects) ? config.objects : null;
    if (objects?.carsAreObjects && !objects.shared) throw new RangeError('objects.carsAreObjects needs objects.shared: racers only meet on a shared track');
    if (objects || config.grid) this.lanes = new TrackLanes(track);
    if (objects) {
      const count = objects.shared ? 1 : numEnvs;
      for (let k = 0; k < count; k++) {
        const scene = new Scene(this.lanes!, objects, k);
        this.scenes.push(scene);
        const owner = objects.shared ? -1 : k;
        const bodies: Body[] = [];
        const boxes = objects.obstacles ? objects.obstacles.positions?.length || objects.obstacles.count : 0;
        for (let b = 0; b < boxes; b++) bodies.push(this.objectBody('static', 'object', b, owner, 0.5, 0.4));
        const bots = scene.bots?.count ?? 0;
        for (let b = 0; b < bots; b++) bodies.push(this.objectBody('kinematic', 'bot', b, owner, scene.bots!.objects[b].length, scene.bots!.objects[b].width));
        this.objectBodies.push(bodies);
      }
      if (objects.carsAreObjects) {
        for (let i = 0; i < numEnvs; i++) {
          this.carObjects.push({ kind: 'car', index: i, x: 0, y: 0, heading: 0, length: RACECAR_FOOTPRINT.length, width: RACECAR_FOOTPRINT.width, speed: 0, z: 0 });
        }
      }
    }
    this.rules = { objects, resets, laps, grid: config.grid ?? false };
  }

  /**
   * A planck body for a box or bot: a sensor fixture of the footprint (the racers pass through it; crashes are
   * judged geometrically, as DeepRacer does) that collides with nothing, so only ray casts (LiDAR) meet it. Boxes are
   * placed at every scene reset; bots follow their scene every step when the env has a LiDAR.
   */
  private objectBody(type: 'static' | 'kinematic', kind: 'object' | 'bot', index: number, scene: number, length: number, width: number): Body {
    const body = this.world.createBody({ type, position: Vec2(0, 0), angle: 0, userData: { kind, index, scene } });
    body.createFixture({ shape: new PlanckBox(length / 2, width / 2), isSensor: true, filterMaskBits: 0 });
    return body;
  }

  /** Moves scene k's planck bodies to its objects' poses. */
  syncBodies(k: number): void {
    const objects = this.scenes[k].objects();
    const bodies = this.objectBodies[k];
    for (let b = 0; b < bodies.length && b < objects.length; b++) {
      const o = objects[b];
      bodies[b].setTransform(Vec2(o.x, o.y), o.heading);
    }
  }

  /** The scene car i drives in, or null without objects. */
  sceneOf(i: number): Scene | null {
    if (this.scenes.length === 0) return null;
    return this.scenes.length === 1 && this.rules.objects?.shared ? this.scenes[0] : this.scenes[i];
  }

  /**
   * What car i meets: its scene's boxes and bots, then (head to head) the other racers still driving,
   * in the order of its `objects_*` params. Empty on an empty track.
   * @param parked [numEnvs] 1 for cars that finished and wait.
   */
  objectsFor(i: number, parked: Uint8Array): SceneObject[] {
    const scene = this.sceneOf(i);
    const own = scene ? scene.objects() : [];
    if (this.carObjects.length === 0) return own;
    return [...own, ...this.carObjects.filter((c) => c.index !== i && !parked[c.index])];
  }

  /**
   * The object car i hit this step when the crash counts against car i (a box, or a bot or racer ahead of it:
   * simapp compares their progress), else null. A bot that ran into a car ahead of it pauses the bots instead.
   * @param parked [numEnvs] 1 for cars that finished and wait.
   * @param along car i's agent point on the centre line, m.
   */
  crashCheck(track: Track, i: number, parked: Uint8Array, x: number, y: number, heading: number, along: number): SceneObject | null {
    for (const o of this.objectsFor(i, parked)) {
      if (!hitsObject(x, y, heading, o)) continue;
      if (o.kind === 'object') return o;
      const front = track.project(o.x + CAR.frontPointX * Math.cos(o.heading), o.y + CAR.frontPointX * Math.sin(o.heading), -1, this.scratchNearest).along;
      if (alongGap(track, along, front) > 0) return o;
      if (o.kind === 'bot') this.sceneOf(i)?.bots?.penalize();
    }
    return null;
  }

  /**
   * Moves every scene's clock and bots on by one control step (1/15 s), and the racers-as-objects to
   * their bodies. @param rayCast whether a LiDAR reads the bodies (only then are bot bodies moved:
   * moving them in planck's broad phase every step costs more than the rest).
   */
  advance(dt: number, parked: Uint8Array, cars: readonly Body[], rayCast: boolean): void {
    for (let k = 0; k < this.scenes.length; k++) {
      if (!this.rules.objects?.shared && parked[k]) continue;
      this.scenes[k].advance(dt);
      if (this.scenes[k].bots && rayCast) this.syncBodies(k);
    }
    for (const c of this.carObjects) {
      const b = cars[c.index];
      const p = b.getPosition();
      c.x = p.x;
      c.y = p.y;
      c.heading = b.getAngle();
    }
  }
}
