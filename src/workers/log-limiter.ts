/**
 * Bounds what user reward code prints on its way to the page: a `print` on every step of every car
 * would otherwise send thousands of messages a second. Lines past the limit in a one-second window
 * are dropped and counted; the count is reported once the next line gets through.
 */

/** Most lines forwarded per window. */
export const MAX_LINES_PER_SECOND = 200;
/** Longest line forwarded, characters; longer ones are cut and marked. */
export const MAX_LINE_LENGTH = 500;
const WINDOW_MS = 1000;

export class LogLimiter {
  private windowStart = -Infinity;
  private sent = 0;
  private dropped = 0;

  /**
   * @param sink receives each forwarded line.
   * @param now clock in ms (injected for tests).
   */
  constructor(
    private readonly sink: (line: string) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly maxLines = MAX_LINES_PER_SECOND,
  ) {}

  /** Forwards `line` (truncated to MAX_LINE_LENGTH) unless this window's quota is spent. */
  push(line: string): void {
    const t = this.now();
    if (t - this.windowStart >= WINDOW_MS) {
      this.windowStart = t;
      this.sent = 0;
      if (this.dropped > 0) {
        this.sink(`… ${this.dropped} printed line${this.dropped > 1 ? 's' : ''} not shown (at most ${this.maxLines} a second)`);
        this.dropped = 0;
      }
    }
    if (this.sent >= this.maxLines) {
      this.dropped++;
      return;
    }
    this.sent++;
    this.sink(line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)}… (${line.length} characters)` : line);
  }
}
