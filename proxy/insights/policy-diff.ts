// Policy change preview: what an edit of bifrost.yaml would do, tier by tier, given what has been spent.
import type { Config, TierKind } from '../config/types.js';
import type { TierSpend } from './policy-change.js';
import { accessChanges } from './policy-access.js';
import { budgetChanges } from './policy-budgets.js';
import { SpendLookup, type PolicyChange, type PolicySeverity } from './policy-change.js';
import { routingChanges } from './policy-routing.js';
import { tierLabel } from './wording.js';

export type { PolicyChange, PolicyChangeKind, PolicySeverity } from './policy-change.js';

const TIER_ORDER: readonly TierKind[] = ['customer', 'team', 'virtual_key', 'provider_config'];

/**
 * Every change from `oldCfg` to `newCfg`, grouped by tier (customers first) and within a tier by
 * id in order of first mention. `spend` is the running gateway's budget snapshot; without it,
 * consequences are stated without current spend.
 */
export function previewPolicyChange(oldCfg: Config, newCfg: Config, spend: readonly TierSpend[] | undefined): PolicyChange[] {
  const lookup = new SpendLookup(spend);
  const routing = routingChanges(oldCfg, newCfg, lookup);
  const removedProviders = new Set(routing.filter((c) => c.kind === 'provider_removed').map((c) => c.id));
  // A removed provider's budget goes with it; its provider_removed entry already says so.
  const budgets = budgetChanges(oldCfg, newCfg, lookup).filter(
    (c) => !(c.tier === 'provider_config' && c.kind === 'tier_removed' && removedProviders.has(c.id)),
  );
  const all = [...budgets, ...routing, ...accessChanges(oldCfg, newCfg)];
  const firstSeen = new Map<string, number>();
  all.forEach((c, i) => {
    const k = `${c.tier}\u0000${c.id}`;
    if (!firstSeen.has(k)) firstSeen.set(k, i);
  });
  const rank = (c: PolicyChange) => firstSeen.get(`${c.tier}\u0000${c.id}`) ?? 0;
  // Array.prototype.sort is stable: a tier's changes keep their order.
  return all.sort((a, b) => TIER_ORDER.indexOf(a.tier) - TIER_ORDER.indexOf(b.tier) || rank(a) - rank(b));
}

function what(c: PolicyChange): string {
  const arrow = `${c.before ?? 'none'} → ${c.after ?? 'none'}`;
  switch (c.kind) {
    case 'limit_changed':
      return `limit ${arrow}`;
    case 'period_changed':
      return `period ${arrow}`;
    case 'tier_added':
      return `budget added: ${c.after}`;
    case 'tier_removed':
      return `budget removed (was ${c.before})`;
    case 'parent_changed':
      return `moves from ${c.before} to ${c.after}`;
    case 'provider_added':
      return `provider added: ${c.after}`;
    case 'provider_removed':
      return `provider removed (was ${c.before})`;
    case 'model_changed':
      return `model ${arrow}`;
    case 'weight_changed':
      return `weight ${arrow}`;
    case 'rate_limit_changed':
      return `rate limit ${arrow}`;
    case 'allowed_models_changed':
      return `allowed models ${arrow}`;
    case 'key_added':
      return 'key added';
    case 'key_removed':
      return 'key removed';
  }
}

const MARK: Record<PolicySeverity, string> = { blocking: 'BLOCKING', warning: 'warning ', info: 'info    ' };

/**
 * One line per change, e.g. `BLOCKING team ml-engineering limit $2,000 → $1,500: already spent
 * $1,620 — would be blocked immediately`.
 */
export function formatPolicyChanges(changes: readonly PolicyChange[]): string[] {
  return changes.map((c) => `${MARK[c.severity]} ${tierLabel(c.tier, c.id)} ${what(c)}: ${c.consequence}`);
}
