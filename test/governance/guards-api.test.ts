// The runaway-agent guard over the management API: GET /api/guards lists a paused key in the API's one convention
// (snake_case, ISO 8601 UTC), POST /api/guards/resume lifts it, and the key's requests pass again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuardsJson } from '../../proxy/api/wire/index.js';
import { bifrost } from '../harness/config-builder.js';
import { startLoopbackGateway, type LoopbackGateway } from '../harness/loopback.js';

function configFor(anthropicUrl: string): string {
  return bifrost({
    accounts: [{ id: 'dev', providers: [{ id: 'anthropic-direct', type: 'anthropic', model: 'claude-sonnet-4-20250514', base_url: anthropicUrl, api_key: 'env.TEST_ANTHROPIC_KEY' }] }],
    budgets: { virtual_key: [{ id: 'looping-agent', limit: 50, period: '1d' }] },
    guards: [{ virtual_key_id: 'looping-agent', max_requests: 2, window: '10m' }],
  });
}

describe('GET /api/guards and POST /api/guards/resume', () => {
  let rig: LoopbackGateway;

  before(async () => {
    rig = await startLoopbackGateway(configFor, { TEST_ANTHROPIC_KEY: 'sk-ant-upstream-secret' });
  });

  after(async () => {
    await rig.close();
  });

  async function message(): Promise<Response> {
    rig.anthropicUp.script({ inputTokens: 10, outputTokens: 2 });
    const res = await fetch(`${rig.gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'looping-agent', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 20, messages: [{ role: 'user', content: 'again' }] }),
    });
    await res.clone().arrayBuffer();
    return res;
  }

  /** GET /api/guards until it lists a pause (the guard counts a request once it is settled, just after the answer). */
  async function pausedList(): Promise<GuardsJson> {
    for (let i = 0; i < 100; i++) {
      const guards = await rig.gw.api<GuardsJson>('/api/guards');
      if (guards.paused.length > 0) return guards;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the guard never paused the key');
  }

  test('a paused key is listed with its reason and an ISO 8601 UTC instant, and resuming lets it through', async () => {
    const before = Date.now();
    assert.deepEqual(await rig.gw.api<GuardsJson>('/api/guards'), { paused: [] });
    assert.equal((await message()).status, 200);
    assert.equal((await message()).status, 200);

    const { paused } = await pausedList();
    assert.equal(paused.length, 1);
    assert.deepEqual(Object.keys(paused[0]).sort(), ['reason', 'since', 'virtual_key_id']);
    assert.equal(paused[0].virtual_key_id, 'looping-agent');
    assert.equal(paused[0].reason, 'made 2 requests within 10m (guard: 2)');
    assert.match(paused[0].since, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const since = Date.parse(paused[0].since);
    assert.ok(since >= before - 1000 && since <= Date.now(), `since ${paused[0].since} lies within the test`);

    const refused = await message();
    assert.equal(refused.status, 429);
    assert.equal(((await refused.json()) as { error: { type: string } }).error.type, 'rate_limit_error');

    const resumed = await rig.gw.api<GuardsJson>('/api/guards/resume', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ virtual_key_id: 'looping-agent' }),
    });
    assert.deepEqual(resumed, { paused: [] });
    assert.equal((await message()).status, 200);
  });

  test('resuming needs a JSON body naming the key, answered in the management error shape', async () => {
    const res = await fetch(`${rig.gw.url}/api/guards/resume`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rig.gw.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ keyId: 'looping-agent' }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: { type: 'invalid_request', message: 'body must be JSON {"virtual_key_id": "..."}' } });
  });
});
