// The attribute, metric and event names spendgate exports: OpenTelemetry's GenAI conventions and its own `spendgate.*`.
import type { ProviderType } from '../config/types.js';

/**
 * GenAI semantic-convention names as `@opentelemetry/semantic-conventions` 1.45 defines them (its `incubating`
 * entry; test/telemetry/names.test.ts checks they still match). Spelled out here rather than imported so the engine
 * does not bundle the incubating module's thousands of constants for a dozen strings.
 */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  /** The current name of the provider attribute (semconv 1.37+). */
  providerName: 'gen_ai.provider.name',
  /** Its deprecated predecessor, still set because many backends (and dashboards built on them) only read this one. */
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  finishReasons: 'gen_ai.response.finish_reasons',
  /** All input tokens, cached ones included (the convention says so; spendgate's own counts exclude them). */
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  tokenType: 'gen_ai.token.type',
} as const;

/** Stable (non-GenAI) semantic-convention names. */
export const ERROR_TYPE = 'error.type';
export const HTTP_STATUS = 'http.response.status_code';

/** `gen_ai.operation.name` for every chat-style route; count_tokens has no convention value, so it keeps its own name. */
export const OPERATION_CHAT = 'chat';
export const OPERATION_COUNT_TOKENS = 'count_tokens';

/** `gen_ai.provider.name` well-known values per provider type. */
export const PROVIDER_NAMES: Readonly<Record<ProviderType, string>> = {
  anthropic: 'anthropic',
  openai: 'openai',
  bedrock: 'aws.bedrock',
};

export const TOKEN_TYPE = { input: 'input', output: 'output' } as const;

/** spendgate's own attributes (never prompt or completion text, never a secret). */
export const SPENDGATE = {
  requestId: 'spendgate.request.id',
  virtualKey: 'spendgate.virtual_key.id',
  team: 'spendgate.team.id',
  customer: 'spendgate.customer.id',
  account: 'spendgate.account.id',
  providerConfig: 'spendgate.provider_config.id',
  route: 'spendgate.route',
  stream: 'spendgate.stream',
  costUsd: 'spendgate.cost.usd',
  costMicros: 'spendgate.cost.micros',
  missingCost: 'spendgate.cost.missing',
  uncachedInputTokens: 'spendgate.usage.uncached_input_tokens',
  cacheReadTokens: 'spendgate.usage.cache_read_tokens',
  cacheWrite5mTokens: 'spendgate.usage.cache_write_5m_tokens',
  cacheWrite1hTokens: 'spendgate.usage.cache_write_1h_tokens',
  attempts: 'spendgate.attempts',
  adapted: 'spendgate.adapted',
  attempt: 'spendgate.attempt',
  upstreamMs: 'spendgate.upstream_ms',
  ttftMs: 'spendgate.ttft_ms',
  tagPrefix: 'spendgate.tag.',
} as const;

/** One span event per upstream attempt. */
export const ATTEMPT_EVENT = 'spendgate.attempt';

export const METRICS = {
  tokenUsage: 'gen_ai.client.token.usage',
  operationDuration: 'gen_ai.client.operation.duration',
  cost: 'spendgate.cost',
  requests: 'spendgate.requests',
} as const;

/** The convention's advised bucket boundaries for the two GenAI histograms. */
export const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
