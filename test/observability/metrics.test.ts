// GET /metrics agrees with the request log and the budgets after a mix of successes, upstream errors and an unpriced model.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import { startOpenAIUpstream } from '../upstreams/openai.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { family, scrape, total, type Scrape } from './prometheus.js';

const SECRETS = {
  ALICE_SECRET: 'sk-vk-alice-0123456789abcdef',
  BOB_SECRET: 'sk-vk-bob-fedcba9876543210',
  TEST_ANTHROPIC_KEY: 'sk-ant-upstream-secret-metrics',
  TEST_OPENAI_KEY: 'sk-openai-upstream-secret-metrics',
};

function configFor(anthropicUrl: string, openaiUrl: string): string {
  return `accounts:
  - id: dev
    providers:
      - id: anthropic-direct
        type: anthropic
        model: claude-sonnet-4-20250514
        base_url: ${anthropicUrl}
        api_key: env.TEST_ANTHROPIC_KEY
      - id: openai-mystery
        type: openai
        model: acme-mystery-1
        base_url: ${openaiUrl}/v1
        api_key: env.TEST_OPENAI_KEY
virtual_keys:
  - id: alice
    key: env.ALICE_SECRET
  - id: bob
    key: env.BOB_SECRET
budgets:
  customer:
    - id: acme
      limit: 100
      period: 1M
  team:
    - id: eng
      customer_id: acme
      limit: 50
      period: 1M
  virtual_key:
    - id: alice
      team_id: eng
      limit: 10
      period: 1d
    - id: bob
      team_id: eng
      limit: 10
      period: 1w
  provider_config:
    - id: anthropic-direct
      limit: 20
      period: 1M
routing:
  retries: 1
  backoff_base_ms: 5
  backoff_max_ms: 10
`;
}

interface LogsPage {
  readonly pagination: { readonly total_count: number };
  readonly stats: { readonly total_requests: number; readonly total_tokens: number; readonly total_cost: number };
  readonly logs: readonly { readonly status: number; readonly missing_cost: boolean; readonly cost: { readonly total: number } | null }[];
}

interface Budgets {
  readonly tiers: readonly { readonly tier: string; readonly id: string; readonly remaining: number; readonly spent: number }[];
}

