// Budget admission across the four tiers: check, reserve atomically, settle exactly once, report.
import type { BudgetDef, Config, TierKind } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { SharedQuota, TierPeriod } from '../store/quota.js';
import type { ResolvedKey } from './keys.js';
import { BudgetRefusal, type TierRef } from './refusal.js';
import { BudgetTier, type PeriodAccount, type TierDef } from './tier.js';
import type { Charge, SpendRow } from '../store/store.js';

export { BudgetRefusal, isBudgetRefusal, type TierRef } from './refusal.js';

/** A tier's settled charge for one request: exactly what the store journals. */
export type SettledCharge = Charge;
/** A stored period total, to seed the ledger at start-up. */
export type { SpendRow };

/** One tier's standing at an instant: integer micro-dollars, epoch milliseconds (api/ converts it for the wire). */
export interface TierStatus {
  readonly tier: TierKind;
  readonly id: string;
  readonly parent: string | null;
  readonly limitMicros: number;
  /** This gateway's spend, or the whole team's when a shared ledger governs the tier. */
  readonly spentMicros: number;
  readonly reservedMicros: number;
  /** limit − spent, never below 0 (reservations are estimates and left out). */
  readonly remainingMicros: number;
  /** The period as configured: `1d`, `1M`, … */
  readonly period: string;
  readonly periodStart: number;
  readonly resetsAt: number;
}

/** An estimate held on every tier of a request's path until it is settled or released. */
export class Reservation {
  constructor(
    readonly refs: readonly TierRef[],
    readonly micros: number,
  ) {}
}

interface Hold {
  readonly tier: BudgetTier;
  readonly account: PeriodAccount;
  /** Whether the shared quota governed this tier when the reservation was made. */
  readonly shared: boolean;
}

const TIER_ORDER: readonly TierKind[] = ['customer', 'team', 'virtual_key', 'provider_config'];

function tierKey(tier: TierKind, id: string): string {
  return `${tier}\u0000${id}`;
}

/**
 * Every budget tier's spend and in-flight reservations, in integer micro-dollars.
 *
 * Admission rule: a tier admits a request while spent + reserved < limit, and the request then
 * reserves its estimate on every tier of its path at once. Once reservations reach the limit no
 * further request is admitted, so only the last admitted request can carry a tier past its limit:
 * overshoot is bounded by one request's cost per gateway, however many requests are in flight
 * (as long as estimates are not below actual costs — the pipeline estimates from max_tokens).
 * With a SharedQuota, a shared tier admits while this gateway's in-flight reservations are below
 * its unspent lease, which keeps the same one-request bound per gateway on the shared limit.
 */
export class BudgetLedger {
  private tiers = new Map<string, BudgetTier>();
  private readonly pending = new WeakMap<Reservation, readonly Hold[]>();
  private readonly listeners = new Set<() => void>();
  private readonly settleListeners = new Set<(charges: readonly SettledCharge[]) => void>();
  private notifyScheduled = false;

  constructor(
    private readonly clock: Clock,
    private readonly quota?: SharedQuota,
  ) {}

  /** Apply a config (initial or reloaded). Surviving tiers keep their counters; see BudgetTier on period changes. */
  configure(config: Config): void {
    const now = this.clock.now();
    const accountOf = new Map<string, string>();
    for (const account of config.accounts) for (const p of account.providers) accountOf.set(p.id, account.id);
    const next = new Map<string, BudgetTier>();
    const define = (kind: TierKind, budget: BudgetDef, parent: string | undefined) => {
      const def: TierDef = { limitMicros: budget.limitMicros, period: budget.period, parent: parent ?? null };
      const existing = this.tiers.get(tierKey(kind, budget.id));
      if (existing !== undefined) existing.reconfigure(def, now);
      next.set(tierKey(kind, budget.id), existing ?? new BudgetTier(kind, budget.id, def, now));
    };
    for (const b of config.budgets.customer) define('customer', b, undefined);
    for (const b of config.budgets.team) define('team', b, b.customerId);
    for (const b of config.budgets.virtualKey) define('virtual_key', b, b.teamId);
    for (const b of config.budgets.providerConfig) define('provider_config', b, accountOf.get(b.id));
    this.tiers = next;
    this.changed();
  }

  /** The key's own, team and customer tiers that have budgets, innermost first. */
  path(key: ResolvedKey): TierRef[] {
    const refs: TierRef[] = [];
    const add = (tier: TierKind, id: string | undefined) => {
      if (id !== undefined && this.tiers.has(tierKey(tier, id))) refs.push({ tier, id });
    };
    add('virtual_key', key.id);
    add('team', key.teamId);
    add('customer', key.customerId);
    return refs;
  }

  /** The provider config's tier, if it has a budget (to append to a key's path once routing has chosen). */
  providerPath(providerId: string): TierRef[] {
    return this.tiers.has(tierKey('provider_config', providerId)) ? [{ tier: 'provider_config', id: providerId }] : [];
  }

  /** Why routing should skip this provider config (its budget is exhausted), or null. */
  providerExcluded(providerId: string): string | null {
    return this.check(this.providerPath(providerId))?.message ?? null;
  }

  /** The first tier on the path that would refuse a request now, or null. Tiers without budgets are ignored. */
  check(refs: readonly TierRef[]): BudgetRefusal | null {
    const now = this.clock.now();
    for (const ref of refs) {
      const tier = this.tiers.get(tierKey(ref.tier, ref.id));
      if (tier === undefined) continue;
      const refusal = this.refusal(tier, tier.current(now));
      if (refusal !== null) return refusal;
    }
    return null;
  }

