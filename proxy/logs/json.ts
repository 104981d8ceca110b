// The API's JSON shape of a log record: the `/api/logs` item and the WebSocket `log` payload.
import type { ProviderType } from '../config/types.js';
import type { ClientProtocol, Operation } from '../providers/types.js';
import { recordTotalTokens } from './filters.js';
import type { CacheStatus, LogRecord } from './record.js';
import { microsToDollars } from '../pricing/money.js';

/** Itemised cost in decimal US dollars; `cache_write` is the 5-minute plus the 1-hour writes. */
export interface CostJson {
  readonly input: number;
  readonly output: number;
  readonly cache_read: number;
  readonly cache_write: number;
  readonly cache_write_5m: number;
  readonly cache_write_1h: number;
  readonly total: number;
}

export interface LogRecordJson {
  readonly id: string;
  readonly request_id: string;
  readonly attempt: number;
  /** ISO 8601 UTC. */
  readonly timestamp: string;
  readonly route: ClientProtocol;
  /** The operation on that route (`messages`, `responses`, `responses_compact`…); null on records from before it was kept. */
  readonly operation: Operation | null;
  readonly provider_type: ProviderType | null;
  readonly provider_config_id: string | null;
  readonly account_id: string | null;
  readonly model_requested: string;
  readonly model_served: string | null;
  readonly virtual_key_id: string | null;
  readonly team_id: string | null;
  readonly customer_id: string | null;
  readonly status: number;
  readonly error_type: string | null;
  readonly error_message: string | null;
  readonly stream: boolean;
  readonly latency_ms: number;
  readonly ttft_ms: number | null;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_read_tokens: number;
  readonly cache_write_5m_tokens: number;
  readonly cache_write_1h_tokens: number;
  readonly total_tokens: number;
  /** null when the model has no price; then `missing_cost` is true. */
  readonly cost: CostJson | null;
  readonly missing_cost: boolean;
  readonly cache: CacheStatus;
  readonly stop_reason: string | null;
  readonly routing: {
    readonly candidates: readonly string[];
    readonly excluded: readonly { readonly id: string; readonly reason: string }[];
    readonly chosen: string | null;
    /** What the gateway changed in the request so that the chosen model accepts it (Bedrock targets). */
    readonly adaptations: readonly string[];
  } | null;
  /** True when the gateway changed the request to fit the target's model (see `routing.adaptations`). */
  readonly adapted: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** Present only when bodies were captured and the caller asked for them. */
  readonly request_body?: string | null;
  readonly response_body?: string | null;
  /** With the bodies: true when that body was cut at logging.max_body_capture_bytes (the stored text is its start). */
  readonly request_body_truncated?: boolean;
  readonly response_body_truncated?: boolean;
}

export interface JsonOptions {
  /** Include captured bodies (the HTTP API does; live WebSocket pushes do not, to keep frames small). */
  readonly bodies: boolean;
}

export function logRecordToJson(r: LogRecord, options: JsonOptions = { bodies: true }): LogRecordJson {
  const json: LogRecordJson = {
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
