// How big a slice of a shared tier one gateway may claim: pure arithmetic, no I/O.
import type { TierKind } from '../config/types.js';

export interface LeaseOptions {
  /** A lease not renewed for this long is void; other gateways reclaim its unspent part (default 30 s). */
  readonly ttlMs: number;
  /** How often a live gateway renews its leases (default 5 s; well under ttlMs). */
  readonly heartbeatMs: number;
  /** Normal slice as a fraction of the tier's limit (default 2 %). */
  readonly fraction: number;
  /** Smallest slice worth a database round trip, in micro-dollars (default $0.05). */
  readonly floorMicros: number;
  /** Tiers leased from the team ledger; the others are limited locally (default customer and team). */
  readonly sharedTiers: readonly TierKind[];
  /** Wait this long before asking again after a claim that got nothing or failed (default 1 s). */
  readonly retryMs: number;
  /** A lease unused for this long is handed back at the next heartbeat (default 10 min). */
  readonly idleMs: number;
}

export const DEFAULT_LEASE_OPTIONS: LeaseOptions = {
  ttlMs: 30_000,
  heartbeatMs: 5_000,
  fraction: 0.02,
  floorMicros: 50_000,
  sharedTiers: ['customer', 'team'],
  retryMs: 1_000,
  idleMs: 600_000,
};

export interface TierLedgerView {
  readonly limitMicros: number;
  /** Committed spend across every gateway. */
  readonly spentMicros: number;
  /** Unspent parts of every live lease, this gateway's included. */
  readonly leasedMicros: number;
  /** Gateways other than this one holding an unspent live lease. */
  readonly otherHolders: number;
}

/**
 * The next slice: the normal size (fraction of the limit, at least the floor), but never more than
 * what is left, and near the end no more than an even share of what is left among the gateways
 * competing for it — so the last dollars go to whoever needs them rather than to the first claimer.
 * Invariant kept by claims: spent + Σ unspent live leases ≤ limit.
 */
export function sliceSize(view: TierLedgerView, opts: Pick<LeaseOptions, 'fraction' | 'floorMicros'>): number {
  const remaining = view.limitMicros - view.spentMicros - view.leasedMicros;
  if (remaining <= 0) return 0;
  const normal = Math.max(Math.ceil(view.limitMicros * opts.fraction), opts.floorMicros);
  const fairShare = Math.max(opts.floorMicros, Math.ceil(remaining / (view.otherHolders + 1)));
  return Math.min(remaining, normal, fairShare);
}

/** Renew before the lease runs dry: once less than half of the last slice is left. */
export function needsRenewal(unspentMicros: number, lastSliceMicros: number): boolean {
  return unspentMicros <= 0 || unspentMicros * 2 < lastSliceMicros;
}
