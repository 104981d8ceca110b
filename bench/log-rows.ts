// Synthetic request-log records for the large-store check: deterministic (seeded PRNG), spread over 20 days,
// several keys, teams, models, statuses and costs, so every /api/logs filter has something to select.
import type { LogRecord } from '../proxy/logs/record.js';

/** mulberry32: a small seeded PRNG, enough to make the data set reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = ['claude-sonnet-4-20250514', 'claude-3-5-haiku-20241022', 'claude-opus-4-1-20250805'] as const;
const PROVIDERS = ['bedrock-claude', 'bedrock-mistral'] as const;
const TEAMS = ['ml-engineering', 'platform', 'research', 'support'] as const;
const DAY_MS = 86_400_000;
export const SPAN_DAYS = 20;

export function syntheticKeyId(i: number): string {
  return `scale-key-${String(i).padStart(3, '0')}`;
}

/** `count` records starting at serial `from`; timestamps spread evenly over the SPAN_DAYS before `now`. */
export function syntheticLogs(from: number, count: number, total: number, now: number, random: () => number): LogRecord[] {
  const out: LogRecord[] = [];
  for (let i = from; i < from + count; i++) {
    const model = MODELS[Math.floor(random() * MODELS.length)];
    const roll = random();
    const status = roll < 0.94 ? 200 : roll < 0.97 ? 429 : roll < 0.99 ? 402 : 502;
    const ok = status === 200;
    const inputTokens = ok ? 50 + Math.floor(random() * 20_000) : 0;
    const outputTokens = ok ? 10 + Math.floor(random() * 4_000) : 0;
    const cacheReadTokens = ok && random() < 0.3 ? Math.floor(random() * 50_000) : 0;
    const input = inputTokens * 3;
    const output = outputTokens * 15;
    const cacheRead = Math.round(cacheReadTokens * 0.3);
    const keyIndex = Math.floor(random() * 50);
    out.push({
      id: `bench-log-${i}`,
      requestId: `bench-req-${i}`,
      attempt: 1,
      timestamp: now - SPAN_DAYS * DAY_MS + Math.floor((i / total) * SPAN_DAYS * DAY_MS),
      route: 'anthropic',
      providerType: 'anthropic',
      providerConfigId: PROVIDERS[keyIndex % 5 === 0 ? 1 : 0],
      accountId: 'ml-team',
      modelRequested: model,
      modelServed: ok ? model : undefined,
      virtualKeyId: syntheticKeyId(keyIndex),
      teamId: TEAMS[keyIndex % TEAMS.length],
      customerId: 'acme-corp',
      status,
      errorType: ok ? undefined : status === 429 ? 'rate_limit_error' : status === 402 ? 'budget_exceeded' : 'upstream_error',
      errorMessage: ok ? undefined : `synthetic ${status}`,
      stream: random() < 0.7,
      latencyMs: 200 + Math.floor(random() * 30_000),
      ttftMs: ok ? 100 + Math.floor(random() * 2_000) : undefined,
      inputTokens,
      outputTokens,
      cacheReadTokens,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      cost: ok ? { input, output, cacheRead, cacheWrite5m: 0, cacheWrite1h: 0, total: input + output + cacheRead } : null,
      missingCost: false,
      cache: cacheReadTokens > 0 ? 'hit' : 'none',
      stopReason: ok ? 'end_turn' : undefined,
    });
  }
  return out;
}
