// The `logs` table's columns in both dialects, and the one mapping between a LogRecord and a row.
import type { ProviderType } from '../config/types.js';
import { CLIENT_OPERATIONS, CLIENT_PROTOCOLS } from '../core/protocol.js';
import type { BodiesCut, CacheStatus, CostMicros, LogRecord, RoutingDecision } from '../logs/record.js';

interface Column {
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
  readonly value: (r: LogRecord) => string | number | boolean | null;
  /** The schema version whose migration added the column (ALTER TABLE); absent for the columns version 1 created. */
  readonly since?: number;
}

const opt = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const cost = (k: keyof CostMicros) => (r: LogRecord) => (r.cost === null ? null : r.cost[k]);

/**
 * Which captured bodies were cut rides in the `routing` JSON column as `bodies_cut`, so no schema migration is
 * needed: a record with captured bodies always went upstream, so it always has a routing decision.
 */
const routingValue = (r: LogRecord): string | null =>
  json(r.routing !== undefined && r.bodiesCut !== undefined ? { ...r.routing, bodies_cut: r.bodiesCut } : r.routing);

/** Column order is the INSERT order. Money is integer micro-dollars; times are ms since the epoch. */
export const LOG_COLUMNS: readonly Column[] = [
  { name: 'id', sqlite: 'TEXT PRIMARY KEY', postgres: 'TEXT PRIMARY KEY', value: (r) => r.id },
  { name: 'request_id', sqlite: 'TEXT NOT NULL', postgres: 'TEXT NOT NULL', value: (r) => r.requestId },
  { name: 'attempt', sqlite: 'INTEGER NOT NULL', postgres: 'INTEGER NOT NULL', value: (r) => r.attempt },
  { name: 'timestamp', sqlite: 'INTEGER NOT NULL', postgres: 'BIGINT NOT NULL', value: (r) => r.timestamp },
  { name: 'route', sqlite: 'TEXT NOT NULL', postgres: 'TEXT NOT NULL', value: (r) => r.route },
  { name: 'provider_type', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.providerType) },
  { name: 'provider_config_id', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.providerConfigId) },
  { name: 'account_id', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.accountId) },
  { name: 'model_requested', sqlite: 'TEXT NOT NULL', postgres: 'TEXT NOT NULL', value: (r) => r.modelRequested },
  { name: 'model_served', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.modelServed) },
  { name: 'virtual_key_id', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.virtualKeyId) },
  { name: 'team_id', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.teamId) },
  { name: 'customer_id', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.customerId) },
  { name: 'status', sqlite: 'INTEGER NOT NULL', postgres: 'INTEGER NOT NULL', value: (r) => r.status },
  { name: 'error_type', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.errorType) },
  { name: 'error_message', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.errorMessage) },
  { name: 'stream', sqlite: 'INTEGER NOT NULL', postgres: 'BOOLEAN NOT NULL', value: (r) => r.stream },
  { name: 'latency_ms', sqlite: 'INTEGER NOT NULL', postgres: 'INTEGER NOT NULL', value: (r) => r.latencyMs },
  { name: 'ttft_ms', sqlite: 'INTEGER', postgres: 'INTEGER', value: (r) => opt(r.ttftMs) },
  { name: 'input_tokens', sqlite: 'INTEGER NOT NULL', postgres: 'BIGINT NOT NULL', value: (r) => r.inputTokens },
  { name: 'output_tokens', sqlite: 'INTEGER NOT NULL', postgres: 'BIGINT NOT NULL', value: (r) => r.outputTokens },
  { name: 'cache_read_tokens', sqlite: 'INTEGER NOT NULL', postgres: 'BIGINT NOT NULL', value: (r) => r.cacheReadTokens },
  { name: 'cache_write_5m_tokens', sqlite: 'INTEGER NOT NULL', postgres: 'BIGINT NOT NULL', value: (r) => r.cacheWrite5mTokens },
  { name: 'cache_write_1h_tokens', sqlite: 'INTEGER NOT NULL', postgres: 'BIGINT NOT NULL', value: (r) => r.cacheWrite1hTokens },
  {
    name: 'total_tokens',
    sqlite: 'INTEGER NOT NULL',
    postgres: 'BIGINT NOT NULL',
    value: (r) => r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens,
  },
  { name: 'cost_input', sqlite: 'INTEGER', postgres: 'BIGINT', value: cost('input') },
  { name: 'cost_output', sqlite: 'INTEGER', postgres: 'BIGINT', value: cost('output') },
  { name: 'cost_cache_read', sqlite: 'INTEGER', postgres: 'BIGINT', value: cost('cacheRead') },
  { name: 'cost_cache_write_5m', sqlite: 'INTEGER', postgres: 'BIGINT', value: cost('cacheWrite5m') },
  { name: 'cost_cache_write_1h', sqlite: 'INTEGER', postgres: 'BIGINT', value: cost('cacheWrite1h') },
  { name: 'cost_total', sqlite: 'INTEGER', postgres: 'BIGINT', value: cost('total') },
  { name: 'missing_cost', sqlite: 'INTEGER NOT NULL', postgres: 'BOOLEAN NOT NULL', value: (r) => r.missingCost },
  { name: 'cache', sqlite: 'TEXT NOT NULL', postgres: 'TEXT NOT NULL', value: (r) => r.cache },
  { name: 'stop_reason', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.stopReason) },
  { name: 'routing', sqlite: 'TEXT', postgres: 'JSONB', value: routingValue },
  { name: 'tags', sqlite: 'TEXT', postgres: 'JSONB', value: (r) => json(r.tags) },
  { name: 'request_body', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.requestBody) },
  { name: 'response_body', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.responseBody) },
  { name: 'operation', sqlite: 'TEXT', postgres: 'TEXT', value: (r) => opt(r.operation), since: 4 },
];

