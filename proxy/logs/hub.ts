// The live hub: fans out new and updated log records and (coalesced) budget snapshots to subscribers.
import type { LogRecord } from './record.js';

export type LogOperation = 'create' | 'update';

export interface LiveListener<B> {
  log?(operation: LogOperation, record: LogRecord): void;
  budgets?(payload: B): void;
}

/** Timers as a dependency, so coalescing is testable without waiting on the wall clock. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): { unref?(): unknown };
  clearTimeout(handle: { unref?(): unknown }): void;
}

const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface LiveHubOptions {
  /** Budget pushes go out at most this often; the latest snapshot wins. Default 250 ms. */
  readonly budgetsIntervalMs?: number;
  readonly timers?: Timers;
  /** A listener threw; the hub keeps serving the others. */
  readonly onListenerError?: (err: unknown) => void;
}

/**
 * In-process publish/subscribe between the request pipeline and live views (WebSocket, CLI --follow).
 * Publishing never blocks the hot path: listeners are called synchronously and must only enqueue.
 */
export class LiveHub<B = unknown> {
  private readonly listeners = new Set<LiveListener<B>>();
  private readonly intervalMs: number;
  private readonly timers: Timers;
  private readonly onListenerError: (err: unknown) => void;
  private latestBudgets: { readonly payload: B } | undefined;
  private pendingBudgets = false;
  private timer: { unref?(): unknown } | undefined;
  private closed = false;

  constructor(options: LiveHubOptions = {}) {
    this.intervalMs = options.budgetsIntervalMs ?? 250;
    this.timers = options.timers ?? systemTimers;
    this.onListenerError = options.onListenerError ?? ((err) => process.emitWarning(`live listener failed: ${String(err)}`));
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: LiveListener<B>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** The last budgets snapshot published (sent to clients as they connect). */
  get budgets(): B | undefined {
    return this.latestBudgets?.payload;
  }

  publish(operation: LogOperation, record: LogRecord): void {
    if (this.closed) return;
    for (const l of this.listeners) this.call(() => l.log?.(operation, record));
  }

  /**
   * Spend changed. The first change goes out at once; later ones within the interval are coalesced
   * into one trailing push of the latest snapshot.
   */
  publishBudgets(payload: B): void {
    if (this.closed) return;
    this.latestBudgets = { payload };
    if (this.timer) {
      this.pendingBudgets = true;
      return;
    }
    this.flushBudgets();
    this.startWindow();
  }

  /** Stops timers and drops listeners. */
  close(): void {
    this.closed = true;
    if (this.timer) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private startWindow(): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      if (!this.pendingBudgets || this.closed) return;
      this.pendingBudgets = false;
      this.flushBudgets();
      this.startWindow();
    }, this.intervalMs);
    this.timer.unref?.();
  }

  private flushBudgets(): void {
    const latest = this.latestBudgets;
    if (!latest) return;
    for (const l of this.listeners) this.call(() => l.budgets?.(latest.payload));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onListenerError(err);
    }
  }
}