  /** Hold `micros` on every tier of the path, or on none: the first refusing tier is returned instead. */
  reserve(refs: readonly TierRef[], micros: number): Reservation | BudgetRefusal {
    if (!Number.isSafeInteger(micros) || micros < 0) throw new RangeError(`reservation must be whole non-negative micro-dollars, got ${micros}`);
    const now = this.clock.now();
    const holds: Hold[] = [];
    for (const ref of refs) {
      const tier = this.tiers.get(tierKey(ref.tier, ref.id));
      if (tier === undefined) continue;
      const account = tier.current(now);
      const refusal = this.refusal(tier, account);
      if (refusal !== null) return refusal;
      holds.push({ tier, account, shared: this.available(tier, account) !== null });
    }
    for (const hold of holds) hold.account.reservedMicros += micros;
    const reservation = new Reservation(Object.freeze([...refs]), micros);
    this.pending.set(reservation, holds);
    this.changed();
    return reservation;
  }

  /**
   * Replace the reservation's estimate with the actual cost on every tier, once. Each tier is charged
   * in the period the reservation was made in. A second call is a no-op and returns [].
   */
  settle(reservation: Reservation, actualMicros: number): SettledCharge[] {
    if (!Number.isSafeInteger(actualMicros) || actualMicros < 0) throw new RangeError(`charge must be whole non-negative micro-dollars, got ${actualMicros}`);
    const holds = this.pending.get(reservation);
    if (holds === undefined) return [];
    this.pending.delete(reservation);
    const now = this.clock.now();
    const charges: SettledCharge[] = [];
    for (const hold of holds) {
      const account = hold.account.resolve();
      account.reservedMicros -= reservation.micros;
      hold.tier.addSpend(account, actualMicros, now);
      if (actualMicros === 0) continue;
      if (hold.shared && this.quota !== undefined) this.quota.spend(this.tierPeriod(hold.tier, account), actualMicros);
      charges.push({ tier: hold.tier.tier, id: hold.tier.id, periodStart: account.start, micros: actualMicros });
    }
    this.changed();
    if (charges.length > 0 && this.settleListeners.size > 0) {
      queueMicrotask(() => {
        for (const listener of [...this.settleListeners]) listener(charges);
      });
    }
    return charges;
  }

  /** Give the reservation back unspent (nothing was billed). Same once-only rule as settle. */
  release(reservation: Reservation): SettledCharge[] {
    return this.settle(reservation, 0);
  }

  /** Seed period totals from the store at start-up; rows for other periods or unknown tiers are ignored. */
  restore(rows: readonly SpendRow[]): void {
    const now = this.clock.now();
    for (const row of rows) this.tiers.get(tierKey(row.tier, row.id))?.restore(row.periodStart, row.spentMicros, now);
    this.changed();
  }

  /** Every tier, customers first (what `GET /api/budgets` reports). */
  snapshot(): TierStatus[] {
    const now = this.clock.now();
    const tiers = [...this.tiers.values()].sort((a, b) => TIER_ORDER.indexOf(a.tier) - TIER_ORDER.indexOf(b.tier));
    return tiers.map((tier) => this.statusOf(tier, now));
  }

  /** One tier as the snapshot shows it, or undefined when it has no budget. */
  status(tier: TierKind, id: string): TierStatus | undefined {
    const found = this.tiers.get(tierKey(tier, id));
    return found === undefined ? undefined : this.statusOf(found, this.clock.now());
  }

  /**
   * Call `listener` after spend or reservations change. Changes within one tick are coalesced into
   * one call, made in a microtask so a listener can never interrupt accounting. Returns an unsubscribe.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Call `listener` with the charges of every settled request (not for released reservations), in a microtask so
   * a listener can never interrupt accounting. Returns an unsubscribe.
   */
  onSettle(listener: (charges: readonly SettledCharge[]) => void): () => void {
    this.settleListeners.add(listener);
    return () => this.settleListeners.delete(listener);
  }

  private statusOf(tier: BudgetTier, now: number): TierStatus {
    const account = tier.current(now);
    const spent = this.spentOf(tier, account);
    const limit = tier.limitMicros;
    return {
      tier: tier.tier,
      id: tier.id,
      parent: tier.parent,
      limitMicros: limit,
      spentMicros: spent,
      reservedMicros: account.reservedMicros,
      remainingMicros: Math.max(0, limit - spent),
      period: tier.period.text,
      periodStart: account.start,
      resetsAt: account.end,
    };
  }

  private changed(): void {
    if (this.notifyScheduled || this.listeners.size === 0) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const listener of [...this.listeners]) listener();
    });
  }

  private refusal(tier: BudgetTier, account: PeriodAccount): BudgetRefusal | null {
    const available = this.available(tier, account);
    const admits =
      available === null
        ? account.spentMicros + account.reservedMicros < tier.limitMicros
        : account.reservedMicros < available;
    if (admits) return null;
    return new BudgetRefusal({
      tier: tier.tier,
      id: tier.id,
      limitMicros: tier.limitMicros,
      spentMicros: this.spentOf(tier, account),
      reservedMicros: account.reservedMicros,
      resetsAt: account.end,
      period: tier.period.text,
    });
  }

  private available(tier: BudgetTier, account: PeriodAccount): number | null {
    return this.quota?.available(this.tierPeriod(tier, account)) ?? null;
  }

  private spentOf(tier: BudgetTier, account: PeriodAccount): number {
    return this.quota?.globalSpent(this.tierPeriod(tier, account)) ?? account.spentMicros;
  }

  private tierPeriod(tier: BudgetTier, account: PeriodAccount): TierPeriod {
    return { tier: tier.tier, id: tier.id, periodStart: account.start, limitMicros: tier.limitMicros };
  }
}
