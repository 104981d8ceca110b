// Log records and charges for store tests.
import type { LogRecord } from '../../proxy/logs/record.js';
import type { Charge } from '../../proxy/store/store.js';

export const PG_URL = process.env.SPENDGATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fully populated record (every optional field set) or a minimal one. */
export function logRecord(n: number, overrides: Partial<LogRecord> = {}): LogRecord {
  const full = n % 2 === 0;
  const base: LogRecord = full
    ? {
        id: `log-${n}`,
        requestId: `req-${n}`,
        attempt: 1,
        timestamp: 1_750_000_000_000 + n * 1000,
        route: 'anthropic',
        providerType: 'bedrock',
        providerConfigId: 'bedrock-east',
        accountId: 'acme',
        modelRequested: 'claude-sonnet-4-20250514',
        modelServed: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
        virtualKeyId: 'vk-alice',
        teamId: 'platform',
        customerId: 'acme',
        status: 200,
        stream: true,
        latencyMs: 1200 + n,
        ttftMs: 300,
        inputTokens: 1000,
        outputTokens: 200,
        cacheReadTokens: 5000,
        cacheWrite5mTokens: 100,
        cacheWrite1hTokens: 0,
        cost: { input: 3000, output: 3000, cacheRead: 1500, cacheWrite5m: 375, cacheWrite1h: 0, total: 7875 },
        missingCost: false,
        cache: 'hit',
        routing: { candidates: ['bedrock-east', 'anthropic-direct'], excluded: [{ id: 'anthropic-direct', reason: 'rate limited' }], chosen: 'bedrock-east' },
        stopReason: 'end_turn',
        tags: { branch: 'main', 'ünïcode': 'ok' },
        requestBody: '{"model":"claude"}',
        responseBody: '{"content":[]}',
      }
    : {
        id: `log-${n}`,
        requestId: `req-${n}`,
        attempt: 2,
        timestamp: 1_750_000_000_000 + n * 1000,
        route: 'openai',
        modelRequested: 'mystery-model',
        status: 502,
        errorType: 'upstream_error',
        errorMessage: 'upstream refused',
        stream: false,
        latencyMs: 40,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWrite5mTokens: 0,
        cacheWrite1hTokens: 0,
        cost: null,
        missingCost: true,
        cache: 'none',
      };
  return { ...base, ...overrides };
}

export const PERIOD = Date.UTC(2025, 5, 1);

export function charge(tier: Charge['tier'], id: string, micros: number, periodStart = PERIOD): Charge {
  return { tier, id, periodStart, micros };
}
