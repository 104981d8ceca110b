// `telemetry.otlp_endpoint` against a loopback OTLP receiver: a spawned `spendgate serve` exports one GenAI span per
// request and the token, duration, cost and request metrics — never prompt or completion text, never a secret.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { OtlpReceiver, type ReceivedPoint, type ReceivedSpan } from './otlp-receiver.js';

const MODEL = 'claude-sonnet-4-20250514';
const PROMPT_MARKER = 'PROMPT-MARKER-7f3a9c1e-never-exported';
const REPLY_MARKER = 'REPLY-MARKER-b81d04e2-never-exported';
/** A key whose secret is its own id: it must show only as its /metrics pseudonym. */
const ID_AS_SECRET = 'sk-bob-id-is-the-secret-5150';
const SECRETS = {
  ALICE_SECRET: 'sk-vk-alice-telemetry-0123456789',
  TEST_ANTHROPIC_KEY: 'sk-ant-upstream-telemetry-secret',
  COLLECTOR_TOKEN: 'collector-token-a1b2c3',
};
/** Short export intervals: the standard OTel variables the gateway honours. */
const FAST = { OTEL_METRIC_EXPORT_INTERVAL: '300', OTEL_BSP_SCHEDULE_DELAY: '100' };

/** $3 input, $15 output, $0.30 cache read, $3.75 5-minute cache write per million tokens: exact micro-dollars. */
function configFor(upstreamUrl: string, telemetry: string): string {
  return `accounts:
  - id: dev
    providers:
      - id: anthropic-direct
        type: anthropic
        model: ${MODEL}
        base_url: ${upstreamUrl}
        api_key: env.TEST_ANTHROPIC_KEY
pricing:
  ${MODEL}: {input: 3, output: 15, cache_read: 0.3, cache_write_5m: 3.75, cache_write_1h: 6}
virtual_keys:
  - id: alice
    key: env.ALICE_SECRET
  - id: ${ID_AS_SECRET}
budgets:
  customer:
    - {id: acme, limit: 100, period: 1M}
  team:
    - {id: eng, customer_id: acme, limit: 50, period: 1M}
  virtual_key:
    - {id: alice, team_id: eng, limit: 10, period: 1d}
logging:
  capture_bodies: true
routing:
  retries: 1
  backoff_base_ms: 1
  backoff_max_ms: 2
${telemetry}`;
}

function telemetrySection(url: string): string {
  return `telemetry:
  otlp_endpoint: ${url}
  service_name: spendgate-test
  headers:
    authorization: env.COLLECTOR_TOKEN
`;
}

async function message(gw: SpawnedGateway, secret: string, options: { stream?: boolean; tags?: string } = {}): Promise<number> {
  const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': secret,
      'anthropic-version': '2023-06-01',
      ...(options.tags !== undefined && { 'x-spendgate-tags': options.tags }),
    },
    body: JSON.stringify({ model: MODEL, max_tokens: 400, stream: options.stream ?? false, messages: [{ role: 'user', content: `Please repeat ${PROMPT_MARKER}` }] }),
  });
  await res.text();
  return res.status;
}

const sum = (points: readonly ReceivedPoint[], where: (p: ReceivedPoint) => boolean): number =>
  points.filter(where).reduce((s, p) => s + p.value, 0);

