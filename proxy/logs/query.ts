// GET /api/logs: one filtered, sorted page of records plus stats over the whole filtered set.
import type { LogFilter, LogQuery } from './filters.js';
import type { LogRecord } from './record.js';
import { microsToDollars } from '../pricing/money.js';
import { logRecordToJson, type LogRecordJson } from './json.js';
import { orderClause, SqlParams, sqlNumber, whereClause, type SqlDialect } from './sql.js';

/** The part of the store the log API reads through (the store's `Store` satisfies it). */
export interface LogSource {
  readonly dialect: SqlDialect;
  query<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
}

/** Maps a `logs` row to a record (the store's `rowToLogRecord`). */
export type LogRowMapper = (row: Record<string, unknown>) => LogRecord;

export interface LogSummary {
  readonly total_requests: number;
  /** Percentage (0–100) of records with a 2xx/3xx status; 0 when there are none. */
  readonly success_rate: number;
  /** Mean latency in milliseconds; 0 when there are none. */
  readonly average_latency: number;
  readonly total_tokens: number;
  /** Decimal US dollars over the records that have a cost. */
  readonly total_cost: number;
}

export interface LogPage {
  readonly logs: LogRecordJson[];
  readonly pagination: { readonly total_count: number; readonly limit: number; readonly offset: number };
  readonly stats: LogSummary;
}

interface SummaryRow {
  n: unknown;
  successes: unknown;
  latency_sum: unknown;
  tokens: unknown;
  cost: unknown;
}

/** The SELECT list of a summary; shared with the stats endpoint so both count the same way. */
export const SUMMARY_COLUMNS = [
  'COUNT(*) AS n',
  'SUM(CASE WHEN status >= 200 AND status < 400 THEN 1 ELSE 0 END) AS successes',
  'SUM(latency_ms) AS latency_sum',
  'SUM(total_tokens) AS tokens',
  'SUM(cost_total) AS cost',
].join(', ');

export function summaryFromRow(row: SummaryRow | undefined): LogSummary {
  const n = sqlNumber(row?.n);
  return {
    total_requests: n,
    success_rate: n === 0 ? 0 : (sqlNumber(row?.successes) / n) * 100,
    average_latency: n === 0 ? 0 : sqlNumber(row?.latency_sum) / n,
    total_tokens: sqlNumber(row?.tokens),
    total_cost: microsToDollars(sqlNumber(row?.cost)),
  };
}

/** Totals over every record the filter selects. */
export async function summarizeLogs(store: LogSource, filter: LogFilter): Promise<LogSummary> {
  const p = new SqlParams();
  const where = whereClause(filter, store.dialect, p);
  const [row] = await store.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM logs ${where}`, p.values);
  return summaryFromRow(row);
}

/** The exact response of `GET /api/logs` (DESIGN §4). */
export async function queryLogs(store: LogSource, q: LogQuery, toRecord: LogRowMapper): Promise<LogPage> {
  const p = new SqlParams();
  const where = whereClause(q, store.dialect, p);
  const order = orderClause(q.sortBy, q.order, store.dialect);
  const sql = `SELECT * FROM logs ${where} ${order} LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset)}`;
  const [rows, stats] = await Promise.all([
    store.query<Record<string, unknown>>(sql, p.values),
    summarizeLogs(store, q),
  ]);
  return {
    logs: rows.map((row) => logRecordToJson(toRecord(row))),
    pagination: { total_count: stats.total_requests, limit: q.limit, offset: q.offset },
    stats,
  };
}
