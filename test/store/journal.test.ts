import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, prepareCommit, type JournalOptions } from '../../proxy/store/journal.js';
import { charge, logRecord } from './records.js';

type Event = Record<string, unknown>;

/** Counts fdatasync calls on every FileHandle (the real call still runs). */
async function countDatasyncs(t: { after(fn: () => void): void }, dir: string) {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
  await probe.close();
  const spy = mock.method(proto, 'datasync');
  t.after(() => spy.mock.restore());
  return () => spy.mock.callCount();
}

async function journalIn(t: { after(fn: () => Promise<void>): void }, options: JournalOptions) {
  const dir = await mkdtemp(join(tmpdir(), 'spendgate-journal-'));
  const events: Event[] = [];
  const path = join(dir, 'journal.ndjson');
  const { journal } = await Journal.open(path, (e) => events.push(e), options);
  t.after(() => rm(dir, { recursive: true, force: true }));
  return { dir, path, journal, events };
}

const entry = (seq: number) => ({ seq, charges: [charge('team', 'platform', 125)], logs: [logRecord(seq)] });

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

test('appendSync puts the lines in the file before it returns, each write observed', async (t) => {
  const writes: number[] = [];
  const { path, journal } = await journalIn(t, { sync: 'off', onWrite: (s) => writes.push(s) });
  const lines = journal.appendSync([entry(1), entry(2)]);
  const onDisk = await readFile(path);
  assert.deepEqual(onDisk, lines);
  assert.deepEqual(onDisk.toString('utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq), [1, 2]);
  assert.equal(journal.length, onDisk.length);
  assert.equal(writes.length, 1);
  assert.ok(writes[0] >= 0);
  await journal.close();
});

test('prepared commits are written as numbered lines that replay exactly like appended entries', async (t) => {
  const { path, journal } = await journalIn(t, { sync: 'off' });
  journal.appendSync([entry(1)]);
  const prepared = [entry(2), entry(3)].map((e) => prepareCommit(e));
  const lines = journal.appendCommits(2, prepared);
  assert.equal(lines.toString('utf8').split('\n').length, 3, 'two lines, each ending in a newline');
  await journal.close();
  const { journal: reopened, entries } = await Journal.open(path, () => undefined, { sync: 'off' });
  assert.deepEqual(entries, [entry(1), entry(2), entry(3)]);
  assert.equal(reopened.length, (await readFile(path)).length);
  await reopened.close();
});

test('a prepared line has room for any sequence number, a lone commit and the largest safe one included', async (t) => {
  const { path, journal } = await journalIn(t, { sync: 'off' });
  const last = Number.MAX_SAFE_INTEGER;
  journal.appendCommits(7, [prepareCommit(entry(7))]);
  journal.appendCommits(last - 1, [prepareCommit(entry(last - 1)), prepareCommit(entry(last))]);
  await journal.close();
  const { journal: reopened, entries } = await Journal.open(path, () => undefined, { sync: 'off' });
  assert.deepEqual(entries, [entry(7), entry(last - 1), entry(last)]);
  await reopened.close();
});

test('with journal_fsync set, written lines are fdatasynced on the interval, and an idle journal is not', async (t) => {
  const { dir, journal } = await journalIn(t, { sync: 5 });
  const syncs = await countDatasyncs(t, dir);
  journal.appendSync([entry(1)]);
  await until(() => syncs() >= 1);
  // Several more intervals with nothing written: no further sync.
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(syncs(), 1);
  journal.appendSync([entry(2)]);
  await until(() => syncs() >= 2);
  await journal.close();
});

test('close syncs what the interval has not synced yet', async (t) => {
  const { dir, journal } = await journalIn(t, { sync: 60_000 });
  const syncs = await countDatasyncs(t, dir);
  journal.appendSync([entry(1)]);
  assert.equal(syncs(), 0);
  await journal.close();
  assert.equal(syncs(), 1);
});

test('journal_fsync off never calls fdatasync, not even at close', async (t) => {
  const { dir, journal } = await journalIn(t, { sync: 'off' });
  const syncs = await countDatasyncs(t, dir);
  journal.appendSync([entry(1)]);
  await journal.syncNow();
  assert.equal(syncs(), 1, 'an explicit sync still syncs');
  journal.appendSync([entry(2)]);
  await journal.close();
  assert.equal(syncs(), 1);
});

test('an entry that cannot be written is refused whole and the journal keeps appending after it', async (t) => {
  const { path, journal } = await journalIn(t, { sync: 'off' });
  journal.appendSync([entry(1)]);
  const before = journal.length;
  // A value JSON cannot write fails before any byte is written; the length and the file stay as they were.
  const cyclic: Record<string, unknown> = { seq: 2 };
  cyclic.self = cyclic;
  assert.throws(() => journal.appendSync([cyclic as never]), /circular/);
  assert.equal(journal.length, before);
  journal.appendSync([entry(3)]);
  const seqs = (await readFile(path, 'utf8')).trimEnd().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq);
  assert.deepEqual(seqs, [1, 3]);
  await journal.close();
});

test('compaction keeps appending to the new file and syncing it', async (t) => {
  const { dir, path, journal } = await journalIn(t, { sync: 60_000 });
  const first = journal.appendSync([entry(1)]);
  journal.appendSync([entry(2)]);
  await journal.compact(first.length);
  journal.appendSync([entry(3)]);
  const syncs = await countDatasyncs(t, dir);
  await journal.close();
  assert.equal(syncs(), 1);
  const seqs = (await readFile(path, 'utf8')).trimEnd().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq);
  assert.deepEqual(seqs, [2, 3]);
});
