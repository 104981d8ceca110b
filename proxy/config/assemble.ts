// Turns a validated file into the typed Config the engine uses: camelCase, defaults, resolved paths.
import { resolve } from 'node:path';
import type { FileConfig } from './schema.js';
import type { Account, AlertDestination, AlertSettings, BudgetDef, Config, PriceDef, ProviderConfig, RateLimitDef, Timeouts } from './types.js';
import { collectVirtualKeys } from './virtual-keys.js';

type FileAccount = FileConfig['accounts'][number];
type FileProvider = FileAccount['providers'][number];
type FileBudget = FileConfig['budgets']['customer'][number];
type FileRateLimit = FileConfig['rate_limits']['virtual_key'][number];

function timeoutOverrides(t: FileProvider['timeouts']): Partial<Timeouts> | undefined {
  if (!t) return undefined;
  return {
    ...(t.connect_ms !== undefined && { connectMs: t.connect_ms }),
    ...(t.first_byte_ms !== undefined && { firstByteMs: t.first_byte_ms }),
    ...(t.idle_ms !== undefined && { idleMs: t.idle_ms }),
  };
}

function provider(p: FileProvider, accountId: string): ProviderConfig {
  const timeouts = timeoutOverrides(p.timeouts);
  return {
    id: p.id,
    accountId,
    type: p.type,
    model: p.model,
    weight: p.weight,
    ...(p.region !== undefined && { region: p.region }),
    ...(p.endpoint !== undefined && { endpoint: p.endpoint }),
    ...(p.base_url !== undefined && { baseUrl: p.base_url }),
    ...(p.api_key !== undefined && { apiKey: p.api_key }),
    ...(p.credentials && {
      credentials: {
        ...(p.credentials.profile !== undefined && { profile: p.credentials.profile }),
        ...(p.credentials.role_arn !== undefined && { roleArn: p.credentials.role_arn }),
      },
    }),
    ...(timeouts !== undefined && { timeouts }),
    ...(p.application_inference_profiles && {
      applicationInferenceProfiles: { team: p.application_inference_profiles.team, virtualKey: p.application_inference_profiles.virtual_key },
    }),
  };
}

function account(a: FileAccount): Account {
  return { id: a.id, providers: a.providers.map((p) => provider(p, a.id)) };
}

function budget(b: FileBudget): BudgetDef {
  return { id: b.id, limitMicros: b.limit, period: b.period };
}

function rateLimit(r: FileRateLimit): RateLimitDef {
  return {
    id: r.id,
    ...(r.requests && { requests: { limit: r.requests.limit, duration: r.requests.duration } }),
    ...(r.tokens && { tokens: { limit: r.tokens.limit, duration: r.tokens.duration } }),
  };
}

function priceModels(models: FileConfig['pricing']['models']): Record<string, PriceDef> {
  const out: Record<string, PriceDef> = {};
  for (const [model, p] of Object.entries(models)) {
    out[model] = {
      input: p.input,
      output: p.output,
      ...(p.cache_read !== undefined && { cache_read: p.cache_read }),
      ...(p.cache_write_5m !== undefined && { cache_write_5m: p.cache_write_5m }),
      ...(p.cache_write_1h !== undefined && { cache_write_1h: p.cache_write_1h }),
      ...(p.batch_input !== undefined && { batch_input: p.batch_input }),
      ...(p.batch_output !== undefined && { batch_output: p.batch_output }),
    };
  }
  return out;
}

/** Destinations were checked per type by checkReferences, so the URL shapes hold here. */
function alertDestination(d: NonNullable<FileConfig['alerts']>['destinations'][number]): AlertDestination {
  if (d.type === 'slack') return { type: 'slack', url: { env: d.url.slice('env.'.length) } };
  return { type: 'webhook', url: d.url, ...(d.secret !== undefined && { secret: d.secret }) };
}

function alerts(a: FileConfig['alerts']): AlertSettings | undefined {
  if (a === undefined) return undefined;
  return { thresholds: [...a.thresholds].sort((x, y) => x - y), destinations: a.destinations.map(alertDestination) };
}

/** The typed Config of a file that passed every check; `configDir` anchors relative paths. */
export function assembleConfig(file: FileConfig, configDir: string): Config {
  const pricingFile = file.pricing_file ?? file.pricing.pricing_file;
  const { routing, budgets } = file;
  return {
    accounts: file.accounts.map(account),
    budgets: {
      customer: budgets.customer.map(budget),
      team: budgets.team.map((t) => ({ ...budget(t), ...(t.customer_id !== undefined && { customerId: t.customer_id }) })),
      virtualKey: budgets.virtual_key.map((k) => ({ ...budget(k), ...(k.team_id !== undefined && { teamId: k.team_id }) })),
      providerConfig: budgets.provider_config.map(budget),
    },
    rateLimits: {
      virtualKey: file.rate_limits.virtual_key.map(rateLimit),
      providerConfig: file.rate_limits.provider_config.map(rateLimit),
    },
    virtualKeys: collectVirtualKeys(file).map((k) => k.def),
    pricing: {
      models: priceModels(file.pricing.models),
      ...(pricingFile !== undefined && { file: resolve(configDir, pricingFile) }),
      unknownModel: file.pricing.unknown_model ?? 'serve',
    },
    store: { ...(file.store.url !== undefined && { url: file.store.url }), journalFsync: file.store.journal_fsync },
    logging: {
      retentionDays: file.logging.retention_days,
      maxRecords: file.logging.max_records,
      captureBodies: file.logging.capture_bodies,
      maxBodyCaptureBytes: file.logging.max_body_capture_bytes,
    },
    routing: {
      retries: routing.retries,
      fallback: routing.fallback,
      backoffBaseMs: routing.backoff_base_ms,
      backoffMaxMs: routing.backoff_max_ms,
      maxTotalMs: routing.max_total_ms,
      breaker: { failures: routing.breaker.failures, cooldownMs: routing.breaker.cooldown_ms },
      timeouts: {
        connectMs: routing.timeouts.connect_ms,
        firstByteMs: routing.timeouts.first_byte_ms,
        idleMs: routing.timeouts.idle_ms,
      },
    },
    guards: file.guards.map((g) => ({
      virtualKeyId: g.virtual_key_id,
      ...(g.max_spend !== undefined && { maxSpendMicros: g.max_spend }),
      ...(g.max_requests !== undefined && { maxRequests: g.max_requests }),
      window: g.window,
    })),
    ...(file.alerts !== undefined && { alerts: alerts(file.alerts) }),
    ...(file.telemetry && {
      telemetry: { otlpEndpoint: file.telemetry.otlp_endpoint, serviceName: file.telemetry.service_name, headers: file.telemetry.headers },
    }),
  };
}
