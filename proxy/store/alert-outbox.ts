// The durable side of alerting: which alerts have fired (exactly once per key) and the outbox of deliveries.
import type { TierKind } from '../config/types.js';

export type AlertType = 'budget_threshold' | 'runway' | 'guard_paused';

/**
 * What identifies one alert: it fires at most once per key, on every gateway sharing the store. `periodStart` is
 * the budget period's start (or the pause instant for `guard_paused`); `threshold` is in basis points of the limit
 * (8000 = 80%) for `budget_threshold` and 0 for the other types.
 */
export interface AlertKey {
  readonly type: AlertType;
  readonly tier: TierKind;
  readonly id: string;
  readonly periodStart: number;
  readonly threshold: number;
}

/** One delivery to queue when an alert fires: the destination's stable name and the event as JSON. */
export interface QueuedDelivery {
  readonly outboxId: string;
  readonly destination: string;
  readonly payload: string;
}

export type OutboxState = 'pending' | 'delivered' | 'dead';

export interface OutboxItem {
  readonly outboxId: string;
  readonly destination: string;
  readonly payload: string;
  readonly attempts: number;
  readonly createdAt: number;
  readonly lastError: string | null;
}

/** Where an attempt leaves an outbox row. */
export interface DeliveryOutcome {
  readonly state: OutboxState;
  readonly attempts: number;
  /** Next try for `pending`, when the row was settled otherwise. */
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
}

export interface OutboxSummary {
  readonly pending: number;
  readonly delivered: number;
  readonly dead: number;
  /** The most recent dead rows, newest first. */
  readonly deadItems: readonly (OutboxItem & { readonly updatedAt: number })[];
}

export interface AlertOutbox {
  /**
   * Record the alert as fired and queue its deliveries, atomically. Resolves false (and queues nothing) when the
   * key had fired already, here or on another gateway sharing the store: only the caller that got true announces it.
   */
  fire(key: AlertKey, deliveries: readonly QueuedDelivery[], now: number): Promise<boolean>;
  /**
   * Pending rows due at `now`, at most `limit`, each claimed for `claimMs` (no other gateway gets it meanwhile;
   * a gateway that dies mid-send leaves the row to be retried once the claim lapses).
   */
  claim(now: number, limit: number, claimMs: number): Promise<OutboxItem[]>;
  settle(outboxId: string, outcome: DeliveryOutcome, now: number): Promise<void>;
  summary(deadLimit: number): Promise<OutboxSummary>;
}

/** Both dialects' tables (the integer type differs). Fired keys are never deleted: they are the memory of "sent". */
export function alertTablesDdl(bigint: string): string[] {
  return [
    `CREATE TABLE alert_fired (
  type TEXT NOT NULL,
  tier TEXT NOT NULL,
  id TEXT NOT NULL,
  period_start ${bigint} NOT NULL,
  threshold INTEGER NOT NULL,
  fired_at ${bigint} NOT NULL,
  PRIMARY KEY (type, tier, id, period_start, threshold)
)`,
    `CREATE TABLE alert_outbox (
  outbox_id TEXT PRIMARY KEY,
  destination TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at ${bigint} NOT NULL,
  last_error TEXT,
  created_at ${bigint} NOT NULL,
  updated_at ${bigint} NOT NULL
)`,
    `CREATE INDEX alert_outbox_due ON alert_outbox (state, next_attempt_at)`,
  ];
}

/** Row shape both dialects read back (PostgreSQL returns BIGINT as text). */
export interface OutboxRow {
  outbox_id: string;
  destination: string;
  payload: string;
  attempts: number;
  created_at: number | string;
  last_error: string | null;
  updated_at?: number | string;
}

export function outboxItem(r: OutboxRow): OutboxItem {
  return {
    outboxId: r.outbox_id,
    destination: r.destination,
    payload: r.payload,
    attempts: Number(r.attempts),
    createdAt: Number(r.created_at),
    lastError: r.last_error,
  };
}

export const SUMMARY_COUNTS = `SELECT state, COUNT(*) AS n FROM alert_outbox GROUP BY state`;
export const SUMMARY_DEAD = `SELECT outbox_id, destination, payload, attempts, created_at, last_error, updated_at FROM alert_outbox
  WHERE state = 'dead' ORDER BY updated_at DESC, outbox_id LIMIT $1`;

export function summaryOf(counts: readonly { state: string; n: number | string }[], dead: readonly OutboxRow[]): OutboxSummary {
  const count = (state: OutboxState) => Number(counts.find((c) => c.state === state)?.n ?? 0);
  return {
    pending: count('pending'),
    delivered: count('delivered'),
    dead: count('dead'),
    deadItems: dead.map((r) => ({ ...outboxItem(r), updatedAt: Number(r.updated_at) })),
  };
}
