// GET /api/insights/cache, and the policy preview `spendgate diff --json` prints (the extension reads it).
import type { Dollars, IsoTime, TierKind } from './common.js';

/** One group's prompt-cache figures (a model, a key, or everything). */
export interface CacheUsageJson {
  /** Requests that sent a prompt upstream (some input-side tokens billed). */
  readonly requests: number;
  readonly input_tokens: number;
  readonly cache_read_tokens: number;
  readonly cache_write_5m_tokens: number;
  readonly cache_write_1h_tokens: number;
  /** cache_read / (input + cache_read + cache writes); 0 without prompt tokens. */
  readonly cache_read_ratio: number;
  /** cache_read_tokens × (input rate − cache read rate), over requests to priced models. */
  readonly saved: Dollars;
  /** What cache writes cost beyond the same tokens at the plain input rate, over priced models. */
  readonly write_premium: Dollars;
  /** saved − write_premium. */
  readonly net_saving: Dollars;
  /** As billed (the log's itemised cost). */
  readonly cache_write_5m_cost: Dollars;
  readonly cache_write_1h_cost: Dollars;
  /** Cost of writes never read back within their TTL (see `never_read.method`). */
  readonly unread_write_5m_cost: Dollars;
  readonly unread_write_1h_cost: Dollars;
  /** Unread ÷ determined write cost; null when no write's outcome is known. */
  readonly unread_write_5m_ratio: number | null;
  readonly unread_write_1h_ratio: number | null;
  /** Requests to models without a price are counted in tokens but not in saved/premium. */
  readonly unpriced_requests: number;
}

export interface CacheReportJson {
  readonly start: IsoTime;
  readonly end: IsoTime;
  readonly total: CacheUsageJson;
  readonly by_model: readonly (CacheUsageJson & { readonly model: string })[];
  readonly by_key: readonly (CacheUsageJson & { readonly virtual_key_id: string | null })[];
  readonly never_read: {
    readonly method: string;
    readonly scanned_rows: number;
    readonly truncated: boolean;
    /** Cost of writes whose TTL had not run out at the end of the data (not counted either way). */
    readonly undetermined_write_cost: Dollars;
  };
  readonly hints: readonly string[];
}

export type PolicyChangeKind =
  | 'limit_changed'
  | 'period_changed'
  | 'tier_added'
  | 'tier_removed'
  | 'parent_changed'
  | 'provider_added'
  | 'provider_removed'
  | 'model_changed'
  | 'weight_changed'
  | 'rate_limit_changed'
  | 'allowed_models_changed'
  | 'key_added'
  | 'key_removed';

export type PolicySeverity = 'info' | 'warning' | 'blocking';

/** One thing a config edit changes, and what that means given current spend. */
export interface PolicyChangeJson {
  readonly tier: TierKind;
  readonly id: string;
  readonly kind: PolicyChangeKind;
  /** The old setting in words ("$2,000", "1M", "80 (80%)"), null when it did not exist. */
  readonly before: string | null;
  /** The new setting in words, null when it no longer exists. */
  readonly after: string | null;
  readonly consequence: string;
  readonly severity: PolicySeverity;
}

/** What `spendgate diff REV1 [REV2] --json` prints. */
export interface PolicyPreviewJson {
  readonly from: string;
  /** REV2, or `working tree`. */
  readonly to: string;
  /** The config file's path relative to the repository root. */
  readonly config: string;
  /** False when no gateway answered: consequences are stated without current spend. */
  readonly current_spend: boolean;
  readonly changes: readonly PolicyChangeJson[];
}
