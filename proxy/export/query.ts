// The export's one SQL statement: sums per group over `logs` in a time range, grouped and ordered inside the database.
import { SqlParams, sqlGroupExpression, sqlNumber, type SqlDialect } from '../logs/sql.js';
import type { LogSource } from '../logs/query.js';
import type { ExportRequest } from './request.js';

/** A log source that can also hand over a large answer in batches (the store's `Store` satisfies it). */
export interface ExportSource extends LogSource {
  queryBatches<T>(sql: string, params: readonly unknown[], batchRows: number): AsyncIterable<T[]>;
}

/** Token counts and cost items, in the order of the export's columns. Costs in integer micro-dollars. */
export const TOKEN_ITEMS = ['input', 'output', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'total'] as const;
export const COST_ITEMS = ['input', 'output', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'total'] as const;
export type TokenItem = (typeof TOKEN_ITEMS)[number];
export type CostItem = (typeof COST_ITEMS)[number];

/** The sums of one group (or of every group: the totals). */
export interface SpendSums {
  requests: number;
  /** Records served without a price: counted in `requests` and tokens, with no cost. */
  missingCostRequests: number;
  tokens: Record<TokenItem, number>;
  costMicros: Record<CostItem, number>;
}

export interface ExportRow extends SpendSums {
  /** The group's values, in `groupBy` order; null where a record has none (no team, no such tag). */
  readonly group: readonly (string | null)[];
}

const TOKEN_COLUMN: Record<TokenItem, string> = {
  input: 'input_tokens',
  output: 'output_tokens',
  cache_read: 'cache_read_tokens',
  cache_write_5m: 'cache_write_5m_tokens',
  cache_write_1h: 'cache_write_1h_tokens',
  total: 'total_tokens',
};

/**
 * One row per group, in a fixed order both stores agree on: missing values first, then bytewise (PostgreSQL's
 * default collation would sort text differently from SQLite). Memory in the database and in the gateway is bounded
 * by the number of groups, not by the records summed.
 */
export function exportStatement(req: ExportRequest, dialect: SqlDialect): { sql: string; params: unknown[] } {
  const p = new SqlParams();
  const groups = req.groupBy.map((g, i) => `${sqlGroupExpression(g, dialect, p)} AS g${i}`);
  const from = p.add(req.from);
  const to = p.add(req.to);
  const sums = [
    'COUNT(*) AS requests',
    'SUM(CASE WHEN missing_cost THEN 1 ELSE 0 END) AS missing_cost_requests',
    ...TOKEN_ITEMS.map((t) => `SUM(${TOKEN_COLUMN[t]}) AS tokens_${t}`),
    ...COST_ITEMS.map((c) => `SUM(cost_${c}) AS cost_${c}`),
  ];
  const keys = req.groupBy.map((_, i) => `g${i}`);
  const inner = [
    `SELECT ${[...groups, ...sums].join(', ')} FROM logs WHERE "timestamp" >= ${from} AND "timestamp" <= ${to}`,
    keys.length > 0 ? `GROUP BY ${keys.join(', ')}` : '',
  ].join(' ');
  const collate = dialect === 'postgres' ? ' COLLATE "C"' : '';
  const order = keys.length > 0 ? ` ORDER BY ${keys.map((k) => `${k}${collate} NULLS FIRST`).join(', ')}` : '';
  return { sql: `SELECT * FROM (${inner}) AS grouped${order}`, params: p.values };
}

function groupValue(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** A statement row as exact integers (PostgreSQL returns SUM(bigint) as numeric text). */
export function exportRow(row: Record<string, unknown>, groupCount: number): ExportRow {
  const int = (column: string): number => {
    const n = sqlNumber(row[column]);
    if (!Number.isSafeInteger(n)) throw new RangeError(`export sum ${column} is not an exact integer: ${String(row[column])}`);
    return n;
  };
  return {
    group: Array.from({ length: groupCount }, (_, i) => groupValue(row[`g${i}`])),
    requests: int('requests'),
    missingCostRequests: int('missing_cost_requests'),
    tokens: Object.fromEntries(TOKEN_ITEMS.map((t) => [t, int(`tokens_${t}`)])) as Record<TokenItem, number>,
    costMicros: Object.fromEntries(COST_ITEMS.map((c) => [c, int(`cost_${c}`)])) as Record<CostItem, number>,
  };
}

export function emptySums(): SpendSums {
  return {
    requests: 0,
    missingCostRequests: 0,
    tokens: Object.fromEntries(TOKEN_ITEMS.map((t) => [t, 0])) as Record<TokenItem, number>,
    costMicros: Object.fromEntries(COST_ITEMS.map((c) => [c, 0])) as Record<CostItem, number>,
  };
}

/** Adds a group's sums into the totals, refusing to lose exactness past 2^53. */
export function addSums(into: SpendSums, row: SpendSums): void {
  const add = (a: number, b: number): number => {
    const n = a + b;
    if (!Number.isSafeInteger(n)) throw new RangeError('export totals exceed exact integer range');
    return n;
  };
  into.requests = add(into.requests, row.requests);
  into.missingCostRequests = add(into.missingCostRequests, row.missingCostRequests);
  for (const t of TOKEN_ITEMS) into.tokens[t] = add(into.tokens[t], row.tokens[t]);
  for (const c of COST_ITEMS) into.costMicros[c] = add(into.costMicros[c], row.costMicros[c]);
}

/** Rows of the export as the store yields them, `batchRows` at a time. */
export async function* exportRows(source: ExportSource, req: ExportRequest, batchRows = 500): AsyncGenerator<ExportRow> {
  const { sql, params } = exportStatement(req, source.dialect);
  for await (const batch of source.queryBatches<Record<string, unknown>>(sql, params, batchRows)) {
    for (const row of batch) yield exportRow(row, req.groupBy.length);
  }
}
