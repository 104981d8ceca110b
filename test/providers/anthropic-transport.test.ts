// Network failures on the Anthropic path: refused connections, silent upstreams, idle streams, gateway aborts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '../../proxy/core/errors.js';
import { AnthropicProvider } from '../../proxy/providers/anthropic/index.js';
import type { ClientRequest, ProviderTarget, ResponseSink } from '../../proxy/providers/types.js';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { JsonBody } from '../../proxy/core/json-body.js';

const MODEL = 'claude-sonnet-4-20250514';

/** A sink that keeps what it was given, for assertions on the bytes a client would have seen. */
class RecordingSink implements ResponseSink {
  status: number | undefined;
  chunks: string[] = [];
  ended = false;
  clientGone = false;
  get started(): boolean {
    return this.status !== undefined;
  }
  head(status: number): void {
    this.status = status;
  }
  write(chunk: Uint8Array | string): Promise<void> {
    this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return Promise.resolve();
  }
  end(chunk?: Uint8Array | string): void {
    if (chunk !== undefined) this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    this.ended = true;
  }
}

function messagesRequest(stream: boolean): ClientRequest {
  const body = { model: MODEL, max_tokens: 50, stream, messages: [{ role: 'user', content: 'hi' }] };
  return {
    protocol: 'anthropic',
    operation: 'messages',
    model: MODEL,
    stream,
    body: JsonBody.of(body),
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    query: '',
  };
}

function target(baseUrl: string): ProviderTarget {
  return { id: 'anthropic-direct', accountId: 'acct', type: 'anthropic', model: MODEL, weight: 1, baseUrl, resolvedApiKey: 'sk-test' };
}

const TIMEOUTS = { connectMs: 1_000, firstByteMs: 150, idleMs: 150 };

describe('anthropic provider transport failures', () => {
  let upstream: TestUpstream;
  const provider = new AnthropicProvider();

  before(async () => {
    upstream = await startAnthropicUpstream();
  });
  after(async () => {
    await provider.close();
    await upstream.close();
  });

  it('reports a refused connection as a retryable 502 before anything is sent', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sink = new RecordingSink();
    await assert.rejects(
      provider.send(messagesRequest(false), target(`http://127.0.0.1:${port}`), sink, { timeouts: TIMEOUTS, signal: new AbortController().signal }),
      (err: unknown) => err instanceof GatewayError && err.status === 502 && err.retryable && /ECONNREFUSED/.test(err.message),
    );
    assert.equal(sink.started, false);
  });

  it('reports an upstream that never answers as a retryable 504 after the first-byte timeout', async () => {
    upstream.script({ hang: true });
    const sink = new RecordingSink();
    await assert.rejects(
      provider.send(messagesRequest(true), target(upstream.url), sink, { timeouts: TIMEOUTS, signal: new AbortController().signal }),
      (err: unknown) => err instanceof GatewayError && err.status === 504 && err.retryable,
    );
    assert.equal(sink.started, false);
  });

  it('ends a stream that goes idle with an SSE error event and keeps the usage seen', async () => {
    upstream.script({ inputTokens: 42, dripMs: 1_000 });
    const sink = new RecordingSink();
    const outcome = await provider.send(messagesRequest(true), target(upstream.url), sink, { timeouts: TIMEOUTS, signal: new AbortController().signal });
    assert.equal(sink.status, 200);
    assert.equal(sink.ended, true);
    assert.match(sink.chunks.join(''), /^event: message_start\n[\s\S]*event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^"]*idle/);
    assert.equal(outcome.error?.type, 'api_error');
    assert.equal(outcome.usage?.inputTokens, 42);
  });

  it('reports a gateway abort before the answer as a non-retryable error', async () => {
    upstream.script({ hang: true });
    const controller = new AbortController();
    const sent = provider.send(messagesRequest(false), target(upstream.url), new RecordingSink(), {
      timeouts: { ...TIMEOUTS, firstByteMs: 10_000 },
      signal: controller.signal,
    });
    controller.abort();
    await assert.rejects(sent, (err: unknown) => err instanceof GatewayError && !err.retryable);
  });
});
