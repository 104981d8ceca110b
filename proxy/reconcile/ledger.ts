// spendgate's side of the reconciliation: what its log says each Bedrock model id was called for, per UTC day.
import type { LogSource } from '../logs/query.js';
import { SqlParams, sqlNumber } from '../logs/sql.js';
import { DAY_MS } from './request.js';

/** Token counts the way CloudWatch's AWS/Bedrock metrics count them: cache writes are one number. */
export interface Meter {
  readonly invocations: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

export const ZERO_METER: Meter = Object.freeze({ invocations: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });

/** One provider config's calls of one Bedrock model id on one UTC day, from the log. */
export interface LoggedDay {
  /** Midnight UTC, ms since the epoch. */
  readonly day: number;
  readonly providerConfigId: string;
  /** The id Bedrock was called with (a profile id or ARN included): CloudWatch's ModelId dimension. */
  readonly modelId: string;
  readonly meter: Meter;
  /** Of `meter.cacheWriteTokens`, those written to the 1-hour cache (priced at its own rate). */
  readonly cacheWrite1hTokens: number;
}

/**
 * Sums per day, provider config and served model over Bedrock records. An invocation is a record Bedrock answered
 * (status below 400): a failed attempt is logged but Bedrock counts no invocation for it, and carries no tokens.
 * Records the gateway refused before calling Bedrock have no provider config and are left out.
 */
export function loggedStatement(from: number, toExclusive: number): { sql: string; params: unknown[] } {
  const p = new SqlParams();
  const sql =
    `SELECT ("timestamp" / ${DAY_MS}) AS day_number, provider_config_id, model_served, ` +
    'SUM(CASE WHEN status >= 200 AND status < 400 THEN 1 ELSE 0 END) AS invocations, ' +
    'SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cache_read_tokens) AS cache_read_tokens, ' +
    'SUM(cache_write_5m_tokens) AS cache_write_5m_tokens, SUM(cache_write_1h_tokens) AS cache_write_1h_tokens ' +
    `FROM logs WHERE provider_type = 'bedrock' AND provider_config_id IS NOT NULL AND model_served IS NOT NULL ` +
    `AND "timestamp" >= ${p.add(from)} AND "timestamp" < ${p.add(toExclusive)} ` +
    'GROUP BY day_number, provider_config_id, model_served';
  return { sql, params: p.values };
}

export async function loggedDays(source: LogSource, from: number, toExclusive: number): Promise<LoggedDay[]> {
  const { sql, params } = loggedStatement(from, toExclusive);
  const rows = await source.query<Record<string, unknown>>(sql, params);
  return rows.map((row) => {
    const int = (column: string): number => {
      const n = sqlNumber(row[column]);
      if (!Number.isSafeInteger(n)) throw new RangeError(`reconcile sum ${column} is not an exact integer: ${String(row[column])}`);
      return n;
    };
    const write1h = int('cache_write_1h_tokens');
    return {
      day: int('day_number') * DAY_MS,
      providerConfigId: String(row.provider_config_id),
      modelId: String(row.model_served),
      meter: {
        invocations: int('invocations'),
        inputTokens: int('input_tokens'),
        outputTokens: int('output_tokens'),
        cacheReadTokens: int('cache_read_tokens'),
        cacheWriteTokens: int('cache_write_5m_tokens') + write1h,
      },
      cacheWrite1hTokens: write1h,
    };
  });
}
