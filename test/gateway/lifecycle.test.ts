// One lifecycle for every client request: a reload mid-request does not change the prices it is charged at, and
// count_tokens is rate-limited and logged like any request (free of charge).
// tier: e2e — spawns dist/proxy/cli.js (npm run build).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import type { TestUpstream } from '../upstreams/common.js';
import type { SpawnedGateway } from '../harness/gateway.js';
import { eventually } from '../harness/eventually.js';
import { startLoopbackGateway, type LoopbackGateway } from '../harness/loopback.js';

const MODEL = 'claude-sonnet-4-20250514';

function configFor(anthropicUrl: string, openaiUrl: string, price = { input: 1, output: 5 }): string {
  return `accounts:
  - id: dev
    providers:
      - id: anthropic-direct
        type: anthropic
        model: ${MODEL}
        base_url: ${anthropicUrl}
        api_key: env.TEST_ANTHROPIC_KEY
      - id: openai-mini
        type: openai
        model: gpt-4o-mini
        base_url: ${openaiUrl}/v1
        api_key: env.TEST_OPENAI_KEY
virtual_keys:
  - id: streamer
  - id: counter
rate_limits:
  virtual_key:
    - id: counter
      requests:
        limit: 3
        duration: 1h
pricing:
  ${MODEL}:
    input: ${price.input}
    output: ${price.output}
`;
}

interface LogJson {
  readonly request_id: string;
  readonly status: number;
  readonly route: string;
  readonly stop_reason: string | null;
  readonly error_type: string | null;
  readonly cost: { readonly total: number } | null;
  readonly missing_cost: boolean;
}

describe('the request lifecycle', () => {
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

  const post = (path: string, key: string, body: unknown) =>
    fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(body),
    });

  const recordsOf = (key: string, count: number) =>
    eventually(async () => {
      const page = await gw.api<{ logs: LogJson[] }>(`/api/logs?virtual_key_ids=${key}&sort_by=timestamp&order=asc`);
      return page.logs.length >= count ? page.logs : undefined;
    }, 3_000, `${count} records of ${key}`);

  test('a reload during a streamed request leaves it charged at the prices it arrived under; the next request pays the new ones', async () => {
    // 20 deltas 100 ms apart: the stream is still running while the reload lands.
    anthropicUp.script({ inputTokens: 1000, outputTokens: 100, deltas: 20, dripMs: 100 });
    const res = await post('/anthropic/v1/messages', 'streamer', { model: MODEL, max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    await reader.read();

    const reloadsBefore = gw.output.filter((l) => l.includes('"config_reloaded"')).length;
    await writeFile(gw.configPath, configFor(anthropicUp.url, openaiUp.url, { input: 10, output: 50 }));
    await eventually(() => gw.output.filter((l) => l.includes('"config_reloaded"')).length > reloadsBefore, 3_000, 'the reload');
    const stillStreaming = await reader.read();
    assert.equal(stillStreaming.done, false, 'the reload landed mid-stream');
    while (!(await reader.read()).done);

    anthropicUp.script({ inputTokens: 1000, outputTokens: 100 });
    const after = await post('/anthropic/v1/messages', 'streamer', { model: MODEL, max_tokens: 200, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(after.status, 200, await after.text());

    const [during, next] = await recordsOf('streamer', 2);
    // Old prices: 1000 × $1/M + 100 × $5/M = $0.0015. New: 1000 × $10/M + 100 × $50/M = $0.015.
    assert.equal(during.cost?.total, 0.0015, 'the streamed request keeps the prices it arrived under');
    assert.equal(next.cost?.total, 0.015, 'the request after the reload pays the new prices');
  });

  test('count_tokens counts against the key\'s request limit: the 4th in the window of a 3-request limit gets 429 with retry-after', async () => {
    const body = { model: MODEL, messages: [{ role: 'user', content: 'how many tokens is this?' }] };
    for (let i = 0; i < 3; i++) {
      const res = await post('/anthropic/v1/messages/count_tokens', 'counter', body);
      const text = await res.text();
      assert.equal(res.status, 200, text);
      assert.equal(typeof (JSON.parse(text) as { input_tokens: unknown }).input_tokens, 'number');
    }
    const refused = await post('/anthropic/v1/messages/count_tokens', 'counter', body);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('x-spendgate-error-code'), 'request_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `retry-after in whole seconds: ${refused.headers.get('retry-after')}`);
    assert.equal(((await refused.json()) as { error: { type: string } }).error.type, 'rate_limit_error');
  });

  test('every count_tokens request is logged: status, zero cost, the anthropic route, and count_tokens as its stop reason', async () => {
    const records = await recordsOf('counter', 4);
    assert.deepEqual(records.map((r) => r.status), [200, 200, 200, 429]);
    for (const r of records) {
      assert.equal(r.route, 'anthropic');
      assert.equal(r.stop_reason, 'count_tokens');
      assert.equal(r.cost?.total, 0, 'free, not unpriced');
      assert.equal(r.missing_cost, false);
    }
    assert.equal(records[3].error_type, 'request_limited');
  });

  test('/v1/models runs through authenticate: a known key gets its account\'s models in each protocol\'s shape, none gets 401', async () => {
    const anthropic = await fetch(`${gw.url}/anthropic/v1/models`, { headers: { 'x-api-key': 'streamer' } });
    assert.equal(anthropic.status, 200);
    assert.ok(((await anthropic.json()) as { data: { id: string }[] }).data.some((m) => m.id === MODEL));
    const openai = await fetch(`${gw.url}/openai/v1/models`, { headers: { authorization: 'Bearer streamer' } });
    assert.equal(openai.status, 200);
    assert.equal(((await openai.json()) as { object: string }).object, 'list');
    const refused = await fetch(`${gw.url}/anthropic/v1/models`);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('x-spendgate-error-code'), 'virtual_key_not_found');
    assert.equal(((await refused.json()) as { error: { type: string } }).error.type, 'authentication_error');
  });
});
