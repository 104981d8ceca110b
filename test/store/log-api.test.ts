import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLogQuery } from '../../proxy/logs/filters.js';
import { queryLogs } from '../../proxy/logs/query.js';
import { logPageJson } from '../../proxy/api/log-json.js';
import { logStats, parseStatsRequest } from '../../proxy/logs/stats.js';
import { rowToLogRecord } from '../../proxy/store/log-columns.js';
import { openStore } from '../../proxy/store/open.js';
import type { Store } from '../../proxy/store/store.js';
import { createSchema } from './pg-schema.js';
import { logRecord } from './records.js';

/** The log API's own SQL runs against the store's real schema, in both dialects. */
const dialects: [string, (t: { after(fn: () => Promise<void>): void }) => Promise<Store>][] = [
  [
    'sqlite',
    async (t) => {
      const dir = await mkdtemp(join(tmpdir(), 'spendgate-logapi-'));
      const store = await openStore({ dataDir: dir });
      t.after(async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      });
      return store;
    },
  ],
  [
    'postgres',
    async (t) => {
      const schema = await createSchema();
      const store = await openStore({ url: schema.url, dataDir: '/unused' });
      t.after(async () => {
        await store.close();
        await schema.drop();
      });
      return store;
    },
  ],
];

for (const [dialect, open] of dialects) {
  test(`${dialect}: GET /api/logs filters, sorts and pages over the stored columns`, async (t) => {
    const store = await open(t);
    await store.commit({ charges: [], logs: Array.from({ length: 10 }, (_, i) => logRecord(i, { tags: { branch: i < 6 ? 'main' : 'dev' } })) });
    const page = logPageJson(await queryLogs(
      store,
      parseLogQuery(new URLSearchParams({ tags: 'branch=main', status: 'success', sort_by: 'latency', order: 'desc', limit: '2' })),
      rowToLogRecord,
    ));
    // Even-numbered records succeed; of those, 0, 2 and 4 are on main; latency grows with the number.
    assert.deepEqual(page.logs.map((l) => l.id), ['log-4', 'log-2']);
    assert.equal(page.pagination.total_count, 3);
    const search = logPageJson(await queryLogs(store, parseLogQuery(new URLSearchParams({ content_search: 'UPSTREAM REFUSED' })), rowToLogRecord));
    assert.equal(search.pagination.total_count, 5, 'the five failed records carry that error message');
    const stats = await logStats(store, parseStatsRequest(new URLSearchParams({ group_by: 'model', interval: 'hour' })));
    assert.equal(stats.series.length, 2, 'one series per requested model');
  });
}
