// The narrow storage contract: durable charges and log records, spend restore, read-only log SQL, retention, shared quota.
import type { TierKind } from '../config/types.js';
import type { LogRecord } from '../logs/record.js';
import type { AlertOutbox } from './alert-outbox.js';
import type { SharedQuota, TierPeriod } from './quota.js';

/** One tier's settled charge for one request, in integer micro-dollars (the ledger's `SettledCharge`). */
export interface Charge {
  readonly tier: TierKind;
  readonly id: string;
  /** Start of the period the charge belongs to, ms since the epoch. */
  readonly periodStart: number;
  readonly micros: number;
}

/** A stored period total (the ledger's `SpendRow`). */
export interface SpendRow {
  readonly tier: TierKind;
  readonly id: string;
  readonly periodStart: number;
  readonly spentMicros: number;
}

/** What one or more finished requests leave behind. */
export interface CommitEntry {
  readonly charges: readonly Charge[];
  readonly logs: readonly LogRecord[];
}

export type StoreDialect = 'sqlite' | 'postgres';

/** The shared quota of the PostgreSQL team ledger, with a warm-up the hot path never needs to wait on. */
export interface LeaseQuota extends SharedQuota {
  /**
   * Claim (or top up) this gateway's lease on the tier-period now and resolve with the unspent amount
   * once the claim has finished. Call it at start-up for every shared tier so the first request is not
   * refused while the first claim is in flight. Resolves with null for a tier that is not shared.
   */
  ready(t: TierPeriod): Promise<number | null>;
}

export interface Store {
  readonly dialect: StoreDialect;
  /**
   * Durably record the charges and log records of finished requests. Resolves once they survive
   * kill -9 of this process. Concurrent calls are group-committed in one write. The entry is validated and
   * made ready to write before this returns; the promise is only the wait for the write. Never throws: a
   * refused entry is a rejected promise.
   */
  commit(entry: CommitEntry): Promise<void>;
  /** Every stored period total, to seed the budget ledger at start-up. */
  loadSpend(): Promise<SpendRow[]>;
  /**
   * Run one read-only statement against the `logs` table (and friends). Placeholders are `$1..$n` in
   * both dialects; booleans bind as the dialect's booleans. Writes are refused.
   */
  query<T = Record<string, unknown>>(sql: string, params: readonly unknown[]): Promise<T[]>;
  /**
   * The same kind of statement for answers too large to hold at once: its rows arrive in batches of at most
   * `batchRows`, in order. PostgreSQL reads them through a cursor; the embedded store's thread steps the statement
   * and posts each batch. Breaking out of the loop early releases the cursor.
   */
  queryBatches<T = Record<string, unknown>>(sql: string, params: readonly unknown[], batchRows: number): AsyncIterable<T[]>;
  /** Delete log records with `timestamp < before`; returns how many. Spend totals are never pruned. */
  pruneLogs(before: number): Promise<number>;
  /** Present for the PostgreSQL team ledger only. */
  readonly quota?: LeaseQuota;
  /** Fired alerts and their delivery outbox, shared by every gateway on the same store. */
  readonly alerts: AlertOutbox;
  /** Flush pending commits, write the final snapshot or return unused leases, release resources. */
  close(): Promise<void>;
}
