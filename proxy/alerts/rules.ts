// Which alerts a tier's position calls for, and the event each one sends: pure functions of a budget status.
import type { TierKind } from '../config/types.js';
import type { TierStatus } from '../governance/ledger.js';
import type { Runway } from '../insights/runway.js';
import { runwayJson } from '../api/budgets-view.js';
import type { RunwayJson } from '../api/wire/index.js';
import { isoSeconds } from '../governance/periods.js';
import { microsToDollars } from '../pricing/money.js';
import type { AlertKey, AlertType } from '../store/alert-outbox.js';

/**
 * The JSON a webhook receives (docs/alerts.md). Money in decimal dollars exact to the micro-dollar, as in /api/budgets;
 * times ISO 8601 UTC. Budget fields are null for a `guard_paused` alert about a key without a budget.
 */
export interface AlertEvent {
  readonly type: AlertType;
  readonly tier: TierKind;
  readonly id: string;
  /** Percent of the limit for `budget_threshold`, else null. */
  readonly threshold: number | null;
  readonly spent: number | null;
  readonly limit: number | null;
  readonly period: string | null;
  readonly period_start: string | null;
  readonly resets_at: string | null;
  /** The projection behind a `runway` alert. */
  readonly runway?: RunwayJson;
  /** Why the guard paused the key (`guard_paused` only). */
  readonly reason?: string;
  /** When the alert fired. */
  readonly fired_at: string;
}

/** An alert to fire: its exactly-once key and the event to deliver. */
export interface AlertFiring {
  readonly key: AlertKey;
  readonly event: AlertEvent;
}

/** 80 (percent) → 8000 basis points: thresholds are compared and keyed as whole numbers. */
export function basisPoints(percent: number): number {
  return Math.round(percent * 100);
}

function budgetFields(status: TierStatus): Pick<AlertEvent, 'spent' | 'limit' | 'period' | 'period_start' | 'resets_at'> {
  return {
    spent: microsToDollars(status.spentMicros),
    limit: microsToDollars(status.limitMicros),
    period: status.period,
    period_start: isoSeconds(status.periodStart),
    resets_at: isoSeconds(status.resetsAt),
  };
}

/**
 * The thresholds (percent, ascending) that `status` has reached: spent / limit ≥ threshold. Compared in integer
 * micro-dollars times basis points, with BigInt, so 80% of $0.10 is reached at exactly $0.08 and large limits
 * cannot overflow.
 */
export function reachedThresholds(status: TierStatus, thresholds: readonly number[]): number[] {
  const spent = BigInt(status.spentMicros);
  const limit = BigInt(status.limitMicros);
  if (limit <= 0n) return [];
  return thresholds.filter((t) => spent * 10_000n >= limit * BigInt(basisPoints(t)));
}

export function thresholdFiring(status: TierStatus, threshold: number, now: number): AlertFiring {
  return {
    key: { type: 'budget_threshold', tier: status.tier, id: status.id, periodStart: status.periodStart, threshold: basisPoints(threshold) },
    event: { type: 'budget_threshold', tier: status.tier, id: status.id, threshold, ...budgetFields(status), fired_at: new Date(now).toISOString() },
  };
}

/** A pace measured over less than this is too young to project from (a gateway's first requests look like a stampede). */
export const RUNWAY_MIN_OBSERVED_MS = 15 * 60_000;

/**
 * A runway alert is due when, at the recent pace, the tier runs out before it resets, the pace was observed long
 * enough to mean something, and the tier is not already exhausted (the 100% threshold says that).
 */
export function runwayFiring(status: TierStatus, runway: Runway, observedMs: number, now: number): AlertFiring | undefined {
  if (!runway.runsOutBeforeReset || runway.exhausted || observedMs < RUNWAY_MIN_OBSERVED_MS) return undefined;
  return {
    key: { type: 'runway', tier: status.tier, id: status.id, periodStart: status.periodStart, threshold: 0 },
    event: { type: 'runway', tier: status.tier, id: status.id, threshold: null, ...budgetFields(status), runway: runwayJson(runway), fired_at: new Date(now).toISOString() },
  };
}

/** A pause is its own event: keyed by the instant it happened, so a key paused again after a resume alerts again. */
export function guardFiring(keyId: string, reason: string, at: number, status: TierStatus | undefined): AlertFiring {
  const budget = status !== undefined ? budgetFields(status) : { spent: null, limit: null, period: null, period_start: null, resets_at: null };
  return {
    key: { type: 'guard_paused', tier: 'virtual_key', id: keyId, periodStart: at, threshold: 0 },
    event: { type: 'guard_paused', tier: 'virtual_key', id: keyId, threshold: null, ...budget, reason, fired_at: new Date(at).toISOString() },
  };
}

/** A stable string for an alert key (in-memory bookkeeping). */
export function keyText(key: AlertKey): string {
  return `${key.type}\u0000${key.tier}\u0000${key.id}\u0000${key.periodStart}\u0000${key.threshold}`;
}
