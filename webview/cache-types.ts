// `GET /api/insights/cache`: the prompt-cache report as the dashboard reads it (the engine's insights/cache-report).

/** One group's cache figures (a model, a key, or everything). Money in decimal US dollars. */
export interface CacheUsageJson {
  readonly requests: number;
  readonly input_tokens: number;
  readonly cache_read_tokens: number;
  readonly cache_write_5m_tokens: number;
  readonly cache_write_1h_tokens: number;
  /** Fraction 0–1 of prompt tokens read from cache. */
  readonly cache_read_ratio: number;
  readonly saved: number;
  readonly write_premium: number;
  readonly net_saving: number;
  readonly cache_write_5m_cost: number;
  readonly cache_write_1h_cost: number;
  /** Cost of writes never read back within their TTL. */
  readonly unread_write_5m_cost: number;
  readonly unread_write_1h_cost: number;
  readonly unread_write_5m_ratio: number | null;
  readonly unread_write_1h_ratio: number | null;
  readonly unpriced_requests: number;
}

export interface CacheReportJson {
  readonly start: string;
  readonly end: string;
  readonly total: CacheUsageJson;
  readonly by_model: readonly (CacheUsageJson & { readonly model: string })[];
  readonly by_key: readonly (CacheUsageJson & { readonly virtual_key_id: string | null })[];
  readonly never_read: {
    readonly method: string;
    readonly scanned_rows: number;
    readonly truncated: boolean;
    readonly undetermined_write_cost: number;
  };
  /** Plain-language advice, e.g. which key pays for 1-hour writes it never reads. */
  readonly hints: readonly string[];
}
