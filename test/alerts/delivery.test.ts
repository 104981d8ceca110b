// Alert delivery against failing receivers: retried with backoff until a 2xx, dead after the last attempt.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, removeDir, spawnGateway, tempDir, type SpawnedGateway } from '../harness/gateway.js';
import { startReceiver, type Receiver } from './receiver.js';
import { alertConfig, sendMany, type AlertsStatus } from './rig.js';

let upstream: TestUpstream;
let receiver: Receiver;
let dataDir: string;
let gw: SpawnedGateway | undefined;

before(async () => {
  upstream = await startAnthropicUpstream();
  upstream.setDefault({ inputTokens: 1, outputTokens: 0 });
  receiver = await startReceiver();
  dataDir = await tempDir();
});

after(async () => {
  await gw?.stop();
  await upstream?.close();
  await receiver?.close();
  await removeDir(dataDir);
});

test('a receiver answering 500 gets retries and the alert once it recovers; one that never recovers ends dead in /api/status', async () => {
  receiver.fail('/flaky', 500, 2);
  receiver.fail('/down', 503, Infinity);
  const config = alertConfig(
    upstream.url,
    `alerts:
  thresholds: [5]
  destinations:
    - type: webhook
      url: ${receiver.url}/flaky
    - type: webhook
      url: ${receiver.url}/down`,
  );
  gw = await spawnGateway({ config, env: { TEST_UPSTREAM_KEY: 'sk-test' }, dataDir, args: ['--alert-retry-base-ms', '100', '--alert-max-attempts', '4'] });
  await sendMany(gw, 1);

  await eventually(() => receiver.accepted('/flaky').length === 1, 5000, 'delivery once the receiver recovers');
  const flaky = receiver.posts.filter((p) => p.path === '/flaky');
  assert.deepEqual(flaky.map((p) => p.status), [500, 500, 200], 'two failures, then delivered');
  assert.equal(new Set(flaky.map((p) => p.body)).size, 1, 'every attempt carries the same body');
  assert.equal(new Set(flaky.map((p) => p.headers['x-spendgate-delivery'])).size, 1, 'and the same delivery id, for receivers to drop duplicates');
  assert.equal(flaky[0].headers['x-spendgate-signature'], undefined, 'no secret, no signature');

  const status = await eventually(async () => {
    const s = await gw!.api<AlertsStatus>('/api/status');
    return s.alerts.dead === 1 && s.alerts.pending === 0 ? s : undefined;
  }, 8000, 'the failing delivery to be dead');
  assert.equal(receiver.posts.filter((p) => p.path === '/down').length, 4, 'exactly the maximum attempts');
  assert.equal(status.alerts.delivered, 1);
  assert.equal(status.alerts.last_error, 'HTTP 503');
  assert.equal(status.alerts.dead_letters.length, 1);
  assert.deepEqual(
    { ...status.alerts.dead_letters[0] },
    {
      ...status.alerts.dead_letters[0],
      type: 'budget_threshold',
      tier: 'team',
      id: 'ml-engineering',
      threshold: 5,
      destination: `webhook ${receiver.url}`,
      attempts: 4,
      last_error: 'HTTP 503',
    },
  );
  const retries = gw.output.filter((l) => l.includes('"event":"alert_retry"'));
  assert.equal(retries.length, 2 + 3);
  assert.equal(gw.output.filter((l) => l.includes('"event":"alert_dead"')).length, 1);
});
