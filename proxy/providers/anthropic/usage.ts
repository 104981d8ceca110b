// Anthropic usage objects → normalised Usage (input excludes cache reads and writes; writes split 5m/1h).
import type { Usage } from '../../core/usage.js';
import { ZERO_USAGE } from '../../core/usage.js';
import { parseJsonObject } from '../http/json.js';

/** The usage fields Anthropic sends in message JSON, `message_start` and `message_delta`. */
export interface AnthropicUsageFields {
  readonly input_tokens?: number | null;
  readonly output_tokens?: number | null;
  readonly cache_creation_input_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
  readonly cache_creation?: {
    readonly ephemeral_5m_input_tokens?: number | null;
    readonly ephemeral_1h_input_tokens?: number | null;
  } | null;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : undefined;
}

/**
 * Applies the fields present in `raw` over `base` (a stream's `message_delta` carries cumulative counts for the
 * fields it names). Cache writes use the `cache_creation` split when present, else all count as 5-minute writes.
 */
export function anthropicUsage(raw: unknown, base: Usage = ZERO_USAGE): Usage {
  if (typeof raw !== 'object' || raw === null) return base;
  const fields = raw as AnthropicUsageFields;
  let cacheWrite5mTokens = base.cacheWrite5mTokens;
  let cacheWrite1hTokens = base.cacheWrite1hTokens;
  const totalWrites = count(fields.cache_creation_input_tokens);
  const split = fields.cache_creation;
  if (split !== undefined && split !== null && typeof split === 'object') {
    cacheWrite1hTokens = count(split.ephemeral_1h_input_tokens) ?? 0;
    cacheWrite5mTokens = count(split.ephemeral_5m_input_tokens) ?? 0;
    // Writes the split does not account for are billed at the 5-minute rate, the API's default TTL.
    if (totalWrites !== undefined && totalWrites > cacheWrite5mTokens + cacheWrite1hTokens) {
      cacheWrite5mTokens = totalWrites - cacheWrite1hTokens;
    }
  } else if (totalWrites !== undefined) {
    cacheWrite5mTokens = totalWrites;
    cacheWrite1hTokens = 0;
  }
  return {
    inputTokens: count(fields.input_tokens) ?? base.inputTokens,
    outputTokens: count(fields.output_tokens) ?? base.outputTokens,
    cacheReadTokens: count(fields.cache_read_input_tokens) ?? base.cacheReadTokens,
    cacheWrite5mTokens,
    cacheWrite1hTokens,
  };
}

/** Usage and stop reason of a JSON Messages answer; null usage for answers without one (count_tokens). */
export function anthropicJsonResult(body: Buffer): { readonly usage: Usage | null; readonly stopReason?: string } {
  const message = parseJsonObject(body);
  if (message === null || typeof message.usage !== 'object' || message.usage === null) return { usage: null };
  return {
    usage: anthropicUsage(message.usage),
    stopReason: typeof message.stop_reason === 'string' ? message.stop_reason : undefined,
  };
}
