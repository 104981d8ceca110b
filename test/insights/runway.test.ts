import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../proxy/core/clock.js';
import { BudgetLedger, Reservation, type TierRef } from '../../proxy/governance/ledger.js';
import { BurnTracker, runway } from '../../proxy/insights/runway.js';
import { budgetsJson } from '../../proxy/api/budgets-view.js';
import { DOLLAR, seedConfig } from '../governance/seed.js';
import { tierStatus } from '../governance/ledger-helpers.js';

const TEAM_PATH: TierRef[] = [
  { tier: 'team', id: 'ml-engineering' },
  { tier: 'customer', id: 'acme-corp' },
];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A ledger and tracker fed the same settled charges, as the gateway wires them. */
function rig(start: string, overrides: Parameters<typeof seedConfig>[0] = {}) {
  const clock = new ManualClock(Date.parse(start));
  const ledger = new BudgetLedger(clock);
  ledger.configure(seedConfig(overrides));
  const tracker = new BurnTracker(clock.now());
  const charge = (refs: readonly TierRef[], micros: number) => {
    const r = ledger.reserve(refs, micros);
    assert.ok(r instanceof Reservation);
    tracker.recordCharges(ledger.settle(r, micros), clock.now());
  };
  /** `micros` every `everyMs` for `forMs`, starting now; the clock ends at the end of the run. */
  const steadyBurn = (refs: readonly TierRef[], micros: number, everyMs: number, forMs: number) => {
    const end = clock.now() + forMs;
    while (clock.now() < end) {
      charge(refs, micros);
      clock.advance(everyMs);
    }
    clock.set(end);
  };
  return { clock, ledger, tracker, charge, steadyBurn };
}

