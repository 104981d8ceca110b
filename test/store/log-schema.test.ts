import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLogQuery } from '../../proxy/logs/filters.js';
import { queryLogs } from '../../proxy/logs/query.js';
import { logPageJson } from '../../proxy/api/log-json.js';
import type { LogRecord } from '../../proxy/logs/record.js';
import { DATABASE_FILE } from '../../proxy/store/embedded.js';
import { LOG_COLUMNS, logRecordValues, rowToLogRecord } from '../../proxy/store/log-columns.js';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../../proxy/store/migrations.js';
import { openStore } from '../../proxy/store/open.js';
import { sqlJs } from '../../proxy/store/sqljs-runtime.js';
import type { Store } from '../../proxy/store/store.js';
import { generateRecords, referencePage, referenceSummary } from '../logs/records.js';
import { referenceRollup, storedRollup } from '../logs/rollup-reference.js';
import { createSchema } from './pg-schema.js';

const RECORDS = generateRecords(300, 2024);
const LATER = generateRecords(40, 2025).map((r): LogRecord => ({ ...r, id: `later-${r.id}`, operation: 'responses' }));
/** The columns the first release wrote: later versions add theirs by migration. */
const V1_COLUMNS = LOG_COLUMNS.filter((c) => c.since === undefined);
const INSERT = `INSERT INTO logs (${V1_COLUMNS.map((c) => `"${c.name}"`).join(', ')}) VALUES (${V1_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
const v1Values = (r: LogRecord) => logRecordValues(r).filter((_, i) => LOG_COLUMNS[i].since === undefined);

/** What a store written by the first release must answer once the current one has opened it. */
async function assertMigrated(store: Store, indexes: string[]): Promise<void> {
  for (const name of ['logs_time', 'logs_latency', 'logs_cost', 'logs_team']) assert.ok(indexes.includes(name), `index ${name}`);
  assert.ok(!indexes.includes('logs_timestamp'), 'the version-1 time index is replaced');
  assert.deepEqual(await storedRollup(store), referenceRollup(RECORDS), 'the rollup is filled from the records already stored');
  await store.commit({ charges: [], logs: LATER });
  const all: LogRecord[] = [...RECORDS, ...LATER];
  assert.deepEqual(await storedRollup(store), referenceRollup(all), 'later commits add to it');
  for (const qs of ['limit=20&offset=150', 'team_ids=data&sort_by=latency&limit=5', 'status=error&sort_by=cost&order=desc&limit=5&offset=2']) {
    const q = parseLogQuery(new URLSearchParams(qs));
    const page = logPageJson(await queryLogs(store, q, rowToLogRecord));
    assert.deepEqual(page.logs.map((l) => l.id), referencePage(all, q).map((r) => r.id), qs);
    assert.deepEqual(page.stats, referenceSummary(all, q), qs);
  }
  const [before, after] = await Promise.all(
    [RECORDS[0].id, LATER[0].id].map(async (id) => (await queryLogs(store, parseLogQuery(new URLSearchParams({ request_id: RECORDS.concat(LATER).find((r) => r.id === id)!.requestId })), rowToLogRecord)).records.find((l) => l.id === id)),
  );
  assert.equal(before?.operation, undefined, 'a record from before version 4 has no operation');
  assert.equal(after?.operation, 'responses', 'a later record keeps its operation');
}

test('an embedded store of schema version 1 migrates forward on open: new indexes, the rollup filled', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'spendgate-schema-'));
  const SQL = await sqlJs();
  const v1 = new SQL.Database();
  v1.run('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  for (const sql of SQLITE_MIGRATIONS[0].statements) v1.run(sql);
  v1.run('INSERT INTO schema_migrations (version, applied_at) VALUES (1, 0)');
  for (const r of RECORDS) {
    v1.run(INSERT, Object.fromEntries(v1Values(r).map((v, i) => [`$${i + 1}`, typeof v === 'boolean' ? Number(v) : v])));
  }
  await writeFile(join(dir, DATABASE_FILE), v1.export());
  v1.close();

  const store = await openStore({ dataDir: dir });
  t.after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const versions = await store.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version', []);
  assert.deepEqual(versions.map((v) => v.version), SQLITE_MIGRATIONS.map((m) => m.version));
  const indexes = await store.query<{ name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'logs'`, []);
  await assertMigrated(store, indexes.map((i) => i.name));
});

test('a PostgreSQL ledger of schema version 1 migrates forward: new indexes, the rollup filled and kept by triggers', async (t) => {
  const schema = await createSchema();
  await schema.sql('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
  for (const sql of POSTGRES_MIGRATIONS[0].statements) await schema.sql(sql);
  await schema.sql('INSERT INTO schema_migrations (version) VALUES (1)');
  for (const r of RECORDS) await schema.sql(INSERT, v1Values(r));

  const store = await openStore({ url: schema.url, dataDir: '/unused' });
  t.after(async () => {
    await store.close();
    await schema.drop();
  });
  const versions = await schema.sql<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  assert.deepEqual(versions.map((v) => v.version), POSTGRES_MIGRATIONS.map((m) => m.version));
  const indexes = await schema.sql<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'logs'`, [schema.name]);
  await assertMigrated(store, indexes.map((i) => i.indexname));
});
