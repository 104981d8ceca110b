// GET /api/logs, GET /api/logs/stats and the WebSocket `log` message: request log records and their totals.
import type { CacheStatus, ClientOperation, ClientProtocol, Dollars, IsoTime, ProviderType } from './common.js';

/** Itemised cost; `cache_write` is the 5-minute plus the 1-hour writes. */
export interface CostJson {
  readonly input: Dollars;
  readonly output: Dollars;
  readonly cache_read: Dollars;
  readonly cache_write: Dollars;
  readonly cache_write_5m: Dollars;
  readonly cache_write_1h: Dollars;
  readonly total: Dollars;
}

/** One log record: one upstream attempt of a request. */
export interface LogJson {
  readonly id: string;
  readonly request_id: string;
  readonly attempt: number;
  readonly timestamp: IsoTime;
  readonly route: ClientProtocol;
  /** What the client asked for on that route; null on records written before it was kept. */
  readonly operation: ClientOperation | null;
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

/** Totals over every record a filter selects. */
export interface LogSummaryJson {
  readonly total_requests: number;
  /** Percentage (0–100) of records with a 2xx/3xx status; 0 when there are none. */
  readonly success_rate: number;
  /** Mean latency in milliseconds; 0 when there are none. */
  readonly average_latency: number;
  readonly total_tokens: number;
  /** Over the records that have a cost. */
  readonly total_cost: Dollars;
}

export interface LogPageJson {
  readonly logs: readonly LogJson[];
  readonly pagination: { readonly total_count: number; readonly limit: number; readonly offset: number };
  readonly stats: LogSummaryJson;
  /** Records the embedded store's logging.max_records dropped: how many, and the instant before which none are listed. */
  readonly dropped?: { readonly count: number; readonly before: IsoTime };
}

export type StatsInterval = 'minute' | 'hour' | 'day';

/** Latency percentiles in milliseconds; null when there are no records. */
export interface LatencyPercentilesJson {
  readonly latency_p50: number | null;
  readonly latency_p95: number | null;
  readonly latency_p99: number | null;
}

export type StatsTotalsJson = LogSummaryJson & LatencyPercentilesJson;

export interface StatsPointJson extends LatencyPercentilesJson {
  /** Bucket start. */
  readonly time: IsoTime;
  readonly requests: number;
  readonly errors: number;
  readonly tokens: number;
  readonly cost: Dollars;
}

export interface StatsSeriesJson {
  /** The group's value (a model, a key id, …); null for the one series of an ungrouped request. */
  readonly group: string | null;
  readonly totals: StatsTotalsJson;
  readonly points: readonly StatsPointJson[];
}

export interface StatsJson {
  readonly interval: StatsInterval;
  readonly group_by: string | null;
  readonly totals: StatsTotalsJson;
  readonly series: readonly StatsSeriesJson[];
}
