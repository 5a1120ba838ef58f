/**
 * A scene: the boxes and bot cars one racer meets in an episode (or that every racer of a race meets together).
 * DeepRacer runs one car per simulator, so its objects belong to that car's episode; Raceline runs many cars in
 * one world, so the env keeps one scene per car (training, evaluation trials) or one shared scene (a race where
 * cars drive together). See objects.ts and bots.ts for the DeepRacer rules.
 */
import type { Track } from '../track/track';
import { BotFleet, type BotConfig } from './bots';
import { boxAt, placeObstacles, TrackLanes, type ObstacleConfig, type SceneObject } from './objects';
import { Rng } from './rng';

/** What is on the track besides the racers. */
export interface SceneConfig {
  /** Static boxes (DeepRacer object avoidance). */
  obstacles?: ObstacleConfig;
  /** Bot cars (DeepRacer head-to-bot). */
  bots?: BotConfig;
  /** One scene for every car of the env, on one clock (a race run together) instead of one per car. Default false. */
  shared?: boolean;
  /**
   * The cars see each other in `objects_*` and crash into each other (DeepRacer head-to-model); needs `shared`.
   * Default false: cars pass through each other, as in training.
   */
  carsAreObjects?: boolean;
}

/** True when the config puts anything on the track. */
export function sceneHasObjects(cfg: SceneConfig | undefined): boolean {
  if (!cfg) return false;
  const boxes = (cfg.obstacles?.positions?.length ?? 0) > 0 || (cfg.obstacles?.count ?? 0) > 0;
  return boxes || (cfg.bots?.count ?? 0) > 0 || (cfg.carsAreObjects ?? false);
}

export class Scene {
  /** Boxes of the current episode, in DeepRacer's order. */
  boxes: SceneObject[] = [];
  readonly bots: BotFleet | null;
  /** Simulated time since the scene's episode began, s. */
  time = 0;
  private rng: Rng;

  /**
   * @param seed seed of this scene's own generator (box and bot randomisation, lane-change times).
   * @throws RangeError for a bad obstacle or bot config (see `placeObstacles`, `resolveBotConfig`).
   */
  constructor(
    readonly lanes: TrackLanes,
    readonly config: SceneConfig,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.bots = config.bots && config.bots.count > 0 ? new BotFleet(lanes, config.bots) : null;
    // Validate now, so a bad config fails at construction rather than at the first reset.
    if (config.obstacles) placeObstacles(lanes.track.length, config.obstacles, new Rng(0));
  }

  get track(): Track {
    return this.lanes.track;
  }

  /** Restarts the generator (a seeded env reset). */
  reseed(seed: number): void {
    this.rng = new Rng(seed);
  }

  /** New episode: boxes placed (drawn again when randomised), bots back to their starts, clock at 0. */
  reset(): void {
    this.time = 0;
    const o = this.config.obstacles;
    this.boxes = o ? placeObstacles(this.track.length, o, this.rng).map((slot, i) => boxAt(this.lanes, slot, i)) : [];
    this.bots?.reset(this.rng);
  }

  /** Moves the scene's clock (and the bots) on by `dt` s. */
  advance(dt: number): void {
    this.time += dt;
    this.bots?.advance(dt, this.rng);
  }

  /** Boxes then bots, in that order (the order of `objects_*` before any other racers). */
  objects(): SceneObject[] {
    return this.bots ? [...this.boxes, ...this.bots.objects] : this.boxes;
  }
}
