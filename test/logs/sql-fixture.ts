// Both SQL dialects with the store's documented `logs` columns, for testing the log SQL builder on its own.
import initSqlJs from 'sql.js';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { recordTotalTokens } from '../../proxy/logs/filters.js';
import type { LogSource } from '../../proxy/logs/query.js';
import type { LogRecord } from '../../proxy/logs/record.js';

export const PG_URL = process.env.SPENDGATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const COLUMNS: readonly [string, string, string][] = [
  // name, SQLite type, PostgreSQL type
  ['id', 'TEXT PRIMARY KEY', 'TEXT PRIMARY KEY'],
  ['request_id', 'TEXT NOT NULL', 'TEXT NOT NULL'],
  ['attempt', 'INTEGER NOT NULL', 'INTEGER NOT NULL'],
  ['timestamp', 'INTEGER NOT NULL', 'BIGINT NOT NULL'],
  ['route', 'TEXT NOT NULL', 'TEXT NOT NULL'],
  ['provider_type', 'TEXT', 'TEXT'],
  ['provider_config_id', 'TEXT', 'TEXT'],
  ['account_id', 'TEXT', 'TEXT'],
  ['model_requested', 'TEXT NOT NULL', 'TEXT NOT NULL'],
  ['model_served', 'TEXT', 'TEXT'],
  ['virtual_key_id', 'TEXT', 'TEXT'],
  ['team_id', 'TEXT', 'TEXT'],
  ['customer_id', 'TEXT', 'TEXT'],
  ['status', 'INTEGER NOT NULL', 'INTEGER NOT NULL'],
  ['error_type', 'TEXT', 'TEXT'],
  ['error_message', 'TEXT', 'TEXT'],
  ['stream', 'INTEGER NOT NULL', 'BOOLEAN NOT NULL'],
  ['latency_ms', 'INTEGER NOT NULL', 'INTEGER NOT NULL'],
  ['ttft_ms', 'INTEGER', 'INTEGER'],
  ['input_tokens', 'INTEGER NOT NULL', 'BIGINT NOT NULL'],
  ['output_tokens', 'INTEGER NOT NULL', 'BIGINT NOT NULL'],
  ['cache_read_tokens', 'INTEGER NOT NULL', 'BIGINT NOT NULL'],
  ['cache_write_5m_tokens', 'INTEGER NOT NULL', 'BIGINT NOT NULL'],
  ['cache_write_1h_tokens', 'INTEGER NOT NULL', 'BIGINT NOT NULL'],
  ['total_tokens', 'INTEGER NOT NULL', 'BIGINT NOT NULL'],
  ['cost_input', 'INTEGER', 'BIGINT'],
  ['cost_output', 'INTEGER', 'BIGINT'],
  ['cost_cache_read', 'INTEGER', 'BIGINT'],
  ['cost_cache_write_5m', 'INTEGER', 'BIGINT'],
  ['cost_cache_write_1h', 'INTEGER', 'BIGINT'],
  ['cost_total', 'INTEGER', 'BIGINT'],
  ['missing_cost', 'INTEGER NOT NULL', 'BOOLEAN NOT NULL'],
  ['cache', 'TEXT NOT NULL', 'TEXT NOT NULL'],
  ['tags', 'TEXT', 'JSONB'],
  ['request_body', 'TEXT', 'TEXT'],
  ['response_body', 'TEXT', 'TEXT'],
];

function rowValues(r: LogRecord): unknown[] {
  return [
    r.id, r.requestId, r.attempt, r.timestamp, r.route, r.providerType ?? null, r.providerConfigId ?? null,
    r.accountId ?? null, r.modelRequested, r.modelServed ?? null, r.virtualKeyId ?? null, r.teamId ?? null,
    r.customerId ?? null, r.status, r.errorType ?? null, r.errorMessage ?? null, r.stream, r.latencyMs,
    r.ttftMs ?? null, r.inputTokens, r.outputTokens, r.cacheReadTokens, r.cacheWrite5mTokens, r.cacheWrite1hTokens,
    recordTotalTokens(r), r.cost?.input ?? null, r.cost?.output ?? null, r.cost?.cacheRead ?? null,
    r.cost?.cacheWrite5m ?? null, r.cost?.cacheWrite1h ?? null, r.cost?.total ?? null, r.missingCost, r.cache, r.tags ? JSON.stringify(r.tags) : null,
    r.requestBody ?? null, r.responseBody ?? null,
  ];
}

