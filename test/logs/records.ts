// Seeded generators of log records and filters for the log API tests.
import { isSuccessStatus, matches, recordTotalTokens, type LogFilter, type LogQuery, type StatusMatch } from '../../proxy/logs/filters.js';
import type { LogSummaryJson } from '../../proxy/api/wire/index.js';
import type { CacheStatus, LogRecord } from '../../proxy/logs/record.js';
import type { ProviderType } from '../../proxy/config/types.js';
import { seededRng } from '../../proxy/routing/weighted.js';

/** The routing module's seeded PRNG: a failing dataset can be reproduced from its seed. */
export const seededRandom = seededRng;

export const BASE_TIME = Date.UTC(2025, 5, 1, 12, 0, 0);
export const PROVIDERS: readonly ProviderType[] = ['bedrock', 'anthropic', 'openai'];
export const MODELS = ['claude-sonnet-4-20250514', 'claude-haiku-3-5', 'gpt-4o', 'gpt-4o-mini'];
export const KEYS = ['vk-alice', 'vk-bob', 'vk-carol', 'vk-dave'];
export const TEAMS = ['platform', 'data'];
export const CUSTOMERS = ['acme', 'globex'];
export const CONFIGS = ['bedrock-east', 'bedrock-west', 'anthropic-direct', 'openai-main'];
export const STATUSES = [200, 200, 200, 200, 400, 402, 429, 500, 503];
export const CACHES: readonly CacheStatus[] = ['hit', 'write', 'none'];
export const WORDS = ['refactor', 'Invoice', 'TODO', 'parse', 'pelican', 'Überweisung', '50% off', 'a_b'];

export function generateRecords(count: number, seed: number): LogRecord[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const maybe = <T>(p: number, v: () => T): T | undefined => (rnd() < p ? v() : undefined);
  const records: LogRecord[] = [];
  for (let i = 0; i < count; i++) {
    const status = pick(STATUSES);
    const failed = status >= 400;
    const routed = !(status === 402 || status === 429) || rnd() < 0.3;
    const input = failed ? 0 : Math.floor(rnd() * 5000);
    const output = failed ? 0 : Math.floor(rnd() * 2000);
    const cacheRead = rnd() < 0.3 ? Math.floor(rnd() * 10000) : 0;
    const w5 = rnd() < 0.2 ? Math.floor(rnd() * 3000) : 0;
    const w1 = rnd() < 0.1 ? Math.floor(rnd() * 3000) : 0;
    const priced = rnd() < 0.85;
    const cost = priced
      ? (() => {
          const c = { input: input * 3, output: output * 15, cacheRead: cacheRead * 0.3 | 0, cacheWrite5m: Math.round(w5 * 3.75), cacheWrite1h: w1 * 6 };
          return { ...c, total: c.input + c.output + c.cacheRead + c.cacheWrite5m + c.cacheWrite1h };
        })()
      : null;
    const key = maybe(0.9, () => pick(KEYS));
    const modelRequested = pick(MODELS);
    records.push({
      id: `rec-${seed}-${String(i).padStart(5, '0')}`,
      requestId: `req-${seed}-${Math.floor(i / 2)}`,
      attempt: (i % 2) + 1,
      // Some records share a timestamp so ordering ties are exercised.
      timestamp: BASE_TIME + Math.floor(rnd() * 3 * 86_400_000 / 1000) * 1000 * (rnd() < 0.1 ? 0 : 1),
      route: pick(['anthropic', 'openai', 'bedrock'] as const),
      providerType: routed ? pick(PROVIDERS) : undefined,
      providerConfigId: routed ? pick(CONFIGS) : undefined,
      accountId: routed ? 'main' : undefined,
      modelRequested,
      modelServed: routed ? (rnd() < 0.5 ? modelRequested : `us.anthropic.${modelRequested}-v1:0`) : undefined,
      virtualKeyId: key,
      teamId: key ? maybe(0.8, () => pick(TEAMS)) : undefined,
      customerId: key ? maybe(0.6, () => pick(CUSTOMERS)) : undefined,
      status,
      errorType: failed ? pick(['budget_exceeded', 'upstream_error', 'overloaded_error']) : undefined,
      errorMessage: failed ? `failed: ${pick(WORDS)}` : undefined,
      stream: rnd() < 0.5,
      latencyMs: Math.floor(rnd() * 30_000),
      ttftMs: maybe(0.5, () => Math.floor(rnd() * 2000)),
      inputTokens: input,
      outputTokens: output,
      cacheReadTokens: cacheRead,
      cacheWrite5mTokens: w5,
      cacheWrite1hTokens: w1,
      cost,
      missingCost: cost === null,
      cache: cacheRead > 0 ? 'hit' : w5 + w1 > 0 ? 'write' : 'none',
      stopReason: failed ? undefined : pick(['end_turn', 'max_tokens', 'tool_use']),
      routing: routed ? { candidates: CONFIGS.slice(0, 2), excluded: [{ id: 'openai-main', reason: 'over budget' }], chosen: CONFIGS[0] } : undefined,
      tags: maybe(0.6, () => ({ branch: pick(['main', 'feature/x', 'fix "quotes"']), ...(rnd() < 0.5 ? { workspace: pick(['api', 'web']) } : {}) })),
      requestBody: maybe(0.7, () => JSON.stringify({ prompt: `please ${pick(WORDS)} the ${pick(WORDS)}` })),
      responseBody: maybe(0.5, () => `answer about ${pick(WORDS)}`),
    });
  }
  return records;
}

