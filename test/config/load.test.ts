import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfigFile, loadConfigText } from '../../proxy/config/load.js';
import type { Config, ConfigProblem, LoadResult } from '../../proxy/config/types.js';

const root = resolve(__dirname, '..', '..');
const fixturePath = join(root, 'examples/bifrost.yaml');
const fixture = readFileSync(fixturePath, 'utf8');

function loaded(result: LoadResult): Config {
  if (!result.ok) assert.fail(`expected a valid config, got ${JSON.stringify(result.problems)}`);
  return result.config;
}

function problemsOf(result: LoadResult): readonly ConfigProblem[] {
  return result.ok ? result.warnings : result.problems;
}

const STAGING_KEY_WARNING = {
  severity: 'warning',
  line: 30,
  col: 11,
  message:
    'virtual key "staging-key" uses its id as its secret, so anyone who sees the id can spend its budget: ' +
    'declare it under virtual_keys with key: env.NAME or key: sha256:HEX (spendgate hash-key)',
} as const;

test("the team's example bifrost.yaml loads unchanged; its one problem is the warning that staging-key's secret is its id", async () => {
  const result = await loadConfigFile(fixturePath);
  assert.equal(result.ok, true);
  assert.deepEqual(problemsOf(result), [STAGING_KEY_WARNING]);
});

test('the example maps accounts to provider configs with weights, regions and their account id', () => {
  const config = loaded(loadConfigText(fixture, fixturePath));
  assert.deepEqual(config.accounts, [
    {
      id: 'ml-team',
      providers: [
        { id: 'bedrock-claude', accountId: 'ml-team', type: 'bedrock', model: 'anthropic.claude-sonnet-4-20250514-v1:0', weight: 80, region: 'us-east-1' },
        { id: 'bedrock-mistral', accountId: 'ml-team', type: 'bedrock', model: 'mistral.mistral-large-2407-v1:0', weight: 20, region: 'us-west-2' },
      ],
    },
  ]);
});

test('the example budgets are integer micro-dollars with their periods and parents', () => {
  const { budgets } = loaded(loadConfigText(fixture, fixturePath));
  const month = { count: 1, unit: 'M', text: '1M' };
  assert.deepEqual(budgets.customer, [{ id: 'acme-corp', limitMicros: 5_000_000_000, period: month }]);
  assert.deepEqual(budgets.team, [{ id: 'ml-engineering', limitMicros: 2_000_000_000, period: month, customerId: 'acme-corp' }]);
  assert.deepEqual(budgets.virtualKey, [
    { id: 'staging-key', limitMicros: 500_000_000, period: { count: 1, unit: 'w', text: '1w' }, teamId: 'ml-engineering' },
  ]);
  assert.deepEqual(budgets.providerConfig, [{ id: 'bedrock-claude', limitMicros: 1_000_000_000, period: month }]);
});

test('the example rate limits keep request and token windows', () => {
  const { rateLimits } = loaded(loadConfigText(fixture, fixturePath));
  const hour = { count: 1, unit: 'h', text: '1h' };
  assert.deepEqual(rateLimits.virtualKey, [
    { id: 'staging-key', requests: { limit: 100, duration: hour }, tokens: { limit: 50_000, duration: hour } },
  ]);
  assert.deepEqual(rateLimits.providerConfig, [{ id: 'bedrock-claude', requests: { limit: 500, duration: hour } }]);
});

test('a key named only by a budget exists and presents its own id as its secret', () => {
  const config = loaded(loadConfigText(fixture, fixturePath));
  assert.deepEqual(config.virtualKeys, [{ id: 'staging-key', secret: { kind: 'literal', value: 'staging-key' } }]);
});

