// logging.max_records on the embedded store: the oldest records go, every total stays exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logPageJson } from '../../proxy/api/log-json.js';
import { parseLogQuery } from '../../proxy/logs/filters.js';
import { queryLogs } from '../../proxy/logs/query.js';
import { logStats, parseStatsRequest } from '../../proxy/logs/stats.js';
import { statsJson } from '../../proxy/api/stats-view.js';
import { rowToLogRecord } from '../../proxy/store/log-columns.js';
import { openStore } from '../../proxy/store/open.js';
import type { Store } from '../../proxy/store/store.js';
import { charge, logRecord, PERIOD } from './records.js';

/** A directory for the test's stores; `own`ed stores close before it is removed. */
async function storeDir(t: { after(fn: () => Promise<void>): void }): Promise<{ dir: string; own: (s: Store) => Store }> {
  const dir = await mkdtemp(join(tmpdir(), 'spendgate-cap-'));
  const stores: Store[] = [];
  t.after(async () => {
    for (const s of stores) await s.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, own: (s) => (stores.push(s), s) };
}

/** `n` successful requests, one record and one 7875-micro-dollar charge each, committed one per turn. */
async function commitRequests(store: Store, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) {
    await store.commit({ charges: [charge('team', 'platform', 7875)], logs: [logRecord(2 * i)] });
  }
}

const listAll = async (store: Store, params: Record<string, string> = {}) =>
  logPageJson(await queryLogs(store, parseLogQuery(new URLSearchParams({ limit: '1000', ...params })), rowToLogRecord));

test('beyond max_records the oldest records are dropped and /api/logs says how many and from when', async (t) => {
  const { dir, own } = await storeDir(t);
  let cap = 5;
  const store = own(await openStore({ dataDir: dir, maxLogRecords: () => cap }));
  await commitRequests(store, 0, 12);

  const page = await listAll(store);
  assert.equal(page.logs.length, 5);
  assert.deepEqual(page.logs.map((l) => l.id), ['log-22', 'log-20', 'log-18', 'log-16', 'log-14'], 'the newest five are kept');
  assert.equal(page.pagination.total_count, 5, 'the page count covers the records still listed');
  assert.deepEqual(page.dropped, { count: 7, before: new Date(logRecord(14).timestamp).toISOString() });

  // The totals still count all twelve requests.
  assert.equal(page.stats.total_requests, 12);
  const r = logRecord(0);
  assert.equal(page.stats.total_tokens, 12 * (r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens));
  assert.equal(page.stats.total_cost, (12 * 7875) / 1_000_000);
  assert.deepEqual(await store.loadSpend(), [{ tier: 'team', id: 'platform', periodStart: PERIOD, spentMicros: 12 * 7875 }]);

  const stats = statsJson(await logStats(store, parseStatsRequest(new URLSearchParams({ interval: 'day' }))));
  assert.equal(stats.totals.total_requests, 12);
  assert.equal(stats.totals.total_cost, (12 * 7875) / 1_000_000);

  // A later, larger cap keeps more from then on; what was dropped stays dropped and counted.
  cap = 100;
  await commitRequests(store, 12, 3);
  const grown = await listAll(store);
  assert.equal(grown.logs.length, 8);
  assert.equal(grown.stats.total_requests, 15);
  assert.equal(grown.dropped?.count, 7);
});

test('paging in either order walks exactly the kept records', async (t) => {
  const { dir, own } = await storeDir(t);
  const store = own(await openStore({ dataDir: dir, maxLogRecords: () => 4 }));
  await commitRequests(store, 0, 10);
  const ids = async (order: string) => {
    const seen: string[] = [];
    for (let offset = 0; ; offset += 3) {
      const page = await listAll(store, { order, limit: '3', offset: String(offset) });
      if (page.logs.length === 0) return seen;
      seen.push(...page.logs.map((l) => l.id));
    }
  };
  assert.deepEqual(await ids('desc'), ['log-18', 'log-16', 'log-14', 'log-12']);
  assert.deepEqual(await ids('asc'), ['log-12', 'log-14', 'log-16', 'log-18']);
});

test('the cap and its counts survive a restart and a replay of the journal', async (t) => {
  const { dir, own } = await storeDir(t);
  const first = await openStore({ dataDir: dir, maxLogRecords: () => 3 });
  await commitRequests(first, 0, 6);
  await first.close();
  const again = own(await openStore({ dataDir: dir, maxLogRecords: () => 3 }));
  await commitRequests(again, 6, 2);
  const page = await listAll(again);
  assert.deepEqual(page.logs.map((l) => l.id), ['log-14', 'log-12', 'log-10']);
  assert.equal(page.stats.total_requests, 8);
  assert.equal(page.dropped?.count, 5);
});

test('without drops /api/logs has no dropped field', async (t) => {
  const { dir, own } = await storeDir(t);
  const store = own(await openStore({ dataDir: dir, maxLogRecords: () => 100 }));
  await commitRequests(store, 0, 3);
  const page = await listAll(store);
  assert.equal(page.dropped, undefined);
  assert.equal(page.pagination.total_count, 3);
});
