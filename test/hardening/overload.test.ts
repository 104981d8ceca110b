// Many calls in flight at once log no warning. Overload and shutdown: past --max-in-flight the excess gets 503
// overloaded_error with retry-after at once; SIGTERM while requests are in flight lets them finish with 200, then
// the process exits 0.
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

interface Rig {
  upstream: TestUpstream;
  gw: SpawnedGateway;
  /** One Messages request from the load key, through the rig's agent. */
  send(): Promise<Answer>;
}

/** Registers, in the describe block it is called in, an upstream and a gateway started with `args`; set once tests run. */
function gatewayRig(args: readonly string[], agent: http.Agent): Rig {
  const rig = {
    send: () => post(rig.gw.url, '/anthropic/v1/messages', body, { headers: { 'content-type': 'application/json', 'x-api-key': 'load-key' }, agent }),
  } as Rig;
  before(async () => {
    rig.upstream = await startAnthropicUpstream();
    rig.gw = await spawnGateway({ config: config(rig.upstream.url), env: { OVERLOAD_UPSTREAM_KEY: 'sk-load' }, args });
  });
  after(async () => {
    agent.destroy();
    await rig.gw.kill();
    await rig.upstream.close();
  });
  return rig;
}

describe('many calls in flight at once', () => {
  const rig = gatewayRig([], new http.Agent({ keepAlive: true, maxSockets: 64 }));

  test('24 concurrent requests are all served and Node warns of nothing (each call listens on the shutdown signal)', async () => {
    rig.upstream.setDefault({ latencyMs: 1_000, text: 'in flight together' });
    const inFlight = Promise.all(Array.from({ length: 24 }, rig.send));
    await eventually(() => rig.upstream.requests.length >= 24, 5_000, 'all 24 requests to reach the upstream');
    for (const answer of await inFlight) assert.equal(answer.status, 200, answer.body.toString());
    assert.deepEqual(
      rig.gw.output.filter((line) => line.includes('"event":"node_warning"')),
      [],
      'no Node warning, in particular no MaxListenersExceededWarning about the abort listeners of the calls in flight',
    );
  });
});

describe('overload and graceful shutdown', () => {
  const rig = gatewayRig(['--max-in-flight', '4'], new http.Agent({ keepAlive: false, maxSockets: 64 }));
  const { send } = rig;

  test('30 concurrent requests against a slow upstream: 4 are served, the rest get 503 overloaded_error with retry-after', async () => {
    rig.upstream.setDefault({ latencyMs: 1_500, text: 'slow but fine' });
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
      assert.ok(rig.upstream.requests.length <= 8, 'refused requests never reach the upstream');
    } finally {
      rig.upstream.setDefault({});
    }
    const after = await send();
    assert.equal(after.status, 200, 'the gateway serves again once the load is gone');
  });

  test('SIGTERM while requests are in flight: they complete with 200, new connections are refused, the process exits 0', async () => {
    rig.upstream.setDefault({ latencyMs: 1_500, text: 'finished during drain' });
    const before = rig.upstream.requests.length;
    const inFlight = Promise.all(Array.from({ length: 3 }, send));
    await eventually(() => rig.upstream.requests.length - before >= 3, 5_000, 'the requests to reach the upstream');
    const exit = rig.gw.stop();
    const answers = await inFlight;
    for (const answer of answers) {
      assert.equal(answer.status, 200, answer.body.toString());
      assert.match(answer.body.toString(), /finished during drain/);
    }
    assert.equal(await exit, 0, 'the process exits 0 after draining');
    await assert.rejects(send(), /ECONNREFUSED|ECONNRESET|socket hang up/);
  });
});