/** A random filter built from values that occur in the generated data (and some that never do). */
export function generateFilter(rnd: () => number): LogFilter {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const some = <T>(xs: readonly T[]): T[] => [...new Set([pick(xs), pick(xs)])];
  const f: Record<string, unknown> = {};
  const maybe = (name: string, v: () => unknown) => {
    if (rnd() < 0.25) f[name] = v();
  };
  maybe('providers', () => some(PROVIDERS));
  maybe('models', () => some([...MODELS, 'us.anthropic.gpt-4o-v1:0', 'nope']));
  maybe('status', () => some<StatusMatch>([{ kind: 'success' }, { kind: 'error' }, { kind: 'code', code: 429 }, { kind: 'class', hundreds: 5 }]));
  maybe('virtualKeyIds', () => some(KEYS));
  maybe('teamIds', () => some(TEAMS));
  maybe('customerIds', () => some(CUSTOMERS));
  maybe('providerConfigIds', () => some(CONFIGS));
  maybe('startTime', () => BASE_TIME + Math.floor(rnd() * 2 * 86_400_000));
  maybe('endTime', () => BASE_TIME + 86_400_000 + Math.floor(rnd() * 2 * 86_400_000));
  maybe('minLatency', () => Math.floor(rnd() * 15_000));
  maybe('maxLatency', () => 15_000 + Math.floor(rnd() * 15_000));
  maybe('minTokens', () => Math.floor(rnd() * 3000));
  maybe('maxTokens', () => 3000 + Math.floor(rnd() * 10_000));
  maybe('minCostMicros', () => Math.floor(rnd() * 20_000));
  maybe('maxCostMicros', () => 20_000 + Math.floor(rnd() * 40_000));
  maybe('stream', () => rnd() < 0.5);
  maybe('cache', () => some(CACHES));
  maybe('missingCostOnly', () => rnd() < 0.7);
  maybe('contentSearch', () => pick(['REFACTOR', 'invoice', 'todo', 'über', '50%', 'a_b', '_', 'failed: TODO']));
  maybe('tags', () => [pick([{ key: 'branch', value: 'main' }, { key: 'branch', value: 'fix "quotes"' }, { key: 'workspace', value: 'web' }])]);
  return f as LogFilter;
}

/** The reference page: matches() then a plain sort and slice, as the API promises. */
export function referencePage(records: readonly LogRecord[], q: LogQuery): LogRecord[] {
  const key = (r: LogRecord): number | null =>
    q.sortBy === 'latency' ? r.latencyMs : q.sortBy === 'tokens' ? recordTotalTokens(r) : q.sortBy === 'cost' ? (r.cost?.total ?? null) : r.timestamp;
  const dir = q.order === 'asc' ? 1 : -1;
  const cmp = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);
  return records
    .filter((r) => matches(q, r))
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka === null || kb === null) {
        if (ka !== kb) return ka === null ? 1 : -1; // no cost sorts last either way
      } else if (ka !== kb) return dir * cmp(ka, kb);
      if (a.timestamp !== b.timestamp) return dir * cmp(a.timestamp, b.timestamp);
      return dir * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    })
    .slice(q.offset, q.offset + q.limit);
}

/** The reference stats: sums over every record the filter selects, divided as the API divides them. */
export function referenceSummary(records: readonly LogRecord[], f: LogFilter): LogSummaryJson {
  const set = records.filter((r) => matches(f, r));
  const n = set.length;
  const sum = (value: (r: LogRecord) => number) => set.reduce((a, r) => a + value(r), 0);
  return {
    total_requests: n,
    success_rate: n === 0 ? 0 : (set.filter((r) => isSuccessStatus(r.status)).length / n) * 100,
    average_latency: n === 0 ? 0 : sum((r) => r.latencyMs) / n,
    total_tokens: sum(recordTotalTokens),
    total_cost: sum((r) => r.cost?.total ?? 0) / 1e6,
  };
}
