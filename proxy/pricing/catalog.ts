// Pricing's entry point: builds the price book for a config (reading its price file) and re-exports the pricing API.
import { readFile } from 'node:fs/promises';
import type { PricingSettings } from '../config/types.js';
import { PriceBook } from './price-book.js';

export { PriceBook, configEntry } from './price-book.js';
export type { PriceBookSources } from './price-book.js';
export type { ModelPrice, PriceOrigin, RateCard } from './rates.js';
export type { PriceTable } from './builtin.js';
export type { PriceFileProblem } from './litellm.js';
export type { EstimateInput } from './estimate.js';
export { approxInputTokens, estimateMicros } from './estimate.js';

/**
 * The price book for `pricing` settings: config prices, then `settings.file` (LiteLLM format) if
 * set, then the built-in catalog. Rejects when the price file cannot be read; entries of a readable
 * file that cannot be used are left out and listed in `book.problems` for the caller to report.
 */
export async function buildPriceBook(settings: PricingSettings): Promise<PriceBook> {
  if (settings.file === undefined) return PriceBook.fromSettings(settings);
  let text: string;
  try {
    text = await readFile(settings.file, 'utf8');
  } catch (error) {
    throw new Error(`pricing_file ${settings.file}: ${(error as Error).message}`, { cause: error });
  }
  return PriceBook.fromSettings(settings, text);
}
