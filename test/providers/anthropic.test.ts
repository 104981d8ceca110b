// The Anthropic provider, driven by the real Anthropic SDK through a loopback harness against a scripted upstream.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { GatewayError } from '../../proxy/core/errors.js';
import { AnthropicProvider } from '../../proxy/providers/anthropic/index.js';
import type { ProviderTarget } from '../../proxy/providers/types.js';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import { postAndDisconnect, startProviderHarness, type ProviderHarness, type TestUpstream } from '../upstreams/common.js';

const MODEL = 'claude-sonnet-4-20250514';

function targetFor(upstream: TestUpstream, model = MODEL): ProviderTarget {
  return { id: 'anthropic-direct', accountId: 'acct', type: 'anthropic', model, weight: 1, baseUrl: upstream.url, resolvedApiKey: 'sk-ant-upstream-key' };
}

describe('anthropic provider', () => {
  let upstream: TestUpstream;
  let harness: ProviderHarness;
  let client: Anthropic;

  before(async () => {
    upstream = await startAnthropicUpstream();
    harness = await startProviderHarness({ provider: new AnthropicProvider(), protocol: 'anthropic', target: targetFor(upstream) });
    client = new Anthropic({ baseURL: harness.url, apiKey: 'vk-developer', maxRetries: 0 });
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

  it('round-trips a JSON message with the upstream text and usage, calling upstream with the target key', async () => {
    upstream.script({ inputTokens: 120, outputTokens: 7, cacheReadTokens: 40, cacheWrite5mTokens: 30 });
    const message = await client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const record = await harness.nextSend();

    assert.deepEqual(message.content, [{ type: 'text', text: `Reply from ${MODEL}.` }]);
    assert.equal(message.usage.input_tokens, 120);
    assert.equal(message.usage.output_tokens, 7);
    assert.deepEqual(record.outcome?.usage, { inputTokens: 120, outputTokens: 7, cacheReadTokens: 40, cacheWrite5mTokens: 30, cacheWrite1hTokens: 0 });
    assert.equal(record.outcome?.stopReason, 'end_turn');
    assert.deepEqual(record.usageReports, [record.outcome?.usage]);
    const sent = upstream.requests[0];
    assert.equal(sent.headers['x-api-key'], 'sk-ant-upstream-key');
    assert.equal(sent.headers.authorization, undefined);
  });

  it('streams text and tool_use through the SDK and reports the final usage with the 5m/1h cache split', async () => {
    upstream.script({
      inputTokens: 900,
      outputTokens: 61,
      cacheReadTokens: 12_000,
      cacheWrite5mTokens: 300,
      cacheWrite1hTokens: 2_000,
      toolUse: { name: 'Bash', input: { command: 'git status', description: 'Show working tree status' } },
    });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'status?' }] });
    const message = await stream.finalMessage();
    const record = await harness.nextSend();

    assert.equal(message.content[0].type === 'text' && message.content[0].text, `Reply from ${MODEL}.`);
    assert.deepEqual(message.content[1], {
      type: 'tool_use',
      id: 'toolu_test' + message.id.slice('msg_test'.length),
      name: 'Bash',
      input: { command: 'git status', description: 'Show working tree status' },
    });
    assert.equal(message.usage.output_tokens, 61);
    assert.deepEqual(record.outcome?.usage, { inputTokens: 900, outputTokens: 61, cacheReadTokens: 12_000, cacheWrite5mTokens: 300, cacheWrite1hTokens: 2_000 });
    assert.equal(record.outcome?.stopReason, 'tool_use');
    assert.equal(record.outcome?.error, undefined);
    assert.deepEqual(record.usageReports.at(-1), record.outcome?.usage);
  });

  it('asks the upstream for the target model when the client named another, and serves what the target answered', async () => {
    const message = await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const record = await harness.nextSend();
    assert.equal((upstream.requests[0].json as { model: string }).model, MODEL);
    assert.equal(message.content[0].type === 'text' && message.content[0].text, `Reply from ${MODEL}.`);
    assert.equal(record.outcome?.servedModel, MODEL);
  });

  it('answers count_tokens with the upstream count and reports no billed usage', async () => {
    upstream.script({ inputTokens: 4321 });
    const counted = await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'how many?' }] });
    const record = await harness.nextSend();
    assert.equal(counted.input_tokens, 4321);
    assert.equal(upstream.requests[0].path, '/v1/messages/count_tokens');
    assert.equal(record.outcome?.usage, null);
  });

  it('turns an upstream 500 into a retryable GatewayError that keeps the upstream type and message', async () => {
    upstream.script({ status: 500, error: { type: 'api_error', message: 'Internal server error' } });
    await assert.rejects(
      client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) => err instanceof Anthropic.InternalServerError && err.message.includes('Internal server error'),
    );
    const { error } = await harness.nextSend();
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'upstream');
    assert.equal(error.status, 500);
    assert.equal(error.retryable, true);
    assert.equal(error.upstreamType, 'api_error');
    assert.equal(error.message, 'Internal server error');
  });

  it('carries retry-after from an overloaded (529) upstream', async () => {
    upstream.script({ status: 529, error: { type: 'overloaded_error', message: 'Overloaded' }, headers: { 'retry-after': '7' } });
    await assert.rejects(client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }));
    const { error } = await harness.nextSend();
    assert.ok(error instanceof GatewayError);
    assert.equal(error.retryable, true);
    assert.equal(error.upstreamType, 'overloaded_error');
    assert.equal(error.retryAfter, 7);
  });

  it('turns an upstream 400 into a non-retryable GatewayError with the same type and message for the client', async () => {
    upstream.script({ status: 400, error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
    await assert.rejects(
      client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) => err instanceof Anthropic.BadRequestError && err.message.includes('max_tokens: Field required'),
    );
    const { error } = await harness.nextSend();
    assert.ok(error instanceof GatewayError);
    assert.equal(error.status, 400);
    assert.equal(error.retryable, false);
    assert.equal(error.upstreamType, 'invalid_request_error');
  });

  it('ends a stream reset mid-way with an SSE error event and reports the usage seen so far', async () => {
    const text = 'one two three four five six seven eight nine ten eleven twelve';
    upstream.script({ inputTokens: 500, outputTokens: 40, text, resetAfterEvents: 8 });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'count' }] });
    await assert.rejects(stream.finalMessage(), (err: unknown) => err instanceof Anthropic.APIError && /mid-response/.test(err.message));
    const record = await harness.nextSend();

    assert.equal(record.outcome?.status, 200);
    assert.equal(record.outcome?.error?.type, 'api_error');
    const usage = record.outcome?.usage;
    assert.ok(usage);
    assert.equal(usage.inputTokens, 500);
    // Five text deltas reached the client before the reset: billed output is estimated from them, not the final 40.
    assert.ok(usage.outputTokens >= 1 && usage.outputTokens < 40, `output ${usage.outputTokens}`);
  });

  it('keeps reading after the client disconnects, so the complete billed usage is still reported', async () => {
    upstream.script({ inputTokens: 77, outputTokens: 33, deltas: 20, dripMs: 15 });
    await postAndDisconnect(`${harness.url}/v1/messages`, { model: MODEL, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'long answer' }] }, { 'x-api-key': 'vk' });
    const record = await harness.nextSend();
    assert.deepEqual(record.outcome?.usage, { inputTokens: 77, outputTokens: 33, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 });
    assert.equal(record.outcome?.error, undefined);
    assert.equal(record.outcome?.stopReason, 'end_turn');
  });

  it('passes a recorded Claude Code request through byte for byte: body, query string and anthropic-beta', async () => {
    const raw = readFileSync(join(__dirname, '..', 'fixtures', 'claude-code-request.json'));
    const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'claude-code-request.headers.json'), 'utf8')) as {
      path: string;
      query: string;
      headers: Record<string, string>;
    };
    const model = (JSON.parse(raw.toString('utf8')) as { model: string }).model;
    const direct = await startProviderHarness({ provider: new AnthropicProvider(), protocol: 'anthropic', target: targetFor(upstream, model) });
    try {
      const response = await fetch(`${direct.url}${fixture.path}?${fixture.query}`, {
        method: 'POST',
        headers: { ...fixture.headers, authorization: 'Bearer vk-developer' },
        body: raw,
      });
      const text = await response.text();
      const record = await direct.nextSend();

      const sent = upstream.requests[0];
      assert.equal(sent.path, '/v1/messages');
      assert.equal(sent.query, 'beta=true');
      assert.ok(sent.body.equals(raw), 'upstream body bytes differ from the client body');
      assert.equal(sent.headers['anthropic-beta'], fixture.headers['anthropic-beta']);
      assert.equal(sent.headers['anthropic-version'], '2023-06-01');
      assert.equal(sent.headers['x-app'], 'cli');
      assert.equal(sent.headers['x-claude-code-session-id'], fixture.headers['x-claude-code-session-id']);
      assert.equal(sent.headers['x-api-key'], 'sk-ant-upstream-key');
      assert.equal(sent.headers.authorization, undefined);
      assert.equal(response.status, 200);
      assert.match(text, /^event: message_start\n/);
      assert.match(text, /event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/);
      assert.equal(record.outcome?.usage?.inputTokens, Math.ceil(raw.length / 4));
    } finally {
      await direct.close();
    }
  });
});