describe('OTLP export to a collector', () => {
  let upstream: TestUpstream;
  let receiver: OtlpReceiver;
  let gw: SpawnedGateway;
  let spans: ReceivedSpan[];
  let requestIds: string[];
  let before0: number;
  let after0: number;

  before(async () => {
    upstream = await startAnthropicUpstream();
    receiver = await OtlpReceiver.start();
    gw = await spawnGateway({ config: configFor(upstream.url, telemetrySection(receiver.url)), env: { ...SECRETS, ...FAST } });

    before0 = Date.now();
    upstream.script({ inputTokens: 1200, outputTokens: 300, cacheReadTokens: 100, text: `Sure: ${REPLY_MARKER}` });
    assert.equal(await message(gw, SECRETS.ALICE_SECRET, { tags: 'ticket=T-42,branch=main' }), 200);
    after0 = Date.now();
    upstream.script({ inputTokens: 40, outputTokens: 9, cacheWrite5mTokens: 64, text: `Streamed ${REPLY_MARKER}` });
    assert.equal(await message(gw, ID_AS_SECRET, { stream: true }), 200);
    const failure = { status: 500, error: { type: 'api_error', message: `upstream exploded near ${PROMPT_MARKER}` } };
    upstream.script(failure, failure);
    assert.equal(await message(gw, SECRETS.ALICE_SECRET), 500);
    assert.equal(await message(gw, 'sk-not-a-key'), 401);

    spans = await eventually(() => (receiver.spans().length >= 4 ? receiver.spans() : undefined), 10_000, 'four spans');
    await eventually(() => receiver.points('spendgate.requests').reduce((s, p) => s + p.value, 0) >= 4, 10_000, 'the request counter to count four');
    const logs = await gw.api<{ logs: { request_id: string; attempt: number }[] }>('/api/logs?limit=100');
    requestIds = [...new Set(logs.logs.map((l) => l.request_id))];
  });

  after(async () => {
    await gw?.stop();
    await receiver?.close();
    await upstream?.close();
  });

  test('the exporter speaks OTLP/HTTP JSON to /v1/traces and /v1/metrics, with the configured header', () => {
    const paths = new Set(receiver.bodies.map((b) => b.path));
    assert.deepEqual([...paths].sort(), ['/v1/metrics', '/v1/traces']);
    for (const b of receiver.bodies) {
      assert.match(b.contentType, /^application\/json/);
      assert.equal(b.authorization, SECRETS.COLLECTOR_TOKEN, 'headers: {authorization: env.COLLECTOR_TOKEN}');
    }
    assert.ok(gw.output.some((l) => l.includes('"event":"telemetry_started"')));
  });

  test('one span per request, named and attributed by the GenAI conventions, timed by the request', () => {
    assert.equal(spans.length, 4, 'one span per client request, not per attempt');
    const ok = spans.find((s) => s.attributes['spendgate.tag.ticket'] === 'T-42');
    assert.ok(ok, 'the tagged request has a span');
    assert.equal(ok.name, `chat ${MODEL}`);
    assert.equal(ok.kind, 3, 'SPAN_KIND_CLIENT');
    assert.equal(ok.statusCode, 0, 'unset status on success');
    assert.equal(ok.resource['service.name'], 'spendgate-test');
    const a = ok.attributes;
    assert.equal(a['gen_ai.operation.name'], 'chat');
    assert.equal(a['gen_ai.provider.name'], 'anthropic');
    assert.equal(a['gen_ai.system'], 'anthropic');
    assert.equal(a['gen_ai.request.model'], MODEL);
    assert.equal(a['gen_ai.response.model'], MODEL);
    // The convention's input count includes cached tokens; spendgate's own uncached count sits beside it.
    assert.equal(a['gen_ai.usage.input_tokens'], 1300);
    assert.equal(a['gen_ai.usage.output_tokens'], 300);
    assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 100);
    assert.equal(a['spendgate.usage.uncached_input_tokens'], 1200);
    assert.equal(a['spendgate.usage.cache_read_tokens'], 100);
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['end_turn']);
    // 1200 × $3 + 300 × $15 + 100 × $0.30 per million = 3,600 + 4,500 + 30 micro-dollars.
    assert.equal(a['spendgate.cost.micros'], 8130);
    assert.equal(a['spendgate.cost.usd'], 0.00813);
    assert.equal(a['spendgate.virtual_key.id'], 'alice');
    assert.equal(a['spendgate.team.id'], 'eng');
    assert.equal(a['spendgate.customer.id'], 'acme');
    assert.equal(a['spendgate.provider_config.id'], 'anthropic-direct');
    assert.equal(a['spendgate.tag.branch'], 'main');
    assert.equal(a['spendgate.adapted'], false);
    assert.equal(a['http.response.status_code'], 200);
    assert.ok(requestIds.includes(String(a['spendgate.request.id'])), 'the span carries the log record request id');
    assert.ok(ok.startMs >= before0 - 5 && ok.startMs <= after0, 'starts when the request arrived');
    // The gateway takes its end time just after handing over the last byte; on a busy machine the client can run,
    // and take after0, before the gateway runs again. The slack only tolerates that; a wrong unit is off by far more.
    assert.ok(ok.endMs >= ok.startMs && ok.endMs <= after0 + 250, `ends when it finished (${ok.endMs - after0} ms after the client saw the answer)`);
    assert.equal(ok.events.length, 1);
    assert.equal(ok.events[0].name, 'spendgate.attempt');
  });

  test('a streamed request with a cache write, by a key whose id is its secret, shows only the pseudonym', () => {
    const streamed = spans.find((s) => s.attributes['spendgate.stream'] === true);
    assert.ok(streamed);
    assert.match(String(streamed.attributes['spendgate.virtual_key.id']), /^key-[0-9a-f]{8}$/);
    assert.equal(streamed.attributes['gen_ai.usage.input_tokens'], 104);
    assert.equal(streamed.attributes['gen_ai.usage.cache_creation.input_tokens'], 64);
    assert.equal(streamed.attributes['spendgate.usage.cache_write_5m_tokens'], 64);
    // 40 × $3 + 9 × $15 + 64 × $3.75 per million = 120 + 135 + 240.
    assert.equal(streamed.attributes['spendgate.cost.micros'], 495);
  });

  test('a failed request has error.type and an ERROR status; its attempts are span events', () => {
    const failed = spans.find((s) => s.attributes['http.response.status_code'] === 500);
    assert.ok(failed);
    assert.equal(failed.statusCode, 2, 'STATUS_CODE_ERROR');
    assert.equal(failed.attributes['error.type'], 'upstream_error', 'the DESIGN §5 code, as the log records it');
    assert.equal(failed.events.length, 2, 'the first try and the retry');
    assert.deepEqual(failed.events.map((e) => e.attributes['spendgate.attempt']), [1, 2]);
    for (const e of failed.events) assert.equal(e.attributes['http.response.status_code'], 500);
    const refused = spans.find((s) => s.attributes['http.response.status_code'] === 401);
    assert.ok(refused);
    assert.equal(refused.statusCode, 2);
    assert.equal(refused.attributes['error.type'], 'virtual_key_not_found', 'the DESIGN §5 code');
    assert.equal(refused.attributes['spendgate.virtual_key.id'], undefined, 'no key was authenticated');
    assert.equal(refused.events.length, 0);
  });

  test('metrics: GenAI token usage and duration, cost in dollars by key and team, requests by status', () => {
    const tokens = receiver.points('gen_ai.client.token.usage');
    assert.equal(tokens[0]?.unit, '{token}');
    assert.equal(sum(tokens, (p) => p.attributes['gen_ai.token.type'] === 'input'), 1300 + 104);
    assert.equal(sum(tokens, (p) => p.attributes['gen_ai.token.type'] === 'output'), 309);
    for (const p of tokens) assert.equal(p.attributes['gen_ai.provider.name'], 'anthropic');

    const duration = receiver.points('gen_ai.client.operation.duration');
    assert.equal(duration[0]?.unit, 's');
    assert.equal(duration.reduce((s, p) => s + (p.count ?? 0), 0), 4);
    assert.ok(duration.some((p) => p.attributes['error.type'] !== undefined));

    const cost = receiver.points('spendgate.cost');
    assert.equal(cost[0]?.unit, 'USD');
    const alice = cost.filter((p) => p.attributes['spendgate.virtual_key.id'] === 'alice');
    assert.equal(alice.length, 1);
    assert.ok(Math.abs(alice[0].value - 0.00813) < 1e-12);
    assert.equal(alice[0].attributes['spendgate.team.id'], 'eng');
    assert.equal(alice[0].attributes['spendgate.provider_config.id'], 'anthropic-direct');
    assert.equal(alice[0].attributes['gen_ai.response.model'], MODEL);

    const requests = receiver.points('spendgate.requests');
    const byStatus = (status: number) => sum(requests, (p) => p.attributes['http.response.status_code'] === status);
    assert.deepEqual([byStatus(200), byStatus(500), byStatus(401)], [2, 1, 1]);
    for (const name of ['gen_ai.client.token.usage', 'gen_ai.client.operation.duration', 'spendgate.cost', 'spendgate.requests']) {
      for (const p of receiver.points(name)) assert.equal(p.attributes['spendgate.request.id'], undefined, `${name} has no request id`);
    }
  });

  test('no prompt or completion text and no secret ever reaches the collector', () => {
    const everything = receiver.allText();
    assert.ok(everything.length > 0);
    for (const forbidden of [PROMPT_MARKER, REPLY_MARKER, ID_AS_SECRET, ...Object.values(SECRETS), 'upstream exploded']) {
      assert.ok(!everything.includes(forbidden), `the collector received ${forbidden}`);
    }
  });
});

