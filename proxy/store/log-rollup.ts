// log_rollup: request count, latency, token and cost sums of the `logs` table per UTC day and per combination of
// the columns the log filters match exactly, kept exact on every insert and delete, so a summary over a million
// records reads a few thousand rollup rows instead of the log.
//
// PostgreSQL keeps it with statement-level triggers (one grouped upsert per statement, whoever writes `logs`).
// SQLite has only row triggers, whose upsert per record added a third to the record's own insert, so the embedded
// database, the only writer of its `logs` table, sums each applied batch by key in memory and upserts once per
// key (`RollupBatch`), and recounts after a prune (`SQLITE_ROLLUP_PRUNE`).
import type { LogRecord } from '../logs/record.js';
import { LOG_COLUMNS } from './log-columns.js';

type Dialect = 'sqlite' | 'postgres';

export const ROLLUP_TABLE = 'log_rollup';
export const ROLLUP_DAY_MS = 86_400_000;

/** `logs` columns the rollup groups by, under the same names. A missing value is stored as '' (no filter value is empty). */
const ROLLUP_DIMENSIONS = [
  'provider_type',
  'provider_config_id',
  'model_requested',
  'model_served',
  'virtual_key_id',
  'team_id',
  'customer_id',
  'status',
  'stream',
  'cache',
  'missing_cost',
] as const;

const KEY = ['day', ...ROLLUP_DIMENSIONS];
const MEASURES = ['requests', 'latency_sum', 'tokens_sum', 'cost_sum'] as const;

function logColumn(name: string) {
  const column = LOG_COLUMNS.find((c) => c.name === name);
  if (column === undefined) throw new Error(`log_rollup groups by ${name}, which is not a logs column`);
  return column;
}

/** The `logs` column as a rollup key: '' stands for NULL, because NULLs never compare equal in a primary key. */
function dimensionExpression(name: string): string {
  return logColumn(name).sqlite.includes('NOT NULL') ? name : `COALESCE(${name}, '')`;
}

/** Day, dimensions and measures of the rows of `source` matching `where`, one row per rollup key. */
function aggregate(source: string, where: string): string {
  const select = [
    `"timestamp" - "timestamp" % ${ROLLUP_DAY_MS}`,
    ...ROLLUP_DIMENSIONS.map(dimensionExpression),
    'COUNT(*)',
    'SUM(latency_ms)',
    'SUM(total_tokens)',
    'COALESCE(SUM(cost_total), 0)',
  ];
  // Ordered by the key, so concurrent PostgreSQL upserts lock rollup rows in one order and cannot deadlock.
  const key = KEY.map((_, i) => i + 1).join(', ');
  return `SELECT ${select.join(', ')} FROM ${source} WHERE ${where} GROUP BY ${key} ORDER BY ${key}`;
}

const INSERT = `INSERT INTO ${ROLLUP_TABLE} AS r (${[...KEY, ...MEASURES].join(', ')})`;
const ADD_TO_EXISTING = `ON CONFLICT (${KEY.join(', ')}) DO UPDATE SET ${MEASURES.map((m) => `${m} = r.${m} + excluded.${m}`).join(', ')}`;

function upsert(source: string, where: string): string {
  return [INSERT, aggregate(source, where), ADD_TO_EXISTING].join('\n');
}

function tableDdl(dialect: Dialect): string {
  const type = (name: string) => (dialect === 'sqlite' ? logColumn(name).sqlite : logColumn(name).postgres).replace(' NOT NULL', '');
  const bigint = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const columns = [
    `day ${bigint} NOT NULL`,
    ...ROLLUP_DIMENSIONS.map((d) => `${d} ${type(d)} NOT NULL`),
    ...MEASURES.map((m) => `${m} ${bigint} NOT NULL`),
    `PRIMARY KEY (${KEY.join(', ')})`,
  ];
  // Clustered on the key: a day range is one contiguous stretch of the table.
  return `CREATE TABLE ${ROLLUP_TABLE} (\n  ${columns.join(',\n  ')}\n)${dialect === 'sqlite' ? ' WITHOUT ROWID' : ''}`;
}

