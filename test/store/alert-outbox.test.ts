// The alert outbox in both dialects: a key fires once (racing gateways, restarts, replays), claims never overlap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../proxy/store/open.js';
import type { AlertKey, QueuedDelivery } from '../../proxy/store/alert-outbox.js';
import { removeDir, tempDir } from '../harness/gateway.js';
import { createSchema } from './pg-schema.js';

const KEY: AlertKey = { type: 'budget_threshold', tier: 'team', id: 'ml-engineering', periodStart: Date.UTC(2026, 0, 1), threshold: 8000 };
const T0 = Date.UTC(2026, 0, 15);

function deliveries(tag: string, n = 1): QueuedDelivery[] {
  return Array.from({ length: n }, (_, i) => ({ outboxId: `${tag}-${i}`, destination: `webhook:http://127.0.0.1/${i}`, payload: `{"n":${i}}` }));
}

test('embedded: a key fires once, also after a restart and after replaying a journal the snapshot never saw', async (t) => {
  const dir = await tempDir();
  // after-hooks run in the order they were added: the store closes before its folder goes.
  const cleanup: (() => Promise<unknown>)[] = [];
  t.after(async () => {
    for (const step of cleanup.reverse()) await step();
  });
  cleanup.push(() => removeDir(dir));
  const first = await openStore({ dataDir: dir });
  assert.equal(await first.alerts.fire(KEY, deliveries('a', 2), T0), true);
  assert.equal(await first.alerts.fire(KEY, deliveries('b', 2), T0), false, 'the second firing queues nothing');
  assert.equal(await first.alerts.fire({ ...KEY, threshold: 9500 }, deliveries('c'), T0), true, 'another threshold is another key');
  const claimed = await first.alerts.claim(T0, 10, 60_000);
  assert.deepEqual(claimed.map((c) => c.outboxId).sort(), ['a-0', 'a-1', 'c-0']);
  assert.deepEqual(await first.alerts.claim(T0, 10, 60_000), [], 'claimed rows are not handed out twice');
  await first.alerts.settle('a-0', { state: 'delivered', attempts: 1, nextAttemptAt: T0, lastError: null }, T0);
  await first.alerts.settle('a-1', { state: 'dead', attempts: 8, nextAttemptAt: T0, lastError: 'HTTP 500' }, T0 + 5);
  await first.alerts.settle('c-0', { state: 'pending', attempts: 1, nextAttemptAt: T0 + 1000, lastError: 'HTTP 502' }, T0);
  // No close: the journal holds everything since the (empty) start-up, as after kill -9.
  await (first as unknown as { journal: { close(): Promise<void> } }).journal.close();
  await (first as unknown as { db: { close(): Promise<void> } }).db.close();
  await (first as unknown as { lock: { release(): Promise<void> } }).lock.release();

  const second = await openStore({ dataDir: dir });
  cleanup.push(() => second.close());
  assert.equal(await second.alerts.fire(KEY, deliveries('d'), T0), false, 'the replayed journal remembers the key');
  assert.deepEqual(await second.alerts.claim(T0 + 999, 10, 60_000), [], 'the retry is not due yet');
  assert.deepEqual((await second.alerts.claim(T0 + 1000, 10, 60_000)).map((c) => [c.outboxId, c.attempts, c.lastError]), [['c-0', 1, 'HTTP 502']]);
  const summary = await second.alerts.summary(10);
  assert.deepEqual([summary.pending, summary.delivered, summary.dead], [1, 1, 1]);
  assert.deepEqual(summary.deadItems.map((d) => [d.outboxId, d.lastError, d.updatedAt]), [['a-1', 'HTTP 500', T0 + 5]]);
});

test('PostgreSQL: of two gateways firing one key at once exactly one wins; concurrent claims never share a row', async (t) => {
  const schema = await createSchema();
  const [a, b] = await Promise.all([openStore({ url: schema.url, dataDir: '/unused' }), openStore({ url: schema.url, dataDir: '/unused' })]);
  t.after(async () => {
    await Promise.all([a.close(), b.close()]);
    await schema.drop();
  });

  for (let round = 0; round < 5; round++) {
    const key = { ...KEY, periodStart: KEY.periodStart + round };
    const wins = await Promise.all([a.alerts.fire(key, deliveries(`a${round}`), T0), b.alerts.fire(key, deliveries(`b${round}`), T0)]);
    assert.equal(wins.filter(Boolean).length, 1, `round ${round}: one winner (${wins})`);
  }
  const rows = await schema.sql<{ n: string }>('SELECT COUNT(*) AS n FROM alert_outbox');
  assert.equal(Number(rows[0].n), 5, 'only the winners queued deliveries');

  await a.alerts.fire({ ...KEY, type: 'runway', threshold: 0 }, deliveries('many', 40), T0);
  const [fromA, fromB] = await Promise.all([a.alerts.claim(T0, 30, 60_000), b.alerts.claim(T0, 30, 60_000)]);
  const ids = [...fromA, ...fromB].map((c) => c.outboxId);
  assert.equal(ids.length, 45, 'every due row is claimed');
  assert.equal(new Set(ids).size, 45, 'by one gateway only');
  assert.deepEqual(await a.alerts.claim(T0 + 59_999, 100, 60_000), [], 'a claim holds until it lapses');
  assert.equal((await b.alerts.claim(T0 + 60_000, 100, 60_000)).length, 45, 'a lapsed claim (a gateway died mid-send) is retried');

  await a.alerts.settle(ids[0], { state: 'dead', attempts: 8, nextAttemptAt: T0, lastError: 'HTTP 500' }, T0 + 7);
  const summary = await b.alerts.summary(10);
  assert.deepEqual([summary.pending, summary.delivered, summary.dead], [44, 0, 1]);
  assert.equal(summary.deadItems[0].updatedAt, T0 + 7);
});