/** Test-side row mapper for this table (the store ships its own `rowToLogRecord`). */
export function testRowToRecord(row: Record<string, unknown>): LogRecord {
  const num = (k: string) => Number(row[k]);
  const opt = <T>(k: string, f: (v: unknown) => T): T | undefined => (row[k] === null || row[k] === undefined ? undefined : f(row[k]));
  const str = (v: unknown) => String(v);
  return {
    id: str(row.id), requestId: str(row.request_id), attempt: num('attempt'), timestamp: num('timestamp'),
    route: str(row.route) as LogRecord['route'], providerType: opt('provider_type', str) as LogRecord['providerType'],
    providerConfigId: opt('provider_config_id', str), accountId: opt('account_id', str), modelRequested: str(row.model_requested),
    modelServed: opt('model_served', str), virtualKeyId: opt('virtual_key_id', str), teamId: opt('team_id', str),
    customerId: opt('customer_id', str), status: num('status'), errorType: opt('error_type', str),
    errorMessage: opt('error_message', str), stream: Boolean(row.stream), latencyMs: num('latency_ms'), ttftMs: opt('ttft_ms', Number),
    inputTokens: num('input_tokens'), outputTokens: num('output_tokens'), cacheReadTokens: num('cache_read_tokens'),
    cacheWrite5mTokens: num('cache_write_5m_tokens'), cacheWrite1hTokens: num('cache_write_1h_tokens'),
    cost: row.cost_total === null ? null : {
      input: num('cost_input'), output: num('cost_output'), cacheRead: num('cost_cache_read'),
      cacheWrite5m: num('cost_cache_write_5m'), cacheWrite1h: num('cost_cache_write_1h'), total: num('cost_total'),
    },
    missingCost: Boolean(row.missing_cost), cache: str(row.cache) as LogRecord['cache'],
    tags: opt('tags', (v) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, string>),
    requestBody: opt('request_body', str), responseBody: opt('response_body', str),
  };
}

export interface TestLogSource extends LogSource {
  insert(records: readonly LogRecord[]): Promise<void>;
  close(): Promise<void>;
}

export async function sqliteSource(): Promise<TestLogSource> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(`CREATE TABLE logs (${COLUMNS.map(([n, t]) => `"${n}" ${t}`).join(', ')})`);
  const bind = (params: readonly unknown[]) =>
    Object.fromEntries(params.map((v, i) => [`$${i + 1}`, typeof v === 'boolean' ? (v ? 1 : 0) : (v as number | string | null)]));
  return {
    dialect: 'sqlite',
    async query<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
      const stmt = db.prepare(sql);
      try {
        stmt.bind(bind(params));
        const rows: T[] = [];
        while (stmt.step()) rows.push(stmt.getAsObject() as T);
        return rows;
      } finally {
        stmt.free();
      }
    },
    async insert(records) {
      const placeholders = COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
      const stmt = db.prepare(`INSERT INTO logs VALUES (${placeholders})`);
      for (const r of records) stmt.run(bind(rowValues(r)));
      stmt.free();
    },
    async close() {
      db.close();
    },
  };
}

export async function postgresSource(): Promise<TestLogSource> {
  const schema = `logs_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`SET search_path TO ${schema}`);
  await client.query(`CREATE TABLE logs (${COLUMNS.map(([n, , t]) => `"${n}" ${t}`).join(', ')})`);
  return {
    dialect: 'postgres',
    async query<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
      const res = await client.query(sql, [...params]);
      return res.rows as T[];
    },
    async insert(records) {
      const placeholders = COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
      for (const r of records) await client.query(`INSERT INTO logs VALUES (${placeholders})`, rowValues(r));
    },
    async close() {
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}
