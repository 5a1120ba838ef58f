/**
 * Where DeepRacer puts a car back on the track (deepracer-simapp `markov/agent_ctrl/rollout_agent_ctrl.py`,
 * `_get_car_reset_model_state`, `_get_car_start_model_state`; constants from `agent_ctrl/constants.py`).
 */
import type { LanePose, SceneObject, TrackLanes } from './objects';

/** An object this close along the centre line to a spawn point moves the spawn (simapp CLOSEST_OBJ_GAP), m. */
export const CLOSEST_OBJECT_GAP = 1.0;
/** A car reset near a box is put this far behind it (simapp DEFAULT_RESET_BEHIND_DIST), m. */
export const RESET_BEHIND_DISTANCE = 1.0;

/** The object nearest along the centre line to `along` within {@link CLOSEST_OBJECT_GAP}, or null. */
export function closestObjectAlong(lanes: TrackLanes, objects: readonly SceneObject[], along: number): { object: SceneObject; along: number } | null {
  const track = lanes.track;
  const L = track.length;
  const scratch = { segment: 0, t: 0, along: 0, px: 0, py: 0, dist2: 0 };
  let best: { object: SceneObject; along: number } | null = null;
  let bestGap = CLOSEST_OBJECT_GAP;
  for (const o of objects) {
    const d = track.project(o.x, o.y, -1, scratch).along;
    let gap = Math.abs(d - along);
    if (track.loop) gap = Math.min(gap % L, L - (gap % L));
    if (gap < bestGap) {
      bestGap = gap;
      best = { object: o, along: d };
    }
  }
  return best;
}

function opposite(lanes: TrackLanes, o: SceneObject, along: number): 'inner' | 'outer' {
  return lanes.nearestLane(o.x, o.y, along) === 'inner' ? 'outer' : 'inner';
}

/**
 * Reset after going off track (or reversing, or stopping) or hitting a box in a race: 1 m behind a box that lies
 * within 1 m of `spawnAlong`, in the lane away from it; otherwise at `spawnAlong` in the lane nearer to `carX, carY`.
 * @param spawnAlong centre-line arc length to reset at (DeepRacer: the previous step's progress for an off-track,
 *   this step's for a crash), m.
 * @param boxes the scene's boxes (bots and racers do not move a reset).
 * @returns the car origin's pose: on the lane, facing along it.
 */
export function resetPose(lanes: TrackLanes, spawnAlong: number, carX: number, carY: number, boxes: readonly SceneObject[]): LanePose {
  const near = closestObjectAlong(lanes, boxes, spawnAlong);
  if (near) {
    const along = near.along - RESET_BEHIND_DISTANCE;
    return lanes.pointAt(opposite(lanes, near.object, near.along), along, { x: 0, y: 0, heading: 0 });
  }
  return lanes.pointAt(lanes.nearestLane(carX, carY, spawnAlong), spawnAlong, { x: 0, y: 0, heading: 0 });
}

/**
 * Training start next to an object: when an object lies within 1 m of the start, start in the lane away from it
 * (simapp `_get_car_start_model_state`, training branch). @returns the pose, or null to start on the centre line.
 */
export function startBesideObject(lanes: TrackLanes, startAlong: number, objects: readonly SceneObject[]): LanePose | null {
  const near = closestObjectAlong(lanes, objects, startAlong);
  if (!near) return null;
  return lanes.pointAt(opposite(lanes, near.object, near.along), startAlong, { x: 0, y: 0, heading: 0 });
}
