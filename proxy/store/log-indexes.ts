// The `logs` indexes of schema version 2: the log API's sort orders and its summaries read indexes instead of rows.
type Dialect = 'sqlite' | 'postgres';

/**
 * The index holding each sortable column in the log API's order, so a page is read off the index in order and an
 * offset in time order is skipped inside it. The time index ends with the id, the API's last tie-break; latency
 * and cost end with the time, after which ties are rare enough to sort as they come (an id there made every
 * insert about a fifth dearer). `cost_total` walks descending only: its NULLs sort last either way, which is the
 * index's backward order in both dialects.
 */
export const LOG_ORDER_INDEXES = {
  timestamp: 'logs_time',
  latency_ms: 'logs_latency',
  cost_total: 'logs_cost',
} as const;

/** What a summary sums and what the numeric filters compare, carried by the time and team indexes. */
const SUMMARY_COLUMNS = 'status, latency_ms, total_tokens, cost_total';

/** Replaces the version-1 single-column indexes on time, latency, cost and team. */
export function logIndexMigration(dialect: Dialect): string[] {
  // PostgreSQL orders ids bytewise (the API's ORDER BY says COLLATE "C"); its NULLs sort last ascending, so the
  // cost index puts them first to walk backwards as "cost descending, NULLs last" like SQLite's.
  const id = dialect === 'postgres' ? 'id COLLATE "C"' : 'id';
  const cost = dialect === 'postgres' ? 'cost_total NULLS FIRST' : 'cost_total';
  return [
    'DROP INDEX logs_timestamp',
    `CREATE INDEX ${LOG_ORDER_INDEXES.timestamp} ON logs ("timestamp", ${id}, ${SUMMARY_COLUMNS})`,
    'DROP INDEX logs_latency',
    `CREATE INDEX ${LOG_ORDER_INDEXES.latency_ms} ON logs (latency_ms, "timestamp")`,
    'DROP INDEX logs_cost',
    `CREATE INDEX ${LOG_ORDER_INDEXES.cost_total} ON logs (${cost}, "timestamp")`,
    // A team is a large share of the log: its summaries with a numeric bound or `stream` read only this index.
    'DROP INDEX logs_team',
    `CREATE INDEX logs_team ON logs (team_id, "timestamp", stream, ${SUMMARY_COLUMNS})`,
  ];
}