test('an empty file is valid, warns that nothing is routable, and takes every default', () => {
  const result = loadConfigText('', '/tmp/bifrost.yaml');
  const config = loaded(result);
  assert.deepEqual(problemsOf(result).map((p) => [p.severity, p.line, p.col]), [['warning', 1, 1]]);
  assert.match(problemsOf(result)[0].message, /no accounts/);
  assert.deepEqual(config.routing, {
    retries: 2,
    fallback: 'same_model',
    backoffBaseMs: 100,
    backoffMaxMs: 2000,
    maxTotalMs: 60_000,
    breaker: { failures: 5, cooldownMs: 30_000 },
    timeouts: { connectMs: 10_000, firstByteMs: 120_000, idleMs: 120_000 },
  });
  assert.deepEqual(config.logging, { retentionDays: 30, maxRecords: 50_000, captureBodies: false, maxBodyCaptureBytes: 262_144 });
  assert.deepEqual(config.pricing, { models: {}, unknownModel: 'serve' });
  assert.deepEqual(config.store, { journalFsync: 1000 });
  assert.deepEqual(config.virtualKeys, []);
  assert.deepEqual(config.guards, []);
});

test('every section is read into camelCase settings', () => {
  const text = `accounts:
  - id: direct
    providers:
      - id: claude-direct
        type: anthropic
        model: claude-sonnet-4-20250514
        base_url: https://api.anthropic.com
        api_key: env.ANTHROPIC_API_KEY
        timeouts: {first_byte_ms: 30000}
      - id: br
        type: bedrock
        model: anthropic.claude-3-haiku-20240307-v1:0
        endpoint: http://127.0.0.1:9999
        credentials: {profile: dev, role_arn: "arn:aws:iam::1:role/x"}
virtual_keys:
  - id: alice
    key: env.ALICE_KEY
    account: direct
    allowed_models: [claude-sonnet-4-20250514]
    description: Alice's laptop
  - id: bob
    key: sha256:${'AB'.repeat(32)}
pricing:
  unknown_model: reject
  my-model: {input: 3, output: 15, cache_read: 0.3, cache_write_5m: 3.75}
pricing_file: prices/litellm.json
store: {url: "postgres://postgres@127.0.0.1:5432/test", journal_fsync: off}
logging: {retention_days: 7, max_records: 5000, capture_bodies: true}
routing:
  retries: 0
  fallback: false
  breaker: {failures: 3}
  timeouts: {connect_ms: 500}
guards:
  - {virtual_key_id: runaway-agent, max_spend: 2.5, window: 15m}
  - {virtual_key_id: alice, max_requests: 600, window: 1h}
`;
  const config = loaded(loadConfigText(text, '/srv/team/bifrost.yaml', { fileExists: () => true }));
  assert.deepEqual(config.accounts[0].providers, [
    {
      id: 'claude-direct',
      accountId: 'direct',
      type: 'anthropic',
      model: 'claude-sonnet-4-20250514',
      weight: 1,
      baseUrl: 'https://api.anthropic.com',
      apiKey: { env: 'ANTHROPIC_API_KEY' },
      timeouts: { firstByteMs: 30_000 },
    },
    {
      id: 'br',
      accountId: 'direct',
      type: 'bedrock',
      model: 'anthropic.claude-3-haiku-20240307-v1:0',
      weight: 1,
      endpoint: 'http://127.0.0.1:9999',
      credentials: { profile: 'dev', roleArn: 'arn:aws:iam::1:role/x' },
    },
  ]);
  assert.deepEqual(config.virtualKeys, [
    { id: 'alice', secret: { kind: 'env', name: 'ALICE_KEY' }, accountId: 'direct', allowedModels: ['claude-sonnet-4-20250514'], description: "Alice's laptop" },
    { id: 'bob', secret: { kind: 'sha256', hex: 'ab'.repeat(32) } },
    { id: 'runaway-agent', secret: { kind: 'literal', value: 'runaway-agent' } },
  ]);
  assert.deepEqual(config.pricing, {
    models: { 'my-model': { input: 3, output: 15, cache_read: 0.3, cache_write_5m: 3.75 } },
    file: '/srv/team/prices/litellm.json',
    unknownModel: 'reject',
  });
  assert.deepEqual(config.store, { url: 'postgres://postgres@127.0.0.1:5432/test', journalFsync: 'off' });
  assert.deepEqual(config.logging, { retentionDays: 7, maxRecords: 5000, captureBodies: true, maxBodyCaptureBytes: 262_144 });
  assert.equal(config.routing.retries, 0);
  assert.equal(config.routing.fallback, 'off');
  assert.deepEqual(config.routing.breaker, { failures: 3, cooldownMs: 30_000 });
  assert.deepEqual(config.routing.timeouts, { connectMs: 500, firstByteMs: 120_000, idleMs: 120_000 });
  assert.deepEqual(config.guards, [
    { virtualKeyId: 'runaway-agent', maxSpendMicros: 2_500_000, window: { count: 15, unit: 'm', text: '15m' } },
    { virtualKeyId: 'alice', maxRequests: 600, window: { count: 1, unit: 'h', text: '1h' } },
  ]);
});

