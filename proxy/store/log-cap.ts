// logging.max_records on the embedded store: what it remembers about the records it dropped, in `store_meta`.

/** Adds to the count of records dropped by the cap. */
export const COUNT_DROPPED = `INSERT INTO store_meta (key, value) VALUES ('logs_dropped', ?)
  ON CONFLICT (key) DO UPDATE SET value = value + excluded.value`;

/** Moves the boundary: every record at or after it is kept. */
export const MOVE_DROP_BOUNDARY = `INSERT INTO store_meta (key, value) VALUES ('logs_dropped_before', ?)
  ON CONFLICT (key) DO UPDATE SET value = MAX(value, excluded.value)`;

/** Reads both (no rows until the cap first dropped something). */
export const DROPPED_LOGS = `SELECT key, value FROM store_meta WHERE key IN ('logs_dropped', 'logs_dropped_before')`;

/** What the cap has dropped: `count` records, all older than `before` (ms since the epoch). */
export interface DroppedLogs {
  readonly count: number;
  readonly before: number;
}

/** The `DROPPED_LOGS` rows as one value, or undefined when nothing was dropped. */
export function droppedLogs(rows: readonly { key: unknown; value: unknown }[]): DroppedLogs | undefined {
  const value = (key: string) => Number(rows.find((r) => r.key === key)?.value ?? 0);
  const count = value('logs_dropped');
  return count > 0 ? { count, before: value('logs_dropped_before') } : undefined;
}
