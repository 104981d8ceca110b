import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isSuccessStatus, LogFilterError, matches, recordTotalTokens } from '../../proxy/logs/filters.js';
import { logStats, parseStatsRequest } from '../../proxy/logs/stats.js';
import { logSummaryJson, statsJson } from '../../proxy/api/stats-view.js';
import { summarizeLogs } from '../../proxy/logs/summary.js';
import type { LogRecord } from '../../proxy/logs/record.js';
import { generateRecords } from './records.js';
import { postgresSource, sqliteSource, type TestLogSource } from './sql-fixture.js';

const RECORDS = generateRecords(300, 777);

function groupBy<K>(records: readonly LogRecord[], key: (r: LogRecord) => K): Map<K, LogRecord[]> {
  const out = new Map<K, LogRecord[]>();
  for (const r of records) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
  return out;
}

/** Nearest-rank percentile: the smallest value with at least p% of the set at or below it. */
function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

function expectedTotals(set: readonly LogRecord[]) {
  const latencies = set.map((r) => r.latencyMs);
  return {
    total_requests: set.length,
    success_rate: set.length === 0 ? 0 : (set.filter((r) => isSuccessStatus(r.status)).length / set.length) * 100,
    average_latency: set.length === 0 ? 0 : latencies.reduce((a, b) => a + b, 0) / set.length,
    total_tokens: set.reduce((a, r) => a + recordTotalTokens(r), 0),
    total_cost: set.reduce((a, r) => a + (r.cost?.total ?? 0), 0) / 1e6,
    latency_p50: nearestRank(latencies, 50),
    latency_p95: nearestRank(latencies, 95),
    latency_p99: nearestRank(latencies, 99),
  };
}

test('stats parameters: interval and group_by are validated and named in errors', () => {
  const ok = parseStatsRequest(new URLSearchParams('interval=hour&group_by=tag:branch&models=gpt-4o'));
  assert.deepEqual(ok, { filter: { models: ['gpt-4o'] }, interval: 'hour', groupBy: { kind: 'tag', tag: 'branch' } });
  assert.equal(parseStatsRequest(new URLSearchParams()).interval, 'auto');
  for (const [qs, parameter] of [['interval=week', 'interval'], ['group_by=colour', 'group_by'], ['group_by=tag:', 'group_by'], ['stream=perhaps', 'stream']]) {
    assert.throws(() => parseStatsRequest(new URLSearchParams(qs)), (e: unknown) => e instanceof LogFilterError && e.parameter === parameter);
  }
});

for (const [name, open] of [['sql.js', sqliteSource], ['PostgreSQL', postgresSource]] as const) {
  describe(`log stats on ${name}`, () => {
    let source: TestLogSource;
    before(async () => {
      source = await open();
      await source.insert(RECORDS);
    });
    after(async () => source.close());

    test('totals and hourly points of a filtered set equal the sums and percentiles of its records', async () => {
      const req = parseStatsRequest(new URLSearchParams('interval=hour&stream=true'));
      const set = RECORDS.filter((r) => matches(req.filter, r));
      const stats = statsJson(await logStats(source, req));
      assert.equal(stats.interval, 'hour');
      assert.deepEqual(stats.totals, expectedTotals(set));
      assert.equal(stats.series.length, 1);
      const byHour = groupBy(set, (r) => Math.floor(r.timestamp / 3_600_000) * 3_600_000);
      const points = stats.series[0].points;
      assert.deepEqual(points.map((p) => p.time), [...byHour.keys()].sort((a, b) => a - b).map((t) => new Date(t).toISOString()));
      for (const p of points) {
        const inBucket = byHour.get(Date.parse(p.time))!;
        const e = expectedTotals(inBucket);
        assert.deepEqual(
          [p.requests, p.errors, p.tokens, p.cost, p.latency_p50, p.latency_p95, p.latency_p99],
          [e.total_requests, inBucket.filter((r) => !isSuccessStatus(r.status)).length, e.total_tokens, e.total_cost, e.latency_p50, e.latency_p95, e.latency_p99],
        );
      }
    });

    test('grouping by key and by tag gives one series per value, records without one under null', async () => {
      for (const [param, groupOf] of [
        ['key', (r: LogRecord) => r.virtualKeyId ?? null],
        ['tag:branch', (r: LogRecord) => r.tags?.branch ?? null],
      ] as const) {
        const stats = statsJson(await logStats(source, parseStatsRequest(new URLSearchParams(`interval=day&group_by=${param}`))));
        assert.equal(stats.group_by, param);
        const groups = groupBy(RECORDS, groupOf);
        assert.deepEqual(new Set(stats.series.map((s) => s.group)), new Set(groups.keys()));
        for (const s of stats.series) {
          const members = groups.get(s.group)!;
          assert.deepEqual(s.totals, expectedTotals(members), `${param}=${s.group}`);
          assert.equal(s.points.reduce((a, p) => a + p.requests, 0), members.length);
        }
      }
    });

    test('auto picks the interval from the time range; an unbounded series is refused naming interval', async () => {
      // The dataset spans three days: hourly buckets.
      assert.equal((await logStats(source, parseStatsRequest(new URLSearchParams()))).interval, 'hour');
      const narrow = parseStatsRequest(new URLSearchParams('start_time=2025-06-01T12:00:00Z&end_time=2025-06-01T13:00:00Z'));
      assert.equal((await logStats(source, narrow)).interval, 'minute');
      const wide = parseStatsRequest(new URLSearchParams('interval=minute&start_time=2025-01-01&end_time=2025-12-31'));
      await assert.rejects(logStats(source, wide), (e: unknown) => e instanceof LogFilterError && e.parameter === 'interval');
    });

    test('an empty selection answers zero totals and no series', async () => {
      const stats = statsJson(await logStats(source, parseStatsRequest(new URLSearchParams('request_id=none'))));
      assert.deepEqual(stats.totals, expectedTotals([]));
      assert.deepEqual(stats.series, []);
    });

    test('the /api/logs page states the same totals as /api/logs/stats for the same filter', async () => {
      for (const qs of ['', 'stream=true', 'status=error', 'request_id=none']) {
        const req = parseStatsRequest(new URLSearchParams(`interval=day&${qs}`));
        const { latency_p50: _50, latency_p95: _95, latency_p99: _99, ...totals } = statsJson(await logStats(source, req)).totals;
        assert.deepEqual(logSummaryJson(await summarizeLogs(source, req.filter)), totals, qs);
      }
    });
  });
}
