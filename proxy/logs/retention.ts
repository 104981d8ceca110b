// Log retention: every hour, delete request log records older than `logging.retention_days`.
import type { Clock } from '../core/clock.js';

/** The store operation retention needs (the store's `Store` satisfies it). */
export interface PrunableStore {
  /** Deletes log records with a timestamp before `before` (ms since the epoch). */
  pruneLogs(before: number): Promise<unknown>;
}

export interface RetentionOptions {
  /** Read on every run, so a config reload applies without a restart. 0 or less keeps records forever. */
  readonly retentionDays: () => number;
  readonly clock: Clock;
  /** A prune failed; the next run retries. */
  readonly onError: (err: unknown) => void;
  /** Default one hour. */
  readonly intervalMs?: number;
}

const DAY_MS = 86_400_000;

export class LogRetention {
  private readonly timer: ReturnType<typeof setInterval>;
  private running: Promise<void> | undefined;
  private stopped = false;

  /** Starts the hourly prune, with a first run right away. The timer never keeps the process alive. */
  constructor(private readonly store: PrunableStore, private readonly options: RetentionOptions) {
    this.timer = setInterval(() => void this.runOnce(), options.intervalMs ?? 3_600_000);
    this.timer.unref();
    void this.runOnce();
  }

  /** The cutoff a run would use now, or undefined when retention is off. */
  cutoff(): number | undefined {
    const days = this.options.retentionDays();
    return days > 0 ? this.options.clock.now() - days * DAY_MS : undefined;
  }

  /** Prunes once (joining a run already in progress). */
  runOnce(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.prune().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async prune(): Promise<void> {
    const before = this.cutoff();
    if (before === undefined) return;
    try {
      await this.store.pruneLogs(before);
    } catch (err) {
      this.options.onError(err);
    }
  }
}
