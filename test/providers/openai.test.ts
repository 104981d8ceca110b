// The OpenAI provider, driven by the real OpenAI SDK through a loopback harness against a scripted upstream.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { GatewayError } from '../../proxy/core/errors.js';
import { OpenAIProvider } from '../../proxy/providers/openai/index.js';
import type { ProviderTarget } from '../../proxy/providers/types.js';
import { startOpenAIUpstream } from '../upstreams/openai.js';
import { postAndDisconnect, startProviderHarness, type ProviderHarness, type TestUpstream } from '../upstreams/common.js';

const MODEL = 'gpt-4.1';

function targetFor(upstream: TestUpstream): ProviderTarget {
  return { id: 'openai-direct', accountId: 'acct', type: 'openai', model: MODEL, weight: 1, baseUrl: `${upstream.url}/v1`, resolvedApiKey: 'sk-openai-upstream-key' };
}

describe('openai provider', () => {
  let upstream: TestUpstream;
  let harness: ProviderHarness;
  let client: OpenAI;

  before(async () => {
    upstream = await startOpenAIUpstream();
    harness = await startProviderHarness({ provider: new OpenAIProvider(), protocol: 'openai', target: targetFor(upstream) });
    client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'vk-developer', maxRetries: 0 });
  });
  after(async () => {
    try {
      await harness.close();
    } finally {
      await upstream.close();
    }
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });

  it('round-trips a JSON completion: cached prompt tokens become cache reads, the rest uncached input', async () => {
    upstream.script({ inputTokens: 300, cacheReadTokens: 1_024, outputTokens: 9 });
    const completion = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    const record = await harness.nextSend();

    assert.equal(completion.choices[0].message.content, `Reply from ${MODEL}.`);
    assert.equal(completion.usage?.prompt_tokens, 1_324);
    assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 1_024);
    assert.deepEqual(record.outcome?.usage, { inputTokens: 300, outputTokens: 9, cacheReadTokens: 1_024, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 });
    assert.equal(record.outcome?.stopReason, 'stop');
    const sent = upstream.requests[0];
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, 'Bearer sk-openai-upstream-key');
  });

  it('adds include_usage to a stream that lacks it and withholds the usage chunk the client did not ask for', async () => {
    upstream.script({ inputTokens: 50, outputTokens: 4, cacheReadTokens: 8 });
    const stream = await client.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    const record = await harness.nextSend();

    assert.deepEqual((upstream.requests[0].json as { stream_options: unknown }).stream_options, { include_usage: true });
    assert.equal(text, `Reply from ${MODEL}.`);
    assert.ok(chunks.every((chunk) => chunk.choices.length > 0), 'the client saw a usage-only chunk');
    assert.deepEqual(record.outcome?.usage, { inputTokens: 50, outputTokens: 4, cacheReadTokens: 8, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 });
    assert.equal(record.outcome?.stopReason, 'stop');
    assert.deepEqual(record.usageReports.at(-1), record.outcome?.usage);
  });

  it('forwards the usage chunk, and the body bytes unchanged, when the client asked for usage itself', async () => {
    upstream.script({ inputTokens: 20, outputTokens: 3 });
    const stream = await client.chat.completions.create({
      model: MODEL,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    const record = await harness.nextSend();

    assert.equal(usage?.prompt_tokens, 20);
    assert.equal(usage?.completion_tokens, 3);
    assert.ok(record.request.body.raw.equals(upstream.requests[0].body), 'the body was re-serialised without need');
  });

  it('streams tool calls through unchanged', async () => {
    upstream.script({ toolUse: { name: 'get_weather', input: { city: 'Lisbon' } } });
    const runner = client.chat.completions.stream({
      model: MODEL,
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    const completion = await runner.finalChatCompletion();
    await harness.nextSend();
    const call = completion.choices[0].message.tool_calls?.[0];
    assert.equal(call?.type === 'function' && call.function.name, 'get_weather');
    assert.deepEqual(call?.type === 'function' && JSON.parse(call.function.arguments), { city: 'Lisbon' });
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
  });

  it('turns an upstream 500 into a retryable GatewayError with the upstream type', async () => {
    upstream.script({ status: 500, error: { type: 'server_error', message: 'The server had an error while processing your request.' } });
    await assert.rejects(
      client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) => err instanceof OpenAI.InternalServerError && err.message.includes('The server had an error'),
    );
    const { error } = await harness.nextSend();
    assert.ok(error instanceof GatewayError);
    assert.equal(error.status, 500);
    assert.equal(error.retryable, true);
    assert.equal(error.upstreamType, 'server_error');
  });

  it('turns an upstream 429 into a retryable GatewayError carrying retry-after', async () => {
    upstream.script({ status: 429, error: { type: 'tokens', code: 'rate_limit_exceeded', message: 'Rate limit reached' }, headers: { 'retry-after': '3' } });
    await assert.rejects(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }));
    const { error } = await harness.nextSend();
    assert.ok(error instanceof GatewayError);
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfter, 3);
    assert.equal(error.upstreamType, 'tokens');
  });

  it('turns an upstream 400 into a non-retryable GatewayError with the same message for the client', async () => {
    upstream.script({ status: 400, error: { type: 'invalid_request_error', code: 'invalid_value', message: "Invalid value for 'temperature'" } });
    await assert.rejects(
      client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.message.includes("Invalid value for 'temperature'"),
    );
    const { error } = await harness.nextSend();
    assert.ok(error instanceof GatewayError);
    assert.equal(error.retryable, false);
    assert.equal(error.upstreamType, 'invalid_request_error');
  });

  it('ends a stream reset mid-way with an SSE error the SDK raises, and no invented usage', async () => {
    upstream.script({ text: 'a b c d e f g h', resetAfterEvents: 4 });
    const stream = await client.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
      (err: unknown) => err instanceof OpenAI.APIError && /mid-response/.test(err.message),
    );
    const record = await harness.nextSend();
    assert.equal(text, 'a b c ');
    assert.equal(record.outcome?.error?.type, 'api_error');
    assert.equal(record.outcome?.usage, null);
  });

  it('keeps reading after the client disconnects, so the usage chunk is still seen', async () => {
    upstream.script({ inputTokens: 64, outputTokens: 20, deltas: 20, dripMs: 15 });
    await postAndDisconnect(`${harness.url}/v1/chat/completions`, { model: MODEL, stream: true, messages: [{ role: 'user', content: 'long answer' }] });
    const record = await harness.nextSend();
    assert.deepEqual(record.outcome?.usage, { inputTokens: 64, outputTokens: 20, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 });
    assert.equal(record.outcome?.error, undefined);
  });
});
