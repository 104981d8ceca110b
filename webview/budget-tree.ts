// Arranges budget tiers as the customer → team → key tree, with provider configs beside it.
import type { BudgetTierJson } from '../proxy/api/wire/index.js';

export interface BudgetNode {
  readonly tier: BudgetTierJson;
  readonly children: readonly BudgetNode[];
}

export interface BudgetForest {
  /** Customers, then teams without a known customer, then keys without a known team. */
  readonly roots: readonly BudgetNode[];
  readonly providers: readonly BudgetTierJson[];
}

const byId = (a: BudgetTierJson, b: BudgetTierJson) => a.id.localeCompare(b.id);

export function budgetForest(tiers: readonly BudgetTierJson[]): BudgetForest {
  const of = (kind: BudgetTierJson['tier']) => tiers.filter((t) => t.tier === kind).sort(byId);
  const customers = of('customer');
  const teams = of('team');
  const keys = of('virtual_key');
  const keyNodes = (teamId: string) => keys.filter((k) => k.parent === teamId).map((tier) => ({ tier, children: [] }));
  const teamNodes = (customerId: string | null) =>
    teams.filter((t) => t.parent === customerId).map((tier) => ({ tier, children: keyNodes(tier.id) }));
  const customerIds = new Set(customers.map((c) => c.id));
  const teamIds = new Set(teams.map((t) => t.id));
  return {
    roots: [
      ...customers.map((tier) => ({ tier, children: teamNodes(tier.id) })),
      ...teams.filter((t) => t.parent === null || !customerIds.has(t.parent)).map((tier) => ({ tier, children: keyNodes(tier.id) })),
      ...keys.filter((k) => k.parent === null || !teamIds.has(k.parent)).map((tier) => ({ tier, children: [] })),
    ],
    providers: of('provider_config'),
  };
}