describe('Prometheus /metrics', () => {
  let anthropicUp: TestUpstream;
  let openaiUp: TestUpstream;
  let gw: SpawnedGateway;
  let metrics: Scrape;
  let logs: LogsPage;

  before(async () => {
    anthropicUp = await startAnthropicUpstream();
    openaiUp = await startOpenAIUpstream();
    gw = await spawnGateway({ config: configFor(anthropicUp.url, openaiUp.url), env: SECRETS });

    const post = (path: string, secret: string, body: unknown) =>
      fetch(`${gw.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': secret, authorization: `Bearer ${secret}`, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify(body),
      }).then(async (res) => ({ status: res.status, text: await res.text() }));
    const message = (secret: string, stream = false) =>
      post('/anthropic/v1/messages', secret, { model: 'claude-sonnet-4-20250514', max_tokens: 50, stream, messages: [{ role: 'user', content: 'hi' }] });

    anthropicUp.script({ inputTokens: 1200, outputTokens: 300, cacheReadTokens: 100 });
    assert.equal((await message(SECRETS.ALICE_SECRET)).status, 200);
    anthropicUp.script({ inputTokens: 40, outputTokens: 9, cacheWrite5mTokens: 64 });
    assert.equal((await message(SECRETS.BOB_SECRET, true)).status, 200);
    // An upstream failure, retried once: two failed attempts.
    const failure = { status: 500, error: { type: 'api_error', message: 'upstream exploded' } };
    anthropicUp.script(failure, failure);
    assert.equal((await message(SECRETS.ALICE_SECRET)).status, 500);
    // A model the catalog has no price for.
    openaiUp.script({ inputTokens: 500, outputTokens: 50 });
    const unpriced = await post('/openai/v1/chat/completions', SECRETS.BOB_SECRET, { model: 'acme-mystery-1', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(unpriced.status, 200, unpriced.text);
    // A client error and an unknown key.
    assert.equal((await post('/anthropic/v1/messages', SECRETS.ALICE_SECRET, { model: 'x', max_tokens: 'lots' })).status, 400);
    assert.equal((await message('sk-not-a-key')).status, 401);

    // Records are written after the response's last byte: wait until the log and the counters settle.
    [metrics, logs] = await eventually(async () => {
      const page = await gw.api<LogsPage>('/api/logs?limit=1000');
      const scraped = await scrape(gw.url);
      return page.pagination.total_count >= 5 && total(scraped, 'spendgate_requests_total') === page.pagination.total_count
        ? ([scraped, page] as const)
        : undefined;
    }, 5_000, 'the metrics to count every log record');
  });

  after(async () => {
    await gw.stop();
    await anthropicUp.close();
    await openaiUp.close();
  });

  test('spendgate_requests_total summed over its labels equals the number of log records', () => {
    assert.equal(total(metrics, 'spendgate_requests_total'), logs.pagination.total_count);
    assert.equal(logs.stats.total_requests, logs.pagination.total_count);
    const statuses = family(metrics, 'spendgate_requests_total').metrics.map((m) => m.labels?.status);
    assert.ok(statuses.includes('200') && statuses.includes('500'), `statuses ${statuses.join(',')}`);
  });

  test('spendgate_tokens_total equals the tokens in the log, each token counted once', () => {
    assert.equal(total(metrics, 'spendgate_tokens_total'), logs.stats.total_tokens);
    const kinds = new Set(family(metrics, 'spendgate_tokens_total').metrics.map((m) => m.labels?.kind));
    for (const kind of ['input', 'output', 'cache_read', 'cache_write_5m']) assert.ok(kinds.has(kind), `token kind ${kind}`);
  });

  test('spendgate_cost_micros_total equals the logged cost in integer micro-dollars; unpriced records are counted apart', () => {
    const micros = total(metrics, 'spendgate_cost_micros_total');
    assert.ok(Number.isInteger(micros), 'the cost counter is an integer');
    const logged = logs.logs.reduce((sum, l) => sum + (l.cost === null ? 0 : Math.round(l.cost.total * 1_000_000)), 0);
    assert.equal(micros, logged);
    assert.equal(micros, Math.round(logs.stats.total_cost * 1_000_000));
    assert.ok(micros > 0);
    const unpricedLogged = logs.logs.filter((l) => l.missing_cost).length;
    assert.equal(unpricedLogged, 1);
    assert.equal(total(metrics, 'spendgate_missing_cost_total'), unpricedLogged);
    const dollars = total(metrics, 'spendgate_cost_dollars_total');
    assert.equal(Math.round(dollars * 1_000_000), micros);
  });

  test('spendgate_journal_write_seconds counts the journal writes, at most one per request answered', () => {
    const writes = family(metrics, 'spendgate_journal_write_seconds');
    assert.equal(writes.type, 'HISTOGRAM');
    const count = Number(writes.metrics[0].count);
    const answered = Number(family(metrics, 'spendgate_journal_wait_seconds').metrics[0].count);
    assert.ok(count >= 1, 'the charges were written');
    assert.ok(count <= answered, `${count} writes for ${answered} answers: one write carries every answer of its turn`);
  });

  test('spendgate_in_flight is 0 at rest', () => {
    const inFlight = family(metrics, 'spendgate_in_flight');
    assert.equal(inFlight.type, 'GAUGE');
    assert.deepEqual(inFlight.metrics.map((m) => Number(m.value)), [0]);
  });

  test('each budget tier has a remaining gauge equal to /api/budgets', async () => {
    const budgets = await gw.api<Budgets>('/api/budgets');
    const fresh = await scrape(gw.url);
    const gauges = family(fresh, 'spendgate_budget_remaining_dollars').metrics;
    assert.equal(gauges.length, budgets.tiers.length);
    for (const tier of budgets.tiers) {
      const gauge = gauges.find((g) => g.labels?.tier === tier.tier && g.labels?.id === tier.id);
      assert.ok(gauge, `a gauge for ${tier.tier} ${tier.id}`);
      assert.equal(Number(gauge.value), tier.remaining, `${tier.tier} ${tier.id}`);
    }
    // The unpriced request was charged, so bob's budget moved although the metrics cost did not count it.
    const bob = budgets.tiers.find((t) => t.tier === 'virtual_key' && t.id === 'bob')!;
    assert.ok(bob.remaining < 10);
  });

  test('no label and no line carries a virtual key secret or a provider credential', () => {
    for (const secret of Object.values(SECRETS)) assert.ok(!metrics.text.includes(secret), 'secret absent from /metrics');
    assert.ok(!metrics.text.includes('sk-not-a-key'), 'a presented unknown key is not echoed either');
    const keyLabels = new Set(family(metrics, 'spendgate_requests_total').metrics.map((m) => m.labels?.virtual_key));
    for (const value of keyLabels) assert.ok(value === '' || value === 'alice' || value === 'bob', `virtual_key label "${value}" is an id`);
  });
});
