// The edge of the Responses routes: which paths they are, what bodies they take, and the stateless rule, as
// GatewayErrors the OpenAI route renders with `param` naming the field.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../proxy/core/errors.js';
import { matchClientRoute, requestEnvelope, withBody, type ClientRoute } from '../../proxy/api/client-request.js';
import { toWireError } from '../../proxy/api/wire-errors.js';

function parse(path: string, body: unknown) {
  const route = matchClientRoute(path) as ClientRoute;
  return withBody(requestEnvelope(route, { authorization: 'Bearer dev-key' }, ''), route, Buffer.from(JSON.stringify(body)));
}

function refusal(path: string, body: unknown): { status: number; error: { message: string; type: string; param: string | null; code: string } } {
  try {
    parse(path, body);
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    const wire = toWireError('openai', err);
    return { status: wire.status, ...(JSON.parse(wire.body) as { error: { message: string; type: string; param: string | null; code: string } }) };
  }
  assert.fail('the body was accepted');
}

describe('POST /openai/v1/responses and /responses/compact at the edge', () => {
  test('the two paths are OpenAI routes of their own operations', () => {
    assert.deepEqual(matchClientRoute('/openai/v1/responses'), { protocol: 'openai', operation: 'responses' });
    assert.deepEqual(matchClientRoute('/openai/v1/responses/compact'), { protocol: 'openai', operation: 'responses_compact' });
    assert.equal(matchClientRoute('/openai/v1/responses/resp_123'), undefined, 'retrieving a stored response is no route');
  });

  test('a request takes its model and stream from the body, keeps the raw bytes and drops the credential', () => {
    const request = parse('/openai/v1/responses', { model: 'gpt-4.1', input: 'hi', stream: true });
    assert.deepEqual([request.operation, request.model, request.stream], ['responses', 'gpt-4.1', true]);
    assert.equal(request.body.raw.toString(), JSON.stringify({ model: 'gpt-4.1', input: 'hi', stream: true }));
    assert.equal(request.headers.authorization, undefined);
    assert.equal(parse('/openai/v1/responses/compact', { model: 'gpt-4.1', input: [] }).stream, false);
  });

  test('a body of the wrong shape is a 400 naming the field in param', () => {
    assert.equal(refusal('/openai/v1/responses', { input: 'hi' }).error.param, 'model');
    assert.equal(refusal('/openai/v1/responses', { model: 'm', input: 7 }).error.param, 'input');
    assert.equal(refusal('/openai/v1/responses', { model: 'm', input: ['not an item'] }).error.param, 'input');
    assert.equal(refusal('/openai/v1/responses', { model: 'm', stream: 'yes' }).error.param, 'stream');
    assert.equal(refusal('/openai/v1/responses', { model: 'm', max_output_tokens: 0 }).error.param, 'max_output_tokens');
    assert.equal(refusal('/openai/v1/responses', { model: 'm', tools: [{ name: 'no type' }] }).error.param, 'tools.0.type');
    const wrong = refusal('/openai/v1/responses/compact', { model: 'm', instructions: 3 });
    assert.deepEqual([wrong.status, wrong.error.type, wrong.error.code, wrong.error.param], [400, 'invalid_request_error', 'invalid_request', 'instructions']);
  });

  test('previous_response_id and conversation are refused on both routes, saying to send the whole history', () => {
    for (const path of ['/openai/v1/responses', '/openai/v1/responses/compact']) {
      const chained = refusal(path, { model: 'm', input: 'next', previous_response_id: 'resp_1' });
      assert.equal(chained.status, 400);
      assert.equal(chained.error.param, 'previous_response_id');
      assert.match(chained.error.message, /spendgate does not store responses.*full conversation in `input` with `store: false`/s);
    }
    assert.equal(refusal('/openai/v1/responses', { model: 'm', input: 'x', conversation: 'conv_1' }).error.param, 'conversation');
    assert.equal(refusal('/openai/v1/responses', { model: 'm', input: 'x', conversation: { id: 'conv_1' } }).error.param, 'conversation');
  });

  test('null or empty state fields are no reference to stored state', () => {
    assert.equal(parse('/openai/v1/responses', { model: 'm', input: 'x', previous_response_id: null, conversation: null }).model, 'm');
    assert.equal(parse('/openai/v1/responses', { model: 'm', input: 'x', previous_response_id: '' }).model, 'm');
  });

  test("Bedrock's refusal of a prompt longer than the model's context reaches OpenAI clients as context_length_exceeded", () => {
    for (const message of ['Input is too long for requested model.', 'prompt is too long: 212345 tokens > 200000 maximum']) {
      const wire = toWireError('openai', new GatewayError('upstream', message, { status: 400, upstreamType: 'ValidationException' }));
      const body = JSON.parse(wire.body) as { error: { code: string; type: string; message: string } };
      assert.deepEqual([wire.status, body.error.code, body.error.type, body.error.message], [400, 'context_length_exceeded', 'invalid_request_error', message]);
      // The gateway's own header keeps spendgate's code for every protocol.
      assert.equal(wire.headers['x-spendgate-error-code'], 'upstream_error');
    }
    const other = toWireError('openai', new GatewayError('upstream', 'The provided model identifier is invalid.', { status: 400 }));
    assert.equal((JSON.parse(other.body) as { error: { code: string } }).error.code, 'upstream_error');
  });
});
