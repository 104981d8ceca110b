// OpenAI usage objects → normalised Usage: cached prompt tokens are reads, the rest uncached input.
import type { Usage } from '../../core/usage.js';
import { parseJsonObject } from '../http/json.js';

export interface OpenAIUsageFields {
  readonly prompt_tokens?: number | null;
  readonly completion_tokens?: number | null;
  readonly prompt_tokens_details?: { readonly cached_tokens?: number | null } | null;
}

/** A token count from an upstream usage field: a non-negative integer, 0 for anything else. */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : 0;
}

/** null when `raw` is not a usage object. Reasoning tokens are part of completion_tokens and billed as output. */
export function openaiUsage(raw: unknown): Usage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const fields = raw as OpenAIUsageFields;
  const prompt = tokenCount(fields.prompt_tokens);
  const cached = Math.min(prompt, tokenCount(fields.prompt_tokens_details?.cached_tokens));
  return {
    inputTokens: prompt - cached,
    outputTokens: tokenCount(fields.completion_tokens),
    cacheReadTokens: cached,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
  };
}

/** Usage and finish reason of a JSON chat completion. */
export function openaiJsonResult(body: Buffer): { readonly usage: Usage | null; readonly stopReason?: string } {
  const completion = parseJsonObject(body);
  if (completion === null) return { usage: null };
  return { usage: openaiUsage(completion.usage), stopReason: firstFinishReason(completion.choices) };
}

export function firstFinishReason(choices: unknown): string | undefined {
  if (!Array.isArray(choices)) return undefined;
  for (const choice of choices) {
    const reason = (choice as { finish_reason?: unknown } | null)?.finish_reason;
    if (typeof reason === 'string') return reason;
  }
  return undefined;
}
