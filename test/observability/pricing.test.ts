// A model without a price is served, logged with cost null and missing_cost, listed in /api/status, and still
// charged to budgets at the account's most expensive known price; a config `pricing:` override applies on reload.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import type { TestUpstream } from '../upstreams/common.js';
import type { SpawnedGateway } from '../harness/gateway.js';
import { eventually } from '../harness/eventually.js';
import { startLoopbackGateway, type LoopbackGateway } from '../harness/loopback.js';

function configFor(anthropicUrl: string, openaiUrl: string, pricing = ''): string {
  return `accounts:
  - id: dev
    providers:
      - id: anthropic-direct
        type: anthropic
        model: claude-sonnet-4-20250514
        base_url: ${anthropicUrl}
        api_key: env.TEST_ANTHROPIC_KEY
      - id: openai-mini
        type: openai
        model: gpt-4o-mini
        base_url: ${openaiUrl}/v1
        api_key: env.TEST_OPENAI_KEY
      - id: openai-mystery
        type: openai
        model: acme-mystery-1
        base_url: ${openaiUrl}/v1
        api_key: env.TEST_OPENAI_KEY
budgets:
  virtual_key:
    - id: mystery-user
      limit: 10
      period: 1d
    - id: sonnet-user
      limit: 10
      period: 1d
  provider_config:
    - id: openai-mystery
      limit: 10
      period: 1M
${pricing}`;
}

interface LogJson {
  readonly id: string;
  readonly model_served: string | null;
  readonly virtual_key_id: string | null;
  readonly status: number;
  readonly cost: { readonly input: number; readonly output: number; readonly total: number } | null;
  readonly missing_cost: boolean;
}

interface Budgets {
  readonly tiers: readonly { readonly tier: string; readonly id: string; readonly spent: number }[];
}

describe('pricing: unpriced models and config overrides', () => {
  let rig: LoopbackGateway;
  let anthropicUp: TestUpstream;
  let openaiUp: TestUpstream;
  let gw: SpawnedGateway;

  before(async () => {
    rig = await startLoopbackGateway(configFor, { TEST_ANTHROPIC_KEY: 'sk-ant-upstream', TEST_OPENAI_KEY: 'sk-openai-upstream' });
    ({ anthropicUp, openaiUp, gw } = rig);
  });

  after(async () => {
    await rig.close();
  });

  async function complete(model: string, key: string, usage: { input: number; output: number }): Promise<void> {
    openaiUp.script({ inputTokens: usage.input, outputTokens: usage.output });
    const res = await fetch(`${gw.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.equal((JSON.parse(text) as { model: string }).model, model);
  }

  async function message(key: string, usage: { input: number; output: number }): Promise<void> {
    anthropicUp.script({ inputTokens: usage.input, outputTokens: usage.output });
    const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200, await res.text());
  }

  const logsOf = (query: string) =>
    eventually(async () => {
      const page = await gw.api<{ logs: LogJson[] }>(`/api/logs?${query}`);
      return page.logs.length > 0 ? page.logs : undefined;
    }, 3_000, `logs for ${query}`);

  const spentBy = async (tier: string, id: string) =>
    (await gw.api<Budgets>('/api/budgets')).tiers.find((t) => t.tier === tier && t.id === id)!.spent;

  test('a model without a price is served and logged with cost null and missing_cost true', async () => {
    await complete('acme-mystery-1', 'mystery-user', { input: 1000, output: 100 });
    const [record] = await logsOf('virtual_key_ids=mystery-user');
    assert.equal(record.status, 200);
    assert.equal(record.model_served, 'acme-mystery-1');
    assert.equal(record.cost, null, 'never silently $0');
    assert.equal(record.missing_cost, true);

    const unpricedOnly = await gw.api<{ logs: LogJson[] }>('/api/logs?missing_cost_only=true');
    assert.deepEqual(unpricedOnly.logs.map((l) => l.id), [record.id], 'missing_cost_only finds exactly that record');
  });

  test('/api/status lists the model in unpriced_models', async () => {
    const status = await gw.api<{ unpriced_models: string[] }>('/api/status');
    assert.deepEqual(status.unpriced_models, ['acme-mystery-1']);
  });

  test("budgets are charged at the account's most expensive known price, not $0", async () => {
    // The account's known models are claude-sonnet-4 ($3 / $15 per M) and gpt-4o-mini ($0.15 / $0.60):
    // 1000 input × $3/M + 100 output × $15/M = $0.0045.
    assert.equal(await spentBy('virtual_key', 'mystery-user'), 0.0045);
    assert.equal(await spentBy('provider_config', 'openai-mystery'), 0.0045);
  });

  test('a pricing: entry in the config prices the model from the next request on, without a restart', async () => {
    await writeFile(
      gw.configPath,
      configFor(anthropicUp.url, openaiUp.url, `pricing:
  acme-mystery-1:
    input: 2
    output: 8
  claude-sonnet-4-20250514:
    input: 1
    output: 5
`),
    );
    await eventually(() => gw.output.some((l) => l.includes('"config_reloaded"')), 3_000, 'the edit to be applied');
    await complete('acme-mystery-1', 'mystery-user', { input: 1000, output: 100 });
    await eventually(async () => (await gw.api<{ pagination: { total_count: number } }>('/api/logs?virtual_key_ids=mystery-user')).pagination.total_count === 2, 3_000, 'the second record');
    const [latest] = await logsOf('virtual_key_ids=mystery-user&limit=1');
    // 1000 × $2/M + 100 × $8/M = $0.002 + $0.0008
    assert.deepEqual({ input: latest.cost?.input, output: latest.cost?.output, total: latest.cost?.total }, { input: 0.002, output: 0.0008, total: 0.0028 });
    assert.equal(latest.missing_cost, false);

    // A built-in price is overridden too: claude-sonnet-4 now at $1 / $5.
    await message('sonnet-user', { input: 1000, output: 100 });
    const [sonnet] = await logsOf('virtual_key_ids=sonnet-user&limit=1');
    assert.equal(sonnet.cost?.total, 0.0015);
    assert.equal(await spentBy('virtual_key', 'sonnet-user'), 0.0015);

    // Earlier records keep the cost they were logged with.
    const first = await gw.api<{ logs: LogJson[] }>('/api/logs?virtual_key_ids=mystery-user&sort_by=timestamp&order=asc&limit=1');
    assert.equal(first.logs[0].cost, null);
    assert.equal(first.logs[0].missing_cost, true);
  });
});
