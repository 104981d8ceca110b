// The PostgreSQL team ledger: migrations, group-committed charges and logs, spend restore, read-only queries, leases.
import pg from 'pg';
import type { TierKind } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { GroupCommit } from './group-commit.js';
import type { StoreLog } from './journal.js';
import { DEFAULT_LEASE_OPTIONS, type LeaseOptions } from './lease-math.js';
import { PgLeases } from './leases.js';
import { PgAlerts } from './pg-alerts.js';
import { LOG_COLUMN_LIST, LOG_COLUMNS, logRecordValues } from './log-columns.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import type { Charge, CommitEntry, SpendRow, Store } from './store.js';
import { submitEntry } from './validate.js';

export interface PostgresStoreOptions {
  readonly url: string;
  readonly gatewayId: string;
  readonly clock: Clock;
  readonly log: StoreLog;
  readonly lease?: Partial<LeaseOptions>;
}

/** Every gateway migrating the same database takes this lock first (an arbitrary constant: "spendgate"). */
const MIGRATION_LOCK = 0x5e7d6a7e;
/** PostgreSQL accepts at most 65 535 parameters per statement. */
const LOG_ROWS_PER_INSERT = Math.floor(60_000 / LOG_COLUMNS.length);

/** Apply missing migrations in one transaction, serialised across gateways by an advisory lock. */
export async function migratePostgres(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const ran: number[] = [];
    for (const m of POSTGRES_MIGRATIONS) {
      if (applied.has(m.version)) continue;
      for (const sql of m.statements) await client.query(sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
      ran.push(m.version);
    }
    await client.query('COMMIT');
    return ran;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Charges summed per tier-period in a stable order (so concurrent commits lock rows in the same order). */
function sumCharges(charges: readonly Charge[]): Charge[] {
  const sums = new Map<string, Charge>();
  for (const c of charges) {
    const k = `${c.tier}\u0000${c.id}\u0000${c.periodStart}`;
    const prev = sums.get(k);
    sums.set(k, { ...c, micros: (prev?.micros ?? 0) + c.micros });
  }
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  // Bounded waits: an unreachable or wedged database fails commits and queries instead of hanging them.
  const limits = { max: 4, connectionTimeoutMillis: 10_000, statement_timeout: 30_000 };
  const pool = new pg.Pool({ connectionString: opts.url, ...limits });
  const readPool = new pg.Pool({ connectionString: opts.url, ...limits });
  for (const p of [pool, readPool]) {
    // An idle connection dropped by the server must not crash the gateway; the next query reconnects.
    p.on('error', (err) => opts.log({ level: 'warn', event: 'postgres_connection_error', message: err.message }));
  }
  // The log API's connections cannot write, whatever SQL reaches them.
  readPool.on('connect', (client) => {
    client.query('SET default_transaction_read_only = on').catch((err: Error) =>
      opts.log({ level: 'error', event: 'postgres_read_only_failed', message: err.message }),
    );
  });
  try {
    const ran = await migratePostgres(pool);
    if (ran.length > 0) opts.log({ level: 'info', event: 'store_migrated', versions: ran });
  } catch (err) {
    await Promise.all([pool.end(), readPool.end()]);
    throw err;
  }
  return new PostgresStore(pool, readPool, opts);
}

class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly quota: PgLeases;
  readonly alerts: PgAlerts;
  private readonly writer: GroupCommit<CommitEntry>;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly readPool: pg.Pool,
    private readonly opts: PostgresStoreOptions,
  ) {
    this.writer = new GroupCommit((batch) => this.write(batch));
    this.alerts = new PgAlerts(pool);
    this.quota = new PgLeases(pool, (task) => this.writer.exclusive(task), opts.gatewayId, opts.clock, opts.log, {
      ...DEFAULT_LEASE_OPTIONS,
      ...opts.lease,
    });
  }

  commit(entry: CommitEntry): Promise<void> {
    return submitEntry(this.writer, this.closed !== undefined, entry, (e) => e);
  }

  async loadSpend(): Promise<SpendRow[]> {
    const { rows } = await this.pool.query<{ tier: TierKind; id: string; period_start: string; spent_micros: string }>(
      'SELECT tier, id, period_start, spent_micros FROM spend ORDER BY tier, id, period_start',
    );
    return rows.map((r) => ({ tier: r.tier, id: r.id, periodStart: Number(r.period_start), spentMicros: Number(r.spent_micros) }));
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[]): Promise<T[]> {
    // The extended protocol runs exactly one statement, so nothing can be chained after a SELECT
    // (`@types/pg` does not declare `queryMode`, which pg 8 supports).
    const config: pg.QueryConfig & { queryMode: 'extended' } = { text: sql, values: [...params], queryMode: 'extended' };
    const res = await this.readPool.query(config);
    return res.rows as T[];
  }

  async *queryBatches<T = Record<string, unknown>>(sql: string, params: readonly unknown[], batchRows: number): AsyncGenerator<T[]> {
    if (!Number.isSafeInteger(batchRows) || batchRows < 1) throw new RangeError(`batchRows must be a positive integer, got ${batchRows}`);
    const client = await this.readPool.connect();
    let failed = false;
    try {
      // A cursor lives in a transaction; the pool's sessions are read-only, so the statement still cannot write.
      await client.query('BEGIN READ ONLY');
      const declare: pg.QueryConfig & { queryMode: 'extended' } = {
        text: `DECLARE export_cursor NO SCROLL CURSOR FOR ${sql}`,
        values: [...params],
        queryMode: 'extended',
      };
      await client.query(declare);
      for (;;) {
        // batchRows is a checked integer, never text from a request, so it is inlined.
        const { rows } = await client.query(`FETCH FORWARD ${batchRows} FROM export_cursor`);
        if (rows.length > 0) yield rows as T[];
        if (rows.length < batchRows) break;
      }
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      // Also reached when the reader stops early (a client that hung up): the transaction and cursor end here.
      await client.query(failed ? 'ROLLBACK' : 'COMMIT').catch(() => (failed = true));
      client.release(failed);
    }
  }

  async pruneLogs(before: number): Promise<number> {
    if (!Number.isSafeInteger(before)) throw new RangeError(`prune cutoff must be whole milliseconds, got ${before}`);
    const res = await this.pool.query('DELETE FROM logs WHERE "timestamp" < $1', [before]);
    return res.rowCount ?? 0;
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      try {
        await this.writer.idle();
        await this.quota.close();
      } finally {
        await Promise.all([this.pool.end(), this.readPool.end()]);
      }
    })();
    return this.closed;
  }

  /** One transaction: spend upsert-add, this gateway's lease counters, log rows. */
  private async write(batch: readonly CommitEntry[]): Promise<void> {
    const charges = sumCharges(batch.flatMap((e) => e.charges));
    const logs = batch.flatMap((e) => e.logs);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (charges.length > 0) {
        const columns = [charges.map((c) => c.tier), charges.map((c) => c.id), charges.map((c) => c.periodStart), charges.map((c) => c.micros)];
        await client.query(
          `INSERT INTO spend (tier, id, period_start, spent_micros)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
           ON CONFLICT (tier, id, period_start) DO UPDATE SET spent_micros = spend.spent_micros + EXCLUDED.spent_micros`,
          columns,
        );
        await client.query(
          `UPDATE leases l SET spent_micros = l.spent_micros + v.micros
           FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS v(tier, id, period_start, micros)
           WHERE l.gateway_id = $1 AND l.tier = v.tier AND l.id = v.id AND l.period_start = v.period_start`,
          [this.opts.gatewayId, ...columns],
        );
      }
      for (let i = 0; i < logs.length; i += LOG_ROWS_PER_INSERT) {
        const chunk = logs.slice(i, i + LOG_ROWS_PER_INSERT);
        const values: unknown[] = [];
        const tuples = chunk.map((r) => {
          const row = logRecordValues(r);
          const placeholders = row.map((v) => {
            values.push(v);
            return `$${values.length}`;
          });
          return `(${placeholders.join(', ')})`;
        });
        await client.query(`INSERT INTO logs (${LOG_COLUMN_LIST}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`, values);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    this.quota.committed(charges);
  }
}
