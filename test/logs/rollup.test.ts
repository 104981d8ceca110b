import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LogFilter } from '../../proxy/logs/filters.js';
import type { LogRecord } from '../../proxy/logs/record.js';
import { summarizeLogs } from '../../proxy/logs/summary.js';
import { BASE_TIME, generateRecords, referenceSummary } from './records.js';
import { referenceRollup, storedRollup } from './rollup-reference.js';
import { postgresSource, sqliteSource, type TestLogSource } from './sql-fixture.js';
import { logSummaryJson } from '../../proxy/api/stats-view.js';

const DAY = 86_400_000;
const RECORDS = generateRecords(500, 31337);

function atTime(r: LogRecord, timestamp: number, n: number): LogRecord {
  return { ...r, id: `edge-${n}`, requestId: `edge-req-${n}`, timestamp };
}

for (const [name, open] of [['sql.js', sqliteSource], ['PostgreSQL', postgresSource]] as const) {
  describe(`log rollup on ${name}`, () => {
    let source: TestLogSource;
    before(async () => {
      source = await open();
    });
    after(async () => source.close());

    test('holds exactly the per-day sums of the stored records; a record stored twice counts once', async () => {
      await source.insert(RECORDS.slice(0, 300));
      await source.insert(RECORDS.slice(250));
      assert.deepEqual(await storedRollup(source), referenceRollup(RECORDS));
    });

    test('a prune inside a day and one on a day boundary leave the sums of the records that remain', async () => {
      for (const cutoff of [BASE_TIME + DAY + 1234, BASE_TIME - (BASE_TIME % DAY) + 2 * DAY]) {
        await source.prune(cutoff);
        assert.deepEqual(await storedRollup(source), referenceRollup(RECORDS.filter((r) => r.timestamp >= cutoff)), String(cutoff));
      }
      await source.prune(BASE_TIME + 10 * DAY);
      assert.deepEqual(await storedRollup(source), []);
    });

    test('time bounds on and beside midnight split the stats between rollup days and records exactly', async () => {
      const midnight = BASE_TIME - (BASE_TIME % DAY) + DAY;
      const around = [-DAY, -1, 0, 1, DAY - 1, DAY, DAY + 1];
      const records = around.map((d, i) => atTime(RECORDS[i], midnight + d, i));
      await source.insert(records);
      for (const start of [undefined, ...around.map((d) => midnight + d)]) {
        for (const end of [undefined, ...around.map((d) => midnight + d)]) {
          if (start !== undefined && end !== undefined && end < start) continue;
          const filter: LogFilter = { startTime: start, endTime: end };
          assert.deepEqual(logSummaryJson(await summarizeLogs(source, filter)), referenceSummary(records, filter), JSON.stringify(filter));
        }
      }
    });
  });
}

describe('log rollup on PostgreSQL, written by hand', () => {
  test('updates, deletes and a truncate of logs keep the rollup exact', async () => {
    const source = await postgresSource();
    try {
      await source.insert(RECORDS);
      await source.query(`UPDATE logs SET team_id = 'moved', latency_ms = latency_ms + 1 WHERE virtual_key_id = 'vk-bob'`, []);
      await source.query(`DELETE FROM logs WHERE status = 429`, []);
      const expected = RECORDS.filter((r) => r.status !== 429).map((r) => (r.virtualKeyId === 'vk-bob' ? { ...r, teamId: 'moved', latencyMs: r.latencyMs + 1 } : r));
      assert.deepEqual(await storedRollup(source), referenceRollup(expected));
      await source.query('TRUNCATE logs', []);
      assert.deepEqual(await storedRollup(source), []);
    } finally {
      await source.close();
    }
  });
});
