// GET /api/logs/stats: totals and time-bucketed series (requests, tokens, cost, latency percentiles), in micro-dollars
// and epoch ms; api/stats-view.ts puts them on the wire.
import { LogFilterError, parseLogFilter, type FilterInput, type LogFilter } from './filters.js';
import type { LogSource } from './query.js';
import { filteredTotals, rollupAnswers, SUMMARY_COLUMNS, sumsFromRow, type LogSums } from './summary.js';
import { SqlParams, sqlGroupExpression, sqlNumber, whereClause, type SqlDialect } from './sql.js';

export type StatsInterval = 'minute' | 'hour' | 'day';
export type StatsGroupBy =
  | { readonly kind: 'model' | 'provider' | 'provider_config' | 'key' | 'team' | 'customer' }
  | { readonly kind: 'tag'; readonly tag: string };

export interface StatsRequest {
  readonly filter: LogFilter;
  readonly interval: StatsInterval | 'auto';
  readonly groupBy?: StatsGroupBy;
}

/** Nearest-rank latency percentiles in milliseconds (null when the set is empty). */
export interface LatencyPercentiles {
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
}

export type StatsTotals = LogSums & LatencyPercentiles;

/** One time bucket of a series: its sums and percentiles. */
export interface StatsPoint extends StatsTotals {
  /** Start of the bucket, ms since the epoch (buckets align to UTC minutes, hours and days). */
  readonly start: number;
}

export interface StatsSeries {
  /** The group's value (model, provider, key id…), or null for records without one / when ungrouped. */
  readonly group: string | null;
  readonly totals: StatsTotals;
  readonly points: StatsPoint[];
}

export interface StatsReport {
  readonly interval: StatsInterval;
  readonly groupBy: StatsGroupBy | undefined;
  readonly totals: StatsTotals;
  readonly series: StatsSeries[];
}

const INTERVAL_MS: Record<StatsInterval, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** Bounds the work and the answer: at most this many buckets per series and points overall. */
export const MAX_BUCKETS = 2_000;
export const MAX_POINTS = 20_000;
const GROUP_KINDS = ['model', 'provider', 'provider_config', 'key', 'team', 'customer'] as const;

