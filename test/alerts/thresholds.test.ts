// Threshold alerts end to end: a spawned gateway on the embedded store, real requests, a loopback webhook and Slack.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, removeDir, spawnGateway, tempDir, type SpawnedGateway } from '../harness/gateway.js';
import { startReceiver, type Receiver } from './receiver.js';
import { alertConfig, send, sendMany, signatureOk, sleep, type AlertsStatus } from './rig.js';

const SECRET = 'whsec-test-0123456789';

describe('threshold alerts through a spawned gateway', () => {
  let upstream: TestUpstream;
  let receiver: Receiver;
  let dataDir: string;
  let config: string;
  let gw: SpawnedGateway | undefined;
  const env = () => ({ TEST_UPSTREAM_KEY: 'sk-test', HOOK_SECRET: SECRET, SLACK_HOOK: `${receiver.url}/slack/T000/B000/XXXX` });

  before(async () => {
    upstream = await startAnthropicUpstream();
    upstream.setDefault({ inputTokens: 1, outputTokens: 0 });
    receiver = await startReceiver();
    dataDir = await tempDir();
    config = alertConfig(
      upstream.url,
      `alerts:
  thresholds: [50, 80, 95, 100]
  destinations:
    - type: webhook
      url: ${receiver.url}/hook
      secret: env.HOOK_SECRET
    - type: slack
      url: env.SLACK_HOOK`,
    );
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
    await receiver?.close();
    await removeDir(dataDir);
  });

  const budgetAlerts = () =>
    receiver.accepted('/hook').map((p) => ({ ...p, event: JSON.parse(p.body) as Record<string, unknown> })).filter((p) => p.event.type === 'budget_threshold');

  test('crossing 50, 80, 95 and 100% of a team budget sends each alert once, signed, to the webhook and to Slack', async () => {
    gw = await spawnGateway({ config, env: env(), dataDir });
    // $0.20 limit, $0.01 a request: 50% at the 10th request, 80% at the 16th, 95% at the 19th, 100% at the 20th.
    for (const [count, threshold] of [[10, 50], [6, 80], [3, 95], [1, 100]] as const) {
      await sendMany(gw, count);
      await eventually(() => budgetAlerts().some((p) => p.event.threshold === threshold), 5000, `the ${threshold}% alert`);
    }
    assert.equal(await send(gw), 402, 'the exhausted team refuses');
    await sleep(300);

    const hooks = budgetAlerts();
    assert.deepEqual(hooks.map((p) => p.event.threshold), [50, 80, 95, 100], 'each threshold once, in order');
    const eighty = hooks[1];
    assert.deepEqual(
      { ...eighty.event, fired_at: 'x' },
      {
        type: 'budget_threshold',
        tier: 'team',
        id: 'ml-engineering',
        threshold: 80,
        spent: 0.16,
        limit: 0.2,
        period: '1M',
        period_start: eighty.event.period_start,
        resets_at: eighty.event.resets_at,
        fired_at: 'x',
      },
    );
    assert.match(String(eighty.event.period_start), /^\d{4}-\d{2}-01T00:00:00Z$/);
    assert.match(String(eighty.event.fired_at), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    for (const p of hooks) {
      assert.equal(p.headers['content-type'], 'application/json');
      assert.ok(signatureOk(p.body, p.headers['x-spendgate-signature'], SECRET), 'the HMAC of the exact body verifies');
      assert.ok(!signatureOk(p.body, p.headers['x-spendgate-signature'], 'another-secret'));
    }

    const slack = receiver.accepted('/slack/T000/B000/XXXX').map((p) => JSON.parse(p.body) as { text: string });
    assert.equal(slack.length, 4);
    const resets = new Date(String(eighty.event.resets_at));
    const month = resets.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
    assert.equal(slack[1].text, `:warning: team ml-engineering reached 80% of its $0.20 monthly budget ($0.16 spent, resets ${month} 1 00:00 UTC)`);
    assert.match(slack[3].text, /^:rotating_light: team ml-engineering reached 100% of its \$0\.20 monthly budget \(\$0\.20 spent/);

    const status = await gw.api<AlertsStatus>('/api/status');
    assert.deepEqual({ ...status.alerts, dead_letters: status.alerts.dead_letters.length }, {
      enabled: true,
      pending: 0,
      delivered: 8,
      dead: 0,
      last_error: null,
      dead_letters: 0,
    });
    const log = gw.output.join('\n');
    assert.equal(gw.output.filter((l) => l.includes('"event":"alert_fired"')).length, 4);
    assert.equal(gw.output.filter((l) => l.includes('"event":"alert_delivered"')).length, 8);
    assert.ok(!log.includes(SECRET), 'the signing secret is never logged');
    assert.ok(!log.includes('/slack/T000'), 'the Slack URL is never logged');
  });

  test('a restart on the same data directory remembers what was sent', async () => {
    assert.ok(gw !== undefined);
    const before = receiver.posts.length;
    assert.equal(await gw.stop(), 0);
    gw = await spawnGateway({ config, env: env(), dataDir });
    // The start-up sweep sees the team at 100% again; every threshold is found fired in the store.
    await sleep(1500);
    assert.equal(await send(gw), 402);
    await sleep(300);
    assert.equal(receiver.posts.length, before, 'nothing is sent again');
    const status = await gw.api<AlertsStatus>('/api/status');
    assert.equal(status.alerts.delivered, 8);
    assert.equal(gw.output.filter((l) => l.includes('"event":"alert_fired"')).length, 0);
  });
});
