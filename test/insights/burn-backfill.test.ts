import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backfillBurn } from '../../proxy/insights/burn-backfill.js';
import { BurnTracker } from '../../proxy/insights/runway.js';
import type { LogRecord } from '../../proxy/logs/record.js';
import { DOLLAR, seedConfig } from '../governance/seed.js';
import { postgresSource, sqliteSource } from '../logs/sql-fixture.js';

const NOW = Date.parse('2026-11-10T12:00:30Z');
const MIN = 60_000;

function logged(at: number, micros: number | null, extra: Partial<LogRecord> = {}): LogRecord {
  const id = `b${at}-${extra.virtualKeyId ?? 'x'}`;
  return {
    id, requestId: id, attempt: 1, timestamp: at, route: 'anthropic', modelRequested: 'm', status: 200, stream: false, latencyMs: 1,
    inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0,
    cost: micros === null ? null : { input: micros, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, total: micros },
    missingCost: micros === null, cache: 'none',
    virtualKeyId: 'staging-key', teamId: 'ml-engineering', customerId: 'acme-corp', providerConfigId: 'bedrock-claude', ...extra,
  };
}

for (const [name, open] of [['sql.js', sqliteSource], ['PostgreSQL', postgresSource]] as const) {
  describe(`burn backfill from the log (${name})`, () => {
    it('restores the last 24 hours of spend on each budgeted tier the records name', async () => {
      const source = await open();
      try {
        await source.insert([
          logged(NOW - 30 * MIN, 2 * DOLLAR),
          logged(NOW - 30 * MIN + 1, 3 * DOLLAR, { virtualKeyId: 'other-key' }), // no budget of its own
          logged(NOW - 5 * 60 * MIN, 4 * DOLLAR),
          logged(NOW - 25 * 60 * MIN, 100 * DOLLAR), // older than a day
          logged(NOW - 10 * MIN, null), // unpriced
          logged(NOW + MIN, 7 * DOLLAR), // after now
        ]);
        const tracker = new BurnTracker(NOW);
        await backfillBurn(source, tracker, seedConfig(), NOW);
        assert.equal(tracker.observedSince, NOW - 30_000 - 24 * 60 * MIN);
        assert.equal(tracker.spent('team', 'ml-engineering', 60, NOW).micros, 5 * DOLLAR);
        assert.equal(tracker.spent('team', 'ml-engineering', 24 * 60, NOW).micros, 9 * DOLLAR);
        assert.equal(tracker.spent('virtual_key', 'staging-key', 24 * 60, NOW).micros, 6 * DOLLAR);
        assert.equal(tracker.spent('virtual_key', 'other-key', 24 * 60, NOW).micros, 0);
        assert.equal(tracker.spent('provider_config', 'bedrock-claude', 24 * 60, NOW).micros, 9 * DOLLAR);
        assert.deepEqual(tracker.spent('customer', 'acme-corp', 24 * 60, NOW), { micros: 9 * DOLLAR, observedMs: 24 * 60 * MIN });
      } finally {
        await source.close();
      }
    });
  });
}
