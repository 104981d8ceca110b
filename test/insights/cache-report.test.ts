import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LogRecord } from '../../proxy/logs/record.js';
import { priceRequest } from '../../proxy/pricing/cost.js';
import { PriceBook } from '../../proxy/pricing/price-book.js';
import { cacheReport } from '../../proxy/insights/cache-report.js';
import { cacheReportJson } from '../../proxy/api/insights-view.js';
import type { CacheReportJson } from '../../proxy/api/wire/index.js';
import { postgresSource, sqliteSource, type TestLogSource } from '../logs/sql-fixture.js';

const MODEL = 'claude-test';
const UNPRICED = 'mystery-model';
// $/M tokens: input 3, cache read 0.30, 5-minute write 3.75, 1-hour write 6 → pico-dollars per token ×1e6.
const PRICES = new PriceBook({
  catalog: new Map(),
  config: { [MODEL]: { input: 3, output: 15, cache_read: 0.3, cache_write_5m: 3.75, cache_write_1h: 6 } },
});
const T = Date.parse('2026-11-10T10:00:00Z');
const MIN = 60_000;
const RANGE = { start: T, end: T + 120 * MIN };
const NOW = T + 122 * MIN;

interface Spec {
  readonly at: number;
  readonly key?: string;
  readonly model?: string;
  readonly input?: number;
  readonly read?: number;
  readonly w5?: number;
  readonly w1h?: number;
  readonly status?: number;
}

let seq = 0;
/** A served request as the gateway logs it, its cost priced by the same book. */
function rec(s: Spec): LogRecord {
  const model = s.model ?? MODEL;
  const usage = { inputTokens: s.input ?? 0, outputTokens: 10, cacheReadTokens: s.read ?? 0, cacheWrite5mTokens: s.w5 ?? 0, cacheWrite1hTokens: s.w1h ?? 0 };
  const price = PRICES.lookup(model);
  const failed = (s.status ?? 200) >= 400;
  const id = `r${String(++seq).padStart(4, '0')}`;
  return {
    id, requestId: id, attempt: 1, timestamp: s.at, route: 'anthropic', providerType: 'anthropic', providerConfigId: 'direct',
    modelRequested: model, modelServed: failed ? undefined : model, virtualKeyId: s.key ?? 'alice', status: s.status ?? 200,
    stream: false, latencyMs: 100, ...(failed ? { ...usage, outputTokens: 0 } : usage),
    cost: price && !failed ? priceRequest(price, usage) : null, missingCost: price === undefined && !failed,
    cache: (s.read ?? 0) > 0 ? 'hit' : (s.w5 ?? 0) + (s.w1h ?? 0) > 0 ? 'write' : 'none',
  };
}

/** Hand-checked mix; comments give each cache write's fate under the never-read heuristic. */
const MIX: LogRecord[] = [
  rec({ at: T - 10 * MIN, input: 999, read: 999 }), // before the range: not counted
  rec({ at: T, input: 100, w5: 10_000 }), // 5m write $0.0375, read at +2 min
  rec({ at: T + 2 * MIN, input: 50, read: 10_000, w5: 2_000 }), // write $0.0075, next read at +40: unread
  rec({ at: T + 5 * MIN, status: 402 }), // refused: no prompt sent, not a request here
  rec({ at: T + 10 * MIN, key: 'bob', input: 30, w1h: 2_000 }), // 1h write $0.012, never read: unread
  rec({ at: T + 20 * MIN, input: 80, w5: 4_000 }), // write $0.015, unread
  rec({ at: T + 30 * MIN, model: UNPRICED, input: 1_000, read: 500 }),
  rec({ at: T + 40 * MIN, input: 20, read: 12_000 }),
  rec({ at: T + 41 * MIN, input: 10, w1h: 5_000 }), // 1h write $0.03, read at +90: read back
  rec({ at: T + 90 * MIN, read: 5_000 }),
  rec({ at: T + 118 * MIN, w5: 500 }), // write $0.001875, read after the range at +121: read back
  rec({ at: T + 119 * MIN, key: 'bob', input: 5, w5: 1_000 }), // write $0.00375, TTL outlasts NOW: undetermined
  rec({ at: T + 121 * MIN, read: 1_000 }), // after the range: only settles the write before it
];

