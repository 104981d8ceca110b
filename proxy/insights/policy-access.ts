// Policy diff of access: rate limits, a key's allowed models, and virtual keys added or removed.
import type { Config, RateLimitDef, TierKind, WindowLimit } from '../config/types.js';
import { windowMs } from '../governance/periods.js';
import type { PolicyChange } from './policy-change.js';

type LimitKind = 'requests' | 'tokens';

function windowWords(kind: LimitKind, w: WindowLimit | undefined): string | null {
  return w === undefined ? null : `${w.limit.toLocaleString('en-US')} ${kind} per ${w.duration.text}`;
}

/** Requests or tokens allowed per millisecond of window, to compare windows of different lengths. */
function rate(w: WindowLimit): number {
  return w.limit / windowMs(w.duration);
}

function limitChange(tier: TierKind, id: string, kind: LimitKind, before: WindowLimit | undefined, after: WindowLimit | undefined): PolicyChange | null {
  const was = windowWords(kind, before);
  const now = windowWords(kind, after);
  if (was === now) return null;
  const base = { subject: { tier, id }, kind: 'rate_limit_changed' as const, before: was, after: now };
  if (before === undefined) return { ...base, severity: 'warning', consequence: `${kind} are now limited: excess requests get 429` };
  if (after === undefined) return { ...base, severity: 'info', consequence: `${kind} are no longer rate limited` };
  const tighter = rate(after) < rate(before) || after.limit < before.limit;
  return tighter
    ? { ...base, severity: 'warning', consequence: `tighter: bursts that passed before may now get 429` }
    : { ...base, severity: 'info', consequence: 'looser' };
}

function rateLimitsOf(defs: readonly RateLimitDef[]): Map<string, RateLimitDef> {
  return new Map(defs.map((d) => [d.id, d]));
}

function rateLimitChanges(tier: TierKind, oldDefs: readonly RateLimitDef[], newDefs: readonly RateLimitDef[]): PolicyChange[] {
  const before = rateLimitsOf(oldDefs);
  const after = rateLimitsOf(newDefs);
  const ids = [...before.keys(), ...[...after.keys()].filter((id) => !before.has(id))];
  const out: PolicyChange[] = [];
  for (const id of ids) {
    for (const kind of ['requests', 'tokens'] as const) {
      const change = limitChange(tier, id, kind, before.get(id)?.[kind], after.get(id)?.[kind]);
      if (change !== null) out.push(change);
    }
  }
  return out;
}

const modelsWords = (models: readonly string[] | undefined) => (models === undefined ? 'any model' : models.join(', '));

function keyChanges(oldCfg: Config, newCfg: Config): PolicyChange[] {
  const before = new Map(oldCfg.virtualKeys.map((k) => [k.id, k]));
  const after = new Map(newCfg.virtualKeys.map((k) => [k.id, k]));
  const out: PolicyChange[] = [];
  for (const [id, old] of before) {
    const next = after.get(id);
    if (next === undefined) {
      out.push({ subject: { tier: 'virtual_key', id }, kind: 'key_removed', before: 'exists', after: null, severity: 'warning', consequence: 'clients presenting this key are refused with 401' });
      continue;
    }
    const was = modelsWords(old.allowedModels);
    const now = modelsWords(next.allowedModels);
    if (was === now) continue;
    const base = { subject: { tier: 'virtual_key' as const, id }, kind: 'allowed_models_changed' as const, before: was, after: now };
    if (next.allowedModels === undefined) {
      out.push({ ...base, severity: 'info', consequence: 'any model is allowed' });
      continue;
    }
    const lost = old.allowedModels === undefined ? null : old.allowedModels.filter((m) => !next.allowedModels?.includes(m));
    if (lost === null) out.push({ ...base, severity: 'warning', consequence: `requests for any other model get 403 model_blocked` });
    else if (lost.length > 0) out.push({ ...base, severity: 'warning', consequence: `requests for ${lost.join(', ')} get 403 model_blocked` });
    else out.push({ ...base, severity: 'info', consequence: 'more models allowed' });
  }
  for (const id of after.keys()) {
    if (!before.has(id)) out.push({ subject: { tier: 'virtual_key', id }, kind: 'key_added', before: null, after: 'exists', severity: 'info', consequence: 'a new virtual key is accepted' });
  }
  return out;
}

/** Rate limit changes (keys, then providers) and key changes. */
export function accessChanges(oldCfg: Config, newCfg: Config): PolicyChange[] {
  return [
    ...rateLimitChanges('virtual_key', oldCfg.rateLimits.virtualKey, newCfg.rateLimits.virtualKey),
    ...rateLimitChanges('provider_config', oldCfg.rateLimits.providerConfig, newCfg.rateLimits.providerConfig),
    ...keyChanges(oldCfg, newCfg),
  ];
}
