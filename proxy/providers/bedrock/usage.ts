// Bedrock usage → normalised Usage: Converse `usage` (with cache details) and the invoke stream's invocation metrics.
import type { TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../../core/usage.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : 0;
}

/** Converse `usage`: inputTokens already excludes cache reads and writes; writes split by TTL when detailed. */
export function converseUsage(usage: TokenUsage | undefined): Usage | null {
  if (usage === undefined) return null;
  const writes = count(usage.cacheWriteInputTokens);
  let write1h = 0;
  for (const detail of usage.cacheDetails ?? []) if (detail.ttl === '1h') write1h += count(detail.inputTokens);
  write1h = Math.min(write1h, writes);
  return {
    inputTokens: count(usage.inputTokens),
    outputTokens: count(usage.outputTokens),
    cacheReadTokens: count(usage.cacheReadInputTokens),
    cacheWrite5mTokens: writes - write1h,
    cacheWrite1hTokens: write1h,
  };
}

/** The `amazon-bedrock-invocationMetrics` object Bedrock appends to the last chunk of an invoke stream. */
export function invocationMetricsUsage(chunk: unknown): Usage | null {
  if (typeof chunk !== 'object' || chunk === null) return null;
  const metrics = (chunk as Record<string, unknown>)['amazon-bedrock-invocationMetrics'];
  if (typeof metrics !== 'object' || metrics === null) return null;
  const m = metrics as Record<string, unknown>;
  return {
    inputTokens: count(m.inputTokenCount),
    outputTokens: count(m.outputTokenCount),
    cacheReadTokens: count(m.cacheReadInputTokenCount),
    cacheWrite5mTokens: count(m.cacheWriteInputTokenCount),
    cacheWrite1hTokens: 0,
  };
}

/** InvokeModel's `x-amzn-bedrock-*-token-count` response headers, for models whose body carries no usage. */
export function headerUsage(headers: Readonly<Record<string, string | undefined>>): Usage | null {
  const input = headers['x-amzn-bedrock-input-token-count'];
  const output = headers['x-amzn-bedrock-output-token-count'];
  if (input === undefined && output === undefined) return null;
  return {
    inputTokens: count(Number(input)),
    outputTokens: count(Number(output)),
    cacheReadTokens: count(Number(headers['x-amzn-bedrock-cache-read-input-token-count'])),
    cacheWrite5mTokens: count(Number(headers['x-amzn-bedrock-cache-write-input-token-count'])),
    cacheWrite1hTokens: 0,
  };
}

/** The Anthropic `usage` object for a Usage (as a translated Messages answer reports it). */
export function anthropicUsageObject(usage: Usage): Record<string, number | Record<string, number>> {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWrite5mTokens + usage.cacheWrite1hTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: usage.cacheWrite5mTokens,
      ephemeral_1h_input_tokens: usage.cacheWrite1hTokens,
    },
  };
}

/** The OpenAI `usage` object: prompt tokens include cached ones. */
export function openaiUsageObject(usage: Usage): Record<string, number | Record<string, number>> {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWrite5mTokens + usage.cacheWrite1hTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
  };
}
