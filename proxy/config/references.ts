// Checks across a schema-valid file: unique ids, references that resolve, and settings that contradict.
import { createHash } from 'node:crypto';
import type { ConfigPath, PathProblem } from './positions.js';
import type { FileConfig } from './schema.js';
import { envSecret, httpUrl } from './fields.js';
import { idsOf, listOf, providerList, textField, type ItemList, type ListItem } from './id-lists.js';
import { collectVirtualKeys } from './virtual-keys.js';
import { inferenceProfileProblems } from './inference-profiles.js';

function error(path: ConfigPath, message: string): PathProblem {
  return { severity: 'error', path, part: 'value', message };
}

function warning(path: ConfigPath, message: string): PathProblem {
  return { severity: 'warning', path, part: 'value', message };
}

function duplicates(what: string, list: ItemList): PathProblem[] {
  const seen = new Set<string>();
  const out: PathProblem[] = [];
  for (const item of list.items) {
    const id = textField(item, 'id');
    if (id === undefined) continue;
    if (seen.has(id)) out.push(error([...item.path, 'id'], `duplicate ${what} id "${id}"`));
    seen.add(id);
  }
  return out;
}

function uniqueness(root: unknown): PathProblem[] {
  return [
    ...duplicates('account', listOf(root, 'accounts')),
    ...duplicates('provider config', providerList(root)),
    ...duplicates('customer budget', listOf(root, 'budgets', 'customer')),
    ...duplicates('team budget', listOf(root, 'budgets', 'team')),
    ...duplicates('virtual key budget', listOf(root, 'budgets', 'virtual_key')),
    ...duplicates('provider config budget', listOf(root, 'budgets', 'provider_config')),
    ...duplicates('virtual key rate limit', listOf(root, 'rate_limits', 'virtual_key')),
    ...duplicates('provider config rate limit', listOf(root, 'rate_limits', 'provider_config')),
    ...duplicates('virtual key', listOf(root, 'virtual_keys')),
  ];
}

/**
 * Each item's `field` must name an id of `targets`. Only said when every id of `targets` is known: if one of its
 * items failed the schema, the missing id may be that item's, and the schema problem already points there.
 */
function resolves(items: ItemList, field: string, targets: ItemList, message: (item: ListItem, ref: string) => string): PathProblem[] {
  if (!targets.complete) return [];
  const known = idsOf(targets);
  return items.items.flatMap((item) => {
    const ref = textField(item, field);
    return ref === undefined || known.has(ref) ? [] : [error([...item.path, field], message(item, ref))];
  });
}

function references(root: unknown): PathProblem[] {
  const id = (item: ListItem) => textField(item, 'id') ?? '?';
  const providers = providerList(root);
  return [
    ...resolves(listOf(root, 'budgets', 'team'), 'customer_id', listOf(root, 'budgets', 'customer'), (t, ref) => `team "${id(t)}" names customer "${ref}", which has no entry in budgets.customer`),
    ...resolves(listOf(root, 'budgets', 'virtual_key'), 'team_id', listOf(root, 'budgets', 'team'), (k, ref) => `virtual key "${id(k)}" names team "${ref}", which has no entry in budgets.team`),
    ...resolves(listOf(root, 'budgets', 'provider_config'), 'id', providers, (_, ref) => `budget for provider config "${ref}", which no account defines`),
    ...resolves(listOf(root, 'rate_limits', 'provider_config'), 'id', providers, (_, ref) => `rate limit for provider config "${ref}", which no account defines`),
    ...resolves(listOf(root, 'virtual_keys'), 'account', listOf(root, 'accounts'), (k, ref) => `virtual key "${id(k)}" names account "${ref}", which is not in accounts`),
  ];
}

/**
 * The problems of a file that failed the schema which can still be told: duplicate ids and references to ids that
 * do not exist, read from the parts that are well-formed, so one run of `spendgate check` reports them all.
 */
export function checkReferencesOfRawFile(raw: unknown): PathProblem[] {
  return [...uniqueness(raw), ...references(raw)];
}

function secretCollisions(file: FileConfig): PathProblem[] {
  const owners = new Map<string, string>();
  const out: PathProblem[] = [];
  for (const { def, path } of collectVirtualKeys(file)) {
    if (def.secret.kind !== 'literal') continue;
    const owner = owners.get(def.secret.value);
    // Never print the secret itself: name the keys that share it.
    if (owner !== undefined) out.push(error(path, `virtual key "${def.id}" presents the same secret as virtual key "${owner}"`));
    else owners.set(def.secret.value, def.id);
  }
  return out;
}

