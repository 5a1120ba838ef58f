/**
 * The keyboard drive of "You are the agent", shared by the two places that show it: the studio's main track view
 * (App.svelte), which draws the keyboard car and is the focusable driving area while `active`, and the lesson panel
 * (KeyboardDrive.svelte), which shows the params, the best progress, the last event and "Stop driving". Owned by
 * the lesson state (one per page); the panel hands it to App through its `ondrive` prop.
 *
 * Training and driving never run together: "Drive the car" is disabled while the studio trains, and pressing
 * Train while driving stops the drive (LessonState watches `studio.training`).
 *
 * Announcements: an episode's ending goes to `event` only (shown once, in a polite live paragraph); `narration`
 * carries only the about-every-1.5 s progress words, so no sentence is read or shown twice.
 */
import { DriveSession, type DriveFrame, type DriveKeys } from './drive-session';
import type { TrackData } from '../../track/track-data';

/** What each ending says, in the event line. */
export const DRIVE_ENDINGS: Record<string, string> = {
  off_track: 'Off track: all four wheels left the road. The car goes back to the start.',
  lap_complete: 'Lap complete! The car starts a new lap.',
  reversed: 'Reversed: the car drove backwards. It goes back to the start.',
  immobilized: 'Stopped too long: the episode ended. Press Up to go again.',
  crashed: 'Crashed. The car goes back to the start.',
  time_up: 'Time up: the episode reached its step limit. The car goes back to the start.',
};

/** The keys the driving area takes (KeyboardEvent.key), and what each asks for. */
const KEYMAP: Record<string, keyof DriveKeys> = {
  ArrowUp: 'go', w: 'go', W: 'go', ArrowDown: 'brake', s: 'brake', S: 'brake',
  ArrowLeft: 'left', a: 'left', A: 'left', ArrowRight: 'right', d: 'right', D: 'right',
};

/** Longest trail kept, in numbers (x, y pairs). */
const MAX_TRAIL = 4000;

export class DriveState {
  /** The drive is on: the main track view shows the keyboard car and takes the keys. */
  active = $state(false);
  /** The last step's news (null before the first step of a drive). */
  frame = $state.raw<DriveFrame | null>(null);
  /** [k * 2] x, y of the car's path this episode, m. */
  trail = $state.raw<Float32Array | null>(null);
  /** Best progress of this drive, percent of a lap. */
  best = $state(0);
  /** How the last episode ended, in words (null until one ends). */
  event = $state<string | null>(null);
  /** Progress words for screen readers, refreshed about every 1.5 s while the car moves. */
  narration = $state('At rest. Press the Up arrow to drive.');
  /** Name (`TrackData.name`) of the track being driven. */
  trackName = $state('');

  private session: DriveSession | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly keys: DriveKeys = { go: false, brake: false, left: false, right: false };
  private path: number[] = [];
  private lastNarration = 0;

  /** @param onprogress called after each step with the best progress of the drive, percent of a lap. */
  constructor(private readonly onprogress: (best: number) => void = () => {}) {}

  /** Starts (or restarts, on another track) a drive: a new car at rest on the start line, stepped at 15 Hz. */
  start(track: TrackData): void {
    this.stop();
    this.session = new DriveSession(track);
    this.trackName = track.name;
    this.frame = null;
    this.trail = null;
    this.path = [];
    this.best = 0;
    this.event = null;
    this.narration = 'At rest. Press the Up arrow to drive.';
    this.active = true;
    this.timer = setInterval(() => this.tick(), 1000 * DriveSession.STEP_S);
  }

  /** Ends the drive; the main track view goes back to training. Safe to call when not driving. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.session = null;
    this.releaseAll();
    this.active = false;
  }

  /**
   * A key went down or up in the driving area.
   * @param key `KeyboardEvent.key`. @returns true when the key drives (the caller then prevents its default).
   */
  key(key: string, down: boolean): boolean {
    const k = KEYMAP[key];
    if (!k) return false;
    this.keys[k] = down;
    return true;
  }

  /** Lets go of every key (the driving area lost the focus). */
  releaseAll(): void {
    this.keys.go = this.keys.brake = this.keys.left = this.keys.right = false;
  }

  private tick(): void {
    const session = this.session;
    if (!session) return;
    const f = session.step(this.keys);
    this.frame = f;
    const now = performance.now();
    if (f.ended) {
      this.path = [];
      this.event = DRIVE_ENDINGS[f.ended] ?? `Episode ended: ${f.ended}.`;
      // The event line is the announcement; hold the progress words back a moment so they do not talk over it.
      this.lastNarration = now;
    } else {
      if (!f.resting) {
        this.path.push(f.pose[0], f.pose[1]);
        if (this.path.length > MAX_TRAIL) this.path = this.path.slice(-MAX_TRAIL);
      }
      if (now - this.lastNarration > 1500 && !f.resting) {
        this.narration = `Progress ${f.params.progress.toFixed(0)}%, speed ${f.params.speed.toFixed(1)} m/s, ${f.params.all_wheels_on_track ? 'all wheels on the track' : 'wheels off the track'}.`;
        this.lastNarration = now;
      } else if (f.resting && !this.narration.startsWith('At rest')) {
        this.narration = 'At rest. Press the Up arrow to drive.';
        this.lastNarration = now;
      }
    }
    this.trail = new Float32Array(this.path);
    this.best = session.bestProgress;
    this.onprogress(this.best);
  }
}
