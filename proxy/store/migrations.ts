// Versioned schema for both dialects: ordered, append-only; a version once released is never edited.
import { alertTablesDdl } from './alert-outbox.js';
import { addedLogColumns, logTableDdl } from './log-columns.js';
import { logIndexMigration } from './log-indexes.js';
import { rollupDdl } from './log-rollup.js';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly statements: readonly string[];
}

const spend = (bigint: string) =>
  `CREATE TABLE spend (
  tier TEXT NOT NULL,
  id TEXT NOT NULL,
  period_start ${bigint} NOT NULL,
  spent_micros ${bigint} NOT NULL,
  PRIMARY KEY (tier, id, period_start)
)`;

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'logs, spend and the journal position',
    statements: [
      ...logTableDdl('sqlite'),
      spend('INTEGER'),
      // The sequence number of the last journal entry applied; replay skips entries at or below it.
      `CREATE TABLE store_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)`,
      `INSERT INTO store_meta (key, value) VALUES ('journal_seq', 0)`,
    ],
  },
  {
    version: 2,
    description: 'log indexes in sort order, daily log rollup',
    statements: [...logIndexMigration('sqlite'), ...rollupDdl('sqlite')],
  },
  {
    version: 3,
    description: 'fired alerts and the alert outbox',
    statements: alertTablesDdl('INTEGER'),
  },
  {
    version: 4,
    description: 'the operation each log record served',
    statements: addedLogColumns(4, 'sqlite'),
  },
];

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'logs, spend, quota leases',
    statements: [
      ...logTableDdl('postgres'),
      spend('BIGINT'),
      // The shared state of a leased tier-period; `spend` stays the truth for spent money, these
      // columns are what the last claim saw (for status views and operators).
      `CREATE TABLE budget_state (
  tier TEXT NOT NULL,
  id TEXT NOT NULL,
  period_start BIGINT NOT NULL,
  limit_micros BIGINT NOT NULL,
  spent_micros BIGINT NOT NULL,
  leased_micros BIGINT NOT NULL,
  PRIMARY KEY (tier, id, period_start)
)`,
      `CREATE TABLE leases (
  gateway_id TEXT NOT NULL,
  tier TEXT NOT NULL,
  id TEXT NOT NULL,
  period_start BIGINT NOT NULL,
  granted_micros BIGINT NOT NULL,
  spent_micros BIGINT NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (gateway_id, tier, id, period_start)
)`,
      `CREATE INDEX leases_tier_period ON leases (tier, id, period_start)`,
    ],
  },
  {
    version: 2,
    description: 'log indexes in sort order, daily log rollup kept by triggers',
    statements: [...logIndexMigration('postgres'), ...rollupDdl('postgres')],
  },
  {
    version: 3,
    description: 'fired alerts and the alert outbox',
    statements: alertTablesDdl('BIGINT'),
  },
  {
    version: 4,
    description: 'the operation each log record served',
    statements: addedLogColumns(4, 'postgres'),
  },
];
