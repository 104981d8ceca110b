// A throwaway PostgreSQL schema per test, reached through the connection string's search_path.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PG_URL } from './records.js';

export interface TestSchema {
  readonly name: string;
  /** Connection string whose sessions use only this schema. */
  readonly url: string;
  /** A direct client for assertions about tables the Store does not expose. */
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function createSchema(): Promise<TestSchema> {
  const name = `store_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.query(`SET search_path TO ${name}`);
  const sep = PG_URL.includes('?') ? '&' : '?';
  return {
    name,
    url: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${name}`)}`,
    sql: async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await admin.query<T>(text, values)).rows,
    drop: async () => {
      await admin.query(`DROP SCHEMA ${name} CASCADE`);
      await admin.end();
    },
  };
}
