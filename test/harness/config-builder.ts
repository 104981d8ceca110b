// A typed builder for the bifrost.yaml texts tests serve: the file's snake_case shape as TypeScript types, emitted
// as YAML with the `yaml` package, so a test states its policy as data and a misspelt key does not compile.
//
// The types are written out rather than taken from `z.input<typeof fileSchema>`: every leaf of the schema is a
// custom reader of `unknown` (so it can say what it expected), which makes the zod input type `unknown` throughout.
// Instead each section's keys are checked below against the schema's output type (FileConfig), which keeps the
// snake_case names, so a key added to or renamed in proxy/config/schema.ts fails to compile here until it is added.
import { stringify } from 'yaml';
import type { FileConfig } from '../../proxy/config/schema.js';

export interface ProviderEntry {
  readonly id: string;
  readonly type: 'bedrock' | 'anthropic' | 'openai';
  readonly model: string;
  readonly weight?: number;
  readonly region?: string;
  readonly endpoint?: string;
  readonly base_url?: string;
  /** `env.NAME`: the variable holding the upstream key. */
  readonly api_key?: string;
  readonly credentials?: { readonly profile?: string; readonly role_arn?: string };
  readonly timeouts?: TimeoutEntry;
  /** Bedrock: team / virtual key id → application inference profile ARN. */
  readonly application_inference_profiles?: { readonly team?: Readonly<Record<string, string>>; readonly virtual_key?: Readonly<Record<string, string>> };
}

export interface TimeoutEntry {
  readonly connect_ms?: number;
  readonly first_byte_ms?: number;
  readonly idle_ms?: number;
}

export interface AccountEntry {
  readonly id: string;
  readonly providers: readonly ProviderEntry[];
}

/** `limit` in US dollars, `period` as written (`1h`, `1d`, `1w`, `1M`, …). */
export interface BudgetEntry {
  readonly id: string;
  readonly limit: number;
  readonly period: string;
}

export interface BudgetsSection {
  readonly customer?: readonly BudgetEntry[];
  readonly team?: readonly (BudgetEntry & { readonly customer_id?: string })[];
  readonly virtual_key?: readonly (BudgetEntry & { readonly team_id?: string })[];
  readonly provider_config?: readonly BudgetEntry[];
}

export interface WindowLimit {
  readonly limit: number;
  readonly duration: string;
}

export interface RateLimitEntry {
  readonly id: string;
  readonly requests?: WindowLimit;
  readonly tokens?: WindowLimit;
}

export interface RateLimitsSection {
  readonly virtual_key?: readonly RateLimitEntry[];
  readonly provider_config?: readonly RateLimitEntry[];
}

export interface VirtualKeyEntry {
  readonly id: string;
  readonly key?: string;
  readonly account?: string;
  readonly allowed_models?: readonly string[];
  readonly description?: string;
}

/** Dollars per million tokens. */
export interface PriceEntry {
  readonly input: number;
  readonly output: number;
  readonly cache_read?: number;
  readonly cache_write_5m?: number;
  readonly cache_write_1h?: number;
  readonly batch_input?: number;
  readonly batch_output?: number;
}

/**
 * In the file, model names sit beside `unknown_model` and `pricing_file` in one mapping; a TypeScript index
 * signature cannot hold both price entries and those two settings, so the builder takes the models under `models`
 * (as the schema's output does) and writes them back beside the settings.
 */
export interface PricingSection {
  readonly unknown_model?: 'serve' | 'reject';
  readonly pricing_file?: string;
  readonly models?: Readonly<Record<string, PriceEntry>>;
}

export interface RoutingSection {
  readonly retries?: number;
  /** `false` turns fallback off; `true` is the legacy spelling of `same_model`. */
  readonly fallback?: 'same_model' | 'any' | boolean;
  readonly backoff_base_ms?: number;
  readonly backoff_max_ms?: number;
  readonly max_total_ms?: number;
  readonly breaker?: { readonly failures?: number; readonly cooldown_ms?: number };
  readonly timeouts?: TimeoutEntry;
}

