// Two spawned gateways on one PostgreSQL team ledger: a shared team's threshold alert is sent once, not twice.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { createSchema, type TestSchema } from '../store/pg-schema.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { startReceiver, type Receiver } from './receiver.js';
import { alertConfig, send, sleep, type AlertsStatus } from './rig.js';

let upstream: TestUpstream;
let receiver: Receiver;
let schema: TestSchema;
let a: SpawnedGateway | undefined;
let b: SpawnedGateway | undefined;

before(async () => {
  upstream = await startAnthropicUpstream();
  upstream.setDefault({ inputTokens: 1, outputTokens: 0 });
  receiver = await startReceiver();
  schema = await createSchema();
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await upstream?.close();
  await receiver?.close();
  await schema?.drop();
});

/** Spend from one key until the shared team refuses. */
async function spendUntilRefused(gw: SpawnedGateway, key: string): Promise<number> {
  let answered = 0;
  for (;;) {
    const status = await send(gw, key);
    if (status === 402) return answered;
    assert.equal(status, 200);
    answered += 1;
  }
}

test('both gateways see the shared team cross its thresholds; each alert is sent by exactly one of them', async () => {
  const config = alertConfig(
    upstream.url,
    `alerts:
  thresholds: [25, 50]
  destinations:
    - type: webhook
      url: ${receiver.url}/hook`,
  );
  const env = { TEST_UPSTREAM_KEY: 'sk-test' };
  [a, b] = await Promise.all([
    spawnGateway({ config, env, args: ['--store', schema.url] }),
    spawnGateway({ config, env, args: ['--store', schema.url] }),
  ]);
  const [fromA, fromB] = await Promise.all([spendUntilRefused(a, 'dev-a'), spendUntilRefused(b, 'dev-b')]);
  assert.ok(fromA + fromB >= 18, `the team was spent (${fromA} + ${fromB} requests)`);

  await eventually(() => receiver.accepted('/hook').length >= 2, 5000, 'both alerts');
  await sleep(500);
  const events = receiver.accepted('/hook').map((p) => JSON.parse(p.body) as { tier: string; id: string; threshold: number });
  assert.deepEqual(events.map((e) => `${e.tier} ${e.id} ${e.threshold}`).sort(), ['team ml-engineering 25', 'team ml-engineering 50']);

  const fired = (gw: SpawnedGateway) => gw.output.filter((l) => l.includes('"event":"alert_fired"')).length;
  assert.equal(fired(a) + fired(b), 2, 'one gateway announces each alert');
  const rows = await schema.sql<{ n: string }>(`SELECT COUNT(*) AS n FROM alert_fired WHERE tier = 'team'`);
  assert.equal(Number(rows[0].n), 2);
  for (const gw of [a, b]) {
    const status = await gw.api<AlertsStatus>('/api/status');
    assert.deepEqual([status.alerts.pending, status.alerts.delivered, status.alerts.dead], [0, 2, 0], 'both report the shared outbox');
  }
});
