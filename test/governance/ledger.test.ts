import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../proxy/core/clock.js';
import { BudgetLedger, BudgetRefusal, Reservation, type TierRef } from '../../proxy/governance/ledger.js';
import { KeyRing } from '../../proxy/governance/keys.js';
import { DOLLAR, seedConfig, twoTeamConfig } from './seed.js';
import { tierView } from './ledger-helpers.js';

// Wednesday 2026-11-11 12:00 UTC: mid-week, mid-month.
const WEDNESDAY = Date.parse('2026-11-11T12:00:00Z');

function setup(config = twoTeamConfig(), start = WEDNESDAY) {
  const clock = new ManualClock(start);
  const ledger = new BudgetLedger(clock);
  ledger.configure(config);
  const keys = new KeyRing(config, {});
  const path = (keyId: string, provider?: string): TierRef[] => {
    const key = keys.get(keyId);
    assert.ok(key, keyId);
    return [...ledger.path(key), ...(provider ? ledger.providerPath(provider) : [])];
  };
  return { clock, ledger, path };
}

function reserved(result: Reservation | BudgetRefusal): Reservation {
  assert.ok(result instanceof Reservation, result instanceof BudgetRefusal ? result.message : 'not a reservation');
  return result;
}

function refused(result: Reservation | BudgetRefusal): BudgetRefusal {
  assert.ok(result instanceof BudgetRefusal, 'expected a refusal');
  return result;
}

/** Reserve the cost and settle it to the same amount; returns how many of `count` requests were admitted. */
function spendRequests(ledger: BudgetLedger, refs: TierRef[], micros: number, count: number): number {
  let admitted = 0;
  for (let i = 0; i < count; i++) {
    const r = ledger.reserve(refs, micros);
    if (r instanceof BudgetRefusal) continue;
    ledger.settle(r, micros);
    admitted++;
  }
  return admitted;
}

describe('budget admission on the seed policy', () => {
  it('staging-key stops at $500 in a week: ten $50 requests pass, the eleventh is refused by the key tier', () => {
    const { ledger, path } = setup();
    assert.equal(spendRequests(ledger, path('staging-key'), 50 * DOLLAR, 10), 10);
    const refusal = refused(ledger.reserve(path('staging-key'), 50 * DOLLAR));
    assert.equal(refusal.tier, 'virtual_key');
    assert.equal(refusal.id, 'staging-key');
    assert.equal(refusal.spentMicros, 500 * DOLLAR);
    assert.equal(
      refusal.message,
      'budget exceeded: virtual key "staging-key" spent $500.00 of $500.00 this period (1w); resets 2026-11-16T00:00:00Z',
    );
    const error = refusal.toError();
    assert.equal(error.kind, 'budget');
    assert.equal(error.status, 402);
  });

  it('ml-engineering stops at $2,000 across two keys, naming the team and its monthly reset', () => {
    const { ledger, path } = setup();
    assert.equal(spendRequests(ledger, path('staging-key'), 100 * DOLLAR, 4), 4);
    assert.equal(spendRequests(ledger, path('dev-key'), 100 * DOLLAR, 16), 16);
    const refusal = refused(ledger.reserve(path('dev-key'), 1));
    assert.equal(refusal.tier, 'team');
    assert.equal(
      refusal.message,
      'budget exceeded: team "ml-engineering" spent $2,000.00 of $2,000.00 this period (1M); resets 2026-12-01T00:00:00Z',
    );
    // staging-key has $100 of its own budget left, but its team is exhausted.
    assert.equal(refused(ledger.reserve(path('staging-key'), 1)).tier, 'team');
  });

  it('acme-corp stops at $5,000 across two teams even though the second team has budget left', () => {
    const { ledger, path } = setup();
    assert.equal(spendRequests(ledger, path('dev-key'), 250 * DOLLAR, 8), 8); // ml-engineering: $2,000
    assert.equal(spendRequests(ledger, path('platform-key'), 250 * DOLLAR, 12), 12); // platform: $3,000
    const refusal = refused(ledger.reserve(path('platform-key'), 1));
    assert.equal(refusal.tier, 'customer');
    assert.equal(refusal.id, 'acme-corp');
    assert.equal(tierView(ledger, 'team', 'platform').remaining, 1000);
  });

  it('bedrock-claude at $1,000 refuses with tier provider_config while the key still has budget, so routing can exclude it', () => {
    const { ledger, path } = setup();
    assert.equal(spendRequests(ledger, path('dev-key', 'bedrock-claude'), 200 * DOLLAR, 5), 5);
    assert.equal(ledger.check(path('dev-key')), null, 'key, team and customer still admit');
    const refusal = refused(ledger.reserve(path('dev-key', 'bedrock-claude'), 10 * DOLLAR));
    assert.equal(refusal.tier, 'provider_config');
    assert.equal(refusal.id, 'bedrock-claude');
    assert.match(ledger.providerExcluded('bedrock-claude') ?? '', /provider config "bedrock-claude" spent \$1,000\.00 of \$1,000\.00/);
    assert.equal(ledger.providerExcluded('bedrock-mistral'), null);
    reserved(ledger.reserve(path('dev-key', 'bedrock-mistral'), 10 * DOLLAR));
  });

  it('a refused reservation holds nothing on any tier', () => {
    const { ledger, path } = setup();
    spendRequests(ledger, path('dev-key', 'bedrock-claude'), 1000 * DOLLAR, 1);
    refused(ledger.reserve(path('dev-key', 'bedrock-claude'), 5 * DOLLAR));
    for (const [tier, id] of [['virtual_key', 'dev-key'], ['team', 'ml-engineering'], ['customer', 'acme-corp']]) {
      assert.equal(tierView(ledger, tier, id).reserved, 0, `${tier} ${id}`);
    }
  });

  it('admission refuses when spend plus in-flight reservations reach the limit', () => {
    const { ledger, path } = setup();
    spendRequests(ledger, path('staging-key'), 400 * DOLLAR, 1);
    reserved(ledger.reserve(path('staging-key'), 100 * DOLLAR));
    const refusal = refused(ledger.reserve(path('staging-key'), 1));
    assert.equal(refusal.reservedMicros, 100 * DOLLAR);
    assert.match(refusal.message, /spent \$400\.00 \(\+\$100\.00 in flight\) of \$500\.00/);
  });
});

