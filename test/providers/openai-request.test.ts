// Pure parts of the OpenAI path: request building, usage normalisation, the stream observer, the model list.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildOpenAICall } from '../../proxy/providers/openai/request.js';
import { openaiUsage } from '../../proxy/providers/openai/usage.js';
import { OpenAIStreamObserver } from '../../proxy/providers/openai/stream.js';
import { openaiModelList } from '../../proxy/providers/openai/index.js';
import { endpointOf } from '../../proxy/providers/http/endpoint.js';
import { SseParser } from '../../proxy/providers/http/sse.js';
import type { ClientRequest, ProviderTarget } from '../../proxy/providers/types.js';
import { JsonBody } from '../../proxy/core/json-body.js';

const TARGET: ProviderTarget = { id: 'oa', accountId: 'acct', type: 'openai', model: 'gpt-4.1', weight: 1, resolvedApiKey: 'sk-up' };

function chatRequest(body: Record<string, unknown>, headers: Record<string, string> = {}): ClientRequest {
  return {
    protocol: 'openai',
    operation: 'chat_completions',
    model: String(body.model),
    stream: body.stream === true,
    body: JsonBody.of(body),
    headers,
    query: '',
  };
}

describe('openai request', () => {
  it('keeps the body bytes when the model matches and the call is not a stream', () => {
    const request = chatRequest({ model: 'gpt-4.1', messages: [] });
    const call = buildOpenAICall(request, TARGET, endpointOf('https://api.openai.com/v1'));
    assert.equal(call.body, request.body.raw);
    assert.equal(call.usageInjected, false);
    assert.equal(call.origin, 'https://api.openai.com');
    assert.equal(call.path, '/v1/chat/completions');
  });

  it('adds include_usage to a stream, keeping the client\'s other stream options', () => {
    const call = buildOpenAICall(
      chatRequest({ model: 'gpt-4.1', stream: true, stream_options: { include_obfuscation: false }, messages: [] }),
      TARGET,
      endpointOf('http://127.0.0.1:9/v1'),
    );
    assert.equal(call.usageInjected, true);
    assert.deepEqual(JSON.parse(call.body.toString()).stream_options, { include_obfuscation: false, include_usage: true });
  });

  it('sends the target key and drops the client\'s credentials, organisation and gateway headers', () => {
    const call = buildOpenAICall(
      chatRequest({ model: 'gpt-4.1', messages: [] }, {
        'openai-organization': 'org-client',
        'x-bf-vk': 'vk',
        'x-spendgate-tags': 'a=b',
        'accept-encoding': 'gzip',
        'x-stainless-lang': 'js',
      }),
      TARGET,
      endpointOf('https://api.openai.com/v1'),
    );
    assert.deepEqual(call.headers, { 'x-stainless-lang': 'js', 'content-type': 'application/json', authorization: 'Bearer sk-up' });
  });
});

describe('openai usage and stream', () => {
  it('counts cached prompt tokens as cache reads and only the rest as input', () => {
    assert.deepEqual(openaiUsage({ prompt_tokens: 1_000, completion_tokens: 50, prompt_tokens_details: { cached_tokens: 768 } }), {
      inputTokens: 232,
      outputTokens: 50,
      cacheReadTokens: 768,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
    });
  });

  it('withholds only the usage-only chunk when the gateway injected include_usage', () => {
    const stream = [
      'data: {"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}],"usage":null}\n\n',
      'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}\n\n',
      'data: {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2}}\n\n',
      'data: [DONE]\n\n',
    ].join('');
    const observer = new OpenAIStreamObserver(true);
    const kept = new SseParser().push(Buffer.from(stream)).map((event) => observer.observe(event));
    assert.deepEqual(kept, [true, true, false, true]);
    assert.equal(observer.finished, true);
    assert.equal(observer.stopReason, 'stop');
    assert.equal(observer.finalUsage()?.inputTokens, 9);
  });

  it('lists each configured model once in the OpenAI list shape', () => {
    assert.deepEqual(openaiModelList(['gpt-4.1', 'gpt-4.1']), { object: 'list', data: [{ id: 'gpt-4.1', object: 'model', created: 0, owned_by: 'spendgate' }] });
  });
});
