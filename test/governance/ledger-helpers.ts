// Shared steps for ledger specifications: charge a request end to end, read one tier's status.
import assert from 'node:assert/strict';
import { BudgetLedger, BudgetRefusal, Reservation, type TierRef, type TierStatus } from '../../proxy/governance/ledger.js';
import { tierStandingJson } from '../../proxy/api/budgets-view.js';

/** Reserve `micros` on the path and settle it to the same amount; fails the test if refused. */
export function charge(ledger: BudgetLedger, refs: readonly TierRef[], micros: number): void {
  const r = ledger.reserve(refs, micros);
  assert.ok(r instanceof Reservation, r instanceof BudgetRefusal ? r.message : 'not a reservation');
  ledger.settle(r, micros);
}

/** One tier's row of the budgets snapshot. */
export function tierStatus(ledger: BudgetLedger, tier: string, id: string): TierStatus {
  const found = ledger.snapshot().find((t) => t.tier === tier && t.id === id);
  assert.ok(found, `${tier} ${id}`);
  return found;
}

/** One tier's row as GET /api/budgets reports it (dollars, ISO 8601 UTC), without the runway. */
export function tierView(ledger: BudgetLedger, tier: string, id: string): ReturnType<typeof tierStandingJson> {
  return tierStandingJson(tierStatus(ledger, tier, id));
}
