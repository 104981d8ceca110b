// Editing bifrost.yaml while `spendgate serve` runs: adding telemetry starts the export, changing the endpoint moves it, removing it stops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import { eventually, spawnGateway } from '../harness/gateway.js';
import { OtlpReceiver } from './otlp-receiver.js';

const MODEL = 'claude-sonnet-4-20250514';
const ENV = { TEST_ANTHROPIC_KEY: 'sk-ant-reload', OTEL_METRIC_EXPORT_INTERVAL: '300', OTEL_BSP_SCHEDULE_DELAY: '100' };

function configFor(upstreamUrl: string, endpoint?: string): string {
  return `accounts:
  - id: dev
    providers:
      - {id: direct, type: anthropic, model: ${MODEL}, base_url: ${upstreamUrl}, api_key: env.TEST_ANTHROPIC_KEY}
virtual_keys:
  - {id: alice, key: env.ALICE}
${endpoint === undefined ? '' : `telemetry:\n  otlp_endpoint: ${endpoint}\n`}`;
}

test('a reload that adds, changes and removes telemetry starts, restarts and stops the exporter', async () => {
  const upstream = await startAnthropicUpstream();
  const first = await OtlpReceiver.start();
  const second = await OtlpReceiver.start();
  const gw = await spawnGateway({ config: configFor(upstream.url), env: { ...ENV, ALICE: 'sk-alice-reload' } });
  const events = (name: string) => gw.output.filter((l) => l.includes(`"event":"${name}"`)).length;
  const send = async (marker: string) => {
    const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-alice-reload', 'anthropic-version': '2023-06-01', 'x-spendgate-tags': `step=${marker}` },
      body: JSON.stringify({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.text();
    assert.equal(res.status, 200);
  };
  const steps = (r: OtlpReceiver) => r.spans().map((s) => s.attributes['spendgate.tag.step']);
  try {
    await send('off');
    await writeFile(gw.configPath, configFor(upstream.url, first.url));
    await eventually(() => events('telemetry_started') === 1, 5_000, 'the export to start');
    await send('first');
    await eventually(() => steps(first).includes('first'), 5_000, 'the span at the first collector');

    await writeFile(gw.configPath, configFor(upstream.url, second.url));
    await eventually(() => events('telemetry_started') === 2 && events('telemetry_stopped') === 1, 5_000, 'the export to move');
    await send('second');
    await eventually(() => steps(second).includes('second'), 5_000, 'the span at the second collector');

    await writeFile(gw.configPath, configFor(upstream.url));
    await eventually(() => events('telemetry_stopped') === 2, 5_000, 'the export to stop');
    const before = first.bodies.length + second.bodies.length;
    await send('removed');
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(first.bodies.length + second.bodies.length, before, 'nothing exported once removed');

    assert.deepEqual(steps(first), ['first'], 'the request before telemetry was on is not exported late');
    assert.deepEqual(steps(second), ['second']);
    assert.equal(await gw.stop(), 0);
  } finally {
    await gw.kill();
    await first.close();
    await second.close();
    await upstream.close();
  }
});
