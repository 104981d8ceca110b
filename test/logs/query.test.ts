import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogQuery, type LogQuery } from '../../proxy/logs/filters.js';
import { queryLogs, type LogSource } from '../../proxy/logs/query.js';
import { logPageJson } from '../../proxy/api/log-json.js';
import { rowToLogRecord } from '../../proxy/store/log-columns.js';
import { BASE_TIME, generateFilter, generateRecords, referencePage, referenceSummary, seededRandom } from './records.js';
import { postgresSource, sqliteSource, type TestLogSource } from './sql-fixture.js';

// Four UTC days (the records start at noon): whole days come from the rollup, the edges from the records.
const RECORDS = generateRecords(600, 20251129);
const DAY = 86_400_000;

/** The source, recording every statement the log API sends through it. */
function recording(source: LogSource): { source: LogSource; statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    source: {
      dialect: source.dialect,
      query: <T>(sql: string, params: readonly unknown[]) => {
        statements.push(sql);
        return source.query<T>(sql, params);
      },
    },
  };
}

async function assertAgrees(source: LogSource, q: LogQuery): Promise<void> {
  const page = logPageJson(await queryLogs(source, q, rowToLogRecord));
  const what = JSON.stringify(q);
  assert.deepEqual(page.logs.map((l) => l.id), referencePage(RECORDS, q).map((r) => r.id), what);
  assert.deepEqual(page.stats, referenceSummary(RECORDS, q), what);
  assert.deepEqual(page.pagination, { total_count: page.stats.total_requests, limit: q.limit, offset: q.offset }, what);
}

for (const [name, open] of [['sql.js', sqliteSource], ['PostgreSQL', postgresSource]] as const) {
  describe(`GET /api/logs on ${name}`, () => {
    let store: TestLogSource;
    before(async () => {
      store = await open();
      // Three commits, the last repeating records already stored (a replayed journal entry): they count once.
      await store.insert(RECORDS.slice(0, 250));
      await store.insert(RECORDS.slice(250));
      await store.insert(RECORDS.slice(200, 300));
    });
    after(async () => store.close());

    test('random filters, sorts and offsets: the page and the stats equal the reference, whichever way they are read', async () => {
      const { source, statements } = recording(store);
      const rnd = seededRandom(4242);
      const sorts = ['timestamp', 'latency', 'tokens', 'cost'] as const;
      for (let i = 0; i < 200; i++) {
        const deep = rnd() < 0.4;
        await assertAgrees(source, {
          ...generateFilter(rnd),
          limit: 1 + Math.floor(rnd() * 30),
          offset: deep ? Math.floor(rnd() * RECORDS.length) : Math.floor(rnd() * 10),
          sortBy: sorts[Math.floor(rnd() * sorts.length)],
          order: rnd() < 0.5 ? 'asc' : 'desc',
        });
      }
      assert.ok(statements.some((s) => s.includes('FROM log_rollup')), 'some stats came from the rollup');
      assert.ok(statements.some((s) => s.startsWith('SELECT COUNT(*)')), 'some stats were summed from records');
      if (name === 'sql.js') assert.ok(statements.some((s) => s.includes('INDEXED BY')), 'some pages walked a sort index');
    });

    test('a deep offset in time order starts at the day holding it, in either direction and with time bounds', async () => {
      const { source, statements } = recording(store);
      const bounds = [{}, { startTime: BASE_TIME + DAY / 3 }, { endTime: BASE_TIME + 2 * DAY + 5_000 }, { startTime: BASE_TIME - DAY, endTime: BASE_TIME + 5 * DAY }];
      for (const bound of bounds) {
        for (const order of ['desc', 'asc'] as const) {
          for (const offset of [0, 1, 149, 150, 151, 299, 420, 599, 600, 650]) {
            await assertAgrees(source, { ...bound, limit: 7, offset, sortBy: 'timestamp', order });
          }
        }
      }
      assert.ok(statements.some((s) => s.includes('"timestamp" <= $1 ORDER BY "timestamp" DESC')), 'a page started inside the log');
    });

    test('broad filters with a sort of their own: a team by latency, successes by cost, a status class by time', async () => {
      for (const qs of [
        'team_ids=data&sort_by=latency&order=desc&limit=20',
        'team_ids=data&stream=true&min_tokens=100&sort_by=latency&order=asc&limit=20&offset=30',
        'status=success&sort_by=cost&order=desc&limit=25',
        'status=success&sort_by=cost&order=asc&limit=25&offset=100',
        'status=4xx&limit=10&offset=3',
        'models=gpt-4o&sort_by=tokens&limit=50',
      ]) {
        await assertAgrees(store, parseLogQuery(new URLSearchParams(qs)));
      }
    });

    test('an offset past the filtered set answers an empty page with the exact totals', async () => {
      const q = parseLogQuery(new URLSearchParams('virtual_key_ids=vk-alice&offset=100000'));
      const page = logPageJson(await queryLogs(store, q, rowToLogRecord));
      assert.deepEqual(page.logs, []);
      assert.deepEqual(page.stats, referenceSummary(RECORDS, q));
    });
  });
}
