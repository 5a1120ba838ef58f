/**
 * The track view's text alternative: turns the stream of car poses (about 30 a second) into a few short
 * sentences for a polite live region — where the first car is on the lap, its speed, and the events
 * that matter (it left the track, came back, completed a lap, started a new episode). Throttled so a
 * screen reader is not flooded: an event at most every `eventGapMs`, a position report at most every
 * `reportGapMs`. Pure (time is passed in), so it is tested without a browser.
 */
import { emptyNearest } from '../track/polyline';
import type { Track } from '../track/track';

/** Timing of the narration, ms. */
export interface NarrationTiming {
  /** Least time between two announcements of any kind. */
  eventGapMs: number;
  /** Least time between two position reports (progress and speed) with no event between. */
  reportGapMs: number;
}

export const DEFAULT_NARRATION_TIMING: NarrationTiming = { eventGapMs: 3_000, reportGapMs: 10_000 };

/** A jump larger than this between two poses is a reset to a new episode's start, m. */
const RESET_JUMP_M = 1.5;

export class TrackNarrator {
  private readonly nearest = emptyNearest();
  private last: { x: number; y: number; t: number; progress: number; onTrack: boolean } | null = null;
  /** Smoothed speed, m/s. */
  private speed = 0;
  private lastSaid = -Infinity;
  private lastReport = -Infinity;
  /** Events seen since the last announcement, oldest first. */
  private pending: string[] = [];
  private laps = 0;
  /** Distance driven since the episode started or the last lap, m (a lap needs most of the track's length). */
  private travelled = 0;

  /**
   * @param track the track the car drives on (its centre line gives the progress).
   * @param carName how the car is named in sentences, e.g. "Car 1".
   */
  constructor(
    private readonly track: Track,
    private readonly carName = 'Car 1',
    private readonly timing: NarrationTiming = DEFAULT_NARRATION_TIMING,
  ) {}

  /**
   * Takes the car's next pose and says whether to announce something now.
   * @param x,y the car's position, m.
   * @param nowMs a monotonic clock, ms (performance.now()).
   * @returns the sentence to put in the live region, or null for nothing new.
   */
  update(x: number, y: number, nowMs: number): string | null {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
    const hint = this.last && Math.hypot(x - this.last.x, y - this.last.y) < RESET_JUMP_M ? this.nearest.segment : -1;
    this.track.project(x, y, hint, this.nearest);
    const progress = this.track.normalizedDistance(this.nearest.along) * 100;
    const onTrack = this.track.contains(x, y);
    const prev = this.last;
    if (prev) {
      const dt = (nowMs - prev.t) / 1000;
      const moved = Math.hypot(x - prev.x, y - prev.y);
      if (moved > RESET_JUMP_M) {
        this.pending.push(`${this.carName} starts a new episode at ${progress.toFixed(0)}% of the lap.`);
        this.speed = 0;
        this.travelled = 0;
      } else {
        this.travelled += moved;
        if (dt > 0) this.speed = 0.7 * this.speed + 0.3 * (moved / dt);
        if (prev.onTrack && !onTrack) this.pending.push(`${this.carName} went off the track at ${progress.toFixed(0)}% of the lap.`);
        if (!prev.onTrack && onTrack) this.pending.push(`${this.carName} is back on the track.`);
        if (this.track.loop && prev.progress > 90 && progress < 10 && this.travelled > 0.8 * this.track.length) {
          this.laps++;
          this.travelled = 0;
          this.pending.push(`${this.carName} completed a lap (${this.laps} so far).`);
        }
      }
    }
    this.last = { x, y, t: nowMs, progress, onTrack };
    if (nowMs - this.lastSaid < this.timing.eventGapMs) return null;
    if (this.pending.length > 0) {
      // Keep the newest two events: older ones are stale by now.
      const said = this.pending.slice(-2).join(' ');
      this.pending = [];
      this.lastSaid = nowMs;
      return said;
    }
    if (nowMs - this.lastReport < this.timing.reportGapMs) return null;
    this.lastSaid = this.lastReport = nowMs;
    return `${this.carName}: ${progress.toFixed(0)}% of the lap, ${this.speed.toFixed(1)} m/s, ${onTrack ? 'on' : 'off'} the track.`;
  }
}
