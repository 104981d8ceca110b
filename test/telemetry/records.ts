// Log records for the telemetry unit tests: one answered attempt by default, fields overridable.
import type { LogRecord } from '../../proxy/logs/record.js';

export const ARRIVAL = Date.UTC(2025, 0, 15, 10, 0, 0);

export function sampleRecord(overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    id: 'rec-1',
    requestId: 'req-1',
    attempt: 1,
    timestamp: ARRIVAL + 2,
    route: 'anthropic',
    providerType: 'anthropic',
    providerConfigId: 'anthropic-direct',
    accountId: 'dev',
    modelRequested: 'claude-sonnet-4-20250514',
    modelServed: 'claude-sonnet-4-20250514',
    virtualKeyId: 'alice',
    teamId: 'eng',
    customerId: 'acme',
    status: 200,
    stream: false,
    latencyMs: 120,
    ttftMs: 80,
    inputTokens: 1000,
    outputTokens: 200,
    cacheReadTokens: 50,
    cacheWrite5mTokens: 10,
    cacheWrite1hTokens: 5,
    cost: { input: 3000, output: 3000, cacheRead: 15, cacheWrite5m: 37, cacheWrite1h: 30, total: 6082 },
    missingCost: false,
    cache: 'hit',
    routing: { candidates: ['anthropic-direct'], excluded: [], chosen: 'anthropic-direct' },
    stopReason: 'end_turn',
    ...overrides,
  };
}
