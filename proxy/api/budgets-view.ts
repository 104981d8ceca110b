// GET /api/budgets and the WebSocket `budgets` message: the ledger's tiers (micro-dollars, epoch ms) on the wire.
import type { TierStatus } from '../governance/ledger.js';
import { isoSeconds } from '../governance/periods.js';
import { runway, type BurnTracker } from '../insights/runway.js';
import { microsToDollars } from '../pricing/money.js';
import type { BudgetsJson, BudgetTierJson } from './wire/index.js';

/** Spent as a percentage of the limit, two decimals (0 for a zero limit). */
function percent(status: TierStatus): number {
  return status.limitMicros > 0 ? Math.round((status.spentMicros * 10_000) / status.limitMicros) / 100 : 0;
}

/** A tier's standing in wire units: dollars exact to the micro-dollar, ISO 8601 UTC instants. */
export function tierStandingJson(status: TierStatus): Omit<BudgetTierJson, 'runway'> {
  return {
    tier: status.tier,
    id: status.id,
    parent: status.parent,
    limit: microsToDollars(status.limitMicros),
    spent: microsToDollars(status.spentMicros),
    reserved: microsToDollars(status.reservedMicros),
    remaining: microsToDollars(status.remainingMicros),
    period: status.period,
    period_start: isoSeconds(status.periodStart),
    resets_at: isoSeconds(status.resetsAt),
    percent: percent(status),
  };
}

export function budgetTierJson(status: TierStatus, burn: BurnTracker, now: number): BudgetTierJson {
  return { ...tierStandingJson(status), runway: runway(status, burn, now) };
}

/** Every tier of a ledger snapshot, each with its runway at `now`. */
export function budgetsJson(tiers: readonly TierStatus[], burn: BurnTracker, now: number): BudgetsJson {
  return { tiers: tiers.map((status) => budgetTierJson(status, burn, now)) };
}
