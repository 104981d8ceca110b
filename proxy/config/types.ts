// The validated, typed form of bifrost.yaml (docs/configuration.md). Past the config edge, code trusts these types.

/** A duration or budget period such as `1h`, `1w`, `1M`. */
export interface Period {
  readonly count: number;
  readonly unit: PeriodUnit;
  /** The text as written, e.g. "1M". */
  readonly text: string;
}

/** m minute, h hour, d day, w week, M month, Y year. */
export type PeriodUnit = 'm' | 'h' | 'd' | 'w' | 'M' | 'Y';

export type ProviderType = 'bedrock' | 'anthropic' | 'openai';

/** A reference to a secret: `env.NAME` in the file, resolved at the edge. */
export type SecretRef = { readonly env: string } | { readonly literal: string };

export interface ProviderCredentials {
  readonly profile?: string;
  readonly roleArn?: string;
}

/** One routable target: provider type, region, model, weight. */
export interface ProviderConfig {
  readonly id: string;
  readonly accountId: string;
  readonly type: ProviderType;
  readonly model: string;
  readonly weight: number;
  readonly region?: string;
  readonly endpoint?: string;
  readonly baseUrl?: string;
  readonly apiKey?: SecretRef;
  readonly credentials?: ProviderCredentials;
  /** Per-provider timeouts in milliseconds (routing section defaults apply when absent). */
  readonly timeouts?: Partial<Timeouts>;
  /** Bedrock only: the application inference profile each team's or key's requests are sent through (a key's wins). */
  readonly applicationInferenceProfiles?: ApplicationInferenceProfiles;
}

/** Team and virtual key ids → application inference profile ARN, for splitting the AWS bill by the profile's tags. */
export interface ApplicationInferenceProfiles {
  readonly team: Readonly<Record<string, string>>;
  readonly virtualKey: Readonly<Record<string, string>>;
}

export interface Account {
  readonly id: string;
  readonly providers: readonly ProviderConfig[];
}

export interface BudgetDef {
  readonly id: string;
  /** Limit in integer micro-dollars. */
  readonly limitMicros: number;
  readonly period: Period;
}

export interface TeamBudgetDef extends BudgetDef {
  readonly customerId?: string;
}

export interface KeyBudgetDef extends BudgetDef {
  readonly teamId?: string;
}

export interface Budgets {
  readonly customer: readonly BudgetDef[];
  readonly team: readonly TeamBudgetDef[];
  readonly virtualKey: readonly KeyBudgetDef[];
  readonly providerConfig: readonly BudgetDef[];
}

export interface WindowLimit {
  readonly limit: number;
  readonly duration: Period;
}

export interface RateLimitDef {
  readonly id: string;
  readonly requests?: WindowLimit;
  readonly tokens?: WindowLimit;
}

export interface RateLimits {
  readonly virtualKey: readonly RateLimitDef[];
  readonly providerConfig: readonly RateLimitDef[];
}

/** How a client proves it holds a virtual key. */
export type KeySecret =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'sha256'; readonly hex: string };

export interface VirtualKeyDef {
  readonly id: string;
  readonly secret: KeySecret;
  readonly accountId?: string;
  readonly allowedModels?: readonly string[];
  readonly description?: string;
}

/** Prices in dollars per million tokens, as written in the config. */
export interface PriceDef {
  readonly input: number;
  readonly output: number;
  readonly cache_read?: number;
  readonly cache_write_5m?: number;
  readonly cache_write_1h?: number;
  readonly batch_input?: number;
  readonly batch_output?: number;
}

export interface Timeouts {
  readonly connectMs: number;
  readonly firstByteMs: number;
  readonly idleMs: number;
}

/**
 * Where a request may go once the provider configs serving its model are unavailable: only to targets
 * serving a compatible model, to any target of the account, or nowhere (`routing.fallback: false`).
 */
export type FallbackPolicy = 'same_model' | 'any' | 'off';

