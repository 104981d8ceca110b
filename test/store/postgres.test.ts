import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POSTGRES_MIGRATIONS } from '../../proxy/store/migrations.js';
import { openStore } from '../../proxy/store/open.js';
import { rowToLogRecord } from '../../proxy/store/log-columns.js';
import type { Store } from '../../proxy/store/store.js';
import { createSchema, type TestSchema } from './pg-schema.js';
import { charge, logRecord, PERIOD } from './records.js';

async function withSchema(t: { after(fn: () => Promise<void>): void }): Promise<{ schema: TestSchema; open(): Promise<Store> }> {
  const schema = await createSchema();
  const stores: Store[] = [];
  t.after(async () => {
    for (const s of stores.reverse()) await s.close();
    await schema.drop();
  });
  return {
    schema,
    open: async () => {
      const s = await openStore({ url: schema.url, dataDir: '/nonexistent-unused' });
      stores.push(s);
      return s;
    },
  };
}

test('two gateways starting together migrate once and both come up', async (t) => {
  const { schema, open } = await withSchema(t);
  const [a, b] = await Promise.all([open(), open(), open()]);
  assert.equal(a.dialect, 'postgres');
  assert.equal(b.dialect, 'postgres');
  const versions = await schema.sql<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  assert.deepEqual(versions.map((v) => v.version), POSTGRES_MIGRATIONS.map((m) => m.version));
  // A later start finds nothing to do.
  await open();
  assert.equal((await schema.sql('SELECT * FROM schema_migrations')).length, POSTGRES_MIGRATIONS.length);
});

test('charges add up across commits and gateways; log records round-trip exactly', async (t) => {
  const { open } = await withSchema(t);
  const a = await open();
  const b = await open();
  await Promise.all([
    a.commit({ charges: [charge('team', 'platform', 7875), charge('customer', 'acme', 7875)], logs: [logRecord(2)] }),
    a.commit({ charges: [charge('team', 'platform', 5), charge('team', 'platform', 20)], logs: [logRecord(3)] }),
    b.commit({ charges: [charge('team', 'platform', 100)], logs: [logRecord(4)] }),
  ]);
  assert.deepEqual(await b.loadSpend(), [
    { tier: 'customer', id: 'acme', periodStart: PERIOD, spentMicros: 7875 },
    { tier: 'team', id: 'platform', periodStart: PERIOD, spentMicros: 8000 },
  ]);
  const logs = (await a.query('SELECT * FROM logs ORDER BY id', [])).map(rowToLogRecord);
  assert.deepEqual(logs, [logRecord(2), logRecord(3), logRecord(4)]);
});

test('a large group of records is inserted in chunks within one commit', async (t) => {
  const { open } = await withSchema(t);
  const store = await open();
  const many = Array.from({ length: 3_000 }, (_, i) => logRecord(i));
  await store.commit({ charges: [charge('team', 'platform', 3_000)], logs: many });
  assert.equal(Number((await store.query<{ n: string }>('SELECT COUNT(*) AS n FROM logs', []))[0].n), 3_000);
});

test('query binds $n placeholders and booleans, and the log connection cannot write', async (t) => {
  const { open } = await withSchema(t);
  const store = await open();
  await store.commit({ charges: [], logs: [logRecord(1), logRecord(2), logRecord(4)] });
  const rows = await store.query<{ id: string }>(
    'SELECT id FROM logs WHERE (model_requested = $1 OR model_served = $1) AND stream = $2 AND latency_ms >= $3 ORDER BY id',
    ['claude-sonnet-4-20250514', true, 1203],
  );
  assert.deepEqual(rows, [{ id: 'log-4' }]);
  await assert.rejects(store.query('DELETE FROM logs', []), /read-only/);
  await assert.rejects(store.query("SELECT 1; SET default_transaction_read_only = off; DELETE FROM logs", []), /multiple commands|cannot insert multiple/);
  assert.equal(Number((await store.query<{ n: string }>('SELECT COUNT(*) AS n FROM logs', []))[0].n), 3);
});

test('pruneLogs deletes older records only and keeps spend', async (t) => {
  const { open } = await withSchema(t);
  const store = await open();
  await store.commit({ charges: [charge('team', 'platform', 9)], logs: [logRecord(1), logRecord(2), logRecord(3)] });
  assert.equal(await store.pruneLogs(logRecord(3).timestamp), 2);
  assert.deepEqual((await store.query<{ id: string }>('SELECT id FROM logs', [])).map((r) => r.id), ['log-3']);
  assert.equal((await store.loadSpend())[0].spentMicros, 9);
});

test('spend and logs persist across a gateway restart', async (t) => {
  const { schema, open } = await withSchema(t);
  const first = await openStore({ url: schema.url, dataDir: '/unused' });
  await first.commit({ charges: [charge('team', 'platform', 42)], logs: [logRecord(7)] });
  await first.close();
  const second = await open();
  assert.deepEqual(await second.loadSpend(), [{ tier: 'team', id: 'platform', periodStart: PERIOD, spentMicros: 42 }]);
  assert.deepEqual((await second.query('SELECT * FROM logs', [])).map(rowToLogRecord), [logRecord(7)]);
});
