// Prompt-cache report: per model and per key, how much prompt came from cache, what it saved and what writes cost.
import type { LogFilter } from '../logs/filters.js';
import type { LogSource } from '../logs/query.js';
import { SqlParams, sqlNumber, whereClause } from '../logs/sql.js';
import { divideHalfUp, toSafeNumber } from '../pricing/exact.js';
import type { PriceBook } from '../pricing/price-book.js';
import { groupKey, scanUnreadWrites, UNREAD_METHOD, type UnreadTally } from './cache-unread.js';
import { cacheHints } from './cache-hints.js';

/** Cache events examined for never-read writes, at most. */
export const DEFAULT_MAX_SCAN_ROWS = 100_000;

export interface CacheReportOptions {
  /** The present instant: writes whose TTL has not run out by then are undetermined. Defaults to the wall clock. */
  readonly now?: number;
  /** Narrow the report further (a team, a tag such as branch=main, …). Its own time bounds are replaced by the range. */
  readonly filter?: LogFilter;
  readonly maxScanRows?: number;
}

/** Figures of one group (a model, a key, or everything); api/insights-view.ts puts them on the wire. */
export interface CacheUsage {
  /** Requests that sent a prompt upstream (some input-side tokens billed). */
  readonly requests: number;
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWrite5mTokens: number;
  readonly cacheWrite1hTokens: number;
  /** cacheRead / (input + cacheRead + cache writes); 0 without prompt tokens. */
  readonly cacheReadRatio: number;
  /** cacheReadTokens × (input rate − cache read rate), over requests to priced models; micro-dollars. */
  readonly savedMicros: number;
  /** What cache writes cost beyond the same tokens at the plain input rate, over priced models; micro-dollars. */
  readonly writePremiumMicros: number;
  /** saved − write premium. */
  readonly netSavingMicros: number;
  /** As billed (the log's itemised cost). */
  readonly cacheWrite5mCostMicros: number;
  readonly cacheWrite1hCostMicros: number;
  /** Cost of writes never read back within their TTL (see `neverRead.method`). */
  readonly unreadWrite5mCostMicros: number;
  readonly unreadWrite1hCostMicros: number;
  /** Unread ÷ determined write cost; null when no write's outcome is known. */
  readonly unreadWrite5mRatio: number | null;
  readonly unreadWrite1hRatio: number | null;
  /** Requests to models without a price are counted in tokens but not in saved/premium. */
  readonly unpricedRequests: number;
}

/** How the never-read writes were found, and how far the scan went. */
export interface NeverReadScan {
  readonly method: string;
  readonly scannedRows: number;
  readonly truncated: boolean;
  /** Cost of writes whose TTL had not run out at the end of the data (not counted either way); micro-dollars. */
  readonly undeterminedWriteCostMicros: number;
}

export interface CacheReport {
  /** The range, ms since the epoch, both ends inclusive. */
  readonly start: number;
  readonly end: number;
  readonly total: CacheUsage;
  readonly byModel: readonly (CacheUsage & { readonly model: string })[];
  readonly byKey: readonly (CacheUsage & { readonly virtualKeyId: string | null })[];
  readonly neverRead: NeverReadScan;
  readonly hints: readonly string[];
}

interface GroupRow {
  model: unknown;
  key_id: unknown;
  requests: unknown;
  input_tokens: unknown;
  cache_read_tokens: unknown;
  cw5_tokens: unknown;
  cw1h_tokens: unknown;
  cw5_cost: unknown;
  cw1h_cost: unknown;
}

/** Integer accumulator of one group: micro-dollars as recorded, pico-dollars for price-derived amounts. */
class Tally {
  requests = 0;
  input = 0;
  read = 0;
  write5m = 0;
  write1h = 0;
  write5mMicros = 0;
  write1hMicros = 0;
  savedPico = 0n;
  premiumPico = 0n;
  unpriced = 0;
  readonly unread: UnreadTally = { determined5m: 0, unread5m: 0, determined1h: 0, unread1h: 0 };

  add(o: Tally): void {
    this.requests += o.requests;
    this.input += o.input;
    this.read += o.read;
    this.write5m += o.write5m;
    this.write1h += o.write1h;
    this.write5mMicros += o.write5mMicros;
    this.write1hMicros += o.write1hMicros;
    this.savedPico += o.savedPico;
    this.premiumPico += o.premiumPico;
    this.unpriced += o.unpriced;
    this.unread.determined5m += o.unread.determined5m;
    this.unread.unread5m += o.unread.unread5m;
    this.unread.determined1h += o.unread.determined1h;
    this.unread.unread1h += o.unread.unread1h;
  }

