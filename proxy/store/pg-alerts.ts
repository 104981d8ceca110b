// The alert outbox of the PostgreSQL team ledger: one gateway wins each fired key, rows claimed with SKIP LOCKED.
import type pg from 'pg';
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

/**
 * One statement, so the fired key and its deliveries commit together: a gateway whose insert conflicts (another
 * gateway fired the key first, or fired it before a restart) queues nothing. ON CONFLICT waits for a concurrent
 * insert of the same key to commit or roll back, so exactly one of two racing gateways sees its row inserted.
 */
const FIRE = `WITH fired AS (
  INSERT INTO alert_fired (type, tier, id, period_start, threshold, fired_at) VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (type, tier, id, period_start, threshold) DO NOTHING RETURNING 1
), queued AS (
  INSERT INTO alert_outbox (outbox_id, destination, payload, state, attempts, next_attempt_at, last_error, created_at, updated_at)
  SELECT d.outbox_id, d.destination, d.payload, 'pending', 0, $6, NULL, $6, $6
  FROM unnest($7::text[], $8::text[], $9::text[]) AS d(outbox_id, destination, payload) CROSS JOIN fired
  RETURNING 1
)
SELECT (SELECT COUNT(*) FROM fired) AS fired, (SELECT COUNT(*) FROM queued) AS queued`;

/**
 * Claiming pushes `next_attempt_at` past the claim: other gateways skip the row until the attempt is settled (or the
 * claim lapses because this gateway died mid-send). SKIP LOCKED lets two gateways claim at once without waiting on
 * each other or taking the same row.
 */
const CLAIM = `WITH due AS (
  SELECT outbox_id FROM alert_outbox WHERE state = 'pending' AND next_attempt_at <= $1
  ORDER BY next_attempt_at, outbox_id LIMIT $2 FOR UPDATE SKIP LOCKED
)
UPDATE alert_outbox o SET next_attempt_at = $3 FROM due WHERE o.outbox_id = due.outbox_id
RETURNING o.outbox_id, o.destination, o.payload, o.attempts, o.created_at, o.last_error`;

const SETTLE = `UPDATE alert_outbox SET state = $2, attempts = $3, next_attempt_at = $4, last_error = $5, updated_at = $6
  WHERE outbox_id = $1 AND state = 'pending'`;

export class PgAlerts implements AlertOutbox {
  constructor(private readonly pool: pg.Pool) {}

  async fire(key: AlertKey, deliveries: readonly QueuedDelivery[], now: number): Promise<boolean> {
    const { rows } = await this.pool.query<{ fired: string }>(FIRE, [
      key.type,
      key.tier,
      key.id,
      key.periodStart,
      key.threshold,
      now,
      deliveries.map((d) => d.outboxId),
      deliveries.map((d) => d.destination),
      deliveries.map((d) => d.payload),
    ]);
    return Number(rows[0]?.fired ?? 0) > 0;
  }

  async claim(now: number, limit: number, claimMs: number): Promise<OutboxItem[]> {
    const { rows } = await this.pool.query<OutboxRow>(CLAIM, [now, limit, now + claimMs]);
    return rows.map(outboxItem);
  }

  async settle(outboxId: string, outcome: DeliveryOutcome, now: number): Promise<void> {
    await this.pool.query(SETTLE, [outboxId, outcome.state, outcome.attempts, outcome.nextAttemptAt, outcome.lastError, now]);
  }

  async summary(deadLimit: number): Promise<OutboxSummary> {
    const [counts, dead] = await Promise.all([
      this.pool.query<{ state: string; n: string }>(SUMMARY_COUNTS),
      this.pool.query<OutboxRow>(SUMMARY_DEAD, [deadLimit]),
    ]);
    return summaryOf(counts.rows, dead.rows);
  }
}
