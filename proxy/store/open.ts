// Chooses the store from the URL: PostgreSQL team ledger for postgres:// URLs, else the embedded sql.js file.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { systemClock, type Clock } from '../core/clock.js';
import { openEmbeddedStore } from './embedded.js';
import type { JournalOptions, StoreLog } from './journal.js';
import type { LeaseOptions } from './leases.js';
import { openPostgresStore } from './postgres.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** `postgres://…` or `postgresql://…` selects the team ledger; absent selects the embedded store. */
  readonly url?: string;
  readonly dataDir: string;
  /** Names this gateway's quota leases (default: host name plus a random suffix). */
  readonly gatewayId?: string;
  readonly clock?: Clock;
  readonly log?: StoreLog;
  readonly snapshotIntervalMs?: number;
  readonly snapshotEveryEntries?: number;
  /** The embedded store's journal: fdatasync interval and write observer. */
  readonly journal?: JournalOptions;
  /** logging.max_records for the embedded store, read on every apply; PostgreSQL keeps records by retention only. */
  readonly maxLogRecords?: () => number;
  readonly lease?: Partial<LeaseOptions>;
}

export function isPostgresUrl(url: string | undefined): boolean {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const log = opts.log ?? (() => undefined);
  if (opts.url !== undefined && isPostgresUrl(opts.url)) {
    return openPostgresStore({
      url: opts.url,
      gatewayId: opts.gatewayId ?? `${hostname()}-${randomUUID().slice(0, 8)}`,
      clock: opts.clock ?? systemClock,
      log,
      lease: opts.lease,
    });
  }
  if (opts.url !== undefined && opts.url !== '') {
    throw new Error(`unsupported store URL ${JSON.stringify(opts.url.replace(/\/\/[^@/]*@/, '//…@'))}: use postgres:// or leave it unset for the embedded store`);
  }
  return openEmbeddedStore({
    dataDir: opts.dataDir,
    log,
    snapshotIntervalMs: opts.snapshotIntervalMs,
    snapshotEveryEntries: opts.snapshotEveryEntries,
    journal: opts.journal,
    maxLogRecords: opts.maxLogRecords,
  });
}
