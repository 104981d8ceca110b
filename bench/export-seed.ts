// Synthetic log rows written straight into a store's database by one SQL statement (sql.js image or PostgreSQL
// generate_series), for export runs over a million records, with the totals those rows must export to.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { DATABASE_FILE } from '../proxy/store/embedded.js';
import { rollupDdl } from '../proxy/store/log-rollup.js';
import { SqliteDatabase } from '../proxy/store/sqlite-db.js';
import { sqlJs } from '../proxy/store/sqljs-runtime.js';

const DAY_MS = 86_400_000;
/** Rows spread evenly over 2024, long before any clock a test runs at (no budget period or runway sees them). */
export const SEED_FROM = Date.UTC(2024, 0, 1);
export const SEED_DAYS = 366;
export const SEED_KEYS = 1000;
export const SEED_BRANCHES = 7;
const UNPRICED_EVERY = 97;

const step = (count: number) => Math.max(1, Math.floor((SEED_DAYS * DAY_MS) / count));

/** Token counts of row n (the same arithmetic as the SQL below). */
function tokens(n: number) {
  return { input: 100 + (n % 50), output: 10 + (n % 20), cacheRead: (n % 7) * 10, w5: n % 5, w1: n % 3 };
}

export interface SeedTotals {
  readonly requests: number;
  readonly missingCost: number;
  readonly totalTokens: number;
  readonly costMicros: number;
  /** Distinct (virtual_key, tag:branch) groups. */
  readonly keyBranchGroups: number;
}

/** What an export over the whole year must total. */
export function seedTotals(count: number): SeedTotals {
  let totalTokens = 0;
  let costMicros = 0;
  let missingCost = 0;
  for (let n = 0; n < count; n++) {
    const t = tokens(n);
    totalTokens += t.input + t.output + t.cacheRead + t.w5 + t.w1;
    if (n % UNPRICED_EVERY === 0) missingCost++;
    else costMicros += 3 * t.input + 15 * t.output + t.cacheRead + 4 * t.w5 + 6 * t.w1;
  }
  const groups = new Set<number>();
  for (let n = 0; n < Math.min(count, SEED_KEYS * SEED_BRANCHES); n++) groups.add((n % SEED_KEYS) * SEED_BRANCHES + (n % SEED_BRANCHES));
  return { requests: count, missingCost, totalTokens, costMicros, keyBranchGroups: groups.size };
}

/** INSERT … SELECT over `n` (a recursive CTE in SQLite, generate_series in PostgreSQL). */
function seedInsert(dialect: 'sqlite' | 'postgres', count: number): string {
  const bool = (v: boolean) => (dialect === 'sqlite' ? (v ? '1' : '0') : v ? 'TRUE' : 'FALSE');
  const priced = (expr: string) => `CASE WHEN n % ${UNPRICED_EVERY} = 0 THEN NULL ELSE ${expr} END`;
  const [input, output, read, w5, w1] = ['(100 + n % 50)', '(10 + n % 20)', '((n % 7) * 10)', '(n % 5)', '(n % 3)'];
  const tags = dialect === 'sqlite' ? `json_object('branch', 'branch-' || (n % ${SEED_BRANCHES}))` : `jsonb_build_object('branch', 'branch-' || (n % ${SEED_BRANCHES}))`;
  const columns: [string, string][] = [
    ['id', `'seed-' || n`],
    ['request_id', `'seed-' || n`],
    ['attempt', '1'],
    ['"timestamp"', `${SEED_FROM} + n * ${step(count)}`],
    ['route', `'anthropic'`],
    ['provider_type', `'anthropic'`],
    ['provider_config_id', `'pc-' || (n % 3)`],
    ['model_requested', `'model-' || (n % 4)`],
    ['model_served', `'model-' || (n % 4)`],
    ['virtual_key_id', `'key-' || (n % ${SEED_KEYS})`],
    ['team_id', `'team-' || (n % 10)`],
    ['customer_id', `'acme'`],
    ['status', '200'],
    ['stream', bool(false)],
    ['latency_ms', '100'],
    ['input_tokens', input],
    ['output_tokens', output],
    ['cache_read_tokens', read],
    ['cache_write_5m_tokens', w5],
    ['cache_write_1h_tokens', w1],
    ['total_tokens', [input, output, read, w5, w1].join(' + ')],
    ['cost_input', priced(`3 * ${input}`)],
    ['cost_output', priced(`15 * ${output}`)],
    ['cost_cache_read', priced(read)],
    ['cost_cache_write_5m', priced(`4 * ${w5}`)],
    ['cost_cache_write_1h', priced(`6 * ${w1}`)],
    ['cost_total', priced(`3 * ${input} + 15 * ${output} + ${read} + 4 * ${w5} + 6 * ${w1}`)],
    ['missing_cost', `CASE WHEN n % ${UNPRICED_EVERY} = 0 THEN ${bool(true)} ELSE ${bool(false)} END`],
    ['cache', `'none'`],
    ['tags', tags],
  ];
  const insert = `INSERT INTO logs (${columns.map(([c]) => c).join(', ')})`;
  const select = `SELECT ${columns.map(([, e]) => e).join(', ')}`;
  return dialect === 'sqlite'
    ? `${insert} WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n + 1 < ${count}) ${select} FROM s`
    : `${insert} ${select} FROM generate_series(0::bigint, ${count - 1}) AS n`;
}

/** Writes `<dataDir>/spendgate.sqlite` holding `count` seeded rows (and their rollup), for an embedded gateway to open. */
export async function seedEmbedded(dataDir: string, count: number): Promise<void> {
  const SQL = await sqlJs();
  const migrated = SqliteDatabase.open(SQL, undefined);
  const db = new SQL.Database(migrated.export());
  migrated.close();
  try {
    db.run(seedInsert('sqlite', count));
    // The embedded database keeps its rollup by hand (no triggers): refill it from the rows, as its migration does.
    db.run('DELETE FROM log_rollup');
    db.run(rollupDdl('sqlite')[1]);
    await writeFile(join(dataDir, DATABASE_FILE), db.export(), { mode: 0o600 });
  } finally {
    db.close();
  }
}

/** Inserts `count` seeded rows into a migrated PostgreSQL schema (its triggers keep the rollup). */
export async function seedPostgres(url: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(seedInsert('postgres', count));
    await client.query('ANALYZE logs');
  } finally {
    await client.end();
  }
}