describe('shutdown flushes what the default intervals would still hold', () => {
  test('a request just before SIGTERM reaches the collector (span and metrics)', async () => {
    const upstream = await startAnthropicUpstream();
    const receiver = await OtlpReceiver.start();
    // Default intervals (60 s metrics, 5 s spans): only the shutdown flush can deliver within this test.
    const gw = await spawnGateway({ config: configFor(upstream.url, telemetrySection(receiver.url)), env: SECRETS });
    try {
      upstream.script({ inputTokens: 10, outputTokens: 5 });
      assert.equal(await message(gw, SECRETS.ALICE_SECRET), 200);
      assert.equal(receiver.bodies.length, 0, 'nothing is exported before an interval passes');
      assert.equal(await gw.stop(), 0);
      assert.equal(receiver.spans().length, 1);
      assert.equal(sum(receiver.points('spendgate.requests'), () => true), 1);
    } finally {
      await gw.kill();
      await receiver.close();
      await upstream.close();
    }
  });
});

describe('without a telemetry section', () => {
  test('nothing is exported and the OpenTelemetry SDK is never started', async () => {
    const upstream = await startAnthropicUpstream();
    const receiver = await OtlpReceiver.start();
    // The receiver is running and the intervals are short: anything exported would arrive well within the window.
    const gw = await spawnGateway({ config: configFor(upstream.url, ''), env: { ...SECRETS, ...FAST, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    try {
      assert.equal(await message(gw, SECRETS.ALICE_SECRET), 200);
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(await gw.stop(), 0);
      assert.equal(receiver.bodies.length, 0);
      assert.ok(!gw.output.some((l) => l.includes('"event":"telemetry_')), 'no telemetry event: the SDK module was not loaded');
    } finally {
      await gw.kill();
      await receiver.close();
      await upstream.close();
    }
  });
});
