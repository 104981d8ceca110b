// End to end: real SDK clients → a spawned `spendgate serve` → loopback Anthropic and OpenAI upstreams.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { TestUpstream } from '../upstreams/common.js';
import type { SpawnedGateway } from '../harness/gateway.js';
import { eventually } from '../harness/eventually.js';
import { startLoopbackGateway, type LoopbackGateway } from '../harness/loopback.js';
import { bifrost, type BudgetEntry } from '../harness/config-builder.js';

/** `extraKeys` are further virtual_key budgets after dev-key's. */
function configFor(anthropicUrl: string, openaiUrl: string, extraKeys: readonly BudgetEntry[] = []): string {
  return bifrost({
    accounts: [
      {
        id: 'dev',
        providers: [
          { id: 'anthropic-direct', type: 'anthropic', model: 'claude-sonnet-4-20250514', base_url: anthropicUrl, api_key: 'env.TEST_ANTHROPIC_KEY' },
          { id: 'openai-direct', type: 'openai', model: 'gpt-4o-mini', base_url: `${openaiUrl}/v1`, api_key: 'env.TEST_OPENAI_KEY' },
        ],
      },
    ],
    budgets: { virtual_key: [{ id: 'dev-key', limit: 100, period: '1d' }, ...extraKeys] },
    routing: { retries: 1, backoff_base_ms: 10, backoff_max_ms: 20 },
  });
}

