// GET /api/budgets and the WebSocket `budgets` message: every budget tier, its spend and its runway.
import type { Dollars, IsoTime, TierKind } from './common.js';

/** Which window's pace a runway projection uses. */
export type PaceBasis = 'last_hour' | 'last_24h';

/** How fast a tier burns and whether it runs out before its reset. */
export interface RunwayJson {
  /** Spend per hour over the last hour (complete minutes). */
  readonly burn_rate_per_hour: Dollars;
  /** Spend per hour over the last 24 hours (complete minutes). */
  readonly burn_rate_24h_per_hour: Dollars;
  /** Period-to-date spend divided by the time elapsed in the period. */
  readonly burn_rate_period_per_hour: Dollars;
  /** The window the projection is based on; null when both windows were idle. */
  readonly pace_basis: PaceBasis | null;
  /** When the remaining budget is used up at that pace; null when nothing is spent or it lasts past the reset. */
  readonly projected_exhaustion: IsoTime | null;
  readonly runs_out_before_reset: boolean;
  /** Spent has reached the limit. */
  readonly exhausted: boolean;
  readonly summary: string;
}

/** One budget tier; percent is 0–100 (two decimals). */
export interface BudgetTierJson {
  readonly tier: TierKind;
  readonly id: string;
  readonly parent: string | null;
  readonly limit: Dollars;
  readonly spent: Dollars;
  readonly reserved: Dollars;
  readonly remaining: Dollars;
  /** The period as configured: `1d`, `1M`, … */
  readonly period: string;
  readonly period_start: IsoTime;
  readonly resets_at: IsoTime;
  readonly percent: number;
  readonly runway: RunwayJson;
}

export interface BudgetsJson {
  readonly tiers: readonly BudgetTierJson[];
}
