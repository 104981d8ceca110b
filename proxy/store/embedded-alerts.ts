// The alert outbox of the embedded store: fired keys and delivery states journaled like charges, read from sql.js.
import {
  outboxItem,
  summaryOf,
  SUMMARY_COUNTS,
  SUMMARY_DEAD,
  type AlertKey,
  type AlertOutbox,
  type DeliveryOutcome,
  type OutboxItem,
  type OutboxRow,
  type OutboxSummary,
  type QueuedDelivery,
} from './alert-outbox.js';
import type { FiredAlertChange, SettledDeliveryChange } from './journal.js';
import type { AppliedEntries } from './sqlite-protocol.js';

/** A journal change without its sequence number (the store assigns it). */
export type AlertChange = { readonly alertFired: FiredAlertChange } | { readonly alertSettled: SettledDeliveryChange };

const DUE = `SELECT outbox_id, destination, payload, attempts, created_at, last_error FROM alert_outbox
  WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, outbox_id LIMIT $2`;

/**
 * One process owns an embedded store (the data directory is locked), so a claim only has to keep this gateway's
 * own deliverer from taking a row twice: it lives in memory. Whether a key fired is decided by the database thread
 * applying the journaled entry, in journal order, so two alerts racing for one key cannot both win.
 */
export class EmbeddedAlerts implements AlertOutbox {
  private readonly claimed = new Map<string, number>();

  constructor(
    private readonly journal: (change: AlertChange) => Promise<AppliedEntries>,
    private readonly read: <T>(sql: string, params: readonly unknown[]) => Promise<T[]>,
  ) {}

  async fire(key: AlertKey, deliveries: readonly QueuedDelivery[], now: number): Promise<boolean> {
    const applied = await this.journal({ alertFired: { key, deliveries, at: now } });
    return applied.fired > 0;
  }

  async claim(now: number, limit: number, claimMs: number): Promise<OutboxItem[]> {
    for (const [id, until] of this.claimed) if (until <= now) this.claimed.delete(id);
    const rows = await this.read<OutboxRow>(DUE, [now, limit + this.claimed.size]);
    const mine = rows.filter((r) => !this.claimed.has(r.outbox_id)).slice(0, limit);
    for (const r of mine) this.claimed.set(r.outbox_id, now + claimMs);
    return mine.map(outboxItem);
  }

  async settle(outboxId: string, outcome: DeliveryOutcome, now: number): Promise<void> {
    try {
      await this.journal({ alertSettled: { outboxId, outcome, at: now } });
    } finally {
      this.claimed.delete(outboxId);
    }
  }

  async summary(deadLimit: number): Promise<OutboxSummary> {
    const [counts, dead] = await Promise.all([
      this.read<{ state: string; n: number }>(SUMMARY_COUNTS, []),
      this.read<OutboxRow>(SUMMARY_DEAD, [deadLimit]),
    ]);
    return summaryOf(counts, dead);
  }
}
