// logging.max_records through a running gateway: the log keeps the newest records, every total still counts all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { fourTierConfig } from '../harness/configs.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { scrape, total } from '../observability/prometheus.js';

const KEY_ENV = { TEST_ANTHROPIC_KEY: 'sk-ant-upstream-max-records' };
const REQUESTS = 7;
const CAP = 3;

interface LogsPage {
  readonly logs: readonly { readonly request_id: string; readonly cost: { readonly total: number } | null }[];
  readonly pagination: { readonly total_count: number };
  readonly stats: { readonly total_requests: number; readonly total_cost: number };
  readonly dropped?: { readonly count: number; readonly before: string };
}

interface Budgets {
  readonly tiers: readonly { readonly tier: string; readonly id: string; readonly spent: number }[];
}

let upstream: TestUpstream;
let gw: SpawnedGateway;
const requestIds: string[] = [];

before(async () => {
  upstream = await startAnthropicUpstream();
  gw = await spawnGateway({ config: fourTierConfig(upstream.url, { logging: { max_records: CAP } }), env: KEY_ENV });
  for (let i = 0; i < REQUESTS; i++) {
    upstream.script({ inputTokens: 1000, outputTokens: 100 });
    const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'staging-key', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 50, messages: [{ role: 'user', content: `hi ${i}` }] }),
    });
    assert.equal(res.status, 200, await res.text());
    requestIds.push(res.headers.get('x-request-id') ?? '');
    // Records of different milliseconds, so the cap's time boundary separates them one by one.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
});

after(async () => {
  await gw.stop();
  await upstream.close();
});

test('GET /api/logs lists the newest max_records records and says how many older ones were dropped', async () => {
  const page = await eventually(async () => {
    const p = await gw.api<LogsPage>('/api/logs?limit=100');
    return p.dropped?.count === REQUESTS - CAP ? p : undefined;
  }, 10_000, 'the cap to drop the oldest records');
  assert.equal(page.logs.length, CAP);
  assert.equal(page.pagination.total_count, CAP);
  assert.deepEqual(page.logs.map((l) => l.request_id), requestIds.slice(-CAP).reverse());
  assert.ok(page.dropped !== undefined && !Number.isNaN(Date.parse(page.dropped.before)));
  assert.equal(page.stats.total_requests, REQUESTS, 'the totals still count every request');
});

test('budgets, /metrics and /api/logs/stats still count the dropped requests', async () => {
  const page = await gw.api<LogsPage>('/api/logs?limit=100');
  const costOfKept = page.logs.reduce((sum, l) => sum + (l.cost?.total ?? 0), 0);
  const perRequest = costOfKept / CAP;
  const budgets = await gw.api<Budgets>('/api/budgets');
  const keySpent = budgets.tiers.find((t) => t.tier === 'virtual_key' && t.id === 'staging-key')?.spent ?? Number.NaN;
  assert.ok(Math.abs(keySpent - perRequest * REQUESTS) < 1e-6, `key spent ${keySpent} for ${REQUESTS} requests at ${perRequest}`);
  assert.ok(Math.abs(page.stats.total_cost - perRequest * REQUESTS) < 1e-6);
  const stats = await gw.api<{ totals: { total_requests: number; total_cost: number } }>('/api/logs/stats');
  assert.equal(stats.totals.total_requests, REQUESTS);
  assert.equal(total(await scrape(gw.url), 'spendgate_requests_total'), REQUESTS);
});