describe('periods roll over on the clock', () => {
  it('the weekly key budget resets Monday 00:00 UTC; the monthly team budget keeps counting', () => {
    const { clock, ledger, path } = setup(twoTeamConfig(), Date.parse('2026-11-29T23:00:00Z')); // a Sunday
    spendRequests(ledger, path('staging-key'), 500 * DOLLAR, 1);
    assert.equal(refused(ledger.reserve(path('staging-key'), 1)).resetsAt, Date.parse('2026-11-30T00:00:00Z'));
    clock.set(Date.parse('2026-11-30T00:00:00Z'));
    reserved(ledger.reserve(path('staging-key'), 1));
    const key = tierView(ledger, 'virtual_key', 'staging-key');
    assert.equal(key.spent, 0);
    assert.equal(key.period_start, '2026-11-30T00:00:00Z');
    assert.equal(key.resets_at, '2026-12-07T00:00:00Z');
    assert.equal(tierView(ledger, 'team', 'ml-engineering').spent, 500);
  });

  it('the monthly team, customer and provider budgets reset on the 1st', () => {
    const { clock, ledger, path } = setup(twoTeamConfig(), Date.parse('2026-11-30T22:00:00Z'));
    spendRequests(ledger, path('dev-key', 'bedrock-claude'), 1000 * DOLLAR, 1);
    assert.notEqual(ledger.providerExcluded('bedrock-claude'), null);
    clock.set(Date.parse('2026-12-01T00:00:00Z'));
    assert.equal(ledger.providerExcluded('bedrock-claude'), null);
    for (const status of ledger.snapshot()) {
      assert.equal(status.spentMicros, 0, `${status.tier} ${status.id}`);
    }
    assert.equal(tierView(ledger, 'team', 'ml-engineering').period_start, '2026-12-01T00:00:00Z');
  });

  it('a reservation made before the reset settles into the period it was reserved in', () => {
    const { clock, ledger, path } = setup(twoTeamConfig(), Date.parse('2026-11-29T23:59:00Z'));
    const r = reserved(ledger.reserve(path('staging-key'), 30 * DOLLAR));
    clock.set(Date.parse('2026-11-30T00:01:00Z'));
    const charges = ledger.settle(r, 20 * DOLLAR);
    const keyCharge = charges.find((c) => c.tier === 'virtual_key');
    assert.deepEqual(keyCharge, { tier: 'virtual_key', id: 'staging-key', periodStart: Date.parse('2026-11-23T00:00:00Z'), micros: 20 * DOLLAR });
    const key = tierView(ledger, 'virtual_key', 'staging-key');
    assert.equal(key.spent, 0, 'the new week starts clean');
    assert.equal(key.reserved, 0);
    assert.equal(tierView(ledger, 'team', 'ml-engineering').spent, 20, 'the month had not ended');
  });
});

