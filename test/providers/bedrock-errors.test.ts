// Bedrock failures as the gateway reports them: status, retryability and message per exception, network and credentials.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { GatewayError } from '../../proxy/core/errors.js';
import { bedrockErrorResponse } from '../../proxy/providers/bedrock/errors.js';
import { mistralTarget, sendsSettled, startRig, type Rig } from './bedrock-fixture.js';

const CASES = [
  { type: 'ThrottlingException', upstreamStatus: 429, status: 429, retryable: true, sdk: Anthropic.RateLimitError },
  { type: 'ServiceUnavailableException', upstreamStatus: 503, status: 503, retryable: true, sdk: Anthropic.InternalServerError },
  { type: 'InternalServerException', upstreamStatus: 500, status: 500, retryable: true, sdk: Anthropic.InternalServerError },
  { type: 'ModelNotReadyException', upstreamStatus: 429, status: 503, retryable: true, sdk: Anthropic.InternalServerError },
  { type: 'ModelTimeoutException', upstreamStatus: 408, status: 504, retryable: true, sdk: Anthropic.InternalServerError },
  { type: 'ValidationException', upstreamStatus: 400, status: 400, retryable: false, sdk: Anthropic.BadRequestError },
  { type: 'AccessDeniedException', upstreamStatus: 403, status: 403, retryable: true, sdk: Anthropic.PermissionDeniedError },
  { type: 'ResourceNotFoundException', upstreamStatus: 404, status: 404, retryable: true, sdk: Anthropic.NotFoundError },
] as const;

describe('Bedrock exceptions before the answer', () => {
  let rig: Rig;
  let client: Anthropic;
  before(async () => {
    rig = await startRig(mistralTarget);
    client = new Anthropic({ baseURL: `${rig.harness.url}/anthropic`, apiKey: 'vk', maxRetries: 0 });
  });
  after(() => rig.close());

  for (const c of CASES) {
    test(`${c.type} becomes HTTP ${c.status}, ${c.retryable ? 'retryable' : 'not retryable'}, keeping the Bedrock type`, async () => {
      const before = rig.harness.sends.length;
      rig.upstream.script({ error: { type: c.type, status: c.upstreamStatus, message: `scripted ${c.type}` } });
      await assert.rejects(client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), c.sdk);
      await sendsSettled(rig.harness, before + 1);
      const err = rig.harness.sends[before].error;
      assert.ok(err instanceof GatewayError);
      assert.equal(err.kind, 'upstream');
      assert.equal(err.status, c.status);
      assert.equal(err.retryable, c.retryable);
      assert.equal(err.upstreamType, c.type);
      assert.match(err.message, new RegExp(`scripted ${c.type}`));
      assert.equal(bedrockErrorResponse(err).headers['x-amzn-errortype'], c.type);
    });
  }

  test('AccessDenied says the permission is the gateway credentials’, not the client’s', async () => {
    const before = rig.harness.sends.length;
    rig.upstream.script({ error: { type: 'AccessDeniedException', status: 403, message: 'You don’t have access to the model' } });
    await assert.rejects(client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
    await sendsSettled(rig.harness, before + 1);
    const err = rig.harness.sends[before].error as GatewayError;
    assert.match(err.message, /bedrock-mistral/);
    assert.match(err.message, /not of your key/);
  });
});

describe('failures outside Bedrock', () => {
  test('an unreachable endpoint is a retryable 502', async () => {
    const rig = await startRig((endpoint) => ({ ...mistralTarget(endpoint), endpoint: 'http://127.0.0.1:1' }));
    try {
      const client = new Anthropic({ baseURL: `${rig.harness.url}/anthropic`, apiKey: 'vk', maxRetries: 0 });
      await assert.rejects(client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
      await sendsSettled(rig.harness, 1);
      const err = rig.harness.sends[0].error as GatewayError;
      assert.equal(err.status, 502);
      assert.equal(err.retryable, true);
      assert.equal(rig.upstream.requests.length, 0);
    } finally {
      await rig.close();
    }
  });

  test('missing credentials are a 502 naming the provider config, not a crash', async () => {
    const rig = await startRig((endpoint) => ({ ...mistralTarget(endpoint), credentials: { profile: 'spendgate-test-no-such-profile' } }));
    try {
      const client = new Anthropic({ baseURL: `${rig.harness.url}/anthropic`, apiKey: 'vk', maxRetries: 0 });
      await assert.rejects(client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
      await sendsSettled(rig.harness, 1);
      const err = rig.harness.sends[0].error as GatewayError;
      assert.equal(err.status, 502);
      assert.match(err.message, /no AWS credentials for Bedrock provider config bedrock-mistral/);
      assert.equal(rig.upstream.requests.length, 0);
    } finally {
      await rig.close();
    }
  });
});

describe('connection reuse', () => {
  test('200 sequential calls use at most a handful of upstream connections', async () => {
    const rig = await startRig(mistralTarget);
    try {
      const client = new Anthropic({ baseURL: `${rig.harness.url}/anthropic`, apiKey: 'vk', maxRetries: 0 });
      for (let i = 0; i < 200; i++) {
        await client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: `call ${i}` }] });
      }
      assert.equal(rig.upstream.requests.length, 200);
      assert.ok(rig.upstream.connections <= 3, `used ${rig.upstream.connections} connections`);
      assert.equal(rig.upstream.requests[0].httpVersion, '1.1');
    } finally {
      await rig.close();
    }
  });
});
