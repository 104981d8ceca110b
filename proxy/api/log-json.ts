// Log records on the wire: the `/api/logs` page and item, and the WebSocket `log` payload.
import { recordTotalTokens } from '../logs/filters.js';
import type { LogPage } from '../logs/query.js';
import type { LogRecord } from '../logs/record.js';
import { microsToDollars } from '../pricing/money.js';
import { logSummaryJson } from './stats-view.js';
import type { LogJson, LogPageJson } from './wire/index.js';

export interface JsonOptions {
  /** Include captured bodies (the HTTP API does; live WebSocket pushes do not, to keep frames small). */
  readonly bodies: boolean;
}

export function logRecordToJson(r: LogRecord, options: JsonOptions = { bodies: true }): LogJson {
  const json: LogJson = {
    id: r.id,
    request_id: r.requestId,
    attempt: r.attempt,
    timestamp: new Date(r.timestamp).toISOString(),
    route: r.route,
    operation: r.operation ?? null,
    provider_type: r.providerType ?? null,
    provider_config_id: r.providerConfigId ?? null,
    account_id: r.accountId ?? null,
    model_requested: r.modelRequested,
    model_served: r.modelServed ?? null,
    virtual_key_id: r.virtualKeyId ?? null,
    team_id: r.teamId ?? null,
    customer_id: r.customerId ?? null,
    status: r.status,
    error_type: r.errorType ?? null,
    error_message: r.errorMessage ?? null,
    stream: r.stream,
    latency_ms: r.latencyMs,
    ttft_ms: r.ttftMs ?? null,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    cache_read_tokens: r.cacheReadTokens,
    cache_write_5m_tokens: r.cacheWrite5mTokens,
    cache_write_1h_tokens: r.cacheWrite1hTokens,
    total_tokens: recordTotalTokens(r),
    cost: r.cost === null
      ? null
      : {
          input: microsToDollars(r.cost.input),
          output: microsToDollars(r.cost.output),
          cache_read: microsToDollars(r.cost.cacheRead),
          cache_write: microsToDollars(r.cost.cacheWrite5m + r.cost.cacheWrite1h),
          cache_write_5m: microsToDollars(r.cost.cacheWrite5m),
          cache_write_1h: microsToDollars(r.cost.cacheWrite1h),
          total: microsToDollars(r.cost.total),
        },
    missing_cost: r.missingCost,
    cache: r.cache,
    stop_reason: r.stopReason ?? null,
    routing: r.routing
      ? { candidates: r.routing.candidates, excluded: r.routing.excluded, chosen: r.routing.chosen ?? null, adaptations: r.routing.adaptations ?? [] }
      : null,
    adapted: (r.routing?.adaptations?.length ?? 0) > 0,
    tags: r.tags ?? {},
  };
  if (!options.bodies) return json;
  return {
    ...json,
    request_body: r.requestBody ?? null,
    response_body: r.responseBody ?? null,
    request_body_truncated: r.bodiesCut?.request !== undefined,
    response_body_truncated: r.bodiesCut?.response !== undefined,
  };
}

/** GET /api/logs: a page of records with the totals over everything the filter selects. */
export function logPageJson(page: LogPage): LogPageJson {
  return {
    logs: page.records.map((r) => logRecordToJson(r)),
    pagination: { total_count: page.totalCount, limit: page.limit, offset: page.offset },
    stats: logSummaryJson(page.stats),
    ...(page.dropped !== undefined && { dropped: { count: page.dropped.count, before: new Date(page.dropped.beforeMs).toISOString() } }),
  };
}
