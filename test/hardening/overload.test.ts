// Many calls in flight log nothing; overload and shutdown: past --max-in-flight the excess gets 503 overloaded_error with retry-after at once;
// SIGTERM while requests are in flight lets them finish with 200, then the process exits 0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { post, type Answer } from './http-client.js';

const MODEL = 'claude-sonnet-4-20250514';

function config(upstream: string): string {
  return `accounts:
  - id: dev
    providers:
      - id: claude
        type: anthropic
        model: ${MODEL}
        base_url: ${upstream}
        api_key: env.OVERLOAD_UPSTREAM_KEY
budgets:
  virtual_key:
    - {id: load-key, limit: 1000, period: 1d}
routing:
  retries: 0
`;
}

const body = JSON.stringify({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });

describe('many calls in flight at once', () => {
  let upstream: TestUpstream;
  let gw: SpawnedGateway;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  before(async () => {
    upstream = await startAnthropicUpstream();
    gw = await spawnGateway({ config: config(upstream.url), env: { OVERLOAD_UPSTREAM_KEY: 'sk-load' } });
  });

  after(async () => {
    agent.destroy();
    await gw.kill();
    await upstream.close();
  });

  test('24 concurrent requests are all served and Node warns of nothing (each call listens on the shutdown signal)', async () => {
    upstream.setDefault({ latencyMs: 1_000, text: 'in flight together' });
    const inFlight = Promise.all(
      Array.from({ length: 24 }, () => post(gw.url, '/anthropic/v1/messages', body, { headers: { 'content-type': 'application/json', 'x-api-key': 'load-key' }, agent })),
    );
    await eventually(() => upstream.requests.length >= 24, 5_000, 'all 24 requests to reach the upstream');
    for (const answer of await inFlight) assert.equal(answer.status, 200, answer.body.toString());
    assert.deepEqual(
      gw.output.filter((line) => line.includes('"event":"node_warning"')),
      [],
      'no Node warning, in particular no MaxListenersExceededWarning about the abort listeners of the calls in flight',
    );
  });
});

describe('overload and graceful shutdown', () => {
  let upstream: TestUpstream;
  let gw: SpawnedGateway;
  const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });
  const send = (): Promise<Answer> => post(gw.url, '/anthropic/v1/messages', body, { headers: { 'content-type': 'application/json', 'x-api-key': 'load-key' }, agent });

  before(async () => {
    upstream = await startAnthropicUpstream();
    gw = await spawnGateway({ config: config(upstream.url), env: { OVERLOAD_UPSTREAM_KEY: 'sk-load' }, args: ['--max-in-flight', '4'] });
  });

  after(async () => {
    agent.destroy();
    await gw.kill();
    await upstream.close();
  });

  test('30 concurrent requests against a slow upstream: 4 are served, the rest get 503 overloaded_error with retry-after', async () => {
    upstream.setDefault({ latencyMs: 1_500, text: 'slow but fine' });
    try {
      const answers = await Promise.all(Array.from({ length: 30 }, send));
      const served = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 503);
      assert.equal(served.length + refused.length, 30, `statuses ${answers.map((a) => a.status).join(',')}`);
      assert.ok(served.length >= 4 && served.length <= 8, `served ${served.length}`);
      assert.ok(refused.length >= 22, `refused ${refused.length}`);
      for (const answer of refused) {
        const json = JSON.parse(answer.body.toString()) as { type: string; error: { type: string; message: string } };
        assert.equal(json.error.type, 'overloaded_error');
        assert.ok(Number(answer.headers['retry-after']) >= 1);
        assert.equal(answer.headers['x-spendgate-error-code'], 'overloaded');
      }
      assert.ok(upstream.requests.length <= 8, 'refused requests never reach the upstream');
    } finally {
      upstream.setDefault({});
    }
    const after = await send();
    assert.equal(after.status, 200, 'the gateway serves again once the load is gone');
  });

  test('SIGTERM while requests are in flight: they complete with 200, new connections are refused, the process exits 0', async () => {
    upstream.setDefault({ latencyMs: 1_500, text: 'finished during drain' });
    const before = upstream.requests.length;
    const inFlight = Promise.all(Array.from({ length: 3 }, send));
    await eventually(() => upstream.requests.length - before >= 3, 5_000, 'the requests to reach the upstream');
    const exit = gw.stop();
    const answers = await inFlight;
    for (const answer of answers) {
      assert.equal(answer.status, 200, answer.body.toString());
      assert.match(answer.body.toString(), /finished during drain/);
    }
    assert.equal(await exit, 0, 'the process exits 0 after draining');
    await assert.rejects(send(), /ECONNREFUSED|ECONNRESET|socket hang up/);
  });
});