/** Parses the stats query: the log filter plus `interval` and `group_by`. @throws LogFilterError */
export function parseStatsRequest(input: FilterInput): StatsRequest {
  const get = (name: string): string | undefined => {
    const v = input instanceof URLSearchParams ? input.get(name) : input[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new LogFilterError(name, 'expected a string');
    return v;
  };
  const filter = parseLogFilter(input, { passThrough: ['interval', 'group_by'] });
  const interval = get('interval') ?? 'auto';
  if (interval !== 'auto' && !Object.hasOwn(INTERVAL_MS, interval)) {
    throw new LogFilterError('interval', 'expected auto, minute, hour or day');
  }
  const g = get('group_by');
  let groupBy: StatsGroupBy | undefined;
  if (g !== undefined) {
    if (g.startsWith('tag:') && g.length > 4) groupBy = { kind: 'tag', tag: g.slice(4) };
    else if ((GROUP_KINDS as readonly string[]).includes(g)) groupBy = { kind: g as (typeof GROUP_KINDS)[number] };
    else throw new LogFilterError('group_by', `expected ${GROUP_KINDS.join(', ')} or tag:<name>`);
  }
  return { filter, interval: interval as StatsInterval | 'auto', groupBy };
}

/** `key` is the stats API's name for the virtual key column. */
function groupExpression(g: StatsGroupBy, dialect: SqlDialect, p: SqlParams): string {
  if (g.kind === 'tag') return sqlGroupExpression(g, dialect, p);
  return sqlGroupExpression({ kind: g.kind === 'key' ? 'virtual_key' : g.kind }, dialect, p);
}

interface AggregateRow {
  bucket?: unknown;
  grp?: unknown;
  n: unknown;
  successes: unknown;
  latency_sum: unknown;
  tokens: unknown;
  cost: unknown;
  p50: unknown;
  p95: unknown;
  p99: unknown;
}

/**
 * One aggregate query per (bucket, group). Percentiles are nearest-rank over a window ordering of the
 * partition's latencies — portable to both dialects and computed inside the database, so the work
 * never ships every latency to the gateway. ceil(n·k/100) is (n·k + 99) / 100 in integer arithmetic.
 */
async function aggregate(
  store: LogSource,
  filter: LogFilter,
  opts: { readonly bucketMs?: number; readonly groupBy?: StatsGroupBy; readonly maxRows?: number },
): Promise<AggregateRow[]> {
  const p = new SqlParams();
  const keys: string[] = [];
  const cols: string[] = [];
  if (opts.bucketMs !== undefined) {
    // bucketMs comes from a fixed table, never from the request, so it is inlined as a literal.
    cols.push(`(("timestamp" / ${opts.bucketMs}) * ${opts.bucketMs}) AS bucket`);
    keys.push('bucket');
  }
  if (opts.groupBy) {
    cols.push(`${groupExpression(opts.groupBy, store.dialect, p)} AS grp`);
    keys.push('grp');
  }
  const where = whereClause(filter, store.dialect, p);
  const partition = keys.length > 0 ? `PARTITION BY ${keys.join(', ')} ` : '';
  const pct = (k: number) => `MAX(CASE WHEN rn = (cnt * ${k} + 99) / 100 THEN latency_ms END) AS p${k}`;
  const sql = [
    `WITH f AS (SELECT ${[...cols, 'status', 'latency_ms', 'total_tokens', 'cost_total'].join(', ')} FROM logs ${where}),`,
    `r AS (SELECT f.*, ROW_NUMBER() OVER (${partition}ORDER BY latency_ms) AS rn, COUNT(*) OVER (${partition.trim()}) AS cnt FROM f)`,
    `SELECT ${[...keys, SUMMARY_COLUMNS, pct(50), pct(95), pct(99)].join(', ')} FROM r`,
    keys.length > 0 ? `GROUP BY ${keys.join(', ')} ORDER BY ${keys.join(', ')}` : '',
    opts.maxRows !== undefined ? `LIMIT ${opts.maxRows + 1}` : '',
  ].join(' ');
  return store.query<AggregateRow>(sql, p.values);
}

function percentiles(row: AggregateRow | undefined): LatencyPercentiles {
  const v = (x: unknown) => (x === null || x === undefined ? null : sqlNumber(x));
  return { p50Ms: v(row?.p50), p95Ms: v(row?.p95), p99Ms: v(row?.p99) };
}

function totalsFromRow(row: AggregateRow | undefined): StatsTotals {
  return { ...sumsFromRow(row), ...percentiles(row) };
}

function groupKey(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** Picks an interval giving at most a few hundred buckets over the filtered time range. */
async function resolveInterval(store: LogSource, req: StatsRequest): Promise<StatsInterval> {
  let { startTime: start, endTime: end } = req.filter;
  if (start === undefined || end === undefined) {
    const p = new SqlParams();
    const where = whereClause(req.filter, store.dialect, p);
    const [row] = await store.query<{ lo: unknown; hi: unknown }>(
      `SELECT MIN("timestamp") AS lo, MAX("timestamp") AS hi FROM logs ${where}`,
      p.values,
    );
    start ??= sqlNumber(row?.lo);
    end ??= sqlNumber(row?.hi);
  }
  const span = Math.max(0, end - start);
  if (req.interval !== 'auto') {
    if (span / INTERVAL_MS[req.interval] > MAX_BUCKETS) {
      throw new LogFilterError('interval', `more than ${MAX_BUCKETS} ${req.interval} buckets; narrow the time range or use a coarser interval`);
    }
    return req.interval;
  }
  if (span <= 3 * INTERVAL_MS.hour) return 'minute';
  if (span <= 3 * INTERVAL_MS.day) return 'hour';
  return 'day';
}

/** What `GET /api/logs/stats` answers. @throws LogFilterError when the answer would be unbounded. */
export async function logStats(store: LogSource, req: StatsRequest): Promise<StatsReport> {
  const interval = await resolveInterval(store, req);
  const [totalRows, counted, groupRows, pointRows] = await Promise.all([
    aggregate(store, req.filter, {}),
    // Requests, tokens and cost from the rollup where it answers: it still counts records the record cap dropped.
    rollupAnswers(req.filter) ? filteredTotals(store, req.filter) : Promise.resolve(undefined),
    req.groupBy ? aggregate(store, req.filter, { groupBy: req.groupBy }) : Promise.resolve(undefined),
    aggregate(store, req.filter, { bucketMs: INTERVAL_MS[interval], groupBy: req.groupBy, maxRows: MAX_POINTS }),
  ]);
  if (pointRows.length > MAX_POINTS) {
    throw new LogFilterError(req.groupBy ? 'group_by' : 'interval', `more than ${MAX_POINTS} points; narrow the filter or use a coarser interval`);
  }
  const totals: StatsTotals = { ...totalsFromRow(totalRows[0]), ...counted?.sums };
  const series = new Map<string | null, StatsSeries>();
  for (const row of groupRows ?? []) {
    series.set(groupKey(row.grp), { group: groupKey(row.grp), totals: totalsFromRow(row), points: [] });
  }
  if (!req.groupBy) series.set(null, { group: null, totals, points: [] });
  for (const row of pointRows) {
    const s = series.get(groupKey(row.grp));
    if (!s) continue; // a group that appeared between the two reads; its totals are in the next answer
    s.points.push({ start: sqlNumber(row.bucket), ...totalsFromRow(row) });
  }
  if (totals.requests === 0) series.clear();
  return { interval, groupBy: req.groupBy, totals, series: [...series.values()] };
}