export interface GuardEntry {
  readonly virtual_key_id: string;
  readonly max_spend?: number;
  readonly max_requests?: number;
  readonly window: string;
}

export interface AlertDestinationEntry {
  readonly type: 'webhook' | 'slack';
  /** A webhook's http(s) URL, or `env.NAME` holding a Slack URL. */
  readonly url: string;
  /** `env.NAME` of a webhook's signing secret. */
  readonly secret?: string;
}

export interface AlertsSection {
  readonly thresholds?: readonly number[];
  readonly destinations?: readonly AlertDestinationEntry[];
}

export interface TelemetrySection {
  readonly otlp_endpoint: string;
  readonly service_name?: string;
  /** Header name → `env.NAME`. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface BifrostFile {
  readonly accounts: readonly AccountEntry[];
  readonly budgets?: BudgetsSection;
  readonly rate_limits?: RateLimitsSection;
  readonly virtual_keys?: readonly VirtualKeyEntry[];
  readonly pricing?: PricingSection;
  readonly pricing_file?: string;
  readonly store?: { readonly url?: string; readonly journal_fsync?: number | 'off' };
  readonly logging?: {
    readonly retention_days?: number;
    readonly max_records?: number;
    readonly capture_bodies?: boolean;
    readonly max_body_capture_bytes?: number;
  };
  readonly routing?: RoutingSection;
  readonly guards?: readonly GuardEntry[];
  readonly alerts?: AlertsSection;
  readonly telemetry?: TelemetrySection;
}

// Compile-time: each section names exactly the keys the schema reads (values differ: the schema's output holds
// parsed periods and micro-dollars, the file holds text and dollars).
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
type Item<T> = T extends readonly (infer I)[] ? I : never;
type FileProvider = Item<Item<FileConfig['accounts']>['providers']>;
const sectionsMatchSchema: readonly true[] = [
  true satisfies SameKeys<BifrostFile, FileConfig>,
  true satisfies SameKeys<AccountEntry, Item<FileConfig['accounts']>>,
  true satisfies SameKeys<ProviderEntry, FileProvider>,
  true satisfies SameKeys<TimeoutEntry, NonNullable<FileProvider['timeouts']>>,
  true satisfies SameKeys<BudgetsSection, FileConfig['budgets']>,
  true satisfies SameKeys<Item<BudgetsSection['team']>, Item<FileConfig['budgets']['team']>>,
  true satisfies SameKeys<Item<BudgetsSection['virtual_key']>, Item<FileConfig['budgets']['virtual_key']>>,
  true satisfies SameKeys<RateLimitsSection, FileConfig['rate_limits']>,
  true satisfies SameKeys<RateLimitEntry, Item<FileConfig['rate_limits']['virtual_key']>>,
  true satisfies SameKeys<VirtualKeyEntry, Item<FileConfig['virtual_keys']>>,
  true satisfies SameKeys<PricingSection, FileConfig['pricing']>,
  true satisfies SameKeys<PriceEntry, FileConfig['pricing']['models'][string]>,
  true satisfies SameKeys<NonNullable<BifrostFile['logging']>, FileConfig['logging']>,
  true satisfies SameKeys<RoutingSection, FileConfig['routing']>,
  true satisfies SameKeys<GuardEntry, Item<FileConfig['guards']>>,
];
void sectionsMatchSchema;

/** The bifrost.yaml text for `file`, sections in the order given (an absent section is not written). */
export function bifrost(file: BifrostFile): string {
  // Spreading keeps `pricing` in its place among the sections; undefined values are left out by stringify.
  return stringify({ ...file, pricing: file.pricing && filePricing(file.pricing) });
}

/** The file's flat `pricing:` mapping: the settings with each model's prices beside them. */
function filePricing({ models, ...settings }: PricingSection): Record<string, unknown> {
  return { ...settings, ...models };
}
