import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  isSuccessStatus,
  matches,
  parseLogQuery,
  recordTotalTokens,
  type LogFilter,
  type LogQuery,
} from '../../proxy/logs/filters.js';
import { queryLogs, summarizeLogs } from '../../proxy/logs/query.js';
import { logPageJson, logRecordToJson } from '../../proxy/api/log-json.js';
import { orderClause, SqlParams, whereClause } from '../../proxy/logs/sql.js';
import type { LogRecord } from '../../proxy/logs/record.js';
import { rowToLogRecord } from '../../proxy/store/log-columns.js';
import { generateFilter, generateRecords, referencePage, seededRandom } from './records.js';
import { postgresSource, sqliteSource, type TestLogSource } from './sql-fixture.js';
import { logSummaryJson } from '../../proxy/api/stats-view.js';

const RECORDS = generateRecords(400, 20250601);

async function pageIds(source: TestLogSource, q: LogQuery): Promise<string[]> {
  const p = new SqlParams();
  const where = whereClause(q, source.dialect, p);
  const sql = `SELECT id FROM logs ${where} ${orderClause(q.sortBy, q.order, source.dialect)} LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset)}`;
  return (await source.query<{ id: string }>(sql, p.values)).map((r) => r.id);
}

/** One query string per filter parameter, each selecting a proper, non-empty subset of the dataset. */
const SINGLE_PARAMETER_CASES = [
  'providers=bedrock',
  'providers=anthropic,openai',
  'models=gpt-4o',
  'models=us.anthropic.claude-haiku-3-5-v1:0',
  'status=success',
  'status=error',
  'status=429&status=5xx',
  'virtual_key_ids=vk-alice,vk-bob',
  'team_ids=data',
  'customer_ids=acme',
  'provider_config_ids=bedrock-west',
  'start_time=2025-06-02T12:00:00Z',
  `end_time=${Date.UTC(2025, 5, 2)}`,
  'min_latency=20000',
  'max_latency=5000',
  'min_tokens=4000',
  'max_tokens=100',
  'min_cost=0.05',
  'max_cost=0.01',
  'stream=true',
  'stream=false',
  'cache=hit',
  'cache=write,none',
  'missing_cost_only=true',
  'request_id=req-20250601-17',
  'content_search=REFACTOR',
  'content_search=50%',
  'content_search=a_b',
  'content_search=FAILED: pel',
  'tags=branch=main',
  'tags=branch=fix "quotes"&tags=workspace=web',
];

const SORTS = ['sort_by=timestamp&order=desc', 'sort_by=latency&order=asc', 'sort_by=tokens&order=desc', 'sort_by=cost&order=asc', 'sort_by=cost&order=desc'];

for (const [name, open] of [['sql.js', sqliteSource], ['PostgreSQL', postgresSource]] as const) {
  describe(`log SQL on ${name}`, () => {
    let source: TestLogSource;
    before(async () => {
      source = await open();
      await source.insert(RECORDS);
    });
    after(async () => source.close());

    test('every filter parameter selects exactly the records matches() accepts', async () => {
      for (const qs of SINGLE_PARAMETER_CASES) {
        const q = parseLogQuery(new URLSearchParams(`${qs}&limit=1000`));
        const expected = referencePage(RECORDS, q);
        assert.ok(expected.length > 0 && expected.length < RECORDS.length, `${qs} discriminates on the dataset`);
        assert.deepEqual(await pageIds(source, q), expected.map((r) => r.id), qs);
      }
    });

    test('every sort order pages through the set without gaps or overlaps', async () => {
      for (const sort of SORTS) {
        const all = referencePage(RECORDS, parseLogQuery(new URLSearchParams(`${sort}&limit=1000`)));
        const paged: string[] = [];
        for (let offset = 0; offset < RECORDS.length; offset += 37) {
          paged.push(...(await pageIds(source, parseLogQuery(new URLSearchParams(`${sort}&limit=37&offset=${offset}`)))));
        }
        assert.deepEqual(paged, all.map((r) => r.id), sort);
      }
    });

    test('random combinations of filters, sorts and pages agree with the reference', async () => {
      const rnd = seededRandom(99);
      const sorts = ['timestamp', 'latency', 'tokens', 'cost'] as const;
      for (let i = 0; i < 150; i++) {
        const q: LogQuery = {
          ...generateFilter(rnd),
          limit: 1 + Math.floor(rnd() * 120),
          offset: Math.floor(rnd() * 40),
          sortBy: sorts[Math.floor(rnd() * sorts.length)],
          order: rnd() < 0.5 ? 'asc' : 'desc',
        };
        assert.deepEqual(await pageIds(source, q), referencePage(RECORDS, q).map((r) => r.id), JSON.stringify(q));
      }
    });

    test('summary stats cover the whole filtered set, money in dollars', async () => {
      const filters: LogFilter[] = [{}, parseLogQuery({ virtual_key_ids: 'vk-alice' }), parseLogQuery({ status: 'error', stream: 'true' })];
      for (const f of filters) {
        const set = RECORDS.filter((r) => matches(f, r));
        const stats = logSummaryJson(await summarizeLogs(source, f));
        assert.equal(stats.total_requests, set.length);
        assert.equal(stats.success_rate, (set.filter((r) => isSuccessStatus(r.status)).length / set.length) * 100);
        assert.equal(stats.average_latency, set.reduce((a, r) => a + r.latencyMs, 0) / set.length);
        assert.equal(stats.total_tokens, set.reduce((a, r) => a + recordTotalTokens(r), 0));
        assert.equal(stats.total_cost, set.reduce((a, r) => a + (r.cost?.total ?? 0), 0) / 1e6);
      }
      const none = logSummaryJson(await summarizeLogs(source, { requestId: 'no-such-request' }));
      assert.deepEqual(none, { total_requests: 0, success_rate: 0, average_latency: 0, total_tokens: 0, total_cost: 0 });
    });

    test('GET /api/logs answers a page of JSON records, pagination over the whole set, and its stats', async () => {
      const q = parseLogQuery(new URLSearchParams('providers=bedrock&sort_by=cost&order=desc&limit=10&offset=5'));
      const page = logPageJson(await queryLogs(source, q, rowToLogRecord));
      const set = RECORDS.filter((r) => matches(q, r));
      const expected = referencePage(RECORDS, q).map((r) => logRecordToJson(r));
      assert.deepEqual(page.logs, expected);
      assert.deepEqual(page.pagination, { total_count: set.length, limit: 10, offset: 5 });
      assert.deepEqual(page.stats, logSummaryJson(await summarizeLogs(source, q)));
      const first = page.logs[0];
      assert.match(first.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      const source0 = RECORDS.find((r) => r.id === first.id)!;
      assert.equal(first.cost?.total, source0.cost!.total / 1e6);
      assert.equal(first.cost?.cache_write, (source0.cost!.cacheWrite5m + source0.cost!.cacheWrite1h) / 1e6);
      const missing = logPageJson(await queryLogs(source, parseLogQuery({ missing_cost_only: 'true', limit: '1' }), rowToLogRecord));
      assert.equal(missing.logs[0].cost, null);
      assert.equal(missing.logs[0].missing_cost, true);
    });
  });
}
