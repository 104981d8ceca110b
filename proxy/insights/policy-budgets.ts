// Policy diff of the budget tiers: limits, periods, tiers added or removed, keys and teams moving parent.
import type { BudgetDef, Config, TierKind } from '../config/types.js';
import type { PolicyChange, SpendLookup } from './policy-change.js';
import { percentText, resetMoment, tierLabel, usd } from './wording.js';

interface TierDefinition {
  readonly def: BudgetDef;
  /** The tier above: the customer of a team, the team of a key; null when none. */
  readonly parent: { readonly tier: TierKind; readonly id: string } | null;
}

/** Share of a new limit at which current spend is worth a warning. */
const NEAR_LIMIT = 0.9;

function tiersOf(config: Config, kind: TierKind): Map<string, TierDefinition> {
  const b = config.budgets;
  const entries: [string, TierDefinition][] =
    kind === 'customer' ? b.customer.map((def) => [def.id, { def, parent: null }])
    : kind === 'team' ? b.team.map((def) => [def.id, { def, parent: def.customerId === undefined ? null : { tier: 'customer', id: def.customerId } }])
    : kind === 'virtual_key' ? b.virtualKey.map((def) => [def.id, { def, parent: def.teamId === undefined ? null : { tier: 'team', id: def.teamId } }])
    : b.providerConfig.map((def) => [def.id, { def, parent: null }]);
  return new Map(entries);
}

const budgetWords = (def: BudgetDef) => `${usd(def.limitMicros)} per ${def.period.text}`;
const parentWords = (p: TierDefinition['parent']) => (p === null ? 'no parent' : tierLabel(p.tier, p.id));

function limitChange(kind: TierKind, id: string, before: BudgetDef, after: BudgetDef, spend: SpendLookup): PolicyChange {
  const base = { subject: { tier: kind, id }, kind: 'limit_changed' as const, before: usd(before.limitMicros), after: usd(after.limitMicros) };
  const current = spend.get(kind, id);
  if (current === undefined) {
    const direction = after.limitMicros < before.limitMicros ? 'lowered' : 'raised';
    return { ...base, severity: 'info', consequence: `limit ${direction}; current spend unknown` };
  }
  const spent = current.spentMicros;
  const left = after.limitMicros - spent;
  const samePeriod = before.period.text === after.period.text;
  const period = samePeriod ? '' : ` (in the current ${before.period.text} period)`;
  if (left <= 0) {
    return { ...base, severity: 'blocking', consequence: `already spent ${usd(spent)}${period} — would be blocked immediately` };
  }
  const near = spent >= NEAR_LIMIT * after.limitMicros;
  return {
    ...base,
    severity: near ? 'warning' : 'info',
    consequence: `already spent ${usd(spent)}${period} (${percentText(spent / after.limitMicros)} of the new limit): ${usd(left)} left until it resets on ${resetMoment(Date.parse(current.resetsAt))}`,
  };
}

function parentChange(kind: TierKind, id: string, before: TierDefinition, after: TierDefinition, spend: SpendLookup): PolicyChange {
  const base = { subject: { tier: kind, id }, kind: 'parent_changed' as const, before: parentWords(before.parent), after: parentWords(after.parent) };
  if (after.parent === null) {
    return { ...base, severity: 'info', consequence: `its spend no longer counts against ${parentWords(before.parent)}` };
  }
  const target = tierLabel(after.parent.tier, after.parent.id);
  const current = spend.get(after.parent.tier, after.parent.id);
  if (current === undefined) return { ...base, severity: 'info', consequence: `its future spend counts against ${target}` };
  const left = current.limitMicros - current.spentMicros;
  if (left <= 0) {
    return { ...base, severity: 'blocking', consequence: `${target} has already spent ${usd(current.spentMicros)} of ${usd(current.limitMicros)} — its requests would be blocked immediately` };
  }
  return { ...base, severity: 'info', consequence: `its future spend counts against ${target} (${usd(left)} left there); spend so far stays where it was counted` };
}

function changedTier(kind: TierKind, id: string, before: TierDefinition, after: TierDefinition, spend: SpendLookup): PolicyChange[] {
  const out: PolicyChange[] = [];
  if (before.def.limitMicros !== after.def.limitMicros) out.push(limitChange(kind, id, before.def, after.def, spend));
  if (before.def.period.text !== after.def.period.text) {
    out.push({
      subject: { tier: kind, id },
      kind: 'period_changed',
      before: before.def.period.text,
      after: after.def.period.text,
      severity: 'info',
      consequence: `the limit applies per ${after.def.period.text} instead of per ${before.def.period.text}; the current period's spend is re-counted into the new period`,
    });
  }
  if (parentWords(before.parent) !== parentWords(after.parent)) out.push(parentChange(kind, id, before, after, spend));
  return out;
}

function removedTier(kind: TierKind, id: string, before: TierDefinition, spend: SpendLookup): PolicyChange {
  const current = spend.get(kind, id);
  const had = current === undefined ? '' : ` (${usd(current.spentMicros)} spent this period)`;
  return {
    subject: { tier: kind, id },
    kind: 'tier_removed',
    before: budgetWords(before.def),
    after: null,
    severity: 'warning',
    consequence: `spend is no longer capped at this tier${had}`,
  };
}

function addedTier(kind: TierKind, id: string, after: TierDefinition): PolicyChange {
  const under = after.parent === null ? '' : ` under ${parentWords(after.parent)}`;
  return {
    subject: { tier: kind, id },
    kind: 'tier_added',
    before: null,
    after: budgetWords(after.def),
    severity: 'info',
    consequence: `new budget${under}; it starts from $0 this period (earlier spend was not counted at this tier)`,
  };
}

const KINDS: readonly TierKind[] = ['customer', 'team', 'virtual_key', 'provider_config'];

/** Budget changes, outermost tier first, ids in the old file's order then the added ones. */
export function budgetChanges(oldCfg: Config, newCfg: Config, spend: SpendLookup): PolicyChange[] {
  const out: PolicyChange[] = [];
  for (const kind of KINDS) {
    const before = tiersOf(oldCfg, kind);
    const after = tiersOf(newCfg, kind);
    for (const [id, old] of before) {
      const next = after.get(id);
      out.push(...(next === undefined ? [removedTier(kind, id, old, spend)] : changedTier(kind, id, old, next, spend)));
    }
    for (const [id, next] of after) if (!before.has(id)) out.push(addedTier(kind, id, next));
  }
  return out;
}
