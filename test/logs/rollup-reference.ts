// The log rollup computed from records, and the stored one in the same form, for comparing the two.
import { recordTotalTokens } from '../../proxy/logs/filters.js';
import type { LogSource } from '../../proxy/logs/query.js';
import type { LogRecord } from '../../proxy/logs/record.js';

const DAY = 86_400_000;

/** The rollup as it should be: the records summed by UTC day and by every column the rollup groups by. */
export function referenceRollup(records: readonly LogRecord[]): string[] {
  const sums = new Map<string, number[]>();
  for (const r of records) {
    const key = JSON.stringify([
      r.timestamp - (r.timestamp % DAY),
      r.providerType ?? '',
      r.providerConfigId ?? '',
      r.modelRequested,
      r.modelServed ?? '',
      r.virtualKeyId ?? '',
      r.teamId ?? '',
      r.customerId ?? '',
      r.status,
      r.stream,
      r.cache,
      r.missingCost,
    ]);
    const s = sums.get(key) ?? [0, 0, 0, 0];
    sums.set(key, [s[0] + 1, s[1] + r.latencyMs, s[2] + recordTotalTokens(r), s[3] + (r.cost?.total ?? 0)]);
  }
  return [...sums].map(([key, s]) => `${key} ${s.join(' ')}`).sort();
}

/** The stored rollup in the same form (SQLite keeps booleans as 0/1, PostgreSQL sums as strings). */
export async function storedRollup(source: LogSource): Promise<string[]> {
  const rows = await source.query<Record<string, unknown>>('SELECT * FROM log_rollup', []);
  return rows
    .map((r) => {
      const key = JSON.stringify([
        Number(r.day), r.provider_type, r.provider_config_id, r.model_requested, r.model_served, r.virtual_key_id,
        r.team_id, r.customer_id, Number(r.status), Boolean(r.stream), r.cache, Boolean(r.missing_cost),
      ]);
      return `${key} ${[r.requests, r.latency_sum, r.tokens_sum, r.cost_sum].map(Number).join(' ')}`;
    })
    .sort();
}