describe('budget runway', () => {
  it('projects exhaustion of a steady burn to within a minute', () => {
    // Tuesday 2026-11-10 08:00 UTC; $0.25 every 30 s is $30/h.
    const { clock, ledger, tracker, steadyBurn } = rig('2026-11-10T08:00:00Z');
    steadyBurn(TEAM_PATH, DOLLAR / 4, 30_000, 3 * HOUR);
    clock.advance(17_000); // part-way through a minute: the pace must not depend on the phase
    const status = tierStatus(ledger, 'team', 'ml-engineering');
    assert.equal(status.spentMicros, 90 * DOLLAR);
    const r = runway(status, tracker, clock.now());
    assert.equal(r.burn_rate_per_hour, 30);
    assert.equal(r.pace_basis, 'last_hour');
    // $1,910 left at $30/h is 63 h 40 min.
    const expected = clock.now() + 63 * HOUR + 40 * MINUTE;
    assert.ok(r.projected_exhaustion !== null);
    assert.ok(Math.abs(Date.parse(r.projected_exhaustion) - expected) <= MINUTE, r.projected_exhaustion);
    assert.equal(r.runs_out_before_reset, true);
    assert.equal(r.exhausted, false);
    assert.equal(r.summary, 'team ml-engineering runs out Friday ~02:40 UTC at this pace ($1,910 left, resets Dec 1)');
  });

  it('says a tier will not run out when the projection lies past the reset', () => {
    const { clock, ledger, tracker, steadyBurn } = rig('2026-11-10T08:00:00Z', {
      budgets: { ...seedConfig().budgets, customer: [{ id: 'acme-corp', limitMicros: 50_000 * DOLLAR, period: seedConfig().budgets.customer[0].period }] },
    });
    steadyBurn(TEAM_PATH, DOLLAR / 4, 30_000, 2 * HOUR);
    const r = runway(tierStatus(ledger, 'customer', 'acme-corp'), tracker, clock.now());
    assert.equal(r.burn_rate_per_hour, 30);
    assert.equal(r.projected_exhaustion, null);
    assert.equal(r.runs_out_before_reset, false);
    assert.equal(r.summary, 'customer acme-corp will not run out before it resets on Dec 1');
  });

  it('reports the 24-hour and period-to-date rates beside the last hour', () => {
    // Period (1M) began Nov 1; $48 spent in two bursts: $24/h for 1 h, idle, then $12/h for 2 h.
    const { clock, ledger, tracker, steadyBurn } = rig('2026-11-02T00:00:00Z');
    steadyBurn(TEAM_PATH, DOLLAR / 10, 15_000, HOUR);
    clock.advance(5 * HOUR);
    steadyBurn(TEAM_PATH, DOLLAR / 10, 30_000, 2 * HOUR);
    const now = clock.now(); // Nov 2 08:00, 32 h into the period
    const r = runway(tierStatus(ledger, 'team', 'ml-engineering'), tracker, now);
    assert.equal(r.burn_rate_per_hour, 12);
    assert.equal(r.burn_rate_24h_per_hour, 6); // $48 over the 8 h observed
    assert.equal(r.burn_rate_period_per_hour, 1.5); // $48 over 32 h
  });

  it('falls back to the last 24 hours when the last hour was idle', () => {
    const { clock, ledger, tracker, steadyBurn } = rig('2026-11-10T00:00:00Z');
    steadyBurn(TEAM_PATH, DOLLAR, MINUTE, 2 * HOUR); // $60/h for 2 h
    clock.advance(2 * HOUR); // then quiet; observed 4 h, $120 → $30/h
    const r = runway(tierStatus(ledger, 'team', 'ml-engineering'), tracker, clock.now());
    assert.equal(r.burn_rate_per_hour, 0);
    assert.equal(r.burn_rate_24h_per_hour, 30);
    assert.equal(r.pace_basis, 'last_24h');
    // $1,880 left at $30/h = 62 h 40 min after 04:00 on Nov 10.
    assert.equal(r.projected_exhaustion, '2026-11-12T18:40:00Z');
    assert.match(r.summary, /at the pace of the last 24 hours/);
  });

  it('a young tracker measures over the minutes it has watched', () => {
    const { clock, ledger, tracker, steadyBurn } = rig('2026-11-10T09:00:00Z');
    steadyBurn(TEAM_PATH, DOLLAR / 2, MINUTE, 10 * MINUTE); // $30/h for 10 minutes only
    const r = runway(tierStatus(ledger, 'team', 'ml-engineering'), tracker, clock.now());
    assert.equal(r.burn_rate_per_hour, 30);
    assert.equal(r.burn_rate_24h_per_hour, 30);
  });

  it('a tier with no spend in 24 hours has no projection', () => {
    const { clock, ledger, tracker } = rig('2026-11-10T09:00:00Z');
    const r = runway(tierStatus(ledger, 'virtual_key', 'staging-key'), tracker, clock.now() + HOUR);
    assert.equal(r.pace_basis, null);
    assert.equal(r.projected_exhaustion, null);
    assert.equal(r.runs_out_before_reset, false);
    // 1w periods reset Monday 00:00 UTC.
    assert.equal(r.summary, 'key staging-key has had no spend in the last 24 hours; $500 left until it resets on Nov 16');
  });

  it('a tier that spent this minute, with no complete minute to pace from, does not read as "no spend"', () => {
    const { clock, ledger, tracker, charge } = rig('2026-11-10T09:00:00Z');
    clock.advance(20_000);
    charge([{ tier: 'virtual_key', id: 'staging-key' }], 12 * DOLLAR);
    const r = runway(tierStatus(ledger, 'virtual_key', 'staging-key'), tracker, clock.now());
    assert.equal(r.pace_basis, null);
    assert.doesNotMatch(r.summary, /no spend/);
    assert.equal(r.summary, 'key staging-key has spent $12 this period, but not enough recently to project a pace; $488 left until it resets on Nov 16');
  });

  it('a tier whose spend is older than the tracker (before a restart) does not read as "no spend"', () => {
    const { clock, ledger, charge } = rig('2026-11-10T09:00:00Z');
    charge([{ tier: 'virtual_key', id: 'staging-key' }], 5 * DOLLAR);
    clock.advance(3 * HOUR);
    const restarted = new BurnTracker(clock.now()); // a gateway started after the charge, nothing backfilled
    const r = runway(tierStatus(ledger, 'virtual_key', 'staging-key'), restarted, clock.now() + HOUR);
    assert.equal(r.pace_basis, null);
    assert.doesNotMatch(r.summary, /no spend/);
    assert.match(r.summary, /^key staging-key has spent \$5 this period/);
  });

  it('an exhausted tier says so and when it resets', () => {
    const { clock, ledger, tracker, charge } = rig('2026-11-10T09:00:00Z');
    charge([{ tier: 'virtual_key', id: 'staging-key' }], 500 * DOLLAR);
    clock.advance(2 * MINUTE);
    const r = runway(tierStatus(ledger, 'virtual_key', 'staging-key'), tracker, clock.now());
    assert.equal(r.exhausted, true);
    assert.equal(r.runs_out_before_reset, true);
    assert.equal(r.projected_exhaustion, '2026-11-10T09:02:00Z');
    assert.equal(r.summary, 'key staging-key has used its whole $500 limit; it resets on Nov 16');
  });

  it('a charge soon to run out reads in minutes', () => {
    const { clock, ledger, tracker, steadyBurn } = rig('2026-11-10T09:00:00Z');
    steadyBurn([{ tier: 'virtual_key', id: 'staging-key' }], 8 * DOLLAR, MINUTE, HOUR); // $480 of $500 in an hour
    const r = runway(tierStatus(ledger, 'virtual_key', 'staging-key'), tracker, clock.now());
    assert.equal(r.projected_exhaustion, '2026-11-10T10:02:30Z');
    assert.equal(r.summary, 'key staging-key runs out in ~3 minutes at this pace ($20 left, resets Nov 16)');
  });

  it('GET /api/budgets adds a runway to every snapshot row', () => {
    const { clock, ledger, tracker } = rig('2026-11-10T09:00:00Z');
    const rows = budgetsJson(ledger.snapshot(), tracker, clock.now()).tiers;
    assert.deepEqual(rows.map((r) => [r.tier, r.id, typeof r.runway.summary]), [
      ['customer', 'acme-corp', 'string'],
      ['team', 'ml-engineering', 'string'],
      ['virtual_key', 'staging-key', 'string'],
      ['provider_config', 'bedrock-claude', 'string'],
    ]);
  });
});