test('dollar limits become exact micro-dollars; beyond six decimals they round to the nearest micro', () => {
  const cases: ReadonlyArray<readonly [string, number]> = [
    ['0.1', 100_000],
    ['12.345678', 12_345_678],
    ['0.0000005', 1],
    ['19.99', 19_990_000],
    ['1e3', 1_000_000_000],
  ];
  for (const [limit, micros] of cases) {
    const config = loaded(loadConfigText(`budgets:\n  customer:\n    - {id: c, limit: ${limit}, period: 1d}\n`, '/x/bifrost.yaml'));
    assert.equal(config.budgets.customer[0].limitMicros, micros, `limit ${limit}`);
  }
});

test('an unknown top-level key is only a warning, at the key', () => {
  const result = loadConfigText(`${fixture}\nplugins:\n  - telemetry\n`, fixturePath);
  assert.equal(result.ok, true);
  const lines = fixture.split('\n').length;
  assert.deepEqual(problemsOf(result), [
    STAGING_KEY_WARNING,
    { severity: 'warning', line: lines + 1, col: 1, message: 'unknown top-level key "plugins" is ignored' },
  ]);
});

test('a missing pricing_file is an error at its value', () => {
  const result = loadConfigText('pricing_file: ./nope.json\n', '/x/bifrost.yaml', { fileExists: () => false });
  assert.equal(result.ok, false);
  assert.deepEqual(
    problemsOf(result).filter((p) => p.severity === 'error').map((p) => [p.line, p.col, p.message]),
    [[1, 15, 'pricing_file /x/nope.json does not exist']],
  );
});

test('problems never repeat a literal api_key back', () => {
  const result = loadConfigText(
    'accounts:\n  - id: a\n    providers:\n      - {id: p, type: openai, model: gpt-4o, api_key: sk-live-SECRET123}\n',
    '/x/bifrost.yaml',
  );
  assert.equal(result.ok, false);
  for (const p of problemsOf(result)) assert.doesNotMatch(p.message, /SECRET123/);
});

function errorsOf(text: string): string[] {
  const result = loadConfigText(text, '/x/bifrost.yaml');
  assert.equal(result.ok, false, 'expected the config to be refused');
  return problemsOf(result).filter((p) => p.severity === 'error').map((p) => `${p.line}:${p.col} ${p.message}`);
}

function warningsOf(text: string): string[] {
  const result = loadConfigText(text, '/x/bifrost.yaml');
  assert.equal(result.ok, true, `expected the config to load, got ${JSON.stringify(problemsOf(result))}`);
  return problemsOf(result).map((p) => `${p.line}:${p.col} ${p.message}`);
}

const twoAccounts = `accounts:
  - id: a
    providers:
      - {id: p1, type: anthropic, model: m}
  - id: b
    providers:
      - {id: p1, type: openai, model: gpt-4o}
`;

test('provider config ids must be unique across all accounts, and account ids too', () => {
  assert.deepEqual(errorsOf(twoAccounts), ['7:14 duplicate provider config id "p1"']);
  assert.deepEqual(errorsOf(twoAccounts.replace('id: b', 'id: a').replace('id: p1, type: openai', 'id: p2, type: openai')), [
    '5:9 duplicate account id "a"',
  ]);
});

