// The page of GET /api/logs: the filtered records at [offset, offset + limit) in the API's order. The search picks
// ids only (an index can answer it and skip an offset without reading records), then the page's records are read.
import type { LogFilter, LogQuery, LogSortKey, SortOrder } from './filters.js';
import type { LogSource } from './query.js';
import type { TimeSlice } from './summary.js';
import { LOG_ORDER_INDEXES } from '../store/log-indexes.js';
import { filterConditions, orderClause, SqlParams, sqlNumber } from './sql.js';

/**
 * The page's rows. `matched` is the exact size of the filtered set; `slices` its counts per stretch of time, with
 * which a deep offset in time order starts at the stretch that holds it instead of counting every newer record.
 */
export async function fetchPage(
  store: LogSource,
  q: LogQuery,
  matched: number,
  slices: readonly TimeSlice[] | undefined,
): Promise<Record<string, unknown>[]> {
  if (q.offset >= matched) return [];
  const { filter, offset } = q.sortBy === 'timestamp' && slices !== undefined ? startAtSlice(q, slices) : { filter: q, offset: q.offset };
  const p = new SqlParams();
  const conditions = filterConditions(filter, store.dialect, p);
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const walk = store.dialect === 'sqlite' && conditions.length > 0 ? await sqliteOrderWalk(store, q, offset, matched) : '';
  const order = orderClause(q.sortBy, q.order, store.dialect);
  const ids = `SELECT id FROM logs ${walk} ${where} ${order} LIMIT ${p.add(q.limit)} OFFSET ${p.add(offset)}`;
  return store.query<Record<string, unknown>>(`SELECT * FROM logs WHERE id IN (${ids}) ${order}`, p.values);
}

/**
 * The same page with the time bound moved to the slice holding record number `offset` (in the query's direction)
 * and the offset reduced by the records beyond that bound, which the slices count exactly.
 */
function startAtSlice(q: LogQuery, slices: readonly TimeSlice[]): { filter: LogFilter; offset: number } {
  const ordered = q.order === 'desc' ? [...slices].reverse() : slices;
  let before = 0;
  for (const slice of ordered) {
    if (q.offset < before + slice.count) {
      if (before === 0) break;
      const filter =
        q.order === 'desc'
          ? { ...q, endTime: Math.min(q.endTime ?? Number.MAX_SAFE_INTEGER, slice.to - 1) }
          : { ...q, startTime: Math.max(q.startTime ?? 0, slice.from) };
      return { filter, offset: q.offset - before };
    }
    before += slice.count;
  }
  return { filter: q, offset: q.offset };
}

/** Indexes holding a sort key in the API's order, per direction; none for tokens, none for cost ascending. */
const ORDER_INDEX: Record<LogSortKey, Partial<Record<SortOrder, string>>> = {
  timestamp: { asc: LOG_ORDER_INDEXES.timestamp, desc: LOG_ORDER_INDEXES.timestamp },
  latency: { asc: LOG_ORDER_INDEXES.latency_ms, desc: LOG_ORDER_INDEXES.latency_ms },
  cost: { desc: LOG_ORDER_INDEXES.cost_total },
  tokens: {},
};

/** Walking the order must be expected to read at most this share of the filtered set's size to be chosen. */
const WALK_SHARE = 1 / 4;

/**
 * SQLite plans without statistics and takes an equality on any indexed column as selective, so for a broad filter
 * (a team, a status class) it reads and sorts the whole filtered set to return one page. Walking the sort order's
 * index and testing each record reaches the page after about (offset + limit) × rows / matched records; that walk
 * is forced when it is expected to read well under the `matched` records a sort would.
 */
async function sqliteOrderWalk(store: LogSource, q: LogQuery, offset: number, matched: number): Promise<string> {
  const index = ORDER_INDEX[q.sortBy][q.order];
  if (index === undefined) return '';
  // The rowid span is the row count up to rows deleted out of insertion order: an estimate, which is all this needs.
  const [span] = await store.query<{ rows: unknown }>(
    'SELECT COALESCE((SELECT MAX(rowid) FROM logs) - (SELECT MIN(rowid) FROM logs) + 1, 0) AS rows',
    [],
  );
  const expectedReads = ((offset + q.limit) * sqlNumber(span?.rows)) / matched;
  return expectedReads <= matched * WALK_SHARE ? `INDEXED BY ${index}` : '';
}
