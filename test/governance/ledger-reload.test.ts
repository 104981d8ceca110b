import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../proxy/core/clock.js';
import { BudgetLedger, BudgetRefusal, Reservation, type TierRef } from '../../proxy/governance/ledger.js';
import type { SharedQuota, TierPeriod } from '../../proxy/store/quota.js';
import type { Config } from '../../proxy/config/types.js';
import { DOLLAR, period, seedConfig } from './seed.js';
import { charge, tierView } from './ledger-helpers.js';
import { tierStandingJson } from '../../proxy/api/budgets-view.js';

const MONDAY = Date.parse('2026-11-09T00:00:00Z');
const HOUR = 3_600_000;
const KEY: TierRef[] = [{ tier: 'virtual_key', id: 'staging-key' }];
const KEY_TEAM: TierRef[] = [...KEY, { tier: 'team', id: 'ml-engineering' }];

function withKeyBudget(limitDollars: number, periodText: string): Config {
  const seed = seedConfig();
  return seedConfig({
    budgets: {
      ...seed.budgets,
      virtualKey: [{ id: 'staging-key', teamId: 'ml-engineering', limitMicros: limitDollars * DOLLAR, period: period(periodText) }],
    },
  });
}

describe('config reload', () => {
  it('keeps the counters of tiers that still exist and applies new limits', () => {
    const clock = new ManualClock(MONDAY + 50 * HOUR);
    const ledger = new BudgetLedger(clock);
    ledger.configure(seedConfig());
    charge(ledger, KEY_TEAM, 450 * DOLLAR);
    ledger.configure(withKeyBudget(400, '1w'));
    assert.equal(tierView(ledger, 'virtual_key', 'staging-key').spent, 450);
    assert.equal(tierView(ledger, 'team', 'ml-engineering').spent, 450);
    const refusal = ledger.reserve(KEY, 1);
    assert.ok(refusal instanceof BudgetRefusal);
    assert.equal(refusal.limitMicros, 400 * DOLLAR);
  });

  it('a tier removed from the config disappears; an in-flight reservation on it still settles and is journalled', () => {
    const clock = new ManualClock(MONDAY);
    const ledger = new BudgetLedger(clock);
    ledger.configure(seedConfig());
    const r = ledger.reserve(KEY_TEAM, 10 * DOLLAR);
    assert.ok(r instanceof Reservation);
    const seed = seedConfig();
    ledger.configure(seedConfig({ budgets: { ...seed.budgets, virtualKey: [] } }));
    assert.equal(ledger.snapshot().some((t) => t.tier === 'virtual_key'), false);
    assert.deepEqual(
      ledger.settle(r, 7 * DOLLAR).map((c) => c.tier),
      ['virtual_key', 'team'],
    );
    assert.equal(tierView(ledger, 'team', 'ml-engineering').spent, 7);
  });

  it('a shorter period re-buckets: only spend inside the new period still counts', () => {
    const clock = new ManualClock(MONDAY + 10 * HOUR);
    const ledger = new BudgetLedger(clock);
    ledger.configure(seedConfig());
    charge(ledger, KEY, 100 * DOLLAR); // Monday
    clock.set(MONDAY + 2 * 24 * HOUR + 9 * HOUR); // Wednesday 09:00
    charge(ledger, KEY, 30 * DOLLAR);
    clock.advance(HOUR);
    ledger.configure(withKeyBudget(500, '1d'));
    const key = tierView(ledger, 'virtual_key', 'staging-key');
    assert.equal(key.spent, 30);
    assert.equal(key.period, '1d');
    assert.equal(key.period_start, '2026-11-11T00:00:00Z');
    assert.equal(key.resets_at, '2026-11-12T00:00:00Z');
  });

  it('a longer period counts the spend the tier still knows (since its old period began) and in-flight reservations move with it', () => {
    const clock = new ManualClock(MONDAY + 2 * 24 * HOUR + 9 * HOUR);
    const ledger = new BudgetLedger(clock);
    ledger.configure(withKeyBudget(500, '1d'));
    charge(ledger, KEY, 30 * DOLLAR);
    const inFlight = ledger.reserve(KEY, 5 * DOLLAR);
    assert.ok(inFlight instanceof Reservation);
    ledger.configure(withKeyBudget(500, '1M'));
    const key = tierView(ledger, 'virtual_key', 'staging-key');
    assert.equal(key.spent, 30);
    assert.equal(key.reserved, 5);
    assert.equal(key.period_start, '2026-11-01T00:00:00Z');
    const [keyCharge] = ledger.settle(inFlight, 4 * DOLLAR);
    assert.equal(keyCharge.periodStart, Date.parse('2026-11-01T00:00:00Z'));
    assert.equal(tierView(ledger, 'virtual_key', 'staging-key').spent, 34);
    assert.equal(tierView(ledger, 'virtual_key', 'staging-key').reserved, 0);
  });

  it('re-bucketing counts spend at hour granularity: spend just before the new start counts (errs towards refusing)', () => {
    const clock = new ManualClock(MONDAY + 10 * HOUR + 10 * 60_000); // 10:10
    const ledger = new BudgetLedger(clock);
    ledger.configure(withKeyBudget(500, '1d'));
    charge(ledger, KEY, 8 * DOLLAR);
    clock.set(MONDAY + 11 * HOUR + 20 * 60_000); // 11:20
    charge(ledger, KEY, 3 * DOLLAR);
    clock.set(MONDAY + 11 * HOUR + 40 * 60_000); // 11:40
    charge(ledger, KEY, 2 * DOLLAR);
    ledger.configure(withKeyBudget(500, '30m')); // the new period starts 11:30
    // The 10:00 hour ended before 11:30; the 11:00 hour overlaps the new period, so 11:20's $3 counts too.
    assert.equal(tierView(ledger, 'virtual_key', 'staging-key').spent, 5);
  });
});

