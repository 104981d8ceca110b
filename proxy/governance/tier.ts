// One budget tier's money over time: the current period's spend and reservations, rolled over lazily.
import type { Period, TierKind } from '../config/types.js';
import { periodEnd, periodStart } from './periods.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Spend and in-flight reservations of one tier within one period, in integer micro-dollars. */
export class PeriodAccount {
  spentMicros = 0;
  reservedMicros = 0;
  /**
   * Set when a config reload re-buckets this period into a differently shaped one: reservations
   * made against this account are settled into the successor instead.
   */
  successor: PeriodAccount | undefined;

  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  /** The account that now carries this one's reservations. */
  resolve(): PeriodAccount {
    let account: PeriodAccount = this;
    while (account.successor !== undefined) account = account.successor;
    return account;
  }
}

export interface TierDef {
  readonly limitMicros: number;
  readonly period: Period;
  /** The tier above this one in the tree (team of a key, customer of a team, account of a provider). */
  readonly parent: string | null;
}

function samePeriod(a: Period, b: Period): boolean {
  return a.count === b.count && a.unit === b.unit;
}

interface SpendBucket {
  readonly end: number;
  micros: number;
}

/**
 * A budget tier. Besides the current period's totals it keeps the current period's settled spend in
 * time buckets (a minute wide for minute periods, an hour otherwise) so that a reload that changes
 * the period can recompute the spend of the new period from what is known:
 *
 * - a shorter or shifted period counts every bucket that overlaps it, so spend near the new start
 *   is counted in full (errs towards refusing, never towards overspending);
 * - a longer period also reaches back before the old period began, where this tier kept nothing;
 *   that earlier spend is not counted (the store journals per period, so it cannot supply it either).
 *
 * Reservations in flight move to the re-bucketed period. When a period simply ends, the next one
 * starts at zero and reservations made in the old period settle into the old period.
 */
export class BudgetTier {
  private def: TierDef;
  private account: PeriodAccount;
  /** Settled spend of the current account by bucket start. Sum equals `account.spentMicros`. */
  private buckets = new Map<number, SpendBucket>();

  constructor(
    readonly tier: TierKind,
    readonly id: string,
    def: TierDef,
    now: number,
  ) {
    this.def = def;
    this.account = new PeriodAccount(periodStart(def.period, now), periodEnd(def.period, now));
  }

  get limitMicros(): number {
    return this.def.limitMicros;
  }

  get period(): Period {
    return this.def.period;
  }

  get parent(): string | null {
    return this.def.parent;
  }

  /** The account of the period containing `now`, starting a fresh one if the old period has ended. */
  current(now: number): PeriodAccount {
    if (now >= this.account.end || now < this.account.start) {
      this.account = new PeriodAccount(periodStart(this.def.period, now), periodEnd(this.def.period, now));
      this.buckets.clear();
    }
    return this.account;
  }

  /** Add settled spend to `account` (which may be a past period's, kept alive by a reservation). */
  addSpend(account: PeriodAccount, micros: number, now: number): void {
    account.spentMicros += micros;
    if (account === this.account && micros !== 0) this.addToBucket(now, micros);
  }

  /** Apply a reloaded definition: limits change in place; a changed period re-buckets the spend. */
  reconfigure(def: TierDef, now: number): void {
    const previous = this.current(now);
    const periodChanged = !samePeriod(def.period, this.def.period);
    this.def = def;
    if (!periodChanged) return;
    const next = new PeriodAccount(periodStart(def.period, now), periodEnd(def.period, now));
    const kept = new Map<number, SpendBucket>();
    for (const [start, bucket] of this.buckets) {
      if (bucket.end > next.start && start < next.end) {
        kept.set(start, bucket);
        next.spentMicros += bucket.micros;
      }
    }
    next.reservedMicros = previous.reservedMicros;
    previous.successor = next;
    this.account = next;
    this.buckets = kept;
  }

  /**
   * Seed the current period's spend from the store's total at start-up. The total's timing within
   * the period is unknown, so it is placed at `now`: any later re-bucketing still counts it.
   */
  restore(periodStartMs: number, spentMicros: number, now: number): boolean {
    const account = this.current(now);
    if (account.start !== periodStartMs) return false;
    account.spentMicros = spentMicros;
    this.buckets.clear();
    if (spentMicros !== 0) this.addToBucket(now, spentMicros);
    return true;
  }

  private addToBucket(now: number, micros: number): void {
    const width = this.def.period.unit === 'm' ? MINUTE : HOUR;
    const start = Math.floor(now / width) * width;
    const bucket = this.buckets.get(start);
    if (bucket !== undefined && bucket.end === start + width) bucket.micros += micros;
    else if (bucket !== undefined) this.buckets.set(start, { end: Math.max(bucket.end, start + width), micros: bucket.micros + micros });
    else this.buckets.set(start, { end: start + width, micros });
  }
}
