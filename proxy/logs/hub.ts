// The live hub: fans out new and updated log records and (coalesced) budget snapshots to subscribers.
import type { LogRecord } from './record.js';

export type LogOperation = 'create' | 'update';

export interface LiveListener<B> {
  log?(operation: LogOperation, record: LogRecord): void;
  budgets?(payload: B): void;
  /** False while the listener has nobody to pass budgets on to (no snapshot is built for it then). */
  wantsBudgets?(): boolean;
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
  /** Builds the current budgets snapshot; set by the first publishBudgets. */
  private budgetsSource: (() => B) | undefined;
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

  /** The current budgets snapshot, built now (sent to clients as they connect); undefined before any publish. */
  get budgets(): B | undefined {
    return this.budgetsSource?.();
  }

  publish(operation: LogOperation, record: LogRecord): void {
    if (this.closed) return;
    for (const l of this.listeners) this.call(() => l.log?.(operation, record));
  }

  /**
   * Spend changed; `snapshot` builds the budgets payload. The first change goes out at once; later ones within the
   * interval are coalesced into one trailing push. The snapshot (O(tiers)) is built only when someone listens.
   */
  publishBudgets(snapshot: () => B): void {
    if (this.closed) return;
    this.budgetsSource = snapshot;
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
    const source = this.budgetsSource;
    const wanting = [...this.listeners].filter((l) => l.budgets !== undefined && (l.wantsBudgets?.() ?? true));
    if (!source || wanting.length === 0) return;
    let payload: B;
    try {
      payload = source();
    } catch (err) {
      this.onListenerError(err);
      return;
    }
    for (const l of wanting) this.call(() => l.budgets?.(payload));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onListenerError(err);
    }
  }
}