/**
 * Keys whose secret is their own id (the default for a key named only under budgets, rate limits or guards).
 * Legal, so only a warning, but the id is printed wherever keys are named (logs, dashboards, `spendgate status`),
 * so the file and every screen that shows the id hands out a working key.
 */
function idAsSecret(file: FileConfig): PathProblem[] {
  const out: PathProblem[] = [];
  for (const { def, path } of collectVirtualKeys(file)) {
    const secret = def.secret;
    const isId =
      (secret.kind === 'literal' && secret.value === def.id) ||
      (secret.kind === 'sha256' && secret.hex === createHash('sha256').update(def.id, 'utf8').digest('hex'));
    if (!isId) continue;
    out.push(
      warning(
        path,
        `virtual key "${def.id}" uses its id as its secret, so anyone who sees the id can spend its budget: ` +
          'declare it under virtual_keys with key: env.NAME or key: sha256:HEX (spendgate hash-key)',
      ),
    );
  }
  return out;
}

function settings(file: FileConfig): PathProblem[] {
  const out: PathProblem[] = [];
  file.guards.forEach((guard, i) => {
    if (guard.max_spend === undefined && guard.max_requests === undefined) {
      out.push(error(['guards', i], `guard for virtual key "${guard.virtual_key_id}" needs max_spend, max_requests or both`));
    }
  });
  if (file.routing.backoff_max_ms < file.routing.backoff_base_ms) {
    out.push(error(['routing', 'backoff_max_ms'], `backoff_max_ms (${file.routing.backoff_max_ms}) must not be below backoff_base_ms (${file.routing.backoff_base_ms})`));
  }
  if (file.pricing_file !== undefined && file.pricing.pricing_file !== undefined) {
    out.push(error(['pricing', 'pricing_file'], 'pricing_file is given both at the top level and inside pricing: keep one'));
  }
  return out;
}

/** The alert section's rules that depend on a destination's type, and thresholds written twice. */
function alertSettings(file: FileConfig): PathProblem[] {
  if (file.alerts === undefined) return [];
  const out: PathProblem[] = [];
  const seen = new Set<number>();
  file.alerts.thresholds.forEach((t, i) => {
    if (seen.has(t)) out.push(error(['alerts', 'thresholds', i], `threshold ${t}% is listed twice`));
    seen.add(t);
  });
  file.alerts.destinations.forEach((d, i) => {
    const at: ConfigPath = ['alerts', 'destinations', i];
    if (d.type === 'webhook') {
      const url = httpUrl(d.url);
      if (!url.ok) out.push(error([...at, 'url'], `webhook url: ${url.message}`));
      return;
    }
    // A Slack incoming-webhook URL is itself the credential: whoever has it can post to the channel.
    const ref = envSecret(d.url);
    if (!ref.ok) out.push(error([...at, 'url'], `a Slack webhook URL is a secret: ${ref.message}`));
    if (d.secret !== undefined) out.push(error([...at, 'secret'], 'slack destinations are not signed: secret is for webhook destinations'));
  });
  if (file.alerts.destinations.length === 0) out.push(warning(['alerts'], 'alerts has no destinations: alerts are recorded but sent nowhere'));
  return out;
}

function advice(file: FileConfig): PathProblem[] {
  const out: PathProblem[] = [];
  if (file.accounts.length === 0) out.push(warning([], 'no accounts are configured: the gateway has no provider to route to'));
  file.accounts.forEach((account, a) => {
    if (account.providers.length === 0) out.push(warning(['accounts', a, 'id'], `account "${account.id}" has no providers`));
    account.providers.forEach((p, i) => {
      const at: ConfigPath = ['accounts', a, 'providers', i];
      if (p.type === 'bedrock' && p.base_url !== undefined) out.push(warning([...at, 'base_url'], 'base_url is for anthropic and openai providers; bedrock uses endpoint'));
      if (p.type !== 'bedrock' && p.endpoint !== undefined) out.push(warning([...at, 'endpoint'], `endpoint is for bedrock providers; ${p.type} uses base_url`));
    });
  });
  for (const tier of ['virtual_key', 'provider_config'] as const) {
    file.rate_limits[tier].forEach((r, i) => {
      if (!r.requests && !r.tokens) out.push(warning(['rate_limits', tier, i, 'id'], `rate limit for "${r.id}" sets neither requests nor tokens`));
    });
  }
  return out;
}

/** Every cross-section problem of a file that already passed the schema. */
export function checkReferences(file: FileConfig): PathProblem[] {
  return [...uniqueness(file), ...references(file), ...secretCollisions(file), ...idAsSecret(file), ...settings(file), ...alertSettings(file), ...inferenceProfileProblems(file), ...advice(file)];
}
