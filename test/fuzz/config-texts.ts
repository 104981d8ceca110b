// Hostile bifrost.yaml texts: random bytes, broken YAML, alias bombs, deep nesting, tags, and valid files with poisoned values.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { EDGE_NUMBERS, hostileBytes, hostileJson, hostileKey, hostileString, NUMBER_LIKE_STRINGS, PROTOTYPE_KEYS } from './adversarial.js';

/** A small valid config in the shape of the shared fixture; every field is a place to plant a hostile value. */
export function baseConfig(): Record<string, unknown> {
  return {
    accounts: [{ id: 'dev', providers: [{ id: 'claude', type: 'anthropic', model: 'claude-sonnet-4-20250514', weight: 1, base_url: 'http://127.0.0.1:1', api_key: 'env.K' }] }],
    budgets: {
      customer: [{ id: 'acme', limit: 100, period: '1M' }],
      team: [{ id: 'ml', customer_id: 'acme', limit: 50, period: '1w' }],
      virtual_key: [{ id: 'dev-key', team_id: 'ml', limit: 10, period: '1d' }],
      provider_config: [{ id: 'claude', limit: 20, period: '1M' }],
    },
    rate_limits: { virtual_key: [{ id: 'dev-key', requests: { limit: 10, duration: '1m' }, tokens: { limit: 1000, duration: '1h' } }] },
    virtual_keys: [{ id: 'dev-key', key: 'env.DEV_KEY', allowed_models: ['claude-sonnet-4-20250514'] }],
    pricing: { 'claude-sonnet-4-20250514': { input: 3, output: 15, cache_read: 0.3 } },
    routing: { retries: 1, fallback: true, timeouts: { connect_ms: 1000, first_byte_ms: 2000, idle_ms: 2000 } },
    logging: { retention_days: 30, capture_bodies: false },
  };
}

/** Every path (list of keys / indexes) to a leaf or container inside a value. */
function pathsOf(value: unknown, prefix: readonly (string | number)[] = []): (string | number)[][] {
  const here = [[...prefix]];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
}

const BASE_PATHS = pathsOf(baseConfig()).filter((p) => p.length > 0);

type Mutation = { readonly path: readonly (string | number)[]; readonly op: 'set' | 'delete' | 'addKey'; readonly key: string; readonly value: unknown };

/** Applies mutations to a fresh base config (values cloned: fast-check shares constant objects between cases), defining hostile keys as own data properties. */
function mutated(mutations: readonly Mutation[]): unknown {
  const root: Record<string, unknown> = baseConfig();
  for (const m of mutations) {
    const parentPath = m.path.slice(0, -1);
    let parent: unknown = root;
    for (const step of parentPath) parent = parent !== null && typeof parent === 'object' ? (parent as Record<string | number, unknown>)[step] : undefined;
    if (parent === null || typeof parent !== 'object') continue;
    const last = m.path[m.path.length - 1];
    const target = parent as Record<string | number, unknown>;
    if (m.op === 'delete') delete target[last];
    else if (m.op === 'set') Object.defineProperty(target, last, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
    else {
      const child = target[last];
      if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
        Object.defineProperty(child, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return root;
}

const poisonValue = fc.oneof(
  fc.constantFrom(...EDGE_NUMBERS),
  fc.constantFrom(...NUMBER_LIKE_STRINGS),
  fc.constantFrom(null, true, false, [], {}, 'env.', 'env.UNSET_VARIABLE_X', 'sha256:zz', '1x', '0m', '-1d', '1.5h', 'http://[::1', 'javascript:alert(1)'),
  hostileString(2000),
  hostileJson({ maxDepth: 3, maxString: 200 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.constantFrom(...BASE_PATHS),
  op: fc.constantFrom('set', 'set', 'delete', 'addKey'),
  key: hostileKey(),
  value: poisonValue,
});

/** A valid file with a few values replaced, removed or joined by hostile keys, written by the YAML library. */
const poisonedConfig = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => stringify(mutated(ms)));

/** YAML features a config never needs but an attacker might plant. */
const hostileYamlSnippets = fc.oneof(
  fc.integer({ min: 1, max: 12 }).map((levels) => {
    // A billion-laughs alias bomb, `levels` deep, ten aliases per level.
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    lines.push(`accounts: *a${levels}`);
    return lines.join('\n');
  }),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => `accounts: ${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => `accounts: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`),
  // Indented nesting grows quadratically in bytes (2000 levels ≈ 2 MB); the loader test pins a 5000-level case separately.
  fc.integer({ min: 1, max: 2_000 }).map((depth) => Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')),
  fc.integer({ min: 1, max: 2_000 }).map((depth) => `accounts:\n${Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- `).join('\n')}x`),
  fc.constantFrom(
    '__proto__:\n  polluted: yes\naccounts: []',
    'accounts:\n  - id: a\n    providers: []\n    __proto__: {polluted: yes}',
    'budgets:\n  __proto__:\n    - {id: x, limit: 1, period: 1d}',
    'pricing:\n  __proto__: {input: 1, output: 2}\n  constructor: {input: 1, output: 2}\n  prototype: {input: 1, output: 2}',
    'base: &b {polluted: yes}\naccounts:\n  - <<: *b\n    id: a\n    providers: []',
    'accounts: !!js/function "function () { return 1 }"',
    'accounts: !!binary aGVsbG8=',
    'accounts: !!set {a, b}',
    'accounts: !!omap [a: 1, a: 2]',
    'accounts: !custom-tag x',
    'accounts: !<tag:yaml.org,2002:str> 1',
    '%YAML 1.1\n---\naccounts: []',
    '%TAG ! tag:evil.example,2000:\n---\naccounts: !x []',
    'accounts: []\n---\naccounts: []',
    '---\n...\n---\n...',
    '\ufeffaccounts: []',
    'accounts: []\u0000',
    'accounts:\r\n  - id: a\r\n    providers: []\r\n',
    'accounts:\n\t- id: a',
    'budgets:\n  virtual_key:\n    - {id: k, limit: .nan, period: 1d}\n    - {id: j, limit: .inf, period: 1d}\n    - {id: i, limit: -.inf, period: 1d}',
    'budgets:\n  virtual_key:\n    - {id: k, limit: 1e400, period: 1d}\n    - {id: j, limit: -0, period: 1d}\n    - {id: i, limit: 0x10, period: 99999999999999999999Y}',
    'accounts: &x [*x]',
    'accounts: *undefined_anchor',
    'a: b: c',
    '? [a, b]\n: c',
    '? {accounts: []}\n: 1',
    '"accounts": [',
    "'",
    '{',
    ': : :',
    '- - - -',
    'accounts: |\n  not a list',
  ),
);

/** A valid file with a hostile snippet spliced in at some line. */
const splicedConfig = fc.tuple(fc.nat(), hostileYamlSnippets).map(([at, snippet]) => {
  const lines = stringify(baseConfig()).split('\n');
  const i = at % (lines.length + 1);
  return [...lines.slice(0, i), snippet, ...lines.slice(i)].join('\n');
});

/** Everything the loader might be handed. */
export function hostileConfigText(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) },
    { weight: 1, arbitrary: hostileBytes(2000).map((b) => Buffer.from(b).toString('utf8')) },
    { weight: 1, arbitrary: hostileBytes(2000).map((b) => Buffer.from(b).toString('latin1')) },
    { weight: 3, arbitrary: hostileYamlSnippets },
    { weight: 4, arbitrary: poisonedConfig },
    { weight: 3, arbitrary: splicedConfig },
    { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS).map((k) => `${k}: {accounts: []}`) },
  );
}
