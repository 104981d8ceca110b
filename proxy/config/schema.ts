// The shape of bifrost.yaml as written (snake_case keys), validated with zod at the config edge.
import { z } from 'zod';
import {
  apiKeyRef,
  boolean,
  dollarsAsMicros,
  envSecret,
  fallbackPolicy,
  headerSecret,
  httpUrl,
  keySecret,
  listOf,
  millisecondsOrOff,
  nonNegativeInt,
  oneOf,
  optional,
  period,
  positiveInt,
  positiveNumber,
  percent,
  price,
  required,
  text,
  withDefault,
} from './fields.js';

/**
 * Log records the embedded store keeps by default. A record costs about 0.8 KiB in the database (more with captured
 * bodies), and a snapshot export briefly holds a second copy of the image: measured over 250 000 requests, the
 * gateway's peak RSS stayed at 342 MiB with 50 000 records and reached 439 MiB with 100 000 (bench/findings.md).
 * 50 000 keeps it under 400 MiB however long the gateway runs: weeks of one developer's Claude Code traffic.
 */
export const DEFAULT_MAX_LOG_RECORDS = 50_000;

/** Top-level sections the loader understands; any other top-level key is only a warning. */
export const TOP_LEVEL_KEYS = [
  'accounts',
  'budgets',
  'rate_limits',
  'virtual_keys',
  'pricing',
  'pricing_file',
  'store',
  'logging',
  'routing',
  'guards',
  'alerts',
  'telemetry',
] as const;

/** The thresholds alerts fire at when the section does not list its own (docs/alerts.md). */
export const DEFAULT_ALERT_THRESHOLDS: readonly number[] = [50, 80, 95, 100];

function orEmptyMap<S extends z.ZodType>(schema: S) {
  return z.preprocess((v) => (v === undefined || v === null ? {} : v), schema);
}

function listOfItems<S extends z.ZodType>(item: S) {
  return z.preprocess((v) => (v === undefined || v === null ? [] : v), z.array(item));
}

const timeoutOverrides = z.strictObject({
  connect_ms: optional(positiveInt),
  first_byte_ms: optional(positiveInt),
  idle_ms: optional(positiveInt),
});

const providerSchema = z.strictObject({
  id: required(text),
  type: required(oneOf(['bedrock', 'anthropic', 'openai'] as const)),
  model: required(text),
  weight: withDefault(positiveNumber, 1),
  region: optional(text),
  endpoint: optional(httpUrl),
  base_url: optional(httpUrl),
  api_key: optional(apiKeyRef),
  credentials: z.strictObject({ profile: optional(text), role_arn: optional(text) }).nullish(),
  timeouts: timeoutOverrides.nullish(),
  // Team or virtual key id → the application inference profile ARN their requests are sent through (cost attribution).
  application_inference_profiles: z
    .strictObject({
      team: orEmptyMap(z.record(z.string(), required(text))),
      virtual_key: orEmptyMap(z.record(z.string(), required(text))),
    })
    .nullish(),
});

const accountSchema = z.strictObject({
  id: required(text),
  providers: listOfItems(providerSchema),
});

const budgetFields = { id: required(text), limit: required(dollarsAsMicros), period: required(period) };

const budgetsSchema = z.strictObject({
  customer: listOfItems(z.strictObject(budgetFields)),
  team: listOfItems(z.strictObject({ ...budgetFields, customer_id: optional(text) })),
  virtual_key: listOfItems(z.strictObject({ ...budgetFields, team_id: optional(text) })),
  provider_config: listOfItems(z.strictObject(budgetFields)),
});

const windowLimitSchema = z.strictObject({ limit: required(positiveInt), duration: required(period) });

const rateLimitSchema = z.strictObject({
  id: required(text),
  requests: windowLimitSchema.nullish(),
  tokens: windowLimitSchema.nullish(),
});

const rateLimitsSchema = z.strictObject({
  virtual_key: listOfItems(rateLimitSchema),
  provider_config: listOfItems(rateLimitSchema),
});

const virtualKeySchema = z.strictObject({
  id: required(text),
  key: optional(keySecret),
  account: optional(text),
  allowed_models: optional(listOf(text, 'a model name')),
  description: optional(text),
});

const priceSchema = z.strictObject({
  input: required(price),
  output: required(price),
  cache_read: optional(price),
  cache_write_5m: optional(price),
  cache_write_1h: optional(price),
  batch_input: optional(price),
  batch_output: optional(price),
});