/** PostgreSQL: removed rows are subtracted, added rows upserted; a key whose count reaches 0 is dropped. */
function postgresTriggers(): string[] {
  const subtract = [
    `UPDATE ${ROLLUP_TABLE} AS r SET ${MEASURES.map((m) => `${m} = r.${m} - d.${m}`).join(', ')}`,
    `FROM (${aggregate('removed', 'true')}) AS d (${[...KEY, ...MEASURES].join(', ')})`,
    `WHERE ${KEY.map((k) => `r.${k} = d.${k}`).join(' AND ')}`,
  ].join('\n');
  const dropEmpty = `DELETE FROM ${ROLLUP_TABLE} WHERE requests = 0 AND day IN (SELECT DISTINCT "timestamp" - "timestamp" % ${ROLLUP_DAY_MS} FROM removed)`;
  return [
    // search_path is fixed at creation, so the trigger finds log_rollup whatever the inserting session's path is.
    `CREATE FUNCTION log_rollup_apply() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM ${ROLLUP_TABLE};
    RETURN NULL;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    ${subtract};
    ${dropEmpty};
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    ${upsert('added', 'true')};
  END IF;
  RETURN NULL;
END
$$`,
    `CREATE TRIGGER log_rollup_insert AFTER INSERT ON logs REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION log_rollup_apply()`,
    `CREATE TRIGGER log_rollup_delete AFTER DELETE ON logs REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION log_rollup_apply()`,
    `CREATE TRIGGER log_rollup_update AFTER UPDATE ON logs REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION log_rollup_apply()`,
    `CREATE TRIGGER log_rollup_truncate AFTER TRUNCATE ON logs FOR EACH STATEMENT EXECUTE FUNCTION log_rollup_apply()`,
  ];
}

/** Creates the rollup, fills it from the records already stored and (PostgreSQL) installs its triggers. */
export function rollupDdl(dialect: Dialect): string[] {
  const fill = `${INSERT} ${aggregate('logs', 'true')}`;
  return [tableDdl(dialect), fill, ...(dialect === 'postgres' ? postgresTriggers() : [])];
}

/** SQLite: adds one key's sums; the parameters are a `RollupBatch` row. */
export const SQLITE_ROLLUP_UPSERT = `${INSERT} VALUES (${[...KEY, ...MEASURES].map(() => '?').join(', ')})\n${ADD_TO_EXISTING}`;

type RollupValue = string | number | boolean;

const dimensionValues = ROLLUP_DIMENSIONS.map((name) => logColumn(name).value);

/** A measure as the `logs` row holds it; NULL (a record without a cost) adds 0, as SUM skips it. */
function measure(name: string): (r: LogRecord) => number {
  const value = logColumn(name).value;
  return (r) => {
    const v = value(r);
    return typeof v === 'number' ? v : 0;
  };
}

const measureValues = ['latency_ms', 'total_tokens', 'cost_total'].map(measure);

/** Records summed by rollup key in memory, with the same column mapping as their `logs` rows. */
export class RollupBatch {
  private readonly groups = new Map<string, { readonly key: RollupValue[]; readonly sums: number[] }>();

  add(r: LogRecord): void {
    const key = [rollupDay(r.timestamp), ...dimensionValues.map((value) => value(r) ?? '')];
    const id = key.join('\u0000');
    let group = this.groups.get(id);
    if (group === undefined) {
      group = { key, sums: [0, ...measureValues.map(() => 0)] };
      this.groups.set(id, group);
    }
    group.sums[0] += 1;
    measureValues.forEach((value, i) => (group.sums[i + 1] += value(r)));
  }

  /** One SQLITE_ROLLUP_UPSERT parameter row per key, leaving the batch empty. */
  take(): RollupValue[][] {
    const rows = [...this.groups.values()].map((g) => [...g.key, ...g.sums]);
    this.groups.clear();
    return rows;
  }
}

/**
 * SQLite, after `DELETE FROM logs WHERE "timestamp" < cutoff`: every day before the cutoff's day is gone, and the
 * cutoff's own day is recounted from the rows left. `$1` is the start of the cutoff's day.
 */
export const SQLITE_ROLLUP_PRUNE = [
  `DELETE FROM ${ROLLUP_TABLE} WHERE day <= $1`,
  `${INSERT} ${aggregate('logs', `"timestamp" >= $1 AND "timestamp" < $1 + ${ROLLUP_DAY_MS}`)}`,
] as const;

/** Start of the UTC day holding `ms` (ms since the epoch, not negative). */
export function rollupDay(ms: number): number {
  return ms - (ms % ROLLUP_DAY_MS);
}