for (const [name, open] of [['sql.js', sqliteSource], ['PostgreSQL', postgresSource]] as const) {
  describe(`prompt-cache report (${name})`, () => {
    let source: TestLogSource;
    let report: CacheReportJson;
    before(async () => {
      source = await open();
      await source.insert(MIX);
      report = cacheReportJson(await cacheReport(source, PRICES, RANGE, { now: NOW }));
    });
    after(async () => source.close());

    test('totals count every request that sent a prompt in the range', () => {
      const t = report.total;
      assert.equal(t.requests, 10);
      assert.equal(t.input_tokens, 1_295);
      assert.equal(t.cache_read_tokens, 27_500);
      assert.equal(t.cache_write_5m_tokens, 17_500);
      assert.equal(t.cache_write_1h_tokens, 7_000);
      assert.equal(t.cache_read_ratio, 27_500 / (1_295 + 27_500 + 17_500 + 7_000));
      assert.equal(t.unpriced_requests, 1);
    });

    test('money saved is cache reads times the input-minus-read rate, exactly', () => {
      // 27,000 priced read tokens × ($3 − $0.30)/M = $0.0729; the unpriced model's reads are left out.
      assert.equal(report.total.saved, 0.0729);
      // Writes beyond plain input: 17,500 × $0.75/M + 7,000 × $3/M = $0.013125 + $0.021.
      assert.equal(report.total.write_premium, 0.034125);
      assert.equal(report.total.net_saving, 0.038775);
      assert.equal(report.total.cache_write_5m_cost, 0.065625);
      assert.equal(report.total.cache_write_1h_cost, 0.042);
    });

    test('per model', () => {
      const [claude, mystery] = report.by_model;
      assert.equal(claude.model, MODEL);
      assert.equal(claude.requests, 9);
      assert.equal(claude.saved, 0.0729);
      assert.equal(claude.unread_write_5m_cost, 0.0225);
      assert.equal(claude.unread_write_5m_ratio, 22_500 / 61_875); // bob's undetermined write is in neither
      assert.equal(claude.unread_write_1h_cost, 0.012);
      assert.equal(claude.unread_write_1h_ratio, 12_000 / 42_000);
      assert.deepEqual(
        { model: mystery.model, requests: mystery.requests, saved: mystery.saved, ratio: mystery.cache_read_ratio, unpriced: mystery.unpriced_requests },
        { model: UNPRICED, requests: 1, saved: 0, ratio: 500 / 1_500, unpriced: 1 },
      );
    });

    test('per key', () => {
      const [alice, bob] = report.by_key;
      assert.deepEqual(
        [alice.virtual_key_id, alice.requests, alice.saved, alice.unread_write_5m_ratio, alice.unread_write_1h_ratio],
        ['alice', 8, 0.0729, 22_500 / 61_875, 0],
      );
      // bob's only 5m write is undetermined: no ratio yet; his 1h write expired unread.
      assert.deepEqual(
        [bob.virtual_key_id, bob.requests, bob.saved, bob.write_premium, bob.unread_write_5m_ratio, bob.unread_write_1h_ratio],
        ['bob', 2, 0, 0.00675, null, 1],
      );
    });

    test('the never-read heuristic states its method, scan size and what it could not decide', () => {
      assert.equal(report.never_read.scanned_rows, 11); // cache events from the range start to an hour past its end
      assert.equal(report.never_read.truncated, false);
      assert.equal(report.never_read.undetermined_write_cost, 0.00375);
      assert.match(report.never_read.method, /lower bound/);
    });

    test('hints say what caching saved', () => {
      assert.deepEqual(report.hints, [
        'cache reads saved $0.0729 in this range; $0.038775 net of the $0.034125 cache-write premium',
        '1 request went to a model without a price: its savings are not counted',
      ]);
    });

    test('a capped scan says so and decides nothing past its last row', async () => {
      const capped = cacheReportJson(await cacheReport(source, PRICES, RANGE, { now: NOW, maxScanRows: 3 }));
      assert.equal(capped.never_read.scanned_rows, 3);
      assert.equal(capped.never_read.truncated, true);
      // Rows: the +0 write, the +2 read/write, bob's +10 1h write. Up to that last row the log is known:
      // the +2 write's TTL ended unread at +7; bob's 1-hour write is undecided.
      assert.equal(capped.total.unread_write_5m_cost, 0.0075);
      assert.equal(capped.never_read.undetermined_write_cost, 0.012);
      assert.ok(capped.hints.includes('never-read figures cover only the first 3 cache events of the range'));
      assert.equal(capped.total.saved, report.total.saved); // the totals do not depend on the scan
    });

    test('a filter narrows the report', async () => {
      const bobOnly = cacheReportJson(await cacheReport(source, PRICES, RANGE, { now: NOW, filter: { virtualKeyIds: ['bob'] } }));
      assert.deepEqual(bobOnly.by_key.map((k) => k.virtual_key_id), ['bob']);
      assert.equal(bobOnly.total.requests, 2);
    });
  });
}

describe('prompt-cache hints', () => {
  test('writes that are never read back within 5 minutes are called out', async () => {
    const source = await sqliteSource();
    try {
      // Ten 5,000-token writes ten minutes apart, each $0.01875: none read back.
      await source.insert(Array.from({ length: 10 }, (_, i) => rec({ at: T + i * 10 * MIN, input: 200, w5: 5_000 })));
      const r = cacheReportJson(await cacheReport(source, PRICES, { start: T, end: T + 100 * MIN }, { now: T + 200 * MIN }));
      assert.equal(r.total.unread_write_5m_ratio, 1);
      assert.deepEqual(r.hints, [
        `100% of cache writes on ${MODEL} ($0.1875) were never read back within 5 minutes: consider dropping cache_control on short sessions`,
      ]);
    } finally {
      await source.close();
    }
  });

  test('a model that reads almost nothing from a cheap cache is told to mark its prompts', async () => {
    const source = await sqliteSource();
    try {
      await source.insert(Array.from({ length: 12 }, (_, i) => rec({ at: T + i * MIN, input: 20_000 })));
      const r = cacheReportJson(await cacheReport(source, PRICES, { start: T, end: T + 60 * MIN }, { now: T + 200 * MIN }));
      assert.deepEqual(r.hints, [
        `none of the 240,000 prompt tokens sent to ${MODEL} came from the cache: repeated system prompts and tool definitions could be marked with cache_control`,
      ]);
    } finally {
      await source.close();
    }
  });
});
