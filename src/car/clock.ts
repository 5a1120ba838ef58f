/**
 * Time for the link: every timeout in the host, the car and the simulated links goes through a
 * `Clock`, so tests and the fault runner use simulated time (deterministic, no waiting) and the studio
 * and the process targets use real time.
 */

export type TimerId = number;

export interface Clock {
  /** Milliseconds since an arbitrary start. */
  now(): number;
  /** Calls `callback` once, `delayMs` ms from now. */
  setTimeout(callback: () => void, delayMs: number): TimerId;
  clearTimeout(id: TimerId): void;
  /**
   * Marks asynchronous work that takes no clock time (a SHA-256 through Web Crypto): a simulated clock
   * does not advance while it is pending. @returns `work`.
   */
  track<T>(work: Promise<T>): Promise<T>;
}

/** Wall-clock time (`performance.now`, `setTimeout`). */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs) as unknown as TimerId,
  clearTimeout: (id) => clearTimeout(id as unknown as ReturnType<typeof setTimeout>),
  track: (work) => work,
};

/** Lets every pending promise reaction run (a macrotask turn). */
const nextTurn: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((r) => setImmediate(r)) : () => new Promise((r) => setTimeout(r, 0));

interface Timer {
  at: number;
  order: number;
  callback: () => void;
}

/**
 * Simulated time that advances by itself: whenever the program is idle (no promise reaction left to
 * run, no tracked work pending), the clock jumps to the earliest timer and fires it. Timers due at the
 * same time fire in the order they were set. The result does not depend on the machine's speed.
 */
export class SimulatedClock implements Clock {
  private time = 0;
  private order = 0;
  private timers = new Map<TimerId, Timer>();
  private nextId = 1;
  private pending = new Set<Promise<unknown>>();
  private driving = false;
  /** Timers fired so far. */
  fired = 0;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, delayMs: number): TimerId {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, delayMs), order: this.order++, callback });
    this.drive();
    return id;
  }

  clearTimeout(id: TimerId): void {
    this.timers.delete(id);
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const done = () => this.pending.delete(work);
    work.then(done, done);
    return work;
  }

  /** Resolves once every timer has fired (links drained, timeouts spent or cleared). */
  async idle(): Promise<void> {
    while (this.timers.size > 0 || this.driving) await nextTurn();
  }

  private drive(): void {
    if (this.driving) return;
    this.driving = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      while (this.timers.size > 0) {
        await nextTurn();
        while (this.pending.size > 0) {
          await Promise.allSettled([...this.pending]);
          await nextTurn();
        }
        let nextId: TimerId | null = null;
        let next: Timer | null = null;
        for (const [id, t] of this.timers) {
          if (next === null || t.at < next.at || (t.at === next.at && t.order < next.order)) {
            next = t;
            nextId = id;
          }
        }
        if (next === null || nextId === null) break;
        this.timers.delete(nextId);
        this.time = Math.max(this.time, next.at);
        this.fired++;
        next.callback();
      }
    } finally {
      this.driving = false;
    }
  }
}
