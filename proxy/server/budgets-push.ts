// The WebSocket `budgets` message: pushed when spend changes, throttled so building it never costs much.
import { budgetsPayload } from '../api/management.js';
import type { BudgetsPayload, Services } from '../api/services.js';

const BUDGETS_PUSH_MS = 250;

/**
 * The snapshot is O(tiers): never built per request, only when a live client listens, at most every 250 ms, and
 * less often when building it takes long (10,000 keys), so it never takes more than ~5% of the event loop.
 */
export class BudgetsPush {
  private timer: NodeJS.Timeout | undefined;
  private buildMs = 0;

  constructor(private readonly services: Services) {
    services.ledger.onChange(() => this.schedule());
  }

  /** Publish now (a reload changed limits), to live clients only. */
  publish(): void {
    this.services.hub.publishBudgets(() => this.build());
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.publish();
    }, Math.max(BUDGETS_PUSH_MS, this.buildMs * 20));
    this.timer.unref();
  }

  private build(): BudgetsPayload {
    const started = performance.now();
    const payload = budgetsPayload(this.services);
    this.buildMs = performance.now() - started;
    return payload;
  }
}