describe('gateway pass-through to Anthropic and OpenAI', () => {
  let rig: LoopbackGateway;
  let anthropicUp: TestUpstream;
  let openaiUp: TestUpstream;
  let gw: SpawnedGateway;

  before(async () => {
    rig = await startLoopbackGateway(configFor, { TEST_ANTHROPIC_KEY: 'sk-ant-upstream-secret', TEST_OPENAI_KEY: 'sk-openai-upstream-secret' });
    ({ anthropicUp, openaiUp, gw } = rig);
  });

  after(async () => {
    assert.equal(await rig.close(), 0, 'the gateway exits 0 on SIGTERM');
  });

  const anthropic = (key = 'dev-key') => new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: key, maxRetries: 0 });

  test('a non-streaming Anthropic message round-trips with the upstream text and usage', async () => {
    anthropicUp.script({ text: 'hello from upstream', inputTokens: 42, outputTokens: 7, cacheReadTokens: 5 });
    const msg = await anthropic().messages.create({
      model: 'claude-sonnet-4-20250514',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(msg.content[0].type === 'text' && msg.content[0].text, 'hello from upstream');
    assert.equal(msg.usage.input_tokens, 42);
    assert.equal(msg.usage.output_tokens, 7);
    assert.equal(msg.usage.cache_read_input_tokens, 5);
    const upstreamReq = anthropicUp.requests.at(-1)!;
    assert.equal(upstreamReq.headers['x-api-key'], 'sk-ant-upstream-secret', 'the provider credential replaces the virtual key');
    assert.match(String(upstreamReq.headers['anthropic-version']), /^\d{4}-\d{2}-\d{2}$/, 'the client\'s anthropic-version passes through');
  });

  test('a streaming Anthropic message arrives event by event with the final usage', async () => {
    anthropicUp.script({ text: 'one two three four', inputTokens: 30, outputTokens: 4, dripMs: 5 });
    const stream = anthropic().messages.stream({
      model: 'claude-sonnet-4-20250514',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'count' }],
    });
    const deltas: string[] = [];
    stream.on('text', (t) => deltas.push(t));
    const final = await stream.finalMessage();
    assert.ok(deltas.length >= 4, 'text arrives in several deltas');
    assert.equal(deltas.join(''), 'one two three four');
    assert.equal(final.usage.output_tokens, 4);
    assert.equal(final.usage.input_tokens, 30);
  });

  test('the OpenAI SDK round-trips JSON and streaming chat completions', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/openai/v1`, apiKey: 'dev-key', maxRetries: 0 });
    openaiUp.script({ text: 'openai says hi', inputTokens: 20, outputTokens: 3 });
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(completion.choices[0].message.content, 'openai says hi');
    assert.equal(completion.usage?.prompt_tokens, 20);
    assert.equal(completion.usage?.completion_tokens, 3);

    openaiUp.script({ text: 'streamed words here', inputTokens: 11, outputTokens: 3 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, 'streamed words here');
    assert.equal(usage?.completion_tokens, 3);
    assert.equal(openaiUp.requests.at(-1)!.headers.authorization, 'Bearer sk-openai-upstream-secret');
  });

  test('x-request-id names the gateway\'s log record on both routes; the upstream id travels separately', async () => {
    openaiUp.script({ text: 'ids', headers: { 'x-request-id': 'upstream-req-1' } });
    const openaiRes = await fetch(`${gw.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dev-key' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await openaiRes.text();
    assert.equal(openaiRes.headers.get('x-upstream-request-id'), 'upstream-req-1');
    const anthropicRes = await fetch(`${gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-key' },
      body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    });
    await anthropicRes.text();
    for (const res of [openaiRes, anthropicRes]) {
      const id = res.headers.get('x-request-id');
      assert.ok(id);
      const page = await eventually(async () => {
        const p = await gw.api<{ logs: { request_id: string }[] }>(`/api/logs?request_id=${id}`);
        return p.logs.length === 1 ? p : undefined;
      });
      assert.equal(page.logs[0].request_id, id);
    }
  });

  test('a missing or unknown virtual key gets 401 in the Anthropic error shape', async () => {
    const variants: Record<string, string>[] = [{}, { 'x-api-key': 'not-a-key' }];
    for (const headers of variants) {
      const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
      });
      assert.equal(res.status, 401);
      const body = (await res.json()) as { type: string; error: { type: string; message: string } };
      assert.equal(body.type, 'error');
      assert.equal(body.error.type, 'authentication_error');
      assert.equal(res.headers.get('x-spendgate-error-code'), 'virtual_key_not_found');
    }
    await assert.rejects(anthropic('wrong').messages.create({ model: 'x', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }), Anthropic.AuthenticationError);
  });

  test('malformed JSON and wrong types get 400 invalid_request_error', async () => {
    const bodies = ['{"model": "x", ', JSON.stringify({ model: 'x', max_tokens: 'lots', messages: [] }), '[]', 'null'];
    for (const body of bodies) {
      const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'dev-key' },
        body,
      });
      assert.equal(res.status, 400, body);
      const json = (await res.json()) as { error: { type: string; message: string } };
      assert.equal(json.error.type, 'invalid_request_error');
      assert.ok(json.error.message.length > 0);
    }
    const openaiRes = await fetch(`${gw.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dev-key' },
      body: '{nope',
    });
    assert.equal(openaiRes.status, 400);
    const openaiJson = (await openaiRes.json()) as { error: { message: string; type: string; code: string } };
    assert.equal(openaiJson.error.code, 'invalid_request');
  });

  test('a 33 MiB body gets 413 and the gateway keeps serving', async () => {
    const huge = Buffer.alloc(33 * 1024 * 1024, 'a');
    const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-key' },
      body: huge,
    });
    assert.equal(res.status, 413);
    const json = (await res.json()) as { error: { type: string } };
    assert.equal(json.error.type, 'request_too_large');
    const health = await fetch(`${gw.url}/health`);
    assert.equal(health.status, 200);
  });

  test('an upstream 500 reaches the client with the upstream error type after the retries', async () => {
    const failure = { status: 500, error: { type: 'api_error', message: 'upstream exploded' } };
    anthropicUp.script(failure, failure);
    const before = anthropicUp.requests.length;
    const err = await anthropic()
      .messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof Anthropic.InternalServerError, String(err));
    assert.equal(err.status, 500);
    assert.match(err.message, /upstream exploded/);
    assert.equal(anthropicUp.requests.length - before, 2, 'one retry (routing.retries: 1)');
  });

  test('an upstream reset mid-stream ends the client stream with an SSE error event; the gateway keeps serving', async () => {
    anthropicUp.script({ text: 'a b c d e f g h', resetAfterEvents: 4 });
    const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-key' },
      body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /event: message_start/);
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"[a-z_]+","message":/);
    assert.doesNotMatch(text, /message_stop/);
    anthropicUp.script({ text: 'still here' });
    const msg = await anthropic().messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(msg.content[0].type === 'text' && msg.content[0].text, 'still here');
  });

  test('every answered request is in the log with its usage and cost', async () => {
    const page = await eventually(async () => {
      const p = await gw.api<{ logs: { status: number; provider_config_id: string; input_tokens: number; cost: { total: number } | null }[] }>(
        '/api/logs?virtual_key_ids=dev-key&status=200&limit=100',
      );
      return p.logs.length >= 4 ? p : undefined;
    });
    const first = page.logs.find((l) => l.input_tokens === 42);
    assert.ok(first, 'the first message is logged');
    assert.equal(first.provider_config_id, 'anthropic-direct');
    // claude-sonnet-4: 42 input × $3/M + 7 output × $15/M + 5 cache reads × $0.30/M = 126 + 105 + 1.5 → 232.5 µ$
    assert.ok(first.cost !== null && Math.abs(first.cost.total - 0.000233) < 0.0000015, JSON.stringify(first.cost));
  });

  test('a valid config edit applies without a restart; an invalid one keeps the old config serving', async () => {
    await writeFile(gw.configPath, configFor(anthropicUp.url, openaiUp.url, [{ id: 'new-key', limit: 5, period: '1d' }]));
    await eventually(async () => {
      const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'new-key' },
        body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
      });
      return res.status === 200;
    }, 3000, 'the new key to work');
    await writeFile(gw.configPath, 'accounts: [\n  broken');
    await eventually(() => gw.output.some((l) => l.includes('config_rejected')), 3000, 'the rejection to be logged');
    const status = await gw.api<{ config: { ok: boolean; problems: { line: number }[] } }>('/api/status');
    assert.equal(status.config.ok, false);
    assert.ok(status.config.problems.length > 0);
    const msg = await anthropic('new-key').messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(msg.type, 'message', 'the previous config keeps serving');
  });
});
