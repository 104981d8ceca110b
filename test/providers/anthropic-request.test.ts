// The Anthropic upstream request: which bytes, path and headers leave the gateway.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAnthropicCall } from '../../proxy/providers/anthropic/request.js';
import { AnthropicProvider } from '../../proxy/providers/anthropic/index.js';
import { endpointOf } from '../../proxy/providers/http/endpoint.js';
import type { ClientRequest, ProviderTarget } from '../../proxy/providers/types.js';
import { JsonBody } from '../../proxy/core/json-body.js';

const TARGET: ProviderTarget = { id: 'an', accountId: 'acct', type: 'anthropic', model: 'claude-sonnet-4-20250514', weight: 1, resolvedApiKey: 'sk-ant' };

function messages(body: Record<string, unknown>, headers: Record<string, string> = {}, query = ''): ClientRequest {
  return { protocol: 'anthropic', operation: 'messages', model: String(body.model), stream: false, body: JsonBody.of(body), headers, query };
}

describe('anthropic request', () => {
  it('changes only the model\'s bytes to put the target model in, keeping the client\'s key order and formatting', () => {
    const call = buildAnthropicCall(messages({ model: 'auto', max_tokens: 5, messages: [] }), TARGET, endpointOf('https://api.anthropic.com'));
    assert.equal(call.body.toString(), '{"model":"claude-sonnet-4-20250514","max_tokens":5,"messages":[]}');
    const spaced = Buffer.from('{\n  "max_tokens": 5,\n  "model": "auto",\n  "messages": [ ]\n}');
    const request: ClientRequest = { ...messages({}), model: 'auto', body: JsonBody.read(spaced) };
    const rewritten = buildAnthropicCall(request, TARGET, endpointOf('https://api.anthropic.com'));
    assert.equal(rewritten.body.toString(), '{\n  "max_tokens": 5,\n  "model": "claude-sonnet-4-20250514",\n  "messages": [ ]\n}');
  });

  it('keeps the base URL path prefix and the client query string', () => {
    const call = buildAnthropicCall(messages({ model: TARGET.model }, {}, 'beta=true'), TARGET, endpointOf('http://127.0.0.1:8000/anthropic/'));
    assert.equal(call.origin, 'http://127.0.0.1:8000');
    assert.equal(call.path, '/anthropic/v1/messages?beta=true');
  });

  it('passes anthropic-* and client identity headers, adds a version when missing, and swaps the credential', () => {
    const call = buildAnthropicCall(
      messages({ model: TARGET.model }, { 'anthropic-beta': 'some-future-beta-2031-01-01', 'x-app': 'cli', host: 'localhost:8080', connection: 'keep-alive', 'x-spendgate-tags': 't' }),
      TARGET,
      endpointOf('https://api.anthropic.com'),
    );
    assert.deepEqual(call.headers, {
      'anthropic-beta': 'some-future-beta-2031-01-01',
      'x-app': 'cli',
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'x-api-key': 'sk-ant',
    });
  });

  it('declines other protocols and operations with a reason', () => {
    const provider = new AnthropicProvider();
    const openaiRequest: ClientRequest = { ...messages({ model: 'x' }), protocol: 'openai', operation: 'chat_completions' };
    assert.match(provider.unsupported(openaiRequest, TARGET) ?? '', /not openai/);
    assert.equal(provider.unsupported(messages({ model: 'x' }), TARGET), null);
    assert.match(provider.unsupported(messages({ model: 'x' }), { ...TARGET, type: 'bedrock' }) ?? '', /not anthropic/);
  });
});
