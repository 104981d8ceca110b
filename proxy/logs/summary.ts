// Totals over every record a log filter selects (the `stats` of GET /api/logs): whole UTC days come from the store's
// daily rollup when the filter only names what the rollup groups by, the rest from the log through its indexes.
import type { LogFilter } from './filters.js';
import type { LogSource } from './query.js';
import { ROLLUP_DAY_MS, ROLLUP_TABLE, rollupDay } from '../store/log-rollup.js';
import { filterConditions, SqlParams, sqlNumber, whereClause } from './sql.js';

/** Sums over a set of records, from which every total, rate and mean is computed. */
export interface LogSums {
  readonly requests: number;
  /** Records with a 2xx/3xx status. */
  readonly successes: number;
  readonly latencySumMs: number;
  readonly tokens: number;
  /** Over the records that have a cost. */
  readonly costMicros: number;
}

interface SummaryRow {
  n: unknown;
  successes: unknown;
  latency_sum: unknown;
  tokens: unknown;
  cost: unknown;
}

const SUCCESS = 'status >= 200 AND status < 400';

/** The SELECT list of a summary over `logs`; shared with the stats endpoint so both count the same way. */
export const SUMMARY_COLUMNS = [
  'COUNT(*) AS n',
  `SUM(CASE WHEN ${SUCCESS} THEN 1 ELSE 0 END) AS successes`,
  'SUM(latency_ms) AS latency_sum',
  'SUM(total_tokens) AS tokens',
  'SUM(cost_total) AS cost',
].join(', ');

/** The same sums over `log_rollup` rows. */
const ROLLUP_SUMMARY_COLUMNS = [
  'SUM(requests) AS n',
  `SUM(CASE WHEN ${SUCCESS} THEN requests ELSE 0 END) AS successes`,
  'SUM(latency_sum) AS latency_sum',
  'SUM(tokens_sum) AS tokens',
  'SUM(cost_sum) AS cost',
].join(', ');

/** The sums of one summary row (SUMMARY_COLUMNS); absent sums are 0. */
export function sumsFromRow(row: SummaryRow | undefined): LogSums {
  return {
    requests: sqlNumber(row?.n),
    successes: sqlNumber(row?.successes),
    latencySumMs: sqlNumber(row?.latency_sum),
    tokens: sqlNumber(row?.tokens),
    costMicros: sqlNumber(row?.cost),
  };
}

/** A stretch of time, [from, to) in ms since the epoch, and how many of the filtered records fall in it. */
export interface TimeSlice {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

export interface FilteredTotals {
  readonly sums: LogSums;
  /** Present when the totals were counted by time: consecutive slices, oldest first, covering every record. */
  readonly slices?: readonly TimeSlice[];
}

/** Filter fields the rollup answers exactly: those over the columns it groups by (store/log-rollup.ts), and time in whole days. */
const ROLLUP_FIELDS: ReadonlySet<string> = new Set<keyof LogFilter>([
  'providers',
  'models',
  'status',
  'virtualKeyIds',
  'teamIds',
  'customerIds',
  'providerConfigIds',
  'startTime',
  'endTime',
  'stream',
  'cache',
  'missingCostOnly',
]);

/** True when the rollup can count what the filter selects (totals that still count records the cap dropped). */
export function rollupAnswers(filter: LogFilter): boolean {
  return Object.entries(filter).every(([field, value]) => value === undefined || ROLLUP_FIELDS.has(field));
}

/** Totals over every record the filter selects. */
export async function summarizeLogs(store: LogSource, filter: LogFilter): Promise<LogSums> {
  return (await filteredTotals(store, filter)).sums;
}

/**
 * Totals over every record the filter selects, with per-day counts when they came from the rollup. A time bound
 * inside a day leaves that day to the log: at most the two edge days are summed from records.
 */
export async function filteredTotals(store: LogSource, filter: LogFilter): Promise<FilteredTotals> {
  const { startTime: start, endTime: end } = filter;
  // The whole days inside [start, end]: from the first day starting at or after `start` to the last ending by `end`.
  const firstDay = start === undefined ? undefined : rollupDay(start + ROLLUP_DAY_MS - 1);
  const pastLastDay = end === undefined ? undefined : rollupDay(end + 1);
  const noWholeDay = firstDay !== undefined && pastLastDay !== undefined && firstDay >= pastLastDay;
  if (!rollupAnswers(filter) || noWholeDay) return { sums: sumsFromRow(await logSums(store, filter)) };
  const low = start !== undefined && firstDay !== undefined && start < firstDay ? { from: start, to: firstDay } : undefined;
  const high = end !== undefined && pastLastDay !== undefined && pastLastDay <= end ? { from: pastLastDay, to: end + 1 } : undefined;
  const edge = async (range: { from: number; to: number } | undefined) =>
    range === undefined ? [] : [{ ...range, row: await logSums(store, { ...filter, startTime: range.from, endTime: range.to - 1 }) }];
  const [lowSlice, days, highSlice] = await Promise.all([edge(low), rollupDays(store, filter, firstDay, pastLastDay), edge(high)]);
  const parts = [...lowSlice, ...days, ...highSlice];
  const total = { n: 0, successes: 0, latency_sum: 0, tokens: 0, cost: 0 };
  for (const { row } of parts) {
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += sqlNumber(row?.[k]);
  }
  return {
    sums: sumsFromRow(total),
    slices: parts.map(({ from, to, row }) => ({ from, to, count: sqlNumber(row?.n) })),
  };
}

/** Sums over the matching `logs` rows themselves. */
async function logSums(store: LogSource, filter: LogFilter): Promise<SummaryRow | undefined> {
  const p = new SqlParams();
  const where = whereClause(filter, store.dialect, p);
  const [row] = await store.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM logs ${where}`, p.values);
  return row;
}

/** Per-day sums from the rollup over the days in [firstDay, pastLastDay), either end open when undefined. */
async function rollupDays(
  store: LogSource,
  filter: LogFilter,
  firstDay: number | undefined,
  pastLastDay: number | undefined,
): Promise<{ from: number; to: number; row: SummaryRow }[]> {
  const p = new SqlParams();
  // The rollup has the filtered columns under their `logs` names, so the filter's own conditions apply to it.
  const conditions = filterConditions({ ...filter, startTime: undefined, endTime: undefined }, store.dialect, p);
  if (firstDay !== undefined) conditions.push(`day >= ${p.add(firstDay)}`);
  if (pastLastDay !== undefined) conditions.push(`day < ${p.add(pastLastDay)}`);
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const rows = await store.query<SummaryRow & { day: unknown }>(
    `SELECT day, ${ROLLUP_SUMMARY_COLUMNS} FROM ${ROLLUP_TABLE} ${where} GROUP BY day ORDER BY day`,
    p.values,
  );
  return rows.map((row) => {
    const day = sqlNumber(row.day);
    return { from: day, to: day + ROLLUP_DAY_MS, row };
  });
}
