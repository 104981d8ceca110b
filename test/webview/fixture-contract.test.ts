// The dashboard's recorded fixture (test/fixtures/dashboard-data.json) answers what a running engine answers: every
// key the engine sends is in the fixture and the fixture has none the engine does not send, route by route and for
// the /ws messages. The dashboard suites run against the fixture, so without this a wire change would pass them
// while breaking the real dashboard.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bifrost } from '../harness/config-builder.js';
import { startLoopbackGateway, type LoopbackGateway } from '../harness/loopback.js';
import { LiveClient } from '../observability/live-client.js';
import { loadFixture } from './fixture-server.js';

/** Records keyed by the user's own names (tags), whose keys are data rather than shape. */
const FREE_FORM = new Set(['tags']);
/** Keys the wire marks optional: captured bodies, present only when a record has them. */
const OPTIONAL = new Set(['request_body', 'response_body', 'request_body_truncated', 'response_body_truncated']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where the keys of `fixture` and `real` differ, recursing where both hold an object (or a non-empty list). */
function drift(fixture: unknown, real: unknown, path: string, out: string[] = []): string[] {
  if (Array.isArray(fixture) && Array.isArray(real)) {
    if (fixture.length > 0 && real.length > 0) drift(fixture[0], real[0], `${path}[0]`, out);
    return out;
  }
  // null against an object (a record without a cost, say) differs in value, not in shape.
  if (!isObject(fixture) || !isObject(real)) return out;
  for (const key of Object.keys(real)) if (!(key in fixture) && !OPTIONAL.has(key)) out.push(`${path}.${key}: the engine sends it, the fixture lacks it`);
  for (const key of Object.keys(fixture)) if (!(key in real)) out.push(`${path}.${key}: in the fixture, never sent by the engine`);
  for (const key of Object.keys(fixture)) if (key in real && !FREE_FORM.has(key)) drift(fixture[key], real[key], `${path}.${key}`, out);
  return out;
}

function configFor(anthropicUrl: string): string {
  return bifrost({
    accounts: [{ id: 'ml-team', providers: [{ id: 'anthropic-direct', type: 'anthropic', model: 'claude-sonnet-4-20250514', base_url: anthropicUrl, api_key: 'env.TEST_ANTHROPIC_KEY' }] }],
    budgets: {
      team: [{ id: 'ml-engineering', limit: 2000, period: '1M' }],
      virtual_key: [{ id: 'staging-key', team_id: 'ml-engineering', limit: 500, period: '1w' }],
    },
  });
}

describe('the dashboard fixture and the engine answer the same shapes', () => {
  const fixture = loadFixture();
  let rig: LoopbackGateway;
  let live: LiveClient;

  before(async () => {
    rig = await startLoopbackGateway(configFor, { TEST_ANTHROPIC_KEY: 'sk-ant-upstream-secret' });
    live = await LiveClient.connect(rig.gw.url, rig.gw.adminToken);
    rig.anthropicUp.script({ inputTokens: 1200, outputTokens: 300 });
    const res = await fetch(`${rig.gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'staging-key', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 300, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    await res.arrayBuffer();
  });

  after(async () => {
    await live.close();
    await rig.close();
  });

  const routes: readonly [keyof typeof fixture, string][] = [
    ['status', '/api/status'],
    ['budgets', '/api/budgets'],
    ['routing', '/api/routing'],
    ['logs', '/api/logs'],
    ['cache', '/api/insights/cache'],
    ['guards', '/api/guards'],
  ];
  for (const [key, route] of routes) {
    test(`GET ${route}`, async () => {
      assert.deepEqual(drift(fixture[key], await rig.gw.api(route), key), []);
    });
  }

  test('GET /api/logs/stats, for every interval and grouping the fixture records', async () => {
    for (const [key, recorded] of Object.entries(fixture.stats)) {
      const [interval, groupBy] = key.split('/');
      const real = await rig.gw.api(`/api/logs/stats?interval=${interval}&group_by=${encodeURIComponent(groupBy)}`);
      assert.deepEqual(drift(recorded, real, `stats[${key}]`), []);
    }
  });

  test('the /ws log and budgets messages', async () => {
    for (const recorded of fixture.live) {
      const real = await live.next((m) => m.type === recorded.type, 5_000, recorded.type);
      assert.deepEqual(drift(recorded, real, `live[${recorded.type}]`), []);
    }
  });
});