  toUsage(): CacheUsage {
    const prompt = this.input + this.read + this.write5m + this.write1h;
    const micros = (pico: bigint) => toSafeNumber(divideHalfUp(pico, 1_000_000n), 'cache saving');
    const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
    return {
      requests: this.requests,
      inputTokens: this.input,
      cacheReadTokens: this.read,
      cacheWrite5mTokens: this.write5m,
      cacheWrite1hTokens: this.write1h,
      cacheReadRatio: prompt === 0 ? 0 : this.read / prompt,
      savedMicros: micros(this.savedPico),
      writePremiumMicros: micros(this.premiumPico),
      netSavingMicros: micros(this.savedPico - this.premiumPico),
      cacheWrite5mCostMicros: this.write5mMicros,
      cacheWrite1hCostMicros: this.write1hMicros,
      unreadWrite5mCostMicros: this.unread.unread5m,
      unreadWrite1hCostMicros: this.unread.unread1h,
      unreadWrite5mRatio: ratio(this.unread.unread5m, this.unread.determined5m),
      unreadWrite1hRatio: ratio(this.unread.unread1h, this.unread.determined1h),
      unpricedRequests: this.unpriced,
    };
  }
}

function groupTally(row: GroupRow, prices: PriceBook): Tally {
  const t = new Tally();
  t.requests = sqlNumber(row.requests);
  t.input = sqlNumber(row.input_tokens);
  t.read = sqlNumber(row.cache_read_tokens);
  t.write5m = sqlNumber(row.cw5_tokens);
  t.write1h = sqlNumber(row.cw1h_tokens);
  t.write5mMicros = sqlNumber(row.cw5_cost);
  t.write1hMicros = sqlNumber(row.cw1h_cost);
  // Standard (non-batch, short-context) rates: the log does not say which requests were batch calls.
  const rates = prices.lookup(String(row.model))?.standard;
  if (rates === undefined) {
    t.unpriced = t.requests;
    return t;
  }
  t.savedPico = BigInt(t.read) * BigInt(rates.input - rates.cacheRead);
  t.premiumPico = BigInt(t.write5m) * BigInt(rates.cacheWrite5m - rates.input) + BigInt(t.write1h) * BigInt(rates.cacheWrite1h - rates.input);
  return t;
}

function rollUp<K>(entries: readonly (readonly [K, Tally])[]): Map<K, Tally> {
  const out = new Map<K, Tally>();
  for (const [k, t] of entries) {
    let acc = out.get(k);
    if (acc === undefined) out.set(k, (acc = new Tally()));
    acc.add(t);
  }
  return out;
}

const byName = (a: string | null, b: string | null) => (a ?? '\uffff').localeCompare(b ?? '\uffff');

/**
 * The prompt-cache report over log records from `range.start` to `range.end` (inclusive, ms since
 * the epoch). Totals come from one GROUP BY over the log table (model × key); money saved is exact
 * integer math on the PriceBook's pico-dollar rates, rounded to the micro-dollar once per figure.
 */
export async function cacheReport(
  store: LogSource,
  prices: PriceBook,
  range: { readonly start: number; readonly end: number },
  options: CacheReportOptions = {},
): Promise<CacheReport> {
  const now = options.now ?? Date.now();
  const filter = options.filter ?? {};
  const p = new SqlParams();
  const where = whereClause({ ...filter, startTime: range.start, endTime: range.end }, store.dialect, p);
  const model = 'COALESCE(model_served, model_requested)';
  const sql =
    `SELECT ${model} AS model, virtual_key_id AS key_id, COUNT(*) AS requests, SUM(input_tokens) AS input_tokens, ` +
    'SUM(cache_read_tokens) AS cache_read_tokens, SUM(cache_write_5m_tokens) AS cw5_tokens, ' +
    'SUM(cache_write_1h_tokens) AS cw1h_tokens, SUM(cost_cache_write_5m) AS cw5_cost, SUM(cost_cache_write_1h) AS cw1h_cost ' +
    `FROM logs ${where}${where === '' ? 'WHERE' : ' AND'} ` +
    '(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens) > 0 ' +
    `GROUP BY ${model}, virtual_key_id`;
  const [rows, scan] = await Promise.all([
    store.query<GroupRow>(sql, p.values),
    scanUnreadWrites(store, filter, range, { now, maxRows: options.maxScanRows ?? DEFAULT_MAX_SCAN_ROWS }),
  ]);

  const groups = rows.map((row) => {
    const modelId = String(row.model);
    const keyId = row.key_id === null || row.key_id === undefined ? null : String(row.key_id);
    const tally = groupTally(row, prices);
    const unread = scan.groups.get(groupKey(modelId, keyId));
    if (unread !== undefined) Object.assign(tally.unread, unread);
    return { modelId, keyId, tally };
  });
  const models = rollUp(groups.map((g) => [g.modelId, g.tally] as const));
  const keys = rollUp(groups.map((g) => [g.keyId, g.tally] as const));
  const total = new Tally();
  for (const g of groups) total.add(g.tally);

  const byModel = [...models].sort(([a], [b]) => byName(a, b)).map(([m, t]) => ({ model: m, ...t.toUsage() }));
  const byKey = [...keys].sort(([a], [b]) => byName(a, b)).map(([k, t]) => ({ virtualKeyId: k, ...t.toUsage() }));
  const totalUsage = total.toUsage();
  const neverRead: NeverReadScan = {
    method: UNREAD_METHOD,
    scannedRows: scan.scannedRows,
    truncated: scan.truncated,
    undeterminedWriteCostMicros: scan.undeterminedMicros,
  };
  return {
    start: range.start,
    end: range.end,
    total: totalUsage,
    byModel,
    byKey,
    neverRead,
    hints: cacheHints(totalUsage, byModel, prices, neverRead),
  };
}