/** Column names in INSERT order, quoted (`timestamp` is a keyword in PostgreSQL). */
export const LOG_COLUMN_LIST = LOG_COLUMNS.map((c) => `"${c.name}"`).join(', ');

/** The row's values in LOG_COLUMNS order, with booleans left as booleans (each dialect binds its own). */
export function logRecordValues(r: LogRecord): (string | number | boolean | null)[] {
  return LOG_COLUMNS.map((c) => c.value(r));
}

/** CREATE TABLE and its indexes for the dialect, as schema version 1 created them (later versions migrate them). */
export function logTableDdl(dialect: 'sqlite' | 'postgres'): string[] {
  const cols = LOG_COLUMNS.filter((c) => c.since === undefined).map((c) => `"${c.name}" ${dialect === 'sqlite' ? c.sqlite : c.postgres}`).join(',\n  ');
  const indexes: [string, string][] = [
    ['logs_timestamp', '"timestamp"'],
    ['logs_key_time', 'virtual_key_id, "timestamp"'],
    ['logs_provider_config', 'provider_config_id'],
    ['logs_model_served', 'model_served'],
    ['logs_status', 'status'],
    ['logs_cost', 'cost_total'],
    ['logs_latency', 'latency_ms'],
    ['logs_team', 'team_id'],
    ['logs_request', 'request_id'],
  ];
  return [
    `CREATE TABLE logs (\n  ${cols}\n)`,
    ...indexes.map(([name, on]) => `CREATE INDEX ${name} ON logs (${on})`),
  ];
}

/** The columns schema version `version` added to `logs`, as ALTER TABLE statements (nullable: older rows have none). */
export function addedLogColumns(version: number, dialect: 'sqlite' | 'postgres'): string[] {
  return LOG_COLUMNS.filter((c) => c.since === version).map((c) => `ALTER TABLE logs ADD COLUMN "${c.name}" ${dialect === 'sqlite' ? c.sqlite : c.postgres}`);
}

class RowShapeError extends Error {
  constructor(column: string, value: unknown) {
    super(`logs row has an unexpected ${column}: ${JSON.stringify(value)}`);
  }
}

/** PostgreSQL returns BIGINT as a string; SQLite returns numbers. */
function int(row: Record<string, unknown>, column: string): number {
  const v = row[column];
  const n = typeof v === 'number' ? v : typeof v === 'string' || typeof v === 'bigint' ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new RowShapeError(column, v);
  return n;
}

function optInt(row: Record<string, unknown>, column: string): number | undefined {
  return row[column] === null || row[column] === undefined ? undefined : int(row, column);
}

