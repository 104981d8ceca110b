// The policy preview `spendgate diff --json` prints (the extension's code lenses read it): the changes on the wire.
import type { PolicyChange } from '../insights/policy-change.js';
import type { PolicyChangeJson, PolicyPreviewJson } from './wire/index.js';

export function policyChangeJson(c: PolicyChange): PolicyChangeJson {
  return { tier: c.subject.tier, id: c.subject.id, kind: c.kind, before: c.before, after: c.after, consequence: c.consequence, severity: c.severity };
}

/** The preview of an edit from revision `from` to `to` of the config file at `config` (relative to the repository root). */
export function policyPreviewJson(
  revisions: { readonly from: string; readonly to: string; readonly config: string },
  currentSpend: boolean,
  changes: readonly PolicyChange[],
): PolicyPreviewJson {
  return { ...revisions, current_spend: currentSpend, changes: changes.map(policyChangeJson) };
}
