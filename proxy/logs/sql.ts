// Log filters as parametrised SQL over the store's `logs` table, for SQLite and PostgreSQL alike.
import { asciiLower, type LogFilter, type LogSortKey, type SortOrder, type StatusMatch } from './filters.js';

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * Collects bound values and hands out `$n` placeholders. Every placeholder is used exactly once and
 * they appear in the text in ascending order, so either dialect's binding scheme accepts them.
 */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  list(values: readonly unknown[]): string {
    return values.map((v) => this.add(v)).join(', ');
  }
}

/** The SQL truth value of a stored boolean column (SQLite stores 0/1). */
export function sqlBool(dialect: SqlDialect, column: string, value: boolean): string {
  return dialect === 'postgres' ? `${column} = ${value ? 'TRUE' : 'FALSE'}` : `${column} = ${value ? 1 : 0}`;
}

const ASCII_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** ASCII-only lower-casing in SQL, matching `asciiLower` (PostgreSQL's lower() would fold non-ASCII too). */
function sqlAsciiLower(dialect: SqlDialect, expr: string): string {
  return dialect === 'postgres' ? `translate(${expr}, '${ASCII_UPPER}', '${ASCII_UPPER.toLowerCase()}')` : `lower(${expr})`;
}

function sqlContains(dialect: SqlDialect, haystack: string, needle: string): string {
  return dialect === 'postgres' ? `strpos(${haystack}, ${needle}) > 0` : `instr(${haystack}, ${needle}) > 0`;
}

/** The value of tag `key` on a row (NULL when absent). */
export function sqlTagValue(dialect: SqlDialect, keyPlaceholder: string): string {
  return dialect === 'postgres'
    ? `(tags::jsonb ->> ${keyPlaceholder}::text)`
    : `(SELECT je.value FROM json_each(logs.tags) AS je WHERE je.key = ${keyPlaceholder})`;
}

/** What a log query can group by: a record column, or one tag's value. */
export type LogGroup =
  | { readonly kind: 'model' | 'provider' | 'provider_config' | 'virtual_key' | 'team' | 'customer' }
  | { readonly kind: 'tag'; readonly tag: string };

/** The SQL expression a grouping reads; one definition for /api/logs/stats and the spend export. */
export function sqlGroupExpression(g: LogGroup, dialect: SqlDialect, p: SqlParams): string {
  switch (g.kind) {
    case 'model':
      // The served model, or the requested one when nothing was served.
      return 'COALESCE(model_served, model_requested)';
    case 'provider':
      return 'provider_type';
    case 'provider_config':
      return 'provider_config_id';
    case 'virtual_key':
      return 'virtual_key_id';
    case 'team':
      return 'team_id';
    case 'customer':
      return 'customer_id';
    case 'tag':
      return sqlTagValue(dialect, p.add(g.tag));
  }
}

function statusCondition(s: StatusMatch, p: SqlParams): string {
  switch (s.kind) {
    case 'success':
      return '(status >= 200 AND status < 400)';
    case 'error':
      return '(status < 200 OR status >= 400)';
    case 'code':
      return `status = ${p.add(s.code)}`;
    case 'class':
      return `(status >= ${p.add(s.hundreds * 100)} AND status < ${p.add(s.hundreds * 100 + 100)})`;
  }
}

/** `WHERE …` for the filter (empty string when it selects everything); the semantics of `matches()`. */
export function whereClause(f: LogFilter, dialect: SqlDialect, p: SqlParams): string {
  const c = filterConditions(f, dialect, p);
  return c.length === 0 ? '' : `WHERE ${c.join(' AND ')}`;
}

/** The filter's conditions, each a boolean SQL expression over `logs` columns (their conjunction is the filter). */
export function filterConditions(f: LogFilter, dialect: SqlDialect, p: SqlParams): string[] {
  const c: string[] = [];
  const inList = (column: string, values: readonly string[] | undefined) => {
    if (values) c.push(`${column} IN (${p.list(values)})`);
  };
  inList('provider_type', f.providers);
  if (f.models) c.push(`(model_requested IN (${p.list(f.models)}) OR model_served IN (${p.list(f.models)}))`);
  if (f.status) c.push(`(${f.status.map((s) => statusCondition(s, p)).join(' OR ')})`);
  inList('virtual_key_id', f.virtualKeyIds);
  inList('team_id', f.teamIds);
  inList('customer_id', f.customerIds);
  inList('provider_config_id', f.providerConfigIds);
  const bound = (column: string, op: '>=' | '<=', v: number | undefined) => {
    if (v !== undefined) c.push(`${column} ${op} ${p.add(v)}`);
  };
  bound('"timestamp"', '>=', f.startTime);
  bound('"timestamp"', '<=', f.endTime);
  bound('latency_ms', '>=', f.minLatency);
  bound('latency_ms', '<=', f.maxLatency);
  bound('total_tokens', '>=', f.minTokens);
  bound('total_tokens', '<=', f.maxTokens);
  // A NULL cost compares as unknown, so records without a price never pass a cost bound, as in matches().
  bound('cost_total', '>=', f.minCostMicros);
  bound('cost_total', '<=', f.maxCostMicros);
  if (f.stream !== undefined) c.push(sqlBool(dialect, 'stream', f.stream));
  inList('cache', f.cache);
  if (f.missingCostOnly === true) c.push(sqlBool(dialect, 'missing_cost', true));
  if (f.requestId !== undefined) c.push(`request_id = ${p.add(f.requestId)}`);
  if (f.contentSearch !== undefined) {
    const needle = asciiLower(f.contentSearch);
    const hit = (column: string) =>
      sqlContains(dialect, sqlAsciiLower(dialect, `COALESCE(${column}, '')`), p.add(needle));
    c.push(`(${hit('request_body')} OR ${hit('response_body')} OR ${hit('error_message')})`);
  }
  for (const t of f.tags ?? []) c.push(`${sqlTagValue(dialect, p.add(t.key))} = ${p.add(t.value)}`);
  return c;
}

const SORT_COLUMN: Record<LogSortKey, string> = {
  timestamp: '"timestamp"',
  latency: 'latency_ms',
  tokens: 'total_tokens',
  cost: 'cost_total',
};

/**
 * A total order, so pages never overlap: the sort key (records without a cost last either way), then
 * time, then id. PostgreSQL compares ids bytewise (collation "C") like SQLite and JavaScript do. Only the
 * nullable cost says NULLS LAST: on a NOT NULL column it changes nothing but would keep PostgreSQL from
 * reading a descending order off an index backwards.
 */
export function orderClause(sortBy: LogSortKey, order: SortOrder, dialect: SqlDialect): string {
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const id = dialect === 'postgres' ? 'id COLLATE "C"' : 'id';
  const keys = sortBy === 'timestamp' ? [] : [`${SORT_COLUMN[sortBy]} ${dir}${sortBy === 'cost' ? ' NULLS LAST' : ''}`];
  return `ORDER BY ${[...keys, `"timestamp" ${dir}`, `${id} ${dir}`].join(', ')}`;
}

/** Coerces an aggregate (PostgreSQL returns bigint/numeric as strings) to a number; NULL → 0. */
export function sqlNumber(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number(String(v));
  if (!Number.isFinite(n)) throw new Error(`unexpected aggregate value from the store: ${String(v)}`);
  return n;
}
