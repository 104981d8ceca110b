// Budget runway: how fast a tier is burning and whether, at that pace, it runs out before it resets.
import type { TierStatus } from '../governance/ledger.js';
import { isoSeconds } from '../governance/periods.js';
import { microsToDollars } from '../pricing/money.js';
import type { BurnTracker, WindowSpend } from './burn.js';
import { relativeMoment, resetMoment, tierLabel, usd } from './wording.js';

export { BurnTracker, BURN_HISTORY_MINUTES, type TierCharge, type WindowSpend } from './burn.js';

const HOUR_MS = 3_600_000;

/** Which window's pace the projection uses. */
export type PaceBasis = 'last_hour' | 'last_24h';

/** The `runway` object of a `GET /api/budgets` row. Money in decimal dollars, times ISO 8601 UTC. */
export interface Runway {
  /** Spend per hour over the last hour (complete minutes). */
  readonly burn_rate_per_hour: number;
  /** Spend per hour over the last 24 hours (complete minutes). */
  readonly burn_rate_24h_per_hour: number;
  /** Period-to-date spend divided by the time elapsed in the period. */
  readonly burn_rate_period_per_hour: number;
  /** The window the projection is based on: the last hour, or the last 24 h when the last hour was idle; null when both were. */
  readonly pace_basis: PaceBasis | null;
  /** When the remaining budget is used up at that pace; null when nothing is being spent or it lasts past the reset. */
  readonly projected_exhaustion: string | null;
  readonly runs_out_before_reset: boolean;
  /** Spent has reached the limit. */
  readonly exhausted: boolean;
  readonly summary: string;
}

/** Micro-dollars per hour of a window, rounded to the micro-dollar (0 for an empty window). */
function perHourMicros(w: WindowSpend): number {
  return w.observedMs === 0 ? 0 : Math.round((w.micros * HOUR_MS) / w.observedMs);
}

function pace(lastHour: WindowSpend, lastDay: WindowSpend): { basis: PaceBasis; window: WindowSpend } | null {
  if (lastHour.micros > 0) return { basis: 'last_hour', window: lastHour };
  if (lastDay.micros > 0) return { basis: 'last_24h', window: lastDay };
  return null;
}

/**
 * The runway of one tier at instant `now`. The projection divides the remaining budget (limit −
 * spent; in-flight reservations are estimates and left out) by the recent pace: the last hour, or
 * the last 24 hours when the last hour saw no spend.
 */
export function runway(status: TierStatus, tracker: BurnTracker, now: number): Runway {
  const label = tierLabel(status.tier, status.id);
  const remaining = status.remainingMicros;
  const spent = status.spentMicros;
  const resetsAt = status.resetsAt;
  const periodStart = status.periodStart;
  const lastHour = tracker.spent(status.tier, status.id, 60, now);
  const lastDay = tracker.spent(status.tier, status.id, 24 * 60, now);
  const elapsed = now - periodStart;
  const rates = {
    burn_rate_per_hour: microsToDollars(perHourMicros(lastHour)),
    burn_rate_24h_per_hour: microsToDollars(perHourMicros(lastDay)),
    burn_rate_period_per_hour: microsToDollars(elapsed > 0 ? Math.round((spent * HOUR_MS) / elapsed) : 0),
  };
  const resets = `it resets on ${resetMoment(resetsAt)}`;

  if (remaining === 0) {
    return {
      ...rates,
      pace_basis: pace(lastHour, lastDay)?.basis ?? null,
      projected_exhaustion: isoSeconds(now),
      runs_out_before_reset: true,
      exhausted: true,
      summary: `${label} has used its whole ${usd(status.limitMicros)} limit; ${resets}`,
    };
  }
  const current = pace(lastHour, lastDay);
  if (current === null) {
    return {
      ...rates,
      pace_basis: null,
      projected_exhaustion: null,
      runs_out_before_reset: false,
      exhausted: false,
      // The windows count complete minutes since the tracker began watching, so a tier can have spent (this
      // minute, over a day ago, before a restart) with no pace to show: it must not read as "no spend" then.
      summary:
        spent > 0
          ? `${label} has spent ${usd(spent)} this period, but not enough recently to project a pace; ${usd(remaining)} left until ${resets}`
          : `${label} has had no spend in the last 24 hours; ${usd(remaining)} left until ${resets}`,
    };
  }
  const exhaustion = now + Math.ceil((remaining * current.window.observedMs) / current.window.micros);
  const before = exhaustion < resetsAt;
  const pacePhrase = current.basis === 'last_hour' ? 'at this pace' : 'at the pace of the last 24 hours';
  return {
    ...rates,
    pace_basis: current.basis,
    projected_exhaustion: before ? isoSeconds(exhaustion) : null,
    runs_out_before_reset: before,
    exhausted: false,
    summary: before
      ? `${label} runs out ${relativeMoment(exhaustion, now)} ${pacePhrase} (${usd(remaining)} left, resets ${resetMoment(resetsAt)})`
      : `${label} will not run out before ${resets}`,
  };
}
