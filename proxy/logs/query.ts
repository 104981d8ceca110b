// GET /api/logs: one filtered, sorted page of records plus stats over the whole filtered set.
import type { LogFilter, LogQuery } from './filters.js';
import type { LogRecord } from './record.js';
import { fetchPage } from './page.js';
import type { SqlDialect } from './sql.js';
import { filteredTotals, type LogSums } from './summary.js';
import { DROPPED_LOGS, droppedLogs } from '../store/log-cap.js';

export { summarizeLogs, type LogSums } from './summary.js';

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
  /** Totals over the whole filtered set (records the cap dropped included, where the rollup can count them). */
  readonly stats: LogSums;
  /**
   * Present once the embedded store's record cap (logging.max_records) has dropped records: how many, and the time
   * (epoch ms) before which records are no longer listed. `stats` still counts them; `totalCount` does not.
   */
  readonly dropped?: { readonly count: number; readonly beforeMs: number };
}

/** The query without its paging. */
function filterOf(q: LogQuery): LogFilter {
  const { limit: _l, offset: _o, sortBy: _s, order: _d, ...filter } = q;
  return filter;
}

/**
 * What `GET /api/logs` answers (api/log-json.ts puts it on the wire). The totals come first: their exact count and
 * per-day counts tell the page search where to start and which way to read. Once the record cap has dropped records,
 * `stats` keeps counting them (from the rollup) while the page and its count cover the records still kept.
 */
export async function queryLogs(store: LogSource, q: LogQuery, toRecord: LogRowMapper): Promise<LogPage> {
  const filter = filterOf(q);
  const dropped = store.dialect === 'sqlite' ? droppedLogs(await store.query<{ key: unknown; value: unknown }>(DROPPED_LOGS, [])) : undefined;
  const totals = await filteredTotals(store, filter);
  // Every record at or after the boundary is kept, so bounding the search there counts and pages exactly what is listed.
  const reachesDropped = dropped !== undefined && (filter.startTime === undefined || filter.startTime < dropped.before);
  const listed = reachesDropped ? { ...q, startTime: dropped.before } : q;
  const kept = reachesDropped ? await filteredTotals(store, filterOf(listed)) : totals;
  const rows = await fetchPage(store, listed, kept.sums.requests, kept.slices);
  return {
    records: rows.map(toRecord),
    totalCount: kept.sums.requests,
    limit: q.limit,
    offset: q.offset,
    stats: totals.sums,
    ...(dropped !== undefined && { dropped: { count: dropped.count, beforeMs: dropped.before } }),
  };
}