/** Inside `pricing:`, unknown_model and pricing_file configure pricing; every other key names a model. */
const pricingSchema = z
  .object({
    unknown_model: optional(oneOf(['serve', 'reject'] as const)),
    pricing_file: optional(text),
  })
  .catchall(priceSchema)
  .transform(({ unknown_model, pricing_file, ...models }) => ({ unknown_model, pricing_file, models }));

const routingSchema = z.strictObject({
  retries: withDefault(nonNegativeInt, 2),
  fallback: withDefault(fallbackPolicy, 'same_model'),
  backoff_base_ms: withDefault(nonNegativeInt, 100),
  backoff_max_ms: withDefault(nonNegativeInt, 2000),
  max_total_ms: withDefault(positiveInt, 60_000),
  breaker: orEmptyMap(
    z.strictObject({
      failures: withDefault(positiveInt, 5),
      cooldown_ms: withDefault(nonNegativeInt, 30_000),
    }),
  ),
  timeouts: orEmptyMap(
    z.strictObject({
      connect_ms: withDefault(positiveInt, 10_000),
      first_byte_ms: withDefault(positiveInt, 120_000),
      idle_ms: withDefault(positiveInt, 120_000),
    }),
  ),
});

const guardSchema = z.strictObject({
  virtual_key_id: required(text),
  max_spend: optional(dollarsAsMicros),
  max_requests: optional(positiveInt),
  window: required(period),
});

/**
 * One alert destination. `url` is checked per type in references.ts (a webhook's is an http(s) URL, a Slack URL
 * is a secret and so only `env.NAME`), where the problem can still point at the value.
 */
const alertDestinationSchema = z.strictObject({
  type: required(oneOf(['webhook', 'slack'] as const)),
  url: required(text),
  secret: optional(envSecret),
});

const alertsSchema = z.strictObject({
  // Item by item, so a bad threshold is reported at its own line and column.
  thresholds: z.preprocess((v) => (v === undefined || v === null ? [...DEFAULT_ALERT_THRESHOLDS] : v), z.array(required(percent))),
  destinations: listOfItems(alertDestinationSchema),
});

/** An HTTP header name (RFC 9110 token): anything else would make every export fail at request time. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const telemetrySchema = z.strictObject({
  otlp_endpoint: required(httpUrl),
  service_name: withDefault(text, 'spendgate'),
  headers: orEmptyMap(
    z.record(z.string(), required(headerSecret)).superRefine((headers, ctx) => {
      for (const name of Object.keys(headers)) {
        if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a valid HTTP header name`, input: name });
      }
    }),
  ),
});

/** Unknown top-level keys are stripped here and reported as warnings by the loader. */
export const fileSchema = z.object({
  accounts: listOfItems(accountSchema),
  budgets: orEmptyMap(budgetsSchema),
  rate_limits: orEmptyMap(rateLimitsSchema),
  virtual_keys: listOfItems(virtualKeySchema),
  pricing: orEmptyMap(pricingSchema),
  pricing_file: optional(text),
  store: orEmptyMap(
    z.strictObject({
      url: optional(text),
      // fdatasync of the embedded store's journal every N ms (a write alone survives kill -9; this covers power loss).
      journal_fsync: withDefault(millisecondsOrOff, 1000),
    }),
  ),
  logging: orEmptyMap(
    z.strictObject({
      retention_days: withDefault(positiveInt, 30),
      // The embedded store keeps at most this many log records in memory; older ones are dropped, totals stay exact.
      max_records: withDefault(positiveInt, DEFAULT_MAX_LOG_RECORDS),
      capture_bodies: withDefault(boolean, false),
      // Bytes of each captured body kept per record (256 KiB by default); longer bodies are cut and marked as cut,
      // so one large request cannot take megabytes of memory and disk in the log.
      max_body_capture_bytes: withDefault(positiveInt, 256 * 1024),
    }),
  ),
  routing: orEmptyMap(routingSchema),
  guards: listOfItems(guardSchema),
  // Absent stays absent: without the section nothing is sent (an empty `alerts:` turns them on with the defaults).
  alerts: z.preprocess((v) => (v === null ? {} : v), alertsSchema.optional()),
  // Absent or empty (`telemetry:`) means off.
  telemetry: telemetrySchema.nullish(),
});

export type FileConfig = z.output<typeof fileSchema>;
