/**
 * Pairs of car states a lesson check puts to the user's reward function: a state it should pay more for ("better")
 * and states it should pay less for ("worse"), built with the simulator's own params builder (`measureCar`,
 * `buildParams`), so the values are the ones training would pass. All states sit at 20 % of the lap, like the
 * reward editor's sample states (src/reward/sample-states.ts). Pure: runs in Node, a worker or the page.
 */
import type { Track } from '../track/track';
import { CAR } from '../sim/car';
import { CONTROL_HZ } from '../sim/racing-env-types';
import { buildParams, emptyMeasure, measureCar, type DeepRacerParams } from '../reward/params';
import type { PenalisedCase } from './lesson-format';

/** A reward question: every `better` state should earn more than every `worse` one. */
export interface RewardCase {
  better: { label: string; params: DeepRacerParams }[];
  worse: { label: string; params: DeepRacerParams }[];
}

export type RewardQuestion = 'centre' | 'heading' | PenalisedCase;

/** Where along the lap, fraction of the centre-line length. */
const LAP_FRACTION = 0.2;
/** Step counter of every state. */
const STEPS = 10;
/** Offset of the "edge" states from the centre line, fraction of the track width (inside the road, near the border). */
const EDGE = 0.45;
/** Commanded speed of a driving car, and of a car that stands still, m/s. */
const DRIVING_SPEED = 2;
const STILL_SPEED = 0.1;
/** Steering of a zig-zagging car, degrees. */
const ZIG_ZAG_STEERING = 28;
/** Heading error of the "heading" question, degrees. */
const HEADING_ERROR = 30;

/**
 * The states of one question on `track`.
 * @returns better and worse states with plain-words labels (shown when a check fails).
 */
export function rewardCase(track: Track, question: RewardQuestion): RewardCase {
  const c = track.pointAt(LAP_FRACTION * track.length);
  const width = track.widthAt(c.x, c.y, -1);
  /** A car whose agent point is `left` m left of the centre, heading `dHeadingDeg` off the track, at `speed` m/s. */
  const at = (left: number, dHeadingDeg = 0, steeringAngle = 0, speed = DRIVING_SPEED): DeepRacerParams => {
    const heading = c.heading + (dHeadingDeg * Math.PI) / 180;
    const fx = c.x - left * Math.sin(c.heading);
    const fy = c.y + left * Math.cos(c.heading);
    const m = measureCar(track, fx - CAR.frontPointX * Math.cos(heading), fy - CAR.frontPointX * Math.sin(heading), heading, -1, emptyMeasure());
    const simTime = STEPS / CONTROL_HZ;
    return buildParams(track, m, heading, { steeringAngle, speed, steps: STEPS, progress: (100 * speed * simTime) / track.length, simTime });
  };
  const centre = { label: 'on the centre line, heading along the track at 2 m/s', params: at(0) };
  /** Left of the centre by far enough that all four wheels are off the road (`side` 1: left, -1: right). */
  const offTrack = (side: 1 | -1): DeepRacerParams => at(side * (width / 2 + Math.hypot(CAR.frontPointX + CAR.frontAxleX, CAR.halfTrack) + 0.1));
  switch (question) {
    case 'centre':
      return {
        better: [centre],
        worse: [
          { label: `near the left edge (${EDGE * 100}% of the width from the centre)`, params: at(EDGE * width) },
          { label: `near the right edge (${EDGE * 100}% of the width from the centre)`, params: at(-EDGE * width) },
          { label: 'off the track on the left', params: offTrack(1) },
          { label: 'off the track on the right', params: offTrack(-1) },
        ],
      };
    case 'heading':
      return {
        better: [centre],
        worse: [
          { label: `on the centre line, heading ${HEADING_ERROR}° left of the track`, params: at(0, HEADING_ERROR) },
          { label: `on the centre line, heading ${HEADING_ERROR}° right of the track`, params: at(0, -HEADING_ERROR) },
        ],
      };
    case 'reversing':
      return { better: [centre], worse: [{ label: 'on the centre line, facing the wrong way (driving the lap backwards)', params: at(0, 180) }] };
    case 'zig-zag':
      return {
        better: [centre],
        worse: [
          { label: `on the centre line, steering ${ZIG_ZAG_STEERING}° left`, params: at(0, 0, ZIG_ZAG_STEERING) },
          { label: `on the centre line, steering ${ZIG_ZAG_STEERING}° right`, params: at(0, 0, -ZIG_ZAG_STEERING) },
        ],
      };
    case 'standing-still':
      return { better: [centre], worse: [{ label: `on the centre line, almost stopped (${STILL_SPEED} m/s)`, params: at(0, 0, 0, STILL_SPEED) }] };
    case 'off-track': {
      let off = offTrack(-1);
      if (!off.is_offtrack) off = offTrack(1);
      return { better: [centre], worse: [{ label: 'with all four wheels off the track', params: off }] };
    }
  }
}
