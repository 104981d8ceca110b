// Where in bifrost.yaml a policy change lives: the line of a tier's changed field, for CodeLenses and hovers.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { PolicyChangeJson } from '../proxy/api/wire/index.js';

/** A change as `spendgate diff --json` reports it (the engine's wire contract). */
export type { PolicyChangeJson };

/** Which list of the file holds the change's entry, and which field of the entry it is about. */
function target(c: PolicyChangeJson): { readonly path: readonly string[]; readonly field: string | undefined } {
  const budgets = ['budgets', c.tier];
  switch (c.kind) {
    case 'limit_changed':
      return { path: budgets, field: 'limit' };
    case 'period_changed':
      return { path: budgets, field: 'period' };
    case 'parent_changed':
      return { path: budgets, field: c.tier === 'team' ? 'customer_id' : 'team_id' };
    case 'tier_added':
    case 'tier_removed':
      return { path: budgets, field: undefined };
    case 'provider_added':
    case 'provider_removed':
      return { path: ['accounts', '*', 'providers'], field: undefined };
    case 'model_changed':
      return { path: ['accounts', '*', 'providers'], field: 'model' };
    case 'weight_changed':
      return { path: ['accounts', '*', 'providers'], field: 'weight' };
    case 'rate_limit_changed':
      return { path: ['rate_limits', c.tier], field: undefined };
    case 'allowed_models_changed':
      return { path: ['virtual_keys'], field: 'allowed_models' };
    case 'key_added':
    case 'key_removed':
      return { path: ['virtual_keys'], field: undefined };
  }
}

function child(node: unknown, key: string): unknown[] {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
    return pair ? [pair.value] : [];
  }
  if (key === '*' && isSeq(node)) return node.items;
  return [];
}

/** The 0-based line of `node`'s start. */
function lineOf(node: unknown, counter: LineCounter): number | undefined {
  const range = (node as YamlNode | undefined)?.range;
  return range ? counter.linePos(range[0]).line - 1 : undefined;
}

/** The map key node of `key` in `map`, so a lens sits on `limit: 1500` rather than on its value. */
function keyNode(map: unknown, key: string): unknown {
  return isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key)?.key : undefined;
}

/**
 * The 0-based line a change belongs on in the edited text: the changed field of the entry with the
 * change's id, else the entry, else the list that lost it (removals), else the first `id:` mention,
 * else line 0.
 */
export function changeLine(text: string, change: PolicyChangeJson): number {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const { path, field } = target(change);
  let nodes: unknown[] = [doc.contents];
  let listKey: unknown;
  for (const key of path) {
    listKey = nodes.map((n) => keyNode(n, key)).find((k) => k !== undefined) ?? listKey;
    nodes = nodes.flatMap((n) => child(n, key));
  }
  for (const list of nodes) {
    if (!isSeq(list)) continue;
    const entry = list.items.find((item) => isMap(item) && isScalar(item.get('id', true)) && String((item.get('id', true) as { value: unknown }).value) === change.id);
    if (entry === undefined) continue;
    const line = lineOf(field === undefined ? undefined : keyNode(entry, field), counter) ?? lineOf(keyNode(entry, 'id'), counter) ?? lineOf(entry, counter);
    if (line !== undefined) return line;
  }
  const atList = lineOf(listKey, counter);
  if (atList !== undefined) return atList;
  const mention = text.split(/\r?\n/).findIndex((l) => new RegExp(`\\bid:\\s*["']?${change.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*$`).test(l));
  return mention === -1 ? 0 : mention;
}

const WHAT: Record<PolicyChangeJson['kind'], (c: PolicyChangeJson) => string> = {
  limit_changed: (c) => `limit ${c.before} → ${c.after}`,
  period_changed: (c) => `period ${c.before} → ${c.after}`,
  tier_added: (c) => `budget added: ${c.after}`,
  tier_removed: (c) => `budget removed (was ${c.before})`,
  parent_changed: (c) => `moves from ${c.before} to ${c.after}`,
  provider_added: (c) => `provider added: ${c.after}`,
  provider_removed: (c) => `provider removed (was ${c.before})`,
  model_changed: (c) => `model ${c.before} → ${c.after}`,
  weight_changed: (c) => `weight ${c.before} → ${c.after}`,
  rate_limit_changed: (c) => `rate limit ${c.before ?? 'none'} → ${c.after ?? 'none'}`,
  allowed_models_changed: (c) => `allowed models ${c.before ?? 'any'} → ${c.after ?? 'any'}`,
  key_added: () => 'key added',
  key_removed: () => 'key removed',
};

const NOUN: Record<PolicyChangeJson['tier'], string> = { customer: 'customer', team: 'team', virtual_key: 'key', provider_config: 'provider' };

/** One line for a lens: `limit $2,000 → $1,500: already spent $1,620 — would be blocked immediately`. */
export function changeText(c: PolicyChangeJson, withTier = false): string {
  return `${withTier ? `${NOUN[c.tier]} ${c.id} ` : ''}${WHAT[c.kind](c)}: ${c.consequence}`;
}

/** A change placed on its line of the edited text. */
export interface PlacedChange {
  readonly line: number;
  readonly change: PolicyChangeJson;
  readonly text: string;
}

export function placeChanges(text: string, changes: readonly PolicyChangeJson[]): PlacedChange[] {
  return changes.map((change) => ({ line: changeLine(text, change), change, text: changeText(change, true) }));
}
