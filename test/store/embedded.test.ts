import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../proxy/store/open.js';
import { rowToLogRecord } from '../../proxy/store/log-columns.js';
import type { Store } from '../../proxy/store/store.js';
import { charge, logRecord, PERIOD } from './records.js';

type Event = Record<string, unknown>;

interface Scope {
  readonly dir: string;
  /** Close this store when the test ends (stores close before the directory is removed). */
  own(store: Store): Store;
}

async function scope(t: { after(fn: () => Promise<void>): void }): Promise<Scope> {
  const dir = await mkdtemp(join(tmpdir(), 'spendgate-store-'));
  const stores: Store[] = [];
  t.after(async () => {
    for (const s of stores.reverse()) await s.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, own: (store) => (stores.push(store), store) };
}

/**
 * What a kill -9 leaves on disk: the snapshot and the journal as they are now (not the lock). The
 * journal is copied first: an older journal with a newer snapshot is a state a crash can leave.
 */
async function crashImage(from: string, to: string): Promise<void> {
  for (const f of ['journal.ndjson', 'spendgate.sqlite']) {
    await copyFile(join(from, f), join(to, f)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}

async function allLogs(store: Store) {
  return (await store.query('SELECT * FROM logs ORDER BY id', [])).map(rowToLogRecord);
}

test('commits survive a clean restart: spend totals and log records come back equal', async (t) => {
  const { dir, own } = await scope(t);
  const store = await openStore({ dataDir: join(dir, 'home') });
  await store.commit({ charges: [charge('team', 'platform', 7875), charge('virtual_key', 'vk-alice', 7875)], logs: [logRecord(2)] });
  await store.commit({ charges: [charge('team', 'platform', 125)], logs: [logRecord(3)] });
  await store.close();

  const reopened = await openStore({ dataDir: join(dir, 'home') });
  own(reopened);
  assert.deepEqual(await reopened.loadSpend(), [
    { tier: 'team', id: 'platform', periodStart: PERIOD, spentMicros: 8000 },
    { tier: 'virtual_key', id: 'vk-alice', periodStart: PERIOD, spentMicros: 7875 },
  ]);
  assert.deepEqual(await allLogs(reopened), [logRecord(2), logRecord(3)]);
});

test('charges applied in one batch are summed per tier, id and period, never across them', async (t) => {
  const { dir, own } = await scope(t);
  const store = own(await openStore({ dataDir: join(dir, 'home') }));
  const NEXT = PERIOD + 86_400_000;
  // One turn's commits reach the database thread as one batch: the same id under two tiers, the same tier and id in
  // two periods, and keys that repeat between other keys.
  await Promise.all([
    store.commit({ charges: [charge('team', 'platform', 100), charge('customer', 'platform', 1)], logs: [logRecord(1)] }),
    store.commit({ charges: [charge('team', 'platform', 20, NEXT), charge('team', 'infra', 7)], logs: [logRecord(2)] }),
    store.commit({ charges: [charge('team', 'platform', 3), charge('customer', 'platform', 2)], logs: [] }),
    store.commit({ charges: [charge('team', 'platform', 400, NEXT)], logs: [logRecord(3)] }),
  ]);
  assert.deepEqual(await store.loadSpend(), [
    { tier: 'customer', id: 'platform', periodStart: PERIOD, spentMicros: 3 },
    { tier: 'team', id: 'infra', periodStart: PERIOD, spentMicros: 7 },
    { tier: 'team', id: 'platform', periodStart: PERIOD, spentMicros: 103 },
    { tier: 'team', id: 'platform', periodStart: NEXT, spentMicros: 420 },
  ]);
  // And once more on top of what is stored.
  await store.commit({ charges: [charge('team', 'infra', 5)], logs: [] });
  assert.equal((await store.loadSpend()).find((r) => r.id === 'infra')?.spentMicros, 12);
});

test('the data directory is created private and holds the database and the journal', async (t) => {
  const { dir: root } = await scope(t);
  const dir = join(root, 'fresh', 'home');
  const store = await openStore({ dataDir: dir });
  await store.commit({ charges: [charge('customer', 'acme', 1)], logs: [] });
  await store.close();
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  assert.equal((await stat(join(dir, 'spendgate.sqlite'))).mode & 0o777, 0o600);
  assert.equal((await stat(join(dir, 'journal.ndjson'))).size, 0, 'the final snapshot empties the journal');
});

test('a crash before any snapshot loses nothing: start-up replays the journal', async (t) => {
  const { dir, own } = await scope(t);
  const store = await openStore({ dataDir: join(dir, 'live') });
  own(store);
  await Promise.all(
    Array.from({ length: 20 }, (_, i) => store.commit({ charges: [charge('team', 'platform', 100 + i)], logs: [logRecord(i)] })),
  );
  await crashImage(join(dir, 'live'), dir);

  const events: Event[] = [];
  const recovered = await openStore({ dataDir: dir, log: (e) => events.push(e) });
  own(recovered);
  assert.deepEqual(await recovered.loadSpend(), [{ tier: 'team', id: 'platform', periodStart: PERIOD, spentMicros: 20 * 100 + 190 }]);
  assert.equal((await allLogs(recovered)).length, 20);
  assert.ok(events.some((e) => e.event === 'journal_replayed' && e.entries === 20));
});

test('entries already in a snapshot are not applied twice when the journal still holds them', async (t) => {
  const { dir, own } = await scope(t);
  const live = join(dir, 'live');
  const store = await openStore({ dataDir: live, snapshotEveryEntries: 5 });
  own(store);
  for (let i = 0; i < 12; i++) await store.commit({ charges: [charge('team', 'platform', 10)], logs: [logRecord(i)] });
  const journalBefore = await readFile(join(live, 'journal.ndjson'), 'utf8');
  await crashImage(live, dir);
  // Simulate dying between the snapshot's rename and the journal's compaction: the old lines are back.
  const old = journalBefore.split('\n').filter(Boolean);
  const seqs = old.map((l) => (JSON.parse(l) as { seq: number }).seq);
  const replayedSnapshot = Array.from({ length: Math.min(...seqs, 13) - 1 }, (_, i) =>
    JSON.stringify({ seq: i + 1, charges: [charge('team', 'platform', 10)], logs: [logRecord(i)] }),
  );
  await writeFile(join(dir, 'journal.ndjson'), [...replayedSnapshot, ...old].map((l) => `${l}\n`).join(''));

  const recovered = await openStore({ dataDir: dir });
  own(recovered);
  assert.deepEqual(await recovered.loadSpend(), [{ tier: 'team', id: 'platform', periodStart: PERIOD, spentMicros: 120 }]);
  assert.equal((await allLogs(recovered)).length, 12);
});

test('a torn last journal line is skipped with a warning and later commits append cleanly', async (t) => {
  const { dir, own } = await scope(t);
  const live = join(dir, 'live');
  const store = await openStore({ dataDir: live });
  own(store);
  await store.commit({ charges: [charge('team', 'platform', 500)], logs: [logRecord(1)] });
  await crashImage(live, dir);
  await appendFile(join(dir, 'journal.ndjson'), '{"seq":2,"charges":[{"tier":"team","id":"platform","periodSta');

  const events: Event[] = [];
  const recovered = await openStore({ dataDir: dir, log: (e) => events.push(e), snapshotIntervalMs: 3_600_000 });
  assert.ok(events.some((e) => e.event === 'journal_torn_tail' && e.level === 'warn'));
  assert.deepEqual(await recovered.loadSpend(), [{ tier: 'team', id: 'platform', periodStart: PERIOD, spentMicros: 500 }]);
  await recovered.commit({ charges: [charge('team', 'platform', 20)], logs: [logRecord(2)] });
  // The new line must not be glued to the torn fragment: another crash image replays it.
  const again = join(dir, 'again');
  await rm(again, { recursive: true, force: true });
  await (await import('node:fs/promises')).mkdir(again);
  await crashImage(dir, again);
  await recovered.close();
  const third = await openStore({ dataDir: again });
  own(third);
  assert.deepEqual(await third.loadSpend(), [{ tier: 'team', id: 'platform', periodStart: PERIOD, spentMicros: 520 }]);
  assert.deepEqual((await allLogs(third)).map((r) => r.id), ['log-1', 'log-2']);
});

test('query binds $n placeholders (repeatable) and booleans, and refuses writes', async (t) => {
  const { dir, own } = await scope(t);
  const store = await openStore({ dataDir: dir });
  own(store);
  await store.commit({ charges: [], logs: [logRecord(1), logRecord(2), logRecord(4)] });
  const rows = await store.query<{ id: string }>(
    'SELECT id FROM logs WHERE (model_requested = $1 OR model_served = $1) AND stream = $2 AND latency_ms >= $3 ORDER BY id',
    ['claude-sonnet-4-20250514', true, 1203],
  );
  assert.deepEqual(rows, [{ id: 'log-4' }]);
  await assert.rejects(store.query('DELETE FROM logs', []), /readonly|read-only|query_only|attempt to write/i);
  assert.equal((await store.query('SELECT COUNT(*) AS n FROM logs', []))[0].n, 3);
});

test('pruneLogs deletes older records only, keeps spend, and stays pruned after a crash', async (t) => {
  const { dir, own } = await scope(t);
  const live = join(dir, 'live');
  const store = await openStore({ dataDir: live });
  own(store);
  await store.commit({ charges: [charge('team', 'platform', 9)], logs: [logRecord(1), logRecord(2), logRecord(3)] });
  assert.equal(await store.pruneLogs(logRecord(3).timestamp), 2);
  assert.equal(await store.pruneLogs(logRecord(3).timestamp), 0);
  await crashImage(live, dir);
  const recovered = await openStore({ dataDir: dir });
  own(recovered);
  assert.deepEqual((await allLogs(recovered)).map((r) => r.id), ['log-3']);
  assert.equal((await recovered.loadSpend())[0].spentMicros, 9);
});

test('a second store on the same data directory is refused while the first is open', async (t) => {
  const { dir, own } = await scope(t);
  const store = await openStore({ dataDir: dir });
  await assert.rejects(openStore({ dataDir: dir }), /in use by process/);
  await store.close();
  const next = await openStore({ dataDir: dir });
  await next.close();
});

test('commits the journal could not replay (fractional money, an unserialisable record) are refused before they reach it', async (t) => {
  const { dir, own } = await scope(t);
  const store = await openStore({ dataDir: dir });
  own(store);
  await assert.rejects(store.commit({ charges: [charge('team', 'platform', 0.5)], logs: [] }), RangeError);
  assert.equal((await readFile(join(dir, 'journal.ndjson'), 'utf8')), '');
  // A record the journal cannot serialise is refused the same way, and the commits around it still land.
  const tags: Record<string, unknown> = {};
  tags.self = tags;
  const unwritable = { ...logRecord(2), tags: tags as Record<string, string> };
  const [before, refused, after] = await Promise.allSettled([
    store.commit({ charges: [charge('team', 'platform', 1)], logs: [logRecord(1)] }),
    store.commit({ charges: [], logs: [unwritable] }),
    store.commit({ charges: [charge('team', 'platform', 2)], logs: [logRecord(3)] }),
  ]);
  assert.deepEqual([before.status, refused.status, after.status], ['fulfilled', 'rejected', 'fulfilled']);
  assert.match(((refused as PromiseRejectedResult).reason as Error).message, /circular/);
  const lines = (await readFile(join(dir, 'journal.ndjson'), 'utf8')).trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as { seq: number }).seq), [1, 2]);
  await store.close();
  await assert.rejects(store.commit({ charges: [charge('team', 'platform', 1)], logs: [] }), /closed/);
});

test('a long query runs on the database thread: the event loop keeps turning and commits keep landing meanwhile', async (t) => {
  const { dir, own } = await scope(t);
  const store = own(await openStore({ dataDir: join(dir, 'home') }));
  await store.commit({ charges: [charge('team', 'platform', 100)], logs: [logRecord(1)] });
  // A read-only statement that walks a few million rows: long enough to span many event-loop turns.
  const heavy = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT COUNT(*) AS n FROM c';
  let turns = 0;
  let done = false;
  const spin = (): void => {
    if (done) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const query = store.query<{ n: number }>(heavy, []);
  // Journaled (and so durable) while the query still holds the database.
  await store.commit({ charges: [charge('team', 'platform', 50)], logs: [logRecord(2)] });
  const [{ n }] = await query;
  done = true;
  assert.equal(n, 3_000_000);
  assert.ok(turns > 10, `the event loop turned ${turns} times while the query ran`);
  // A query issued after a commit sees it.
  assert.deepEqual((await allLogs(store)).map((r) => r.id), [logRecord(1).id, logRecord(2).id]);
  assert.deepEqual(await store.loadSpend(), [{ tier: 'team', id: 'platform', periodStart: PERIOD, spentMicros: 150 }]);
});