function text(row: Record<string, unknown>, column: string): string {
  const v = row[column];
  if (typeof v !== 'string') throw new RowShapeError(column, v);
  return v;
}

function optText(row: Record<string, unknown>, column: string): string | undefined {
  return row[column] === null || row[column] === undefined ? undefined : text(row, column);
}

/** SQLite stores 0/1, PostgreSQL returns a boolean. */
function bool(row: Record<string, unknown>, column: string): boolean {
  const v = row[column];
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  throw new RowShapeError(column, v);
}

/** JSONB arrives parsed from PostgreSQL; SQLite holds the text. */
function optJson<T>(row: Record<string, unknown>, column: string): T | undefined {
  const v = row[column];
  if (v === null || v === undefined) return undefined;
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

function oneOf<T extends string>(row: Record<string, unknown>, column: string, allowed: readonly T[]): T {
  const v = text(row, column);
  if (!(allowed as readonly string[]).includes(v)) throw new RowShapeError(column, v);
  return v as T;
}

const PROVIDER_TYPES: readonly ProviderType[] = ['bedrock', 'anthropic', 'openai'];
const CACHE_STATUSES: readonly CacheStatus[] = ['hit', 'write', 'none'];

/** Map a `logs` row (either dialect, `SELECT *` or the full column list) back to its record. */
export function rowToLogRecord(row: Record<string, unknown>): LogRecord {
  const costTotal = optInt(row, 'cost_total');
  const routingJson = optJson<RoutingDecision & { readonly bodies_cut?: BodiesCut }>(row, 'routing');
  const { bodies_cut: bodiesCut, ...routing } = routingJson ?? {};
  const record: Record<string, unknown> = {
    id: text(row, 'id'),
    requestId: text(row, 'request_id'),
    attempt: int(row, 'attempt'),
    timestamp: int(row, 'timestamp'),
    route: oneOf(row, 'route', CLIENT_PROTOCOLS),
    operation: row.operation === null || row.operation === undefined ? undefined : oneOf(row, 'operation', CLIENT_OPERATIONS),
    providerType: row.provider_type === null ? undefined : oneOf(row, 'provider_type', PROVIDER_TYPES),
    providerConfigId: optText(row, 'provider_config_id'),
    accountId: optText(row, 'account_id'),
    modelRequested: text(row, 'model_requested'),
    modelServed: optText(row, 'model_served'),
    virtualKeyId: optText(row, 'virtual_key_id'),
    teamId: optText(row, 'team_id'),
    customerId: optText(row, 'customer_id'),
    status: int(row, 'status'),
    errorType: optText(row, 'error_type'),
    errorMessage: optText(row, 'error_message'),
    stream: bool(row, 'stream'),
    latencyMs: int(row, 'latency_ms'),
    ttftMs: optInt(row, 'ttft_ms'),
    inputTokens: int(row, 'input_tokens'),
    outputTokens: int(row, 'output_tokens'),
    cacheReadTokens: int(row, 'cache_read_tokens'),
    cacheWrite5mTokens: int(row, 'cache_write_5m_tokens'),
    cacheWrite1hTokens: int(row, 'cache_write_1h_tokens'),
    cost:
      costTotal === undefined
        ? null
        : {
            input: int(row, 'cost_input'),
            output: int(row, 'cost_output'),
            cacheRead: int(row, 'cost_cache_read'),
            cacheWrite5m: int(row, 'cost_cache_write_5m'),
            cacheWrite1h: int(row, 'cost_cache_write_1h'),
            total: costTotal,
          },
    missingCost: bool(row, 'missing_cost'),
    cache: oneOf(row, 'cache', CACHE_STATUSES),
    stopReason: optText(row, 'stop_reason'),
    routing: routingJson === undefined ? undefined : (routing as RoutingDecision),
    tags: optJson<Record<string, string>>(row, 'tags'),
    requestBody: optText(row, 'request_body'),
    responseBody: optText(row, 'response_body'),
    bodiesCut,
  };
  // Absent optional fields stay absent, so a record read back equals the one written.
  for (const [k, v] of Object.entries(record)) if (v === undefined) delete record[k];
  return record as unknown as LogRecord;
}
