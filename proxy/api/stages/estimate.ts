// The reservation estimate for one attempt: an upper bound of what the request can cost on a target.
import type { ProviderConfig } from '../../config/types.js';
import type { ClientRequest } from '../../providers/types.js';
import { approxInputTokens } from '../../pricing/catalog.js';
import type { ModelPrice } from '../../pricing/catalog.js';
import type { ConfigSnapshot } from '../snapshot.js';
import { MAX_OUTPUT_TOKENS } from '../client-request.js';

const DEFAULT_MAX_OUTPUT = 4096;

function maxOutputTokens(request: ClientRequest): number {
  const body = request.body;
  const inferenceConfig = body.get('inferenceConfig') as { maxTokens?: unknown } | undefined;
  const candidates = [body.get('max_tokens'), body.get('max_completion_tokens'), body.get('max_output_tokens'), inferenceConfig?.maxTokens];
  // Routes that pass bodies through unvalidated (Bedrock invoke) may carry absurd values: cap them so
  // the exact estimate cannot overflow.
  for (const value of candidates) {
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.min(Math.ceil(value), MAX_OUTPUT_TOKENS);
  }
  return DEFAULT_MAX_OUTPUT;
}

/** The price to use for a target: its own, or (unpriced model) the account's most expensive known price. */
export function priceForTarget(s: Pick<ConfigSnapshot, 'prices'>, target: ProviderConfig, accountModels: readonly string[]): { price?: ModelPrice; known: boolean } {
  const own = s.prices.lookup(target.model);
  if (own) return { price: own, known: true };
  return { price: s.prices.mostExpensive(accountModels), known: false };
}

export function estimateReservation(s: Pick<ConfigSnapshot, 'prices'>, request: ClientRequest, price: ModelPrice | undefined): number {
  if (!price) return 0;
  return s.prices.estimateMicros(price, {
    inputTokens: approxInputTokens(request.body.raw.length),
    maxOutputTokens: maxOutputTokens(request),
  });
}
