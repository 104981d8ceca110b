// The built-in price catalog (catalog.json): validated once, with aliases and regional inference profiles expanded.
import { z } from 'zod';
import catalogJson from './catalog.json';
import { divideHalfUp } from './exact.js';
import { perMillionToPico } from './rates.js';
import type { PriceEntry, StatedLongContext, StatedRates } from './rates.js';

/** Stated prices by model id. */
export type PriceTable = ReadonlyMap<string, PriceEntry>;

const dollarsPerMillion = z.number().nonnegative();

const ratesSchema = {
  input: dollarsPerMillion,
  output: dollarsPerMillion,
  cache_read: dollarsPerMillion.optional(),
  cache_write_5m: dollarsPerMillion.optional(),
  cache_write_1h: dollarsPerMillion.optional(),
};

const modelSchema = z.strictObject({
  ...ratesSchema,
  batch_input: dollarsPerMillion.optional(),
  batch_output: dollarsPerMillion.optional(),
  long_context: z.strictObject({ above_input_tokens: z.number().int().positive(), ...ratesSchema }).optional(),
  regional_profiles: z
    .strictObject({ prefixes: z.array(z.string().regex(/^[a-z-]+$/)).min(1), premium_percent: z.number().int().nonnegative() })
    .optional(),
  aliases: z.array(z.string().min(1)).optional(),
  source: z.url(),
  as_of: z.iso.date(),
  notes: z.string().optional(),
});

const catalogSchema = z.strictObject({
  schema: z.literal(1),
  unit: z.literal('US dollars per million tokens'),
  notes: z.array(z.string()),
  models: z.record(z.string().min(1), modelSchema),
});

type CatalogModel = z.infer<typeof modelSchema>;

function statedRates(id: string, m: z.infer<z.ZodObject<typeof ratesSchema>>): StatedRates {
  const pico = (value: number | undefined, field: string): number | undefined =>
    value === undefined ? undefined : perMillionToPico(value, `${id} ${field}`);
  return {
    input: perMillionToPico(m.input, `${id} input`),
    output: perMillionToPico(m.output, `${id} output`),
    cacheRead: pico(m.cache_read, 'cache_read'),
    cacheWrite5m: pico(m.cache_write_5m, 'cache_write_5m'),
    cacheWrite1h: pico(m.cache_write_1h, 'cache_write_1h'),
  };
}

function toEntry(id: string, m: CatalogModel): PriceEntry {
  const longContext: StatedLongContext | undefined = m.long_context
    ? { thresholdTokens: m.long_context.above_input_tokens, ...statedRates(id, m.long_context) }
    : undefined;
  return {
    ...statedRates(id, m),
    batchInput: m.batch_input === undefined ? undefined : perMillionToPico(m.batch_input, `${id} batch_input`),
    batchOutput: m.batch_output === undefined ? undefined : perMillionToPico(m.batch_output, `${id} batch_output`),
    longContext,
    sourceUrl: m.source,
    asOf: m.as_of,
  };
}

/** Every stated rate × (100 + premium) / 100, rounded half up to the pico-dollar. */
function withPremium(entry: PriceEntry, percent: number): PriceEntry {
  const up = (rate: number | undefined): number | undefined =>
    rate === undefined ? undefined : Number(divideHalfUp(BigInt(rate) * BigInt(100 + percent), 100n));
  const rates = <T extends StatedRates>(r: T): T => ({
    ...r,
    input: up(r.input) as number,
    output: up(r.output) as number,
    cacheRead: up(r.cacheRead),
    cacheWrite5m: up(r.cacheWrite5m),
    cacheWrite1h: up(r.cacheWrite1h),
  });
  return {
    ...rates(entry),
    batchInput: up(entry.batchInput),
    batchOutput: up(entry.batchOutput),
    longContext: entry.longContext ? rates(entry.longContext) : undefined,
  };
}

/** Validates catalog JSON and expands it into a table: each model, its aliases, its regional profile ids. */
export function parseCatalog(json: unknown): PriceTable {
  const parsed = catalogSchema.safeParse(json);
  if (!parsed.success) throw new Error(`invalid price catalog: ${z.prettifyError(parsed.error)}`);
  const table = new Map<string, PriceEntry>();
  const put = (id: string, entry: PriceEntry): void => {
    if (table.has(id)) throw new Error(`invalid price catalog: "${id}" is listed twice`);
    table.set(id, entry);
  };
  for (const [id, model] of Object.entries(parsed.data.models)) {
    const entry = toEntry(id, model);
    put(id, entry);
    for (const alias of model.aliases ?? []) put(alias, entry);
    const regional = model.regional_profiles;
    if (regional) {
      const premium = withPremium(entry, regional.premium_percent);
      for (const prefix of regional.prefixes) put(`${prefix}.${id}`, premium);
    }
  }
  return table;
}

let builtin: PriceTable | undefined;

/** The catalog shipped with spendgate (parsed on first use). */
export function builtinCatalog(): PriceTable {
  builtin ??= parseCatalog(catalogJson);
  return builtin;
}
