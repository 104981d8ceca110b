// GET /api/logs: one filtered, sorted page of records plus stats over the whole filtered set.
import type { LogQuery } from './filters.js';
import type { LogRecord } from './record.js';
import { fetchPage } from './page.js';
import type { SqlDialect } from './sql.js';
import { filteredTotals, type LogSummary } from './summary.js';

export { summarizeLogs, type LogSummary } from './summary.js';

/** The part of the store the log API reads through (the store's `Store` satisfies it). */
export interface LogSource {
  readonly dialect: SqlDialect;
  query<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
}

/** Maps a `logs` row to a record (the store's `rowToLogRecord`). */
export type LogRowMapper = (row: Record<string, unknown>) => LogRecord;

/** One page of records, where it lies in the filtered set, and the totals over that whole set. */
export interface LogPage {
  readonly records: readonly LogRecord[];
  readonly totalCount: number;
  readonly limit: number;
  readonly offset: number;
  readonly stats: LogSummary;
}

/**
 * What `GET /api/logs` answers (api/log-json.ts puts it on the wire). The totals come first: their exact count and
 * per-day counts tell the page search where to start and which way to read.
 */
export async function queryLogs(store: LogSource, q: LogQuery, toRecord: LogRowMapper): Promise<LogPage> {
  const { limit: _l, offset: _o, sortBy: _s, order: _d, ...filter } = q;
  const totals = await filteredTotals(store, filter);
  const rows = await fetchPage(store, q, totals.summary.total_requests, totals.slices);
  return { records: rows.map(toRecord), totalCount: totals.summary.total_requests, limit: q.limit, offset: q.offset, stats: totals.summary };
}