test('two virtual keys may not present the same literal secret', () => {
  const text = 'virtual_keys:\n  - {id: alice, key: shared}\nbudgets:\n  virtual_key:\n    - {id: shared, limit: 5, period: 1d}\n';
  assert.deepEqual(errorsOf(text), ['5:12 virtual key "shared" presents the same secret as virtual key "alice"']);
});

test('prices must be non-negative and name input and output; unknown_model is serve or reject', () => {
  assert.deepEqual(errorsOf('pricing:\n  m1: {input: -1, output: 2}\n  m2: {input: 1}\n  unknown_model: maybe\n'), [
    '2:15 pricing.m1.input: expected a price in US dollars per million tokens, 0 or more, got number -1',
    '3:7 pricing.m2: missing required key "output"',
    '4:18 pricing.unknown_model: expected one of serve, reject, got string "maybe"',
  ]);
});

test('routing settings are checked, including unknown keys in nested sections', () => {
  assert.deepEqual(errorsOf('routing:\n  retries: -1\n  breaker: {failures: 3, cooldown: 5}\n'), [
    '2:12 routing.retries: expected a whole number, 0 or more, got number -1',
    '3:26 unknown key "cooldown" in routing.breaker',
  ]);
  assert.deepEqual(errorsOf('routing:\n  backoff_base_ms: 500\n  backoff_max_ms: 100\n'), [
    '3:19 backoff_max_ms (100) must not be below backoff_base_ms (500)',
  ]);
});

test('routing.fallback is same_model, any or false; true (the earlier form) means same_model', () => {
  const cases: ReadonlyArray<readonly [string, Config['routing']['fallback']]> = [
    ['same_model', 'same_model'],
    ['any', 'any'],
    ['false', 'off'],
    ['true', 'same_model'],
    ['', 'same_model'],
  ];
  for (const [written, policy] of cases) {
    assert.equal(loaded(loadConfigText(`routing:\n  fallback: ${written}\n`, '/x/bifrost.yaml')).routing.fallback, policy, `fallback: ${written}`);
  }
  assert.deepEqual(errorsOf('routing:\n  retries: 1\n  fallback: sometimes\n'), [
    '3:13 routing.fallback: expected one of same_model, any, false (true means same_model), got string "sometimes"',
  ]);
  assert.deepEqual(errorsOf('routing: {fallback: off}\n'), [
    '1:21 routing.fallback: expected one of same_model, any, false (true means same_model), got string "off"',
  ]);
});

test('a section of the wrong shape says what shape it needs', () => {
  assert.deepEqual(errorsOf('budgets:\n  - acme\n'), ['2:3 budgets: expected a mapping (key: value), got a list']);
  assert.deepEqual(errorsOf('accounts: {id: a}\n'), ['1:11 accounts: expected a list, got a mapping']);
});

test('settings that do not apply to a provider type are warnings', () => {
  const text = `accounts:
  - id: a
    providers:
      - {id: p, type: bedrock, model: m, base_url: "http://127.0.0.1:1"}
      - {id: q, type: openai, model: m, endpoint: "http://127.0.0.1:1"}
  - id: empty
    providers: []
rate_limits:
  virtual_key:
    - {id: k}
`;
  assert.deepEqual(warningsOf(text), [
    '4:52 base_url is for anthropic and openai providers; bedrock uses endpoint',
    '5:51 endpoint is for bedrock providers; openai uses base_url',
    '6:9 account "empty" has no providers',
    `10:12 ${STAGING_KEY_WARNING.message.replaceAll('staging-key', 'k')}`,
    '10:12 rate limit for "k" sets neither requests nor tokens',
  ]);
});

test('empty section headers count as absent sections', () => {
  const config = loaded(loadConfigText('accounts:\nbudgets:\n  customer:\nrouting:\nguards:\n', '/x/bifrost.yaml'));
  assert.deepEqual(config.budgets.customer, []);
  assert.equal(config.routing.retries, 2);
});
