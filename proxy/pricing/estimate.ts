// Admission estimates: an upper bound of what a request can cost, before its usage is known.
import { divideCeil, toSafeNumber } from './exact.js';
import type { ModelPrice } from './rates.js';

export interface EstimateInput {
  /** Prompt tokens (an approximation is fine: see approxInputTokens). */
  readonly inputTokens: number;
  /** The request's output cap (max_tokens). */
  readonly maxOutputTokens: number;
}

const PICO_PER_MICRO = 1_000_000n;
/**
 * A prompt split over the four input-side kinds is billed as four items, each rounded half up;
 * their sum can exceed the rounded-up whole by at most 3 micro-dollars.
 */
const SPLIT_ROUNDING_MICROS = 3n;
const BYTES_PER_TOKEN = 3;

function tokens(value: number): bigint {
  return BigInt(Number.isFinite(value) && value > 0 ? Math.ceil(value) : 0);
}

/**
 * The reservation for a request: every prompt token at the dearest input-side rate (a cache write
 * can cost up to 2× input, a cache read less) plus the full output cap at the output rate, using
 * the long-context tier when the prompt exceeds its threshold; each part rounded up. Never less
 * than what the request can actually cost in standard (non-batch) mode with at most that many
 * prompt and output tokens.
 */
export function estimateMicros(price: ModelPrice, request: EstimateInput): number {
  const input = tokens(request.inputTokens);
  const tier = price.longContext && input > BigInt(price.longContext.thresholdTokens) ? price.longContext : price;
  const rates = tier.standard;
  const inputRate = Math.max(rates.input, rates.cacheRead, rates.cacheWrite5m, rates.cacheWrite1h);
  const inputMicros = divideCeil(input * BigInt(inputRate), PICO_PER_MICRO) + (input > 0n ? SPLIT_ROUNDING_MICROS : 0n);
  const outputMicros = divideCeil(tokens(request.maxOutputTokens) * BigInt(rates.output), PICO_PER_MICRO);
  return toSafeNumber(inputMicros + outputMicros, 'estimated cost');
}

/**
 * Prompt tokens guessed from the raw request body size: bytes ÷ 3, rounded up. Deliberately
 * generous — English text runs ~4 bytes per token and JSON framing adds bytes that are not tokens —
 * so the reservation it feeds errs high, never low.
 */
export function approxInputTokens(rawBodyBytes: number): number {
  if (!Number.isFinite(rawBodyBytes) || rawBodyBytes <= 0) return 0;
  return Math.ceil(rawBodyBytes / BYTES_PER_TOKEN);
}