describe('burn tracker', () => {
  it('forgets spend older than 24 hours and ignores late charges the ring no longer reaches', () => {
    const t0 = Date.parse('2026-11-10T00:00:00Z');
    const tracker = new BurnTracker(t0);
    tracker.record('team', 't', 5 * DOLLAR, t0);
    tracker.record('team', 't', 7 * DOLLAR, t0 + 1441 * MINUTE); // reuses t0's bucket
    tracker.record('team', 't', 11 * DOLLAR, t0); // arrives late: its bucket now holds a newer minute
    const now = t0 + 1442 * MINUTE;
    assert.deepEqual(tracker.spent('team', 't', 24 * 60, now), { micros: 7 * DOLLAR, observedMs: 24 * HOUR });
  });

  it('counts complete minutes only and separates tiers', () => {
    const t0 = Date.parse('2026-11-10T00:00:00Z');
    const tracker = new BurnTracker(t0 - HOUR);
    tracker.record('team', 'a', 3, t0 - 30_000);
    tracker.record('team', 'b', 4, t0 - 30_000);
    tracker.record('team', 'a', 100, t0 + 1_000); // the current minute: not yet counted
    assert.deepEqual(tracker.spent('team', 'a', 60, t0 + 2_000), { micros: 3, observedMs: HOUR });
    assert.deepEqual(tracker.spent('customer', 'a', 60, t0 + 2_000), { micros: 0, observedMs: HOUR });
  });

  it('refuses charges that are not whole non-negative micro-dollars', () => {
    const tracker = new BurnTracker(0);
    assert.throws(() => tracker.record('team', 't', 1.5, 0), RangeError);
    assert.throws(() => tracker.record('team', 't', -1, 0), RangeError);
  });
});
