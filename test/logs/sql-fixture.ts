// Both SQL dialects with the store's own schema (its migrations, indexes and log rollup), written the way each
// store writes, for testing the log API's SQL without a whole store around it.
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { LogSource } from '../../proxy/logs/query.js';
import type { LogRecord } from '../../proxy/logs/record.js';
import { LOG_COLUMN_LIST, LOG_COLUMNS, logRecordValues } from '../../proxy/store/log-columns.js';
import { migratePostgres } from '../../proxy/store/postgres.js';
import { SqliteDatabase } from '../../proxy/store/sqlite-db.js';
import { sqlJs } from '../../proxy/store/sqljs-runtime.js';

export const PG_URL = process.env.SPENDGATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestLogSource extends LogSource {
  insert(records: readonly LogRecord[]): Promise<void>;
  /** Deletes the records older than `before`, as log retention does. */
  prune(before: number): Promise<void>;
  close(): Promise<void>;
}

/** The embedded store's database: records go in through `apply`, as journal entries do. */
export async function sqliteSource(): Promise<TestLogSource> {
  const db = SqliteDatabase.open(await sqlJs(), undefined);
  let seq = db.appliedSeq();
  return {
    dialect: 'sqlite',
    query: async <T>(sql: string, params: readonly unknown[]) => db.query<T>(sql, params),
    async insert(records) {
      db.apply([{ seq: ++seq, charges: [], logs: records }]);
    },
    async prune(before) {
      db.apply([{ seq: ++seq, pruneBefore: before }]);
    },
    async close() {
      db.close();
    },
  };
}

/** A throwaway schema migrated like the team ledger's; records are inserted with the store's statement. */
export async function postgresSource(): Promise<TestLogSource> {
  const schema = `logs_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const sep = PG_URL.includes('?') ? '&' : '?';
  const pool = new pg.Pool({ connectionString: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`, max: 2 });
  await migratePostgres(pool);
  const rowsPerInsert = Math.floor(60_000 / LOG_COLUMNS.length);
  return {
    dialect: 'postgres',
    async query<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
      return (await pool.query(sql, [...params])).rows as T[];
    },
    async insert(records) {
      for (let i = 0; i < records.length; i += rowsPerInsert) {
        const values: unknown[] = [];
        const tuples = records.slice(i, i + rowsPerInsert).map((r) => `(${logRecordValues(r).map((v) => (values.push(v), `$${values.length}`)).join(', ')})`);
        await pool.query(`INSERT INTO logs (${LOG_COLUMN_LIST}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`, values);
      }
    },
    async prune(before) {
      await pool.query('DELETE FROM logs WHERE "timestamp" < $1', [before]);
    },
    async close() {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}
