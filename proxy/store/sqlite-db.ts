// The embedded store's in-memory sql.js database: schema, applying journal entries, read-only queries.
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import type { TierKind } from '../config/types.js';
import type { JournalEntry } from './journal.js';
import { COUNT_DROPPED, MOVE_DROP_BOUNDARY } from './log-cap.js';
import { LOG_COLUMN_LIST, LOG_COLUMNS, logRecordValues } from './log-columns.js';
import { RollupBatch, rollupDay, SQLITE_ROLLUP_PRUNE, SQLITE_ROLLUP_UPSERT } from './log-rollup.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import type { Charge, SpendRow } from './store.js';

const INSERT_LOG = `INSERT INTO logs (${LOG_COLUMN_LIST}) VALUES (${LOG_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`;
const FIRE_ALERT = `INSERT INTO alert_fired (type, tier, id, period_start, threshold, fired_at) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (type, tier, id, period_start, threshold) DO NOTHING`;
const QUEUE_DELIVERY = `INSERT INTO alert_outbox (outbox_id, destination, payload, state, attempts, next_attempt_at, last_error, created_at, updated_at)
  VALUES (?, ?, ?, 'pending', 0, ?, NULL, ?, ?) ON CONFLICT (outbox_id) DO NOTHING`;
const SETTLE_DELIVERY = `UPDATE alert_outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE outbox_id = ?`;
const SET_JOURNAL_SEQ = `UPDATE store_meta SET value = ? WHERE key = 'journal_seq'`;
const ADD_SPEND = `INSERT INTO spend (tier, id, period_start, spent_micros) VALUES (?, ?, ?, ?)
  ON CONFLICT (tier, id, period_start) DO UPDATE SET spent_micros = spent_micros + excluded.spent_micros`;

function sqliteValue(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string' || v instanceof Uint8Array) return v;
  if (typeof v === 'bigint') return Number(v);
  throw new TypeError(`cannot bind ${typeof v} to SQLite`);
}

export class SqliteDatabase {
  /** Rows in `logs`, kept by every insert and delete so the record cap costs no count per batch. */
  private logRows: number;
  /**
   * The statements every applied batch runs, compiled once: compiling the 40-column log INSERT and the rollup
   * upsert per batch cost more than binding a row. Freed by close.
   */
  private readonly prepared = new Map<string, Statement>();

  private constructor(private readonly db: Database) {
    this.logRows = 0;
  }

  /** Open a snapshot (or an empty database) and bring its schema up to date. */
  static open(SQL: SqlJsStatic, snapshot: Uint8Array | undefined): SqliteDatabase {
    const db = new SQL.Database(snapshot);
    // The database file lives in sql.js's in-memory file system and durability comes from our own
    // journal, so SQLite's file locking and on-"disk" rollback journal only cost time (about 6× per
    // transaction). An in-memory rollback journal keeps ROLLBACK exact.
    db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF');
    const store = new SqliteDatabase(db);
    store.migrate();
    store.logRows = store.rows<{ n: number }>('SELECT COUNT(*) AS n FROM logs', [])[0].n;
    return store;
  }

