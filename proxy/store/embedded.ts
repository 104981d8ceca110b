// The embedded store: sql.js in memory, a journal appended before every commit resolves, atomic snapshots.
// A commit is durable once its journal line is written; the in-memory database catches up in batches off
// the request path (every read, snapshot and prune first applies what is pending, so none sees stale data).
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { lockDataDir, type DirLock } from './dir-lock.js';
import { GroupCommit } from './group-commit.js';
import { Journal, type JournalEntry, type StoreLog } from './journal.js';
import { SqliteDatabase } from './sqlite-db.js';
import { sqlJs } from './sqljs-runtime.js';
import { submitEntry } from './validate.js';
import type { CommitEntry, SpendRow, Store } from './store.js';

export interface EmbeddedStoreOptions {
  readonly dataDir: string;
  readonly log: StoreLog;
  /** Snapshot at most this often while entries arrive (default 30 s). */
  readonly snapshotIntervalMs?: number;
  /** Also snapshot once this many entries are journaled since the last one (default 10 000). */
  readonly snapshotEveryEntries?: number;
}

/** Journaled entries wait at most this long before the database applies them, in one transaction. */
const APPLY_DELAY_MS = 50;
/** …or until this many are waiting. */
const APPLY_BATCH = 500;

export const DATABASE_FILE = 'spendgate.sqlite';
export const JOURNAL_FILE = 'journal.ndjson';
const LOCK_FILE = 'store.lock';

async function readSnapshot(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Open `<dataDir>/spendgate.sqlite`: load the snapshot, replay the journal past it, start accepting commits. */
export async function openEmbeddedStore(opts: EmbeddedStoreOptions): Promise<Store> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const lock = await lockDataDir(join(opts.dataDir, LOCK_FILE));
  try {
    const SQL = await sqlJs();
    const dbPath = join(opts.dataDir, DATABASE_FILE);
    const db = SqliteDatabase.open(SQL, await readSnapshot(dbPath));
    const { journal, entries } = await Journal.open(join(opts.dataDir, JOURNAL_FILE), opts.log);
    const replayed = replay(db, entries, opts.log);
    if (replayed > 0) opts.log({ level: 'info', event: 'journal_replayed', entries: replayed });
    const store = new EmbeddedStore(db, journal, lock, dbPath, opts);
    // Fold the replayed entries into a snapshot now, so the next start does not replay them again.
    if (replayed > 0) await store.snapshot();
    return store;
  } catch (err) {
    await lock.release();
    throw err;
  }
}

/** Apply journal entries the snapshot does not contain. An entry that cannot be applied is reported and skipped. */
function replay(db: SqliteDatabase, entries: readonly JournalEntry[], log: StoreLog): number {
  const from = db.appliedSeq();
  let applied = 0;
  for (const entry of entries) {
    if (entry.seq <= from) continue;
    try {
      db.apply([entry]);
      applied++;
    } catch (err) {
      log({ level: 'error', event: 'journal_entry_rejected', seq: entry.seq, message: (err as Error).message });
    }
  }
  return applied;
}

class EmbeddedStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly writer: GroupCommit<CommitEntry>;
  private seq: number;
  private sinceSnapshot = 0;
  private snapshotting: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  /** Journaled entries the database has not applied yet, in seq order. */
  private pending: JournalEntry[] = [];
  private applyTimer: NodeJS.Timeout | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly journal: Journal,
    private readonly lock: DirLock,
    private readonly dbPath: string,
    private readonly opts: EmbeddedStoreOptions,
  ) {
    this.seq = db.appliedSeq();
    this.writer = new GroupCommit((batch) => this.write(batch));
    this.timer = setInterval(() => {
      if (this.sinceSnapshot > 0) this.backgroundSnapshot();
    }, opts.snapshotIntervalMs ?? 30_000);
    this.timer.unref();
  }

  commit(entry: CommitEntry): Promise<void> {
    return submitEntry(this.writer, this.closed !== undefined, entry);
  }

  async loadSpend(): Promise<SpendRow[]> {
    this.applyPending();
    return this.db.loadSpend();
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[]): Promise<T[]> {
    this.applyPending();
    return this.db.query<T>(sql, params);
  }

  pruneLogs(before: number): Promise<number> {
    if (this.closed !== undefined) return Promise.reject(new Error('the store is closed'));
    if (!Number.isSafeInteger(before)) return Promise.reject(new RangeError(`prune cutoff must be whole milliseconds, got ${before}`));
    // Journaled like a commit, so a crash before the next snapshot does not bring the rows back.
    return this.writer.exclusive(async () => {
      const entry: JournalEntry = { seq: this.seq + 1, pruneBefore: before };
      await this.journal.append([entry]);
      this.seq = entry.seq;
      this.sinceSnapshot++;
      this.applyPending();
      return this.db.apply([entry]);
    });
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      clearInterval(this.timer);
      await this.writer.idle();
      try {
        await this.snapshot();
        await this.journal.close();
        this.db.close();
      } finally {
        await this.lock.release();
      }
    })();
    return this.closed;
  }

  /** Write a snapshot and drop the journal entries it holds. Concurrent calls share one run. */
  snapshot(): Promise<void> {
    this.snapshotting ??= this.writeSnapshot().finally(() => (this.snapshotting = undefined));
    return this.snapshotting;
  }

  private async write(batch: readonly CommitEntry[]): Promise<void> {
    const entries: JournalEntry[] = batch.map((e, i) => ({ seq: this.seq + i + 1, charges: e.charges, logs: e.logs }));
    await this.journal.append(entries);
    this.seq += entries.length;
    this.sinceSnapshot += entries.length;
    for (const entry of entries) this.pending.push(entry);
    if (this.pending.length >= APPLY_BATCH) this.applyPending();
    else this.applyTimer ??= setTimeout(() => this.applyPending(), APPLY_DELAY_MS).unref();
    if (this.sinceSnapshot >= (this.opts.snapshotEveryEntries ?? 10_000)) this.backgroundSnapshot();
  }

  /** Bring the database up to the journal: apply every pending entry in one transaction. */
  private applyPending(): void {
    clearTimeout(this.applyTimer);
    this.applyTimer = undefined;
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.pending = [];
    try {
      this.db.apply(entries);
    } catch {
      // Isolate the entry the database refuses so the rest of the batch still lands; the refused one
      // is reported whole, since the next snapshot will drop it from the journal.
      for (const entry of entries) {
        try {
          this.db.apply([entry]);
        } catch (err) {
          this.opts.log({ level: 'error', event: 'store_apply_failed', entry, message: (err as Error).message });
        }
      }
    }
  }

  private backgroundSnapshot(): void {
    if (this.snapshotting !== undefined) return;
    this.snapshot().catch((err: unknown) =>
      this.opts.log({ level: 'error', event: 'snapshot_failed', message: (err as Error).message }),
    );
  }

  private async writeSnapshot(): Promise<void> {
    // Export with no journal write in flight, so the image holds exactly the entries up to `seq`.
    const image = await this.writer.exclusive(async () => {
      this.applyPending();
      const taken = { bytes: this.db.export(), journalBytes: this.journal.length, entries: this.sinceSnapshot };
      this.sinceSnapshot = 0;
      return taken;
    });
    try {
      await writeFileAtomic(this.dbPath, image.bytes);
      await this.writer.exclusive(() => this.journal.compact(image.journalBytes));
    } catch (err) {
      this.sinceSnapshot += image.entries;
      throw err;
    }
  }
}