export interface RoutingSettings {
  /** Retries on the same provider before falling back (0 = no retry). */
  readonly retries: number;
  /** Which other targets a failed or unavailable request may move to. */
  readonly fallback: FallbackPolicy;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Upper bound on the whole retry/fallback sequence of one request. */
  readonly maxTotalMs: number;
  readonly breaker: { readonly failures: number; readonly cooldownMs: number };
  readonly timeouts: Timeouts;
}

export interface LoggingSettings {
  readonly retentionDays: number;
  /** The most log records the embedded store keeps; the oldest beyond it are dropped (totals stay in the rollup). */
  readonly maxRecords: number;
  readonly captureBodies: boolean;
  /** The most bytes of a request or response body one record keeps when bodies are captured. */
  readonly maxBodyCaptureBytes: number;
}

export interface PricingSettings {
  readonly models: Readonly<Record<string, PriceDef>>;
  /** Absolute path (resolved against the config file's folder). */
  readonly file?: string;
  readonly unknownModel: 'serve' | 'reject';
}

/** A runaway-agent guard: pause a key that spends or requests faster than this. */
export interface GuardDef {
  readonly virtualKeyId: string;
  readonly maxSpendMicros?: number;
  readonly maxRequests?: number;
  readonly window: Period;
}

/** Where alerts go. Webhook URLs are not secret; a webhook's signing secret and a Slack URL are (env only). */
export type AlertDestination =
  | { readonly type: 'webhook'; readonly url: string; readonly secret?: { readonly env: string } }
  | { readonly type: 'slack'; readonly url: { readonly env: string } };

/** The `alerts` section: thresholds in percent of a tier's limit, ascending and distinct. */
export interface AlertSettings {
  readonly thresholds: readonly number[];
  readonly destinations: readonly AlertDestination[];
}

/** `telemetry:` — OTLP/HTTP export of one span per request and the GenAI metrics (proxy/telemetry/). */
export interface TelemetrySettings {
  /** The collector's OTLP/HTTP base URL; `v1/traces` and `v1/metrics` are appended, as OTEL_EXPORTER_OTLP_ENDPOINT does. */
  readonly otlpEndpoint: string;
  /** The `service.name` resource attribute. */
  readonly serviceName: string;
  /** Headers sent with every export (collector auth); values are environment variables, never literal. */
  readonly headers: Readonly<Record<string, SecretRef>>;
}

export interface Config {
  readonly accounts: readonly Account[];
  readonly budgets: Budgets;
  readonly rateLimits: RateLimits;
  /** Every virtual key named anywhere in the file, with defaults filled in. */
  readonly virtualKeys: readonly VirtualKeyDef[];
  readonly pricing: PricingSettings;
  readonly store: {
    readonly url?: string;
    /** fdatasync interval of the embedded store's journal in ms, or off. */
    readonly journalFsync: number | 'off';
  };
  readonly logging: LoggingSettings;
  readonly routing: RoutingSettings;
  readonly guards: readonly GuardDef[];
  /** Absent when the file has no `alerts` section: then nothing is sent. */
  readonly alerts?: AlertSettings;
  /** Absent: nothing is exported and no OpenTelemetry code is loaded. */
  readonly telemetry?: TelemetrySettings;
}

/** A problem found in the file, at a 1-based line and column. */
export interface ConfigProblem {
  readonly severity: 'error' | 'warning';
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** The outcome of the last load or reload of the served file (api/status-view.ts puts it on the wire). */
export interface ConfigStatus {
  readonly path: string;
  /** When the served config was loaded, ms since the epoch (a rejected edit keeps the served config's time). */
  readonly loadedAt: number;
  readonly ok: boolean;
  readonly problems: readonly ConfigProblem[];
}

export type LoadResult =
  | { readonly ok: true; readonly config: Config; readonly warnings: readonly ConfigProblem[] }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/** The four budget tiers, outermost first. */
export type TierKind = 'customer' | 'team' | 'virtual_key' | 'provider_config';