  private migrate(): void {
    this.db.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    const applied = new Set(this.rows<{ version: number }>('SELECT version FROM schema_migrations', []).map((r) => r.version));
    for (const m of SQLITE_MIGRATIONS) {
      if (applied.has(m.version)) continue;
      this.transaction(() => {
        for (const sql of m.statements) this.db.run(sql);
        this.db.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [m.version, Date.now()]);
      });
    }
  }

  /** Sequence number of the last journal entry this database contains. */
  appliedSeq(): number {
    const [row] = this.rows<{ value: number }>(`SELECT value FROM store_meta WHERE key = 'journal_seq'`, []);
    return row.value;
  }

  /**
   * Apply entries in one transaction (all or none), advancing the journal position. Returns rows pruned. The log
   * rollup gets the sums of the records actually inserted (a replayed id is skipped), once per key, before a prune
   * recounts what is left. An alert entry queues its deliveries only when its key is new (`fired` counts those).
   * With `maxLogRecords`, the oldest records beyond it are dropped in the same transaction (the rollup keeps
   * counting them).
   */
  apply(entries: readonly JournalEntry[], maxLogRecords?: number): { pruned: number; fired: number } {
    let pruned = 0;
    let fired = 0;
    let rows = this.logRows;
    this.transaction(() => {
      const insertLog = this.statement(INSERT_LOG);
      const addSpend = this.statement(ADD_SPEND);
      const addRollup = this.statement(SQLITE_ROLLUP_UPSERT);
      const rollup = new RollupBatch();
      const flushRollup = () => {
        for (const row of rollup.take()) addRollup.run(row.map(sqliteValue));
      };
      // Summed per tier-period first: a batch holds hundreds of requests charging the same few tiers, and one upsert
      // per key costs what one per charge did.
      const spend = new Map<string, [Charge['tier'], string, number, number]>();
      for (const e of entries) {
        if ('pruneBefore' in e) {
          flushRollup();
          this.db.run('DELETE FROM logs WHERE "timestamp" < ?', [e.pruneBefore]);
          pruned += this.db.getRowsModified();
          rows -= this.db.getRowsModified();
          for (const sql of SQLITE_ROLLUP_PRUNE) this.db.run(sql, [rollupDay(e.pruneBefore)]);
          continue;
        }
        if ('alertFired' in e) {
          const { key, deliveries, at } = e.alertFired;
          this.db.run(FIRE_ALERT, [key.type, key.tier, key.id, key.periodStart, key.threshold, at]);
          if (this.db.getRowsModified() === 0) continue;
          fired++;
          for (const d of deliveries) this.db.run(QUEUE_DELIVERY, [d.outboxId, d.destination, d.payload, at, at, at]);
          continue;
        }
        if ('alertSettled' in e) {
          const { outboxId, outcome, at } = e.alertSettled;
          this.db.run(SETTLE_DELIVERY, [outcome.state, outcome.attempts, outcome.nextAttemptAt, outcome.lastError, at, outboxId]);
          continue;
        }
        for (const c of e.charges) {
          const key = `${c.tier}\u0000${c.id}\u0000${c.periodStart}`;
          const sum = spend.get(key);
          if (sum === undefined) spend.set(key, [c.tier, c.id, c.periodStart, c.micros]);
          else sum[3] += c.micros;
        }
        for (const r of e.logs) {
          insertLog.run(logRecordValues(r).map(sqliteValue));
          if (this.db.getRowsModified() > 0) {
            rollup.add(r);
            rows++;
          }
        }
      }
      flushRollup();
      for (const row of spend.values()) addSpend.run(row);
      if (maxLogRecords !== undefined && rows > maxLogRecords) rows -= this.dropOldestLogs(rows - maxLogRecords);
      const last = entries[entries.length - 1];
      if (last !== undefined) this.statement(SET_JOURNAL_SEQ).run([last.seq]);
    });
    this.logRows = rows;
    return { pruned, fired };
  }

  /**
   * Delete about `excess` of the oldest log records: every record older than the time of the (excess + 1)-th oldest,
   * so every record at or after the boundary is kept (records sharing the boundary's millisecond stay together), and
   * remember the boundary and how many were dropped for `GET /api/logs`. The rollup is left alone: totals stay exact.
   */
  private dropOldestLogs(excess: number): number {
    const [boundary] = this.rows<{ t: number }>(`SELECT "timestamp" AS t FROM logs ORDER BY "timestamp" LIMIT 1 OFFSET $1`, [excess]);
    if (boundary === undefined) return 0;
    this.db.run('DELETE FROM logs WHERE "timestamp" < ?', [boundary.t]);
    const dropped = this.db.getRowsModified();
    if (dropped === 0) return 0;
    this.db.run(COUNT_DROPPED, [dropped]);
    this.db.run(MOVE_DROP_BOUNDARY, [boundary.t]);
    return dropped;
  }

  loadSpend(): SpendRow[] {
    return this.rows<{ tier: string; id: string; period_start: number; spent_micros: number }>(
      'SELECT tier, id, period_start, spent_micros FROM spend ORDER BY tier, id, period_start',
      [],
    ).map((r) => ({ tier: r.tier as TierKind, id: r.id, periodStart: r.period_start, spentMicros: r.spent_micros }));
  }

  /** One read-only statement with `$1..$n` placeholders; `PRAGMA query_only` makes any write fail. */
  query<T>(sql: string, params: readonly unknown[]): T[] {
    this.db.run('PRAGMA query_only = ON');
    try {
      return this.rows<T>(sql, params);
    } finally {
      this.db.run('PRAGMA query_only = OFF');
    }
  }

  /**
   * The same read-only statement stepped to the end, its rows handed to `onBatch` `batchRows` at a time, so a
   * large answer leaves the thread in pieces instead of one array.
   */
  queryBatches(sql: string, params: readonly unknown[], batchRows: number, onBatch: (rows: unknown[]) => void): void {
    this.db.run('PRAGMA query_only = ON');
    const stmt = this.db.prepare(sql);
    try {
      this.bindPositional(stmt, params);
      let rows: unknown[] = [];
      while (stmt.step()) {
        rows.push(stmt.getAsObject());
        if (rows.length >= batchRows) {
          onBatch(rows);
          rows = [];
        }
      }
      if (rows.length > 0) onBatch(rows);
    } finally {
      stmt.free();
      this.db.run('PRAGMA query_only = OFF');
    }
  }

  /** The database file's size in bytes (page count × page size). */
  fileBytes(): number {
    // Asked after every applied batch (sqlite-worker.ts), so compiled once like the write path's statements.
    const stmt = this.statement('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()');
    try {
      stmt.step();
      return stmt.get()[0] as number;
    } finally {
      stmt.reset();
    }
  }

  /** The whole database file, for a snapshot. */
  export(): Uint8Array {
    return this.db.export();
  }

  close(): void {
    for (const stmt of this.prepared.values()) stmt.free();
    this.prepared.clear();
    this.db.close();
  }

  /** A statement of the write path, compiled on first use and kept (run() resets it after each row). */
  private statement(sql: string): Statement {
    let stmt = this.prepared.get(sql);
    if (stmt === undefined) this.prepared.set(sql, (stmt = this.db.prepare(sql)));
    return stmt;
  }

  private rows<T>(sql: string, params: readonly unknown[]): T[] {
    const stmt = this.db.prepare(sql);
    try {
      this.bindPositional(stmt, params);
      const out: T[] = [];
      while (stmt.step()) out.push(stmt.getAsObject() as T);
      return out;
    } finally {
      stmt.free();
    }
  }

  /** `$n` placeholders are named parameters to SQLite; binding by name lets a placeholder repeat. */
  private bindPositional(stmt: Statement, params: readonly unknown[]): void {
    const named: Record<string, SqlValue> = {};
    params.forEach((v, i) => (named[`$${i + 1}`] = sqliteValue(v)));
    if (params.length > 0) stmt.bind(named);
  }

  private transaction(body: () => void): void {
    this.db.run('BEGIN');
    try {
      body();
      this.db.run('COMMIT');
    } catch (err) {
      this.db.run('ROLLBACK');
      throw err;
    }
  }
}
