// A sliding-window counter in fixed sub-buckets: O(1) amortised per operation, bounded memory.

/** Sub-buckets per window: the window slides in steps of 1/60 of its length. */
const SLOTS = 60;

/**
 * Counts events (requests, tokens, micro-dollars) over the last `durationMs`. The window is made of
 * 60 buckets, each `durationMs / 60` wide; an amount leaves the window when its whole bucket has
 * aged past the duration, so the window covers between 59/60 and all of the duration.
 */
export class SlidingWindow {
  private readonly width: number;
  private readonly amounts = new Array<number>(SLOTS).fill(0);
  /** Absolute bucket index (time / width) of the newest bucket. */
  private head: number;
  private sum = 0;

  constructor(
    readonly durationMs: number,
    now: number,
  ) {
    if (!(durationMs > 0)) throw new RangeError(`window duration must be positive, got ${durationMs}`);
    this.width = durationMs / SLOTS;
    this.head = this.indexOf(now);
  }

  /** Total inside the window at `now`. */
  total(now: number): number {
    this.advance(now);
    return this.sum;
  }

  add(now: number, amount: number): void {
    this.advance(now);
    this.amounts[this.slot(this.head)] += amount;
    this.sum += amount;
  }

  /**
   * Milliseconds from `now` until the total drops below `threshold` as old buckets expire; 0 if it
   * already is. The newest bucket is the last to expire, after a full duration.
   */
  msUntilBelow(now: number, threshold: number): number {
    this.advance(now);
    let remaining = this.sum;
    if (remaining < threshold) return 0;
    for (let index = this.head - SLOTS + 1; index <= this.head; index++) {
      remaining -= this.amounts[this.slot(index)];
      if (remaining < threshold) return Math.max(0, (index + SLOTS) * this.width - now);
    }
    return this.durationMs;
  }

  /** Milliseconds until the oldest amount still counted leaves the window; 0 when empty. */
  msUntilNextExpiry(now: number): number {
    return this.sum === 0 ? 0 : this.msUntilBelow(now, this.sum);
  }

  private indexOf(t: number): number {
    return Math.floor(t / this.width);
  }

  private slot(index: number): number {
    return ((index % SLOTS) + SLOTS) % SLOTS;
  }

  /** Zero every bucket that has left the window since the last call (at most 60 per call). */
  private advance(now: number): void {
    const index = this.indexOf(now);
    if (index <= this.head) return;
    const stale = Math.min(index - this.head, SLOTS);
    for (let i = 1; i <= stale; i++) {
      const slot = this.slot(this.head + i);
      this.sum -= this.amounts[slot];
      this.amounts[slot] = 0;
    }
    this.head = index;
  }
}
