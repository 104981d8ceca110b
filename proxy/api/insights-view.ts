// GET /api/insights/cache: the prompt-cache report (micro-dollars, epoch ms) on the wire.
import type { CacheReport, CacheUsage } from '../insights/cache-report.js';
import { microsToDollars } from '../pricing/money.js';
import type { CacheReportJson, CacheUsageJson } from './wire/index.js';

export function cacheUsageJson(u: CacheUsage): CacheUsageJson {
  return {
    requests: u.requests,
    input_tokens: u.inputTokens,
    cache_read_tokens: u.cacheReadTokens,
    cache_write_5m_tokens: u.cacheWrite5mTokens,
    cache_write_1h_tokens: u.cacheWrite1hTokens,
    cache_read_ratio: u.cacheReadRatio,
    saved: microsToDollars(u.savedMicros),
    write_premium: microsToDollars(u.writePremiumMicros),
    net_saving: microsToDollars(u.netSavingMicros),
    cache_write_5m_cost: microsToDollars(u.cacheWrite5mCostMicros),
    cache_write_1h_cost: microsToDollars(u.cacheWrite1hCostMicros),
    unread_write_5m_cost: microsToDollars(u.unreadWrite5mCostMicros),
    unread_write_1h_cost: microsToDollars(u.unreadWrite1hCostMicros),
    unread_write_5m_ratio: u.unreadWrite5mRatio,
    unread_write_1h_ratio: u.unreadWrite1hRatio,
    unpriced_requests: u.unpricedRequests,
  };
}

export function cacheReportJson(r: CacheReport): CacheReportJson {
  return {
    start: new Date(r.start).toISOString(),
    end: new Date(r.end).toISOString(),
    total: cacheUsageJson(r.total),
    by_model: r.byModel.map((u) => ({ model: u.model, ...cacheUsageJson(u) })),
    by_key: r.byKey.map((u) => ({ virtual_key_id: u.virtualKeyId, ...cacheUsageJson(u) })),
    never_read: {
      method: r.neverRead.method,
      scanned_rows: r.neverRead.scannedRows,
      truncated: r.neverRead.truncated,
      undetermined_write_cost: microsToDollars(r.neverRead.undeterminedWriteCostMicros),
    },
    hints: r.hints,
  };
}
