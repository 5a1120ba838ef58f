/**
 * A handful of typical car states on a track, and a check that runs user reward code on them, so a
 * student sees what the function pays before training starts (the DeepRacer console only finds a
 * broken reward function once the job runs). Pure: no DOM, runs in Node, a worker or the page.
 */
import type { Track } from '../track/track';
import { CAR } from '../sim/car';
import { CONTROL_HZ } from '../sim/racing-env';
import { buildParams, emptyMeasure, measureCar, type DeepRacerParams } from './params';
import { checkRewardValue, RewardError, type RewardFunction } from './reward-function';

/** One named state of the car and the `params` DeepRacer would pass for it. */
export interface SampleState {
  label: string;
  params: DeepRacerParams;
}

/** What `checkReward` found: each state's reward, or the first error with its line (1-based) when known. */
export type RewardCheck =
  | { ok: true; rows: { label: string; reward: number }[] }
  | { ok: false; error: { message: string; line: number | null } };

/** Where along the lap the states are placed, as a fraction of the centre-line length. */
const LAP_FRACTION = 0.2;
/** Step counter of every sample state (the reward function first sees steps == 2 in training). */
const SAMPLE_STEPS = 10;
/** Commanded speed of every sample state, m/s. */
const SAMPLE_SPEED = 1;
/** Offsets from the centre line as fractions of the local track width, chosen inside the bands of the default reward (10 %, 25 %, 50 %). */
const OFFSETS = [0.05, 0.2, 0.45] as const;
/** Clearance beyond the border for the off-track state, m: far enough that no wheel touches the road. */
const OFF_TRACK_MARGIN = 0.1;

/**
 * Car states at 20 % of the lap: on the centre line, 5 % / 20 % / 45 % of the track width to the
 * left and to the right, heading 30° left of the track direction, steering 25° left, and all four
 * wheels off the road. Each is measured with `measureCar`/`buildParams` as the env would; the agent
 * point (0.14 m ahead of the car origin) is the one placed at the offset, as DeepRacer measures
 * `distance_from_center` there. Every state has `speed` 1 m/s, `steps` 10 and the `progress` of
 * 10 steps at 1 m/s from the episode start.
 * @param track any track; a reversed track gives its own left and right.
 * @returns about ten `{label, params}` in display order.
 */
export function sampleStates(track: Track): SampleState[] {
  const s = LAP_FRACTION * track.length;
  const c = track.pointAt(s);
  const width = track.widthAt(c.x, c.y, -1);
  const simTime = SAMPLE_STEPS / CONTROL_HZ; // s
  const progress = Math.min(100, (100 * SAMPLE_SPEED * simTime) / track.length);

  /** Params of a car whose agent point is `left` m left of the centre point, heading `dHeading` rad off the track. */
  const state = (left: number, dHeading = 0, steeringAngle = 0): DeepRacerParams => {
    const heading = c.heading + dHeading;
    const fx = c.x - left * Math.sin(c.heading);
    const fy = c.y + left * Math.cos(c.heading);
    const x = fx - CAR.frontPointX * Math.cos(heading);
    const y = fy - CAR.frontPointX * Math.sin(heading);
    const m = measureCar(track, x, y, heading, -1, emptyMeasure());
    return buildParams(track, m, heading, { steeringAngle, speed: SAMPLE_SPEED, steps: SAMPLE_STEPS, progress, simTime });
  };

  const out: SampleState[] = [{ label: 'On the centre line, 1 m/s', params: state(0) }];
  for (const f of OFFSETS) {
    const pct = Math.round(f * 100);
    out.push({ label: `${pct}% of the width left of centre`, params: state(f * width) });
    out.push({ label: `${pct}% of the width right of centre`, params: state(-f * width) });
  }
  out.push({ label: 'Heading 30° left of the track direction', params: state(0, (30 * Math.PI) / 180) });
  out.push({ label: 'Steering 25° left on the centre line', params: state(0, 0, 25) });
  // Beyond the border by the car's half diagonal plus a margin; try the other side if that lands on road.
  const reach = width / 2 + Math.hypot(CAR.frontPointX + CAR.frontAxleX, CAR.halfTrack) + OFF_TRACK_MARGIN;
  let off = state(-reach);
  if (!off.is_offtrack) off = state(reach);
  out.push({ label: 'All wheels off the track', params: off });
  return out;
}

/**
 * Runs a compiled reward function on `sampleStates(track)`.
 * @returns as `checkRewardSource`. Never throws.
 */
export function runRewardCheck(fn: RewardFunction, track: Track): RewardCheck {
  try {
    const rows: { label: string; reward: number }[] = [];
    for (const { label, params } of sampleStates(track)) {
      try {
        const [value] = fn.evaluate([params]);
        rows.push({ label, reward: checkRewardValue(value, params.steps) });
      } catch (e) {
        if (e instanceof RewardError) throw new RewardError(e.kind, `${e.message} (state: ${label.toLowerCase()})`, e.line);
        throw e;
      }
    }
    return { ok: true, rows };
  } catch (e) {
    return checkFailure(e);
  }
}

/** A RewardCheck failure from what was thrown. */
export function checkFailure(e: unknown): RewardCheck {
  if (e instanceof RewardError) return { ok: false, error: { message: e.message, line: e.line } };
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { ok: false, error: { message: `reward check failed: ${message}`, line: null } };
}
