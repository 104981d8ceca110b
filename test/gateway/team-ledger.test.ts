// Two spendgate processes on one PostgreSQL team ledger share a team budget through quota leases.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { createSchema, type TestSchema } from '../store/pg-schema.js';
import { spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { bifrost } from '../harness/config-builder.js';

// Each request costs exactly $0.01: one input token at $10,000 per million, no output charge.
const REQUEST_MICROS = 10_000;
const TEAM_LIMIT_MICROS = 1_000_000;

function config(upstreamUrl: string): string {
  return bifrost({
    accounts: [{ id: 'dev', providers: [{ id: 'claude', type: 'anthropic', model: 'metered-model', base_url: upstreamUrl, api_key: 'env.TEST_UPSTREAM_KEY' }] }],
    budgets: {
      customer: [{ id: 'acme-corp', limit: 5000, period: '1M' }],
      team: [{ id: 'ml-engineering', customer_id: 'acme-corp', limit: TEAM_LIMIT_MICROS / 1e6, period: '1M' }],
      virtual_key: [
        { id: 'dev-a', team_id: 'ml-engineering', limit: 1000, period: '1M' },
        { id: 'dev-b', team_id: 'ml-engineering', limit: 1000, period: '1M' },
      ],
    },
    pricing: { models: { 'metered-model': { input: 10000, output: 0 } } },
  });
}

async function spendUntilRefused(gw: SpawnedGateway, key: string, workers: number): Promise<number> {
  let answered = 0;
  const worker = async () => {
    for (;;) {
      const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ model: 'metered-model', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }),
      });
      await res.arrayBuffer();
      if (res.status === 402) return;
      assert.equal(res.status, 200);
      answered += 1;
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return answered;
}

describe('the PostgreSQL team ledger', () => {
  let upstream: TestUpstream;
  let schema: TestSchema;
  let a: SpawnedGateway;
  let b: SpawnedGateway;

  before(async () => {
    upstream = await startAnthropicUpstream();
    upstream.setDefault({ inputTokens: 1, outputTokens: 0 });
    schema = await createSchema();
    const env = { TEST_UPSTREAM_KEY: 'sk-test' };
    [a, b] = await Promise.all([
      spawnGateway({ config: config(upstream.url), env, args: ['--store', schema.url] }),
      spawnGateway({ config: config(upstream.url), env, args: ['--store', schema.url] }),
    ]);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await upstream?.close();
    await schema?.drop();
  });

  test('concurrent traffic from two gateways stops within one request per gateway of the shared team limit', async () => {
    const [fromA, fromB] = await Promise.all([spendUntilRefused(a, 'dev-a', 4), spendUntilRefused(b, 'dev-b', 4)]);
    const total = fromA + fromB;
    const limitRequests = TEAM_LIMIT_MICROS / REQUEST_MICROS;
    assert.ok(total <= limitRequests + 2, `answered ${total} requests against a limit of ${limitRequests}`);
    assert.ok(total >= limitRequests - 2, `answered only ${total} of ${limitRequests}: budget was stranded`);
    assert.ok(fromA > 0 && fromB > 0, `both gateways got a share (${fromA} / ${fromB})`);

    const [row] = await schema.sql<{ spent_micros: string }>(`SELECT spent_micros FROM spend WHERE tier = 'team' AND id = 'ml-engineering'`);
    assert.equal(Number(row.spent_micros), total * REQUEST_MICROS, 'the ledger holds exactly what was answered');

    const refused = await fetch(`${a.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-a' },
      body: JSON.stringify({ model: 'metered-model', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(refused.status, 402);
    const body = (await refused.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, 'billing_error');
    assert.match(body.error.message, /team "ml-engineering"/);
  });
});
