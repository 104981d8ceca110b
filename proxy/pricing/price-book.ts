// The price book (pure): config prices over a LiteLLM price file over the built-in catalog, with model-id matching.
import type { PriceDef, PricingSettings } from '../config/types.js';
import { builtinCatalog } from './builtin.js';
import type { PriceTable } from './builtin.js';
import { estimateMicros } from './estimate.js';
import type { EstimateInput } from './estimate.js';
import { parseLiteLlmPrices } from './litellm.js';
import type { PriceFileProblem } from './litellm.js';
import { claudeName, idVariants, isProfileOrArn } from '../core/model-id.js';
import { perMillionToPico, resolvePrice } from './rates.js';
import type { ModelPrice, PriceEntry, PriceOrigin } from './rates.js';

export interface PriceBookSources {
  /** Defaults to the built-in catalog. */
  readonly catalog?: PriceTable;
  /** Entries of a LiteLLM-format price file (see parseLiteLlmPrices). */
  readonly file?: PriceTable;
  /** `pricing:` from bifrost.yaml, dollars per million tokens. */
  readonly config?: Readonly<Record<string, PriceDef>>;
  /** Price-file entries that were left out, kept for whoever reports them. */
  readonly fileProblems?: readonly PriceFileProblem[];
}

/** A config price (dollars per million tokens) as an entry. A config price replaces the model's whole price. */
export function configEntry(model: string, def: PriceDef): PriceEntry {
  const pico = (value: number | undefined, field: string): number | undefined =>
    value === undefined ? undefined : perMillionToPico(value, `pricing.${model}.${field}`);
  return {
    input: perMillionToPico(def.input, `pricing.${model}.input`),
    output: perMillionToPico(def.output, `pricing.${model}.output`),
    cacheRead: pico(def.cache_read, 'cache_read'),
    cacheWrite5m: pico(def.cache_write_5m, 'cache_write_5m'),
    cacheWrite1h: pico(def.cache_write_1h, 'cache_write_1h'),
    batchInput: pico(def.batch_input, 'batch_input'),
    batchOutput: pico(def.batch_output, 'batch_output'),
  };
}

/** One source's prices, searchable by every id form that names a model. */
class PriceLayer {
  private readonly resolved = new Map<string, ModelPrice>();
  /** Claude name → the table key of its base (non-profile) model id. */
  private readonly byClaudeName = new Map<string, string>();

  constructor(
    private readonly origin: PriceOrigin,
    private readonly table: PriceTable,
  ) {
    for (const key of table.keys()) {
      const name = isProfileOrArn(key) ? undefined : claudeName(key);
      if (name !== undefined && !this.byClaudeName.has(name)) this.byClaudeName.set(name, key);
    }
  }

  find(variants: readonly string[]): ModelPrice | undefined {
    for (const id of variants) if (this.table.has(id)) return this.price(id);
    const name = claudeName(variants[variants.length - 1]);
    const key = name === undefined ? undefined : this.byClaudeName.get(name);
    return key === undefined ? undefined : this.price(key);
  }

  private price(key: string): ModelPrice {
    let price = this.resolved.get(key);
    if (!price) {
      price = resolvePrice(key, this.origin, this.table.get(key) as PriceEntry);
      this.resolved.set(key, price);
    }
    return price;
  }
}

export class PriceBook {
  /** Highest precedence first. */
  private readonly layers: readonly PriceLayer[];
  /** Price-file entries that could not be used (each names its key). */
  readonly problems: readonly PriceFileProblem[];

  constructor(sources: PriceBookSources = {}) {
    this.problems = sources.fileProblems ?? [];
    const config = new Map(Object.entries(sources.config ?? {}).map(([model, def]) => [model, configEntry(model, def)] as const));
    this.layers = [
      new PriceLayer('config', config),
      new PriceLayer('price_file', sources.file ?? new Map()),
      new PriceLayer('catalog', sources.catalog ?? builtinCatalog()),
    ];
  }

  /**
   * The book for a config: `priceFileText` is the contents of `settings.file` (read by the caller).
   * Price-file entries that cannot be used are left out and listed in `problems`; the rest apply.
   */
  static fromSettings(settings: PricingSettings, priceFileText?: string): PriceBook {
    const file = priceFileText === undefined ? undefined : parseLiteLlmPrices(priceFileText);
    return new PriceBook({ config: settings.models, file: file?.entries, fileProblems: file?.problems });
  }

  /**
   * The price of a model id, or undefined when no source prices it. Each source in precedence
   * order is searched by: the exact id; the model id of an inference-profile ARN; the id without a
   * cross-region profile prefix; then the Anthropic first-party ↔ Bedrock name of a Claude model.
   */
  lookup(modelId: string): ModelPrice | undefined {
    const variants = idVariants(modelId);
    for (const layer of this.layers) {
      const price = layer.find(variants);
      if (price) return price;
    }
    return undefined;
  }

  /**
   * Of the priced models among `modelIds`, the dearest by standard input + output rate (a 1:1 token
   * mix) — the conservative stand-in for admitting a request to an unpriced model.
   */
  mostExpensive(modelIds: readonly string[]): ModelPrice | undefined {
    let best: ModelPrice | undefined;
    for (const id of modelIds) {
      const price = this.lookup(id);
      if (price && (!best || price.standard.input + price.standard.output > best.standard.input + best.standard.output)) best = price;
    }
    return best;
  }

  /** The reservation estimate (see estimate.ts): an upper bound in micro-dollars. */
  estimateMicros(price: ModelPrice, request: EstimateInput): number {
    return estimateMicros(price, request);
  }
}
