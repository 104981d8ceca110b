// Shared quota for budget tiers that several gateways spend from (the PostgreSQL team ledger's leases).
import type { TierKind } from '../config/types.js';

/** One budget tier in one period. */
export interface TierPeriod {
  readonly tier: TierKind;
  readonly id: string;
  /** Start of the period, ms since the epoch (UTC-aligned). */
  readonly periodStart: number;
  readonly limitMicros: number;
}

/**
 * How much of a shared tier this gateway may still commit. The embedded store has no shared tiers;
 * the PostgreSQL ledger leases slices of a tier's remaining budget to each gateway so that the hot
 * path never waits on the database and the shared limit holds within one request per gateway.
 */
export interface SharedQuota {
  /**
   * Micro-dollars this gateway may still commit on the tier-period (its unspent lease), or null when
   * the tier is not shared and the local limit applies. Never blocks; a low balance triggers a
   * background renewal.
   */
  available(t: TierPeriod): number | null;
  /** Settled spend against the tier-period's lease (reduces `available`). */
  spend(t: TierPeriod, micros: number): void;
  /** The whole tier's spend across every gateway, as last seen (for status views); null if unknown. */
  globalSpent(t: TierPeriod): number | null;
}
