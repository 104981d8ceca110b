// Policy diff of routing: provider configs added or removed, models swapped, traffic shares moved.
import type { Config, ProviderConfig } from '../config/types.js';
import type { PolicyChange, SpendLookup } from './policy-change.js';
import { usd } from './wording.js';

function providersOf(config: Config): Map<string, ProviderConfig> {
  return new Map(config.accounts.flatMap((a) => a.providers.map((p) => [p.id, p] as const)));
}

/** Each provider's share of its account's traffic (weight ÷ the account's total weight), as a fraction. */
function sharesOf(config: Config): Map<string, number> {
  const shares = new Map<string, number>();
  for (const account of config.accounts) {
    const total = account.providers.reduce((sum, p) => sum + p.weight, 0);
    for (const p of account.providers) shares.set(p.id, total === 0 ? 0 : p.weight / total);
  }
  return shares;
}

/** 0.8 → "80%", 0.3333 → "33.3%". */
function share(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

function removed(p: ProviderConfig, oldCfg: Config, newCfg: Config, spend: SpendLookup): PolicyChange {
  const budget = oldCfg.budgets.providerConfig.find((b) => b.id === p.id);
  const current = spend.get('provider_config', p.id);
  const parts: string[] = [];
  let severity: PolicyChange['severity'] = 'info';
  if (budget !== undefined) {
    severity = 'warning';
    const spent = current === undefined ? '' : `, ${usd(current.spentMicros)} spent`;
    parts.push(`its budget (${usd(budget.limitMicros)} per ${budget.period.text}${spent}) goes with it`);
  }
  const stillServed = [...providersOf(newCfg).values()].some((q) => q.model === p.model);
  if (!stillServed) {
    severity = 'warning';
    parts.push(`no provider serves ${p.model} any more: requests naming it go to the account's pool`);
  }
  const siblings = newCfg.accounts.find((a) => a.id === p.accountId)?.providers.map((q) => q.id) ?? [];
  parts.push(siblings.length > 0 ? `its traffic moves to ${siblings.join(', ')}` : `account ${p.accountId} has no provider left`);
  if (siblings.length === 0) severity = 'blocking';
  return { subject: { tier: 'provider_config', id: p.id }, kind: 'provider_removed', before: `${p.type} ${p.model}`, after: null, severity, consequence: parts.join('; ') };
}

/** Routing changes in the old file's provider order, then added providers. */
export function routingChanges(oldCfg: Config, newCfg: Config, spend: SpendLookup): PolicyChange[] {
  const before = providersOf(oldCfg);
  const after = providersOf(newCfg);
  const oldShares = sharesOf(oldCfg);
  const newShares = sharesOf(newCfg);
  const out: PolicyChange[] = [];
  for (const [id, p] of before) {
    const next = after.get(id);
    if (next === undefined) {
      out.push(removed(p, oldCfg, newCfg, spend));
      continue;
    }
    if (next.model !== p.model || next.type !== p.type) {
      out.push({
        subject: { tier: 'provider_config', id }, kind: 'model_changed', before: `${p.type} ${p.model}`, after: `${next.type} ${next.model}`, severity: 'warning',
        consequence: 'requests routed here are served and priced as the new model',
      });
    }
    const was = oldShares.get(id) ?? 0;
    const now = newShares.get(id) ?? 0;
    if (next.weight !== p.weight || share(was) !== share(now)) {
      const budget = spend.get('provider_config', id);
      const nearlySpent = budget !== undefined && now > was && budget.spentMicros >= 0.9 * budget.limitMicros;
      out.push({
        subject: { tier: 'provider_config', id }, kind: 'weight_changed',
        before: `${p.weight} (${share(was)})`, after: `${next.weight} (${share(now)})`,
        severity: nearlySpent ? 'warning' : 'info',
        consequence:
          `${share(now)} of account ${next.accountId}'s traffic instead of ${share(was)}` +
          (nearlySpent && budget !== undefined ? ` while its budget is already ${usd(budget.spentMicros)} of ${usd(budget.limitMicros)}` : ''),
      });
    }
  }
  for (const [id, p] of after) {
    if (before.has(id)) continue;
    out.push({
      subject: { tier: 'provider_config', id }, kind: 'provider_added', before: null, after: `${p.type} ${p.model}`, severity: 'info',
      consequence: `takes ${share(newShares.get(id) ?? 0)} of account ${p.accountId}'s traffic`,
    });
  }
  return out;
}