describe('restore from the store', () => {
  it('seeds the current period totals and ignores rows of other periods or unknown tiers', () => {
    const clock = new ManualClock(MONDAY + 5 * HOUR);
    const ledger = new BudgetLedger(clock);
    ledger.configure(seedConfig());
    ledger.restore([
      { tier: 'virtual_key', id: 'staging-key', periodStart: MONDAY, spentMicros: 123_456_789 },
      { tier: 'team', id: 'ml-engineering', periodStart: Date.parse('2026-10-01T00:00:00Z'), spentMicros: 999 * DOLLAR },
      { tier: 'team', id: 'ml-engineering', periodStart: Date.parse('2026-11-01T00:00:00Z'), spentMicros: 1500 * DOLLAR },
      { tier: 'team', id: 'gone', periodStart: Date.parse('2026-11-01T00:00:00Z'), spentMicros: DOLLAR },
    ]);
    assert.equal(tierView(ledger, 'virtual_key', 'staging-key').spent, 123.456789);
    assert.equal(tierView(ledger, 'team', 'ml-engineering').spent, 1500);
    assert.equal(tierView(ledger, 'team', 'ml-engineering').percent, 75);
    assert.equal(tierView(ledger, 'team', 'ml-engineering').remaining, 500);
  });
});

describe('snapshot for GET /api/budgets', () => {
  it('lists customers, teams, keys and provider configs with parents, exact dollars and ISO times', () => {
    const clock = new ManualClock(MONDAY + HOUR);
    const ledger = new BudgetLedger(clock);
    ledger.configure(seedConfig());
    charge(ledger, [...KEY_TEAM, { tier: 'customer', id: 'acme-corp' }], 12_400_000);
    assert.deepEqual(ledger.snapshot().map(tierStandingJson), [
      { tier: 'customer', id: 'acme-corp', parent: null, limit: 5000, spent: 12.4, reserved: 0, remaining: 4987.6, period: '1M', period_start: '2026-11-01T00:00:00Z', resets_at: '2026-12-01T00:00:00Z', percent: 0.25 },
      { tier: 'team', id: 'ml-engineering', parent: 'acme-corp', limit: 2000, spent: 12.4, reserved: 0, remaining: 1987.6, period: '1M', period_start: '2026-11-01T00:00:00Z', resets_at: '2026-12-01T00:00:00Z', percent: 0.62 },
      { tier: 'virtual_key', id: 'staging-key', parent: 'ml-engineering', limit: 500, spent: 12.4, reserved: 0, remaining: 487.6, period: '1w', period_start: '2026-11-09T00:00:00Z', resets_at: '2026-11-16T00:00:00Z', percent: 2.48 },
      { tier: 'provider_config', id: 'bedrock-claude', parent: 'ml-team', limit: 1000, spent: 0, reserved: 0, remaining: 1000, period: '1M', period_start: '2026-11-01T00:00:00Z', resets_at: '2026-12-01T00:00:00Z', percent: 0 },
    ]);
  });
});

/** A shared team tier leased by a (hand-driven) team ledger: this gateway holds `lease` micro-dollars. */
class LeasedQuota implements SharedQuota {
  spends: { tier: string; micros: number }[] = [];
  constructor(
    public lease: number,
    public global: number,
  ) {}
  available(t: TierPeriod): number | null {
    return t.tier === 'team' ? this.lease : null;
  }
  spend(t: TierPeriod, micros: number): void {
    this.spends.push({ tier: t.tier, micros });
    this.lease -= micros;
    this.global += micros;
  }
  globalSpent(t: TierPeriod): number | null {
    return t.tier === 'team' ? this.global : null;
  }
}

describe('shared quota (team ledger)', () => {
  it('a shared tier admits while this gateway’s in-flight reservations are below its lease, and settles spend the lease', () => {
    const clock = new ManualClock(MONDAY);
    const quota = new LeasedQuota(100 * DOLLAR, 1800 * DOLLAR);
    const ledger = new BudgetLedger(clock, quota);
    ledger.configure(seedConfig());
    const first = ledger.reserve(KEY_TEAM, 60 * DOLLAR);
    const second = ledger.reserve(KEY_TEAM, 60 * DOLLAR);
    assert.ok(first instanceof Reservation && second instanceof Reservation);
    const third = ledger.reserve(KEY_TEAM, 60 * DOLLAR);
    assert.ok(third instanceof BudgetRefusal);
    assert.equal(third.tier, 'team');
    ledger.settle(first, 50 * DOLLAR);
    assert.deepEqual(quota.spends, [{ tier: 'team', micros: 50 * DOLLAR }], 'only the shared tier spends from the lease');
    assert.equal(tierView(ledger, 'team', 'ml-engineering').spent, 1850, 'status shows spend across every gateway');
    assert.equal(tierView(ledger, 'virtual_key', 'staging-key').spent, 50);
  });
});
