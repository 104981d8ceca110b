// A recorded Claude Code request through the gateway: forwarded to Anthropic byte for byte with only the key
// swapped, streamed back complete; count_tokens forwarded where a provider can count and estimated where none can.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import { startOpenAIUpstream } from '../upstreams/openai.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';

const FIXTURES = join(__dirname, '..', 'fixtures');
const VIRTUAL_KEY = 'sk-vk-claude-code-dev';
const PROVIDER_KEY = 'sk-ant-api03-provider-secret';

interface RecordedHeaders {
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
}

function configFor(anthropicUrl: string, openaiUrl: string): string {
  return `accounts:
  - id: claude
    providers:
      - id: anthropic-direct
        type: anthropic
        model: claude-sonnet-4-5-20250929
        base_url: ${anthropicUrl}
        api_key: env.TEST_ANTHROPIC_KEY
  - id: openai-only
    providers:
      - id: openai-direct
        type: openai
        model: gpt-4o-mini
        base_url: ${openaiUrl}/v1
        api_key: env.TEST_OPENAI_KEY
virtual_keys:
  - id: dev
    key: env.DEV_VIRTUAL_KEY
    account: claude
  - id: openai-dev
    account: openai-only
budgets:
  virtual_key:
    - id: dev
      limit: 100
      period: 1d
`;
}

describe('Claude Code through the gateway', () => {
  let anthropicUp: TestUpstream;
  let openaiUp: TestUpstream;
  let gw: SpawnedGateway;
  let body: Buffer;
  let recorded: RecordedHeaders;

  before(async () => {
    body = await readFile(join(FIXTURES, 'claude-code-request.json'));
    recorded = JSON.parse(await readFile(join(FIXTURES, 'claude-code-request.headers.json'), 'utf8')) as RecordedHeaders;
    anthropicUp = await startAnthropicUpstream();
    openaiUp = await startOpenAIUpstream();
    gw = await spawnGateway({
      config: configFor(anthropicUp.url, openaiUp.url),
      env: { TEST_ANTHROPIC_KEY: PROVIDER_KEY, TEST_OPENAI_KEY: 'sk-openai-provider', DEV_VIRTUAL_KEY: VIRTUAL_KEY },
    });
  });

  after(async () => {
    await gw.stop();
    await anthropicUp.close();
    await openaiUp.close();
  });

  test('the recorded streaming request reaches Anthropic byte for byte, with the provider key instead of the virtual key', async () => {
    anthropicUp.script({ text: 'I will read the file first.', inputTokens: 15_000, outputTokens: 7, cacheReadTokens: 2_000, dripMs: 2 });
    const res = await fetch(`${gw.url}/anthropic${recorded.path}?${recorded.query}`, {
      method: 'POST',
      headers: { ...recorded.headers, 'x-api-key': VIRTUAL_KEY },
      body: new Uint8Array(body),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const stream = await res.text();

    const upstream = anthropicUp.requests.at(-1)!;
    assert.equal(upstream.method, 'POST');
    assert.equal(upstream.path, '/v1/messages');
    assert.equal(upstream.query, 'beta=true');
    assert.ok(upstream.body.equals(body), 'the body bytes are unchanged');
    assert.equal(upstream.headers['anthropic-beta'], recorded.headers['anthropic-beta']);
    assert.equal(upstream.headers['anthropic-version'], recorded.headers['anthropic-version']);
    assert.equal(upstream.headers['x-app'], 'cli');
    assert.equal(upstream.headers['x-api-key'], PROVIDER_KEY);
    assert.equal(upstream.headers.authorization, undefined);
    for (const [name, value] of Object.entries(upstream.headers)) {
      assert.ok(!String(value).includes(VIRTUAL_KEY), `the virtual key does not leak upstream in ${name}`);
    }

    // A complete Anthropic event stream, in order.
    const events = [...stream.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    assert.equal(events[0], 'message_start');
    assert.equal(events.at(-1), 'message_stop');
    assert.ok(events.includes('content_block_delta') && events.includes('message_delta'), events.join(','));
    assert.ok(!events.includes('error'));
    const text = [...stream.matchAll(/"text_delta","text":"([^"]*)"/g)].map((m) => m[1]).join('');
    assert.equal(text, 'I will read the file first.');

    const [record] = await eventually(async () => {
      const page = await gw.api<{ logs: { virtual_key_id: string; model_served: string; stream: boolean; input_tokens: number; cache_read_tokens: number; missing_cost: boolean }[] }>(
        '/api/logs?virtual_key_ids=dev&limit=1',
      );
      return page.logs.length > 0 ? page.logs : undefined;
    }, 3_000, 'the log record');
    assert.deepEqual(
      { model: record.model_served, stream: record.stream, input: record.input_tokens, cacheRead: record.cache_read_tokens, missing: record.missing_cost },
      { model: 'claude-sonnet-4-5-20250929', stream: true, input: 15_000, cacheRead: 2_000, missing: false },
    );
  });

  test('count_tokens is forwarded to an Anthropic provider', async () => {
    anthropicUp.script({ inputTokens: 14_321 });
    const before = anthropicUp.requests.length;
    const request = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const res = await fetch(`${gw.url}/anthropic/v1/messages/count_tokens?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219', 'x-api-key': VIRTUAL_KEY },
      body: JSON.stringify({ model: request.model, system: request.system, messages: request.messages, tools: request.tools }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-spendgate-estimated'), null, 'an upstream count is not marked as an estimate');
    assert.deepEqual(await res.json(), { input_tokens: 14_321 });
    assert.equal(anthropicUp.requests.length, before + 1);
    const upstream = anthropicUp.requests.at(-1)!;
    assert.equal(upstream.path, '/v1/messages/count_tokens');
    assert.equal(upstream.headers['x-api-key'], PROVIDER_KEY);
  });

  test('count_tokens is estimated locally, and says so, when the account has no provider that can count', async () => {
    const anthropicBefore = anthropicUp.requests.length;
    const openaiBefore = openaiUp.requests.length;
    const request = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const res = await fetch(`${gw.url}/anthropic/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'openai-dev' },
      body: JSON.stringify({ model: 'gpt-4o-mini', system: request.system, messages: request.messages }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-spendgate-estimated'), 'true');
    const counted = (await res.json()) as { input_tokens: number };
    assert.ok(Number.isInteger(counted.input_tokens) && counted.input_tokens > 1_000, `a plausible estimate for a ~60 KB prompt: ${counted.input_tokens}`);
    assert.equal(anthropicUp.requests.length, anthropicBefore, 'nothing reaches Anthropic');
    assert.equal(openaiUp.requests.length, openaiBefore, 'nothing reaches OpenAI');
  });
});
