// The exact cost of one request: usage × the model's rates, in integer micro-dollars.
import type { Usage } from '../core/usage.js';
import { divideHalfUp, toSafeNumber } from './exact.js';
import type { ModelPrice, RateCard } from './rates.js';

/** Itemised cost in integer micro-dollars. `total` is the sum of the items. */
export interface CostMicros {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  readonly total: number;
}

const PICO_PER_MICRO = 1_000_000n;

function tokenCount(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  return BigInt(value);
}

/** One item: tokens × pico-dollar rate (BigInt: the product can pass 2^53), rounded half up to the micro-dollar once. */
function itemMicros(tokens: number, picoPerToken: number, what: string): number {
  return toSafeNumber(divideHalfUp(tokenCount(tokens, what) * BigInt(picoPerToken), PICO_PER_MICRO), `cost of ${what}`);
}

/** The prompt size that selects a long-context tier: every input-side token, cached or not. */
function promptTokens(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWrite5mTokens + usage.cacheWrite1hTokens;
}

function rateCard(price: ModelPrice, usage: Usage, batch: boolean): RateCard {
  // As Anthropic bills it: past the threshold the tier's rates apply to all tokens of the request.
  const tier = price.longContext && promptTokens(usage) > price.longContext.thresholdTokens ? price.longContext : price;
  return batch ? tier.batch : tier.standard;
}

/**
 * Prices one request. Each item is rounded half up to the micro-dollar exactly once and `total` is
 * the sum of the rounded items, so totals (and sums of totals) are exact integers.
 * Throws RangeError for token counts that are not non-negative integers.
 */
export function priceRequest(price: ModelPrice, usage: Usage, opts: { readonly batch?: boolean } = {}): CostMicros {
  return costAtRates(rateCard(price, usage, opts.batch === true), usage);
}

/**
 * Usage × one rate card, each item rounded half up to the micro-dollar once. No tier is chosen from the usage, so
 * this also prices sums of many requests (a day's tokens) at a model's standard rates.
 */
export function costAtRates(rates: RateCard, usage: Usage): CostMicros {
  const input = itemMicros(usage.inputTokens, rates.input, 'input tokens');
  const output = itemMicros(usage.outputTokens, rates.output, 'output tokens');
  const cacheRead = itemMicros(usage.cacheReadTokens, rates.cacheRead, 'cache read tokens');
  const cacheWrite5m = itemMicros(usage.cacheWrite5mTokens, rates.cacheWrite5m, 'cache write (5m) tokens');
  const cacheWrite1h = itemMicros(usage.cacheWrite1hTokens, rates.cacheWrite1h, 'cache write (1h) tokens');
  return { input, output, cacheRead, cacheWrite5m, cacheWrite1h, total: input + output + cacheRead + cacheWrite5m + cacheWrite1h };
}
