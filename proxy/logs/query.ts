// GET /api/logs: one filtered, sorted page of records plus stats over the whole filtered set.
import type { LogFilter, LogQuery } from './filters.js';
import type { LogRecord } from './record.js';
import { logRecordToJson, type LogRecordJson } from './json.js';
import { fetchPage } from './page.js';
import type { SqlDialect } from './sql.js';
import { filteredTotals, type LogSummary } from './summary.js';
import { DROPPED_LOGS, droppedLogs } from '../store/log-cap.js';

export { summarizeLogs, type LogSummary } from './summary.js';

/** The part of the store the log API reads through (the store's `Store` satisfies it). */
export interface LogSource {
  readonly dialect: SqlDialect;
  query<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
}

/** Maps a `logs` row to a record (the store's `rowToLogRecord`). */
export type LogRowMapper = (row: Record<string, unknown>) => LogRecord;

export interface LogPage {
  readonly logs: LogRecordJson[];
  readonly pagination: { readonly total_count: number; readonly limit: number; readonly offset: number };
  readonly stats: LogSummary;
  /**
   * Present once the embedded store's record cap (logging.max_records) has dropped records: how many, and the time
   * (ISO 8601 UTC) before which records are no longer listed. `stats` still counts them; `pagination` does not.
   */
  readonly dropped?: { readonly count: number; readonly before: string };
}

/** The query without its paging. */
function filterOf(q: LogQuery): LogFilter {
  const { limit: _l, offset: _o, sortBy: _s, order: _d, ...filter } = q;
  return filter;
}

/**
 * The exact response of `GET /api/logs` (DESIGN §4). The totals come first: their exact count and per-day counts
 * tell the page search where to start and which way to read. Once the record cap has dropped records, `stats` keeps
 * counting them (from the rollup) while the page and its count cover the records still kept.
 */
export async function queryLogs(store: LogSource, q: LogQuery, toRecord: LogRowMapper): Promise<LogPage> {
  const filter = filterOf(q);
  const dropped = store.dialect === 'sqlite' ? droppedLogs(await store.query<{ key: unknown; value: unknown }>(DROPPED_LOGS, [])) : undefined;
  const totals = await filteredTotals(store, filter);
  // Every record at or after the boundary is kept, so bounding the search there counts and pages exactly what is listed.
  const reachesDropped = dropped !== undefined && (filter.startTime === undefined || filter.startTime < dropped.before);
  const listed = reachesDropped ? { ...q, startTime: dropped.before } : q;
  const kept = reachesDropped ? await filteredTotals(store, filterOf(listed)) : totals;
  const rows = await fetchPage(store, listed, kept.summary.total_requests, kept.slices);
  return {
    logs: rows.map((row) => logRecordToJson(toRecord(row))),
    pagination: { total_count: kept.summary.total_requests, limit: q.limit, offset: q.offset },
    stats: totals.summary,
    ...(dropped !== undefined && { dropped: { count: dropped.count, before: new Date(dropped.before).toISOString() } }),
  };
}
