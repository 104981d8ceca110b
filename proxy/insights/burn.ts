// Recent spend per budget tier in per-minute buckets covering the last 24 hours: the input of burn rates.
import type { TierKind } from '../config/types.js';

const MINUTE_MS = 60_000;
/** Minutes a tracker remembers: a full day of complete minutes plus the current, partial one. */
export const BURN_HISTORY_MINUTES = 24 * 60;
const SLOTS = BURN_HISTORY_MINUTES + 1;

/** A charge as the ledger settles it (BudgetLedger.settle returns these). */
export interface TierCharge {
  readonly tier: TierKind;
  readonly id: string;
  readonly micros: number;
}

/** Settled micro-dollars over a window of whole minutes. */
export interface WindowSpend {
  readonly micros: number;
  /** Length of the window actually observed, in ms (shorter than asked while the tracker is young). */
  readonly observedMs: number;
}

/** One tier's ring of minute buckets: slot = minute mod SLOTS, tagged with the minute it holds. */
class MinuteRing {
  private readonly minutes = new Float64Array(SLOTS).fill(-1);
  private readonly micros = new Float64Array(SLOTS);

  add(minute: number, micros: number): void {
    const slot = minute % SLOTS;
    const held = this.minutes[slot];
    if (held > minute) return; // older than the ring reaches: already forgotten
    if (held !== minute) {
      this.minutes[slot] = minute;
      this.micros[slot] = 0;
    }
    this.micros[slot] += micros;
  }

  /** Sum of the buckets of minutes in [from, to). */
  sum(from: number, to: number): number {
    let total = 0;
    for (let m = from; m < to; m++) {
      const slot = m % SLOTS;
      if (this.minutes[slot] === m) total += this.micros[slot];
    }
    return total;
  }
}

function key(tier: TierKind, id: string): string {
  return `${tier}\u0000${id}`;
}

/**
 * Settled spend per tier, bucketed by minute, for the last 24 hours. Recording is O(1) and memory is
 * a fixed ring per tier (tiers come from the config, so the number of rings is bounded by it).
 * Buckets hold integer micro-dollars; a Float64Array holds integers exactly up to 2^53.
 *
 * Windows count complete minutes only, so a steady burn yields its exact rate whatever the phase of
 * the current minute. Until the tracker has watched a whole window, a window covers the complete
 * minutes since `observedSince` (the gateway's start, or earlier once backfilled from the log).
 */
export class BurnTracker {
  private readonly rings = new Map<string, MinuteRing>();
  private observedSinceMs: number;

  constructor(observedSince: number) {
    this.observedSinceMs = observedSince;
  }

  /** When the tracker's knowledge of spend begins. */
  get observedSince(): number {
    return this.observedSinceMs;
  }

  /** Record `micros` settled on a tier at instant `at`. Charges older than 24 hours are ignored. */
  record(tier: TierKind, id: string, micros: number, at: number): void {
    if (!Number.isSafeInteger(micros) || micros < 0) throw new RangeError(`charge must be whole non-negative micro-dollars, got ${micros}`);
    if (micros === 0) return;
    let ring = this.rings.get(key(tier, id));
    if (ring === undefined) {
      ring = new MinuteRing();
      this.rings.set(key(tier, id), ring);
    }
    ring.add(Math.floor(at / MINUTE_MS), micros);
  }

  /** Record every tier of one settled request (the return value of BudgetLedger.settle). */
  recordCharges(charges: readonly TierCharge[], at: number): void {
    for (const c of charges) this.record(c.tier, c.id, c.micros, at);
  }

  /** Declare that spend since `since` has been recorded (after backfilling from the request log). */
  extendObservation(since: number): void {
    this.observedSinceMs = Math.min(this.observedSinceMs, since);
  }

  /**
   * Spend of the tier over the `minutes` complete minutes before the minute containing `now`
   * (at most BURN_HISTORY_MINUTES), clipped to what the tracker has observed.
   */
  spent(tier: TierKind, id: string, minutes: number, now: number): WindowSpend {
    const current = Math.floor(now / MINUTE_MS);
    const firstObserved = Math.ceil(this.observedSinceMs / MINUTE_MS);
    const from = Math.max(current - Math.min(minutes, BURN_HISTORY_MINUTES), firstObserved);
    if (from >= current) return { micros: 0, observedMs: 0 };
    const ring = this.rings.get(key(tier, id));
    return { micros: ring === undefined ? 0 : ring.sum(from, current), observedMs: (current - from) * MINUTE_MS };
  }
}
