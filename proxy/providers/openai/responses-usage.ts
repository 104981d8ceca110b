// Responses API usage objects → normalised Usage: cached input tokens are reads, cache writes are writes, the rest
// uncached input; reasoning tokens are part of output_tokens and billed as output.
import type { Usage } from '../../core/usage.js';
import { parseJsonObject } from '../http/json.js';
import { tokenCount } from './usage.js';

export interface ResponsesUsageFields {
  readonly input_tokens?: number | null;
  readonly input_tokens_details?: { readonly cached_tokens?: number | null; readonly cache_write_tokens?: number | null } | null;
  readonly output_tokens?: number | null;
  readonly output_tokens_details?: { readonly reasoning_tokens?: number | null } | null;
}

/** null when `raw` is not a usage object. `input_tokens` includes the cached and cache-written tokens. */
export function responsesUsage(raw: unknown): Usage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const fields = raw as ResponsesUsageFields;
  const input = tokenCount(fields.input_tokens);
  const cached = Math.min(input, tokenCount(fields.input_tokens_details?.cached_tokens));
  const written = Math.min(input - cached, tokenCount(fields.input_tokens_details?.cache_write_tokens));
  return {
    inputTokens: input - cached - written,
    outputTokens: tokenCount(fields.output_tokens),
    cacheReadTokens: cached,
    // OpenAI's prompt cache has no 1-hour write tier; a model without a write price bills writes at its input rate.
    cacheWrite5mTokens: written,
    cacheWrite1hTokens: 0,
  };
}

/** Why a response stopped: `completed`, or the reason it is incomplete (`max_output_tokens`, `content_filter`). */
export function responseStopReason(response: Readonly<Record<string, unknown>>): string | undefined {
  const details = response.incomplete_details as { reason?: unknown } | null | undefined;
  if (typeof details?.reason === 'string') return details.reason;
  return typeof response.status === 'string' ? response.status : undefined;
}

/** Usage and stop reason of a JSON response object (`/v1/responses`) or compaction (`/v1/responses/compact`). */
export function responsesJsonResult(body: Buffer): { readonly usage: Usage | null; readonly stopReason?: string } {
  const response = parseJsonObject(body);
  if (response === null) return { usage: null };
  return { usage: responsesUsage(response.usage), stopReason: responseStopReason(response) };
}
