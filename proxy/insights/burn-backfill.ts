// Refill a BurnTracker from the request log at start-up, so burn rates survive a restart.
import type { Config, TierKind } from '../config/types.js';
import type { LogSource } from '../logs/query.js';
import { SqlParams, sqlNumber } from '../logs/sql.js';
import { BURN_HISTORY_MINUTES, type BurnTracker } from './burn.js';

const MINUTE_MS = 60_000;

interface MinuteRow {
  minute: unknown;
  virtual_key_id: unknown;
  team_id: unknown;
  customer_id: unknown;
  provider_config_id: unknown;
  micros: unknown;
}

function budgeted(config: Config): Map<TierKind, Set<string>> {
  const ids = (defs: readonly { readonly id: string }[]) => new Set(defs.map((d) => d.id));
  return new Map<TierKind, Set<string>>([
    ['virtual_key', ids(config.budgets.virtualKey)],
    ['team', ids(config.budgets.team)],
    ['customer', ids(config.budgets.customer)],
    ['provider_config', ids(config.budgets.providerConfig)],
  ]);
}

/**
 * Records the last 24 hours of logged cost (`cost_total`, per minute) on every budgeted tier each
 * record names, then marks the tracker as knowing spend since then. Call once at start-up, before the
 * gateway serves, so no charge is counted both from the log and live. The log is per attempt and
 * names the key's team and customer as they were when the request ran; that is close to, not
 * exactly, what the ledger charged. Returns the number of minute rows read.
 */
export async function backfillBurn(store: LogSource, tracker: BurnTracker, config: Config, now: number): Promise<number> {
  const since = (Math.floor(now / MINUTE_MS) - BURN_HISTORY_MINUTES) * MINUTE_MS;
  const p = new SqlParams();
  const minute = `("timestamp" - ("timestamp" % ${MINUTE_MS})) / ${MINUTE_MS}`;
  const sql =
    `SELECT ${minute} AS minute, virtual_key_id, team_id, customer_id, provider_config_id, SUM(cost_total) AS micros ` +
    `FROM logs WHERE "timestamp" >= ${p.add(since)} AND "timestamp" < ${p.add(now)} AND cost_total > 0 ` +
    `GROUP BY ${minute}, virtual_key_id, team_id, customer_id, provider_config_id`;
  const rows = await store.query<MinuteRow>(sql, p.values);
  const tiers = budgeted(config);
  const columns: readonly [TierKind, keyof MinuteRow][] = [
    ['virtual_key', 'virtual_key_id'],
    ['team', 'team_id'],
    ['customer', 'customer_id'],
    ['provider_config', 'provider_config_id'],
  ];
  for (const row of rows) {
    const at = sqlNumber(row.minute) * MINUTE_MS;
    const micros = sqlNumber(row.micros);
    for (const [tier, column] of columns) {
      const id = row[column];
      if (typeof id === 'string' && tiers.get(tier)?.has(id) === true) tracker.record(tier, id, micros, at);
    }
  }
  tracker.extendObservation(since);
  return rows.length;
}
