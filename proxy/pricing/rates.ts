// Price shapes: what a source states (PriceEntry) and the resolved per-token rate cards a request is priced with (ModelPrice).
//
// Unit: integer pico-dollars (1e-12 USD) per token. 1 $/million tokens = 1 000 000 pico-dollars per
// token, so every published price (at most six decimals in $/M) is an exact integer. Rates are plain
// numbers: checked to be safe integers (any real price is below 1e12 pico-dollars per token);
// products of tokens × rate are computed as BigInt in cost.ts because they can pass 2^53.

import { divideHalfUp, parseDecimalUnits, toSafeNumber } from './exact.js';

/** Pico-dollars per token for each kind of token one request can bill. */
export interface RateCard {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
}

/** Rates as a source states them (pico-dollars per token); absent rates take the defaults of `resolvePrice`. */
export interface StatedRates {
  readonly input: number;
  readonly output: number;
  readonly cacheRead?: number;
  readonly cacheWrite5m?: number;
  readonly cacheWrite1h?: number;
}

/** A long-context tier: applies to every token of a request whose prompt exceeds `thresholdTokens`. */
export interface StatedLongContext extends StatedRates {
  readonly thresholdTokens: number;
}

export interface PriceEntry extends StatedRates {
  readonly batchInput?: number;
  readonly batchOutput?: number;
  readonly longContext?: StatedLongContext;
  readonly sourceUrl?: string;
  readonly asOf?: string;
}

/** Where a price came from, in precedence order: config beats the price file beats the built-in catalog. */
export type PriceOrigin = 'config' | 'price_file' | 'catalog';

export interface TierRates {
  readonly standard: RateCard;
  /** Batch API rates: the batch discount applies to cache reads and writes as well. */
  readonly batch: RateCard;
}

export interface ModelPrice extends TierRates {
  /** The price-table key the model matched (may differ from the id asked for). */
  readonly modelId: string;
  readonly origin: PriceOrigin;
  readonly longContext?: TierRates & { readonly thresholdTokens: number };
  readonly sourceUrl?: string;
  readonly asOf?: string;
}

const PICO_PER_DOLLAR_PER_MILLION = 6; // $/M tokens → pico-dollars per token is a shift of 10^6.

/** Dollars per million tokens (as written in the catalog or config) → integer pico-dollars per token, exactly. */
export function perMillionToPico(dollarsPerMillion: number | string, what = 'price'): number {
  const pico = parseDecimalUnits(dollarsPerMillion, PICO_PER_DOLLAR_PER_MILLION);
  if (pico < 0n) throw new RangeError(`${what} must not be negative: ${dollarsPerMillion}`);
  return toSafeNumber(pico, what);
}

/** rate × num / den, rounded half up to the pico-dollar (a sub-1e-12 $/token difference). */
function scale(rate: number, num: number, den: number): number {
  if (den === 0) return rate;
  return Number(divideHalfUp(BigInt(rate) * BigInt(num), BigInt(den)));
}

function card(stated: StatedRates, fallback?: { base: RateCard; input: number }): RateCard {
  // A missing cache rate means the provider bills that token as plain input (OpenAI cache writes,
  // models without caching) — never $0. Inside a long-context tier it scales the base cache rate.
  const inherited = (pick: (c: RateCard) => number): number | undefined =>
    fallback ? scale(pick(fallback.base), stated.input, fallback.input) : undefined;
  const cacheWrite5m = stated.cacheWrite5m ?? inherited((c) => c.cacheWrite5m) ?? stated.input;
  return {
    input: stated.input,
    output: stated.output,
    cacheRead: stated.cacheRead ?? inherited((c) => c.cacheRead) ?? stated.input,
    cacheWrite5m,
    cacheWrite1h: stated.cacheWrite1h ?? inherited((c) => c.cacheWrite1h) ?? cacheWrite5m,
  };
}

/** num/den of a stated batch rate to its standard rate; 1/2 (the usual 50% batch discount) when unstated. */
function batchRatio(stated: number | undefined, base: number): readonly [number, number] {
  return stated === undefined || base === 0 ? [1, 2] : [stated, base];
}

/** Batch rates: input-side rates (cache too) scale with batch input ÷ input, output with batch output ÷ output. */
function batchCard(standard: RateCard, base: RateCard, entry: PriceEntry): RateCard {
  const [inNum, inDen] = batchRatio(entry.batchInput, base.input);
  const [outNum, outDen] = batchRatio(entry.batchOutput, base.output);
  return {
    input: scale(standard.input, inNum, inDen),
    output: scale(standard.output, outNum, outDen),
    cacheRead: scale(standard.cacheRead, inNum, inDen),
    cacheWrite5m: scale(standard.cacheWrite5m, inNum, inDen),
    cacheWrite1h: scale(standard.cacheWrite1h, inNum, inDen),
  };
}

function checkRates(modelId: string, rates: object): void {
  for (const [name, value] of Object.entries(rates)) {
    if (typeof value !== 'number' || name === 'thresholdTokens') continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`price of "${modelId}": ${name} must be a non-negative integer of pico-dollars per token, got ${value}`);
    }
  }
}

/** Resolves a stated price into the rate cards `priceRequest` uses, filling defaults as documented above. */
export function resolvePrice(modelId: string, origin: PriceOrigin, entry: PriceEntry): ModelPrice {
  checkRates(modelId, entry);
  const standard = card(entry);
  const tier = entry.longContext;
  let longContext: ModelPrice['longContext'];
  if (tier) {
    checkRates(modelId, tier);
    if (!Number.isSafeInteger(tier.thresholdTokens) || tier.thresholdTokens <= 0) {
      throw new RangeError(`price of "${modelId}": long-context threshold must be a positive integer`);
    }
    const tierStandard = card(tier, { base: standard, input: entry.input });
    longContext = { thresholdTokens: tier.thresholdTokens, standard: tierStandard, batch: batchCard(tierStandard, standard, entry) };
  }
  return {
    modelId,
    origin,
    standard,
    batch: batchCard(standard, standard, entry),
    ...(longContext ? { longContext } : {}),
    ...(entry.sourceUrl ? { sourceUrl: entry.sourceUrl } : {}),
    ...(entry.asOf ? { asOf: entry.asOf } : {}),
  };
}
