// Cache writes never read back within their TTL: a heuristic over an ordered, bounded scan of the log.
import type { LogFilter } from '../logs/filters.js';
import type { LogSource } from '../logs/query.js';
import { orderClause, SqlParams, sqlNumber, whereClause } from '../logs/sql.js';

const MINUTE_MS = 60_000;
export const TTL_5M_MS = 5 * MINUTE_MS;
export const TTL_1H_MS = 60 * MINUTE_MS;

/** How the never-read figures were found, stated with the result so nobody over-reads them. */
export const UNREAD_METHOD =
  'A cache write counts as read back when a later request of the same virtual key and model reads from the cache ' +
  'within the write TTL (5 minutes or 1 hour). The log does not say which prefix a read hit, so a read of an older ' +
  'or unrelated prefix also counts: the unread figures are a lower bound. Writes whose TTL had not yet run out at ' +
  'the end of the scan are undetermined and left out of both the unread cost and the ratio.';

/** Unread cache-write money for one key+model group, in integer micro-dollars. */
export interface UnreadTally {
  /** Cost of writes whose outcome is known (read back or expired). */
  determined5m: number;
  unread5m: number;
  determined1h: number;
  unread1h: number;
}

export interface UnreadScan {
  /** By groupKey(model, keyId). */
  readonly groups: ReadonlyMap<string, UnreadTally>;
  readonly scannedRows: number;
  /** The cap was reached: writes after `horizon` were not examined. */
  readonly truncated: boolean;
  /** Cost of writes whose TTL outlasts the data (micro-dollars). */
  readonly undeterminedMicros: number;
}

export function groupKey(model: string, keyId: string | null): string {
  return `${model}\u0000${keyId ?? ''}`;
}

interface PendingWrite {
  readonly at: number;
  readonly micros: number;
}

interface GroupState {
  readonly tally: UnreadTally;
  readonly pending5m: PendingWrite[];
  readonly pending1h: PendingWrite[];
}

interface EventRow {
  timestamp: unknown;
  model: unknown;
  key_id: unknown;
  cache_read_tokens: unknown;
  cache_write_5m_tokens: unknown;
  cache_write_1h_tokens: unknown;
  cost_cache_write_5m: unknown;
  cost_cache_write_1h: unknown;
}

/** A read at `at` settles every earlier pending write: read back if within the TTL, otherwise expired unread. */
function settleOnRead(queue: PendingWrite[], at: number, ttl: number): { determined: number; unread: number } {
  let determined = 0;
  let unread = 0;
  let settled = 0;
  while (settled < queue.length && queue[settled].at < at) {
    const w = queue[settled++];
    determined += w.micros;
    if (at - w.at > ttl) unread += w.micros;
  }
  queue.splice(0, settled);
  return { determined, unread };
}

/** At the end of the data: writes whose TTL ran out before `horizon` were never read; later ones are undetermined. */
function settleAtEnd(queue: readonly PendingWrite[], horizon: number, ttl: number): { unread: number; undetermined: number } {
  let unread = 0;
  let undetermined = 0;
  for (const w of queue) {
    if (w.at + ttl <= horizon) unread += w.micros;
    else undetermined += w.micros;
  }
  return { unread, undetermined };
}

/**
 * Scans cache events (rows that read or wrote the prompt cache) matching `filter` with timestamps
 * from `start` to `end` + 1 hour, oldest first, at most `maxRows`. Writes are counted only when they
 * fall in [start, end]; the extra hour lets a write near the end find its read. `now` bounds what
 * can be known: a write whose TTL runs past min(now, scan end) is undetermined.
 */
export async function scanUnreadWrites(
  store: LogSource,
  filter: LogFilter,
  range: { readonly start: number; readonly end: number },
  opts: { readonly now: number; readonly maxRows: number },
): Promise<UnreadScan> {
  const p = new SqlParams();
  const where = whereClause({ ...filter, startTime: range.start, endTime: range.end + TTL_1H_MS }, store.dialect, p);
  const sql =
    'SELECT "timestamp", COALESCE(model_served, model_requested) AS model, virtual_key_id AS key_id, ' +
    'cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cost_cache_write_5m, cost_cache_write_1h ' +
    `FROM logs ${where}${where === '' ? 'WHERE' : ' AND'} (cache_read_tokens > 0 OR cache_write_5m_tokens > 0 OR cache_write_1h_tokens > 0) ` +
    `${orderClause('timestamp', 'asc', store.dialect)} LIMIT ${p.add(opts.maxRows + 1)}`;
  const rows = await store.query<EventRow>(sql, p.values);
  const truncated = rows.length > opts.maxRows;
  if (truncated) rows.length = opts.maxRows;

  const groups = new Map<string, GroupState>();
  for (const row of rows) {
    const at = sqlNumber(row.timestamp);
    const id = groupKey(String(row.model), row.key_id === null ? null : String(row.key_id));
    let g = groups.get(id);
    if (g === undefined) {
      g = { tally: { determined5m: 0, unread5m: 0, determined1h: 0, unread1h: 0 }, pending5m: [], pending1h: [] };
      groups.set(id, g);
    }
    // A request's own read cannot be of the prefix it writes: settle earlier writes first.
    if (sqlNumber(row.cache_read_tokens) > 0) {
      const s5 = settleOnRead(g.pending5m, at, TTL_5M_MS);
      const s1 = settleOnRead(g.pending1h, at, TTL_1H_MS);
      g.tally.determined5m += s5.determined;
      g.tally.unread5m += s5.unread;
      g.tally.determined1h += s1.determined;
      g.tally.unread1h += s1.unread;
    }
    if (at > range.end) continue;
    if (sqlNumber(row.cache_write_5m_tokens) > 0) g.pending5m.push({ at, micros: sqlNumber(row.cost_cache_write_5m) });
    if (sqlNumber(row.cache_write_1h_tokens) > 0) g.pending1h.push({ at, micros: sqlNumber(row.cost_cache_write_1h) });
  }

  const scanEnd = truncated && rows.length > 0 ? sqlNumber(rows[rows.length - 1].timestamp) : range.end + TTL_1H_MS;
  const horizon = Math.min(opts.now, scanEnd);
  let undeterminedMicros = 0;
  const tallies = new Map<string, UnreadTally>();
  for (const [id, g] of groups) {
    const e5 = settleAtEnd(g.pending5m, horizon, TTL_5M_MS);
    const e1 = settleAtEnd(g.pending1h, horizon, TTL_1H_MS);
    g.tally.unread5m += e5.unread;
    g.tally.determined5m += e5.unread;
    g.tally.unread1h += e1.unread;
    g.tally.determined1h += e1.unread;
    undeterminedMicros += e5.undetermined + e1.undetermined;
    tallies.set(id, g.tally);
  }
  return { groups: tallies, scannedRows: rows.length, truncated, undeterminedMicros };
}