/**
 * `count` requests in flight at once: each reserves, yields to the event loop (so every reservation
 * is made before any settles), then settles to the estimate. Returns how many were admitted.
 */
async function concurrentRequests(ledger: BudgetLedger, refs: TierRef[], cost: number, count: number): Promise<number> {
  const outcomes = await Promise.all(
    Array.from({ length: count }, async () => {
      const r = ledger.reserve(refs, cost);
      if (r instanceof BudgetRefusal) return false;
      await new Promise((resolve) => setImmediate(resolve));
      ledger.settle(r, cost);
      return true;
    }),
  );
  return outcomes.filter(Boolean).length;
}

describe('reservations under concurrency', () => {
  it('50 concurrent requests against a budget that fits 10: exactly 10 admitted and spend ends at the limit', async () => {
    const { ledger, path } = setup();
    assert.equal(await concurrentRequests(ledger, path('staging-key'), 50 * DOLLAR, 50), 10);
    assert.equal(tierView(ledger, 'virtual_key', 'staging-key').spent, 500);
  });

  it('when the limit is not a multiple of the cost, overshoot is at most one request’s cost', async () => {
    const { ledger, path } = setup();
    const admitted = await concurrentRequests(ledger, path('staging-key'), 45 * DOLLAR, 50);
    assert.equal(admitted, 12, '11 × $45 = $495 is still below $500, so a twelfth is admitted');
    const spent = tierView(ledger, 'virtual_key', 'staging-key').spent;
    assert.equal(spent, 540);
    assert.ok(spent - 500 < 45);
  });
});

describe('settling', () => {
  it('settle charges every tier the actual cost exactly once; a second settle or release is a no-op', () => {
    const { ledger, path } = setup();
    const r = reserved(ledger.reserve(path('staging-key', 'bedrock-claude'), 10 * DOLLAR));
    assert.equal(tierView(ledger, 'team', 'ml-engineering').reserved, 10);
    const charges = ledger.settle(r, 12_345_678);
    assert.deepEqual(
      charges.map((c) => [c.tier, c.id, c.micros, new Date(c.periodStart).toISOString()]),
      [
        ['virtual_key', 'staging-key', 12_345_678, '2026-11-09T00:00:00.000Z'],
        ['team', 'ml-engineering', 12_345_678, '2026-11-01T00:00:00.000Z'],
        ['customer', 'acme-corp', 12_345_678, '2026-11-01T00:00:00.000Z'],
        ['provider_config', 'bedrock-claude', 12_345_678, '2026-11-01T00:00:00.000Z'],
      ],
    );
    assert.deepEqual(ledger.settle(r, 12_345_678), []);
    assert.deepEqual(ledger.release(r), []);
    const team = tierView(ledger, 'team', 'ml-engineering');
    assert.equal(team.spent, 12.345678);
    assert.equal(team.reserved, 0);
  });

  it('release returns the estimate to every tier and journals nothing', () => {
    const { ledger, path } = setup();
    const r = reserved(ledger.reserve(path('staging-key'), 500 * DOLLAR));
    refused(ledger.reserve(path('staging-key'), 1));
    assert.deepEqual(ledger.release(r), []);
    reserved(ledger.reserve(path('staging-key'), 1 * DOLLAR));
    assert.equal(tierView(ledger, 'virtual_key', 'staging-key').spent, 0);
  });

  it('money must be whole micro-dollars', () => {
    const { ledger, path } = setup();
    assert.throws(() => ledger.reserve(path('staging-key'), 0.5), RangeError);
    const r = reserved(ledger.reserve(path('staging-key'), 1));
    assert.throws(() => ledger.settle(r, -1), RangeError);
  });

  it('change listeners hear about reservations and settles, coalesced per tick', async () => {
    const { ledger, path } = setup();
    let calls = 0;
    const unsubscribe = ledger.onChange(() => calls++);
    const r = reserved(ledger.reserve(path('staging-key'), DOLLAR));
    ledger.settle(r, DOLLAR);
    await Promise.resolve();
    assert.equal(calls, 1);
    unsubscribe();
    spendRequests(ledger, path('staging-key'), DOLLAR, 1);
    await Promise.resolve();
    assert.equal(calls, 1);
  });
});
