// Reads LiteLLM's model_prices_and_context_window.json: dollars-per-token floats → exact pico-dollar entries.
import { z } from 'zod';
import type { PriceTable } from './builtin.js';
import { parseDecimalUnits, toSafeNumber } from './exact.js';
import type { PriceEntry, StatedLongContext } from './rates.js';

/** A price-file entry that could not be used, named by its key. */
export interface PriceFileProblem {
  readonly key: string;
  readonly message: string;
}

export interface PriceFile {
  readonly entries: PriceTable;
  readonly problems: readonly PriceFileProblem[];
  /** Keys without per-token chat pricing (images, embeddings without output, the `sample_spec` doc entry). */
  readonly skipped: number;
}

const LONG_CONTEXT_THRESHOLD = 200_000;
const perToken = z.number().nonnegative().optional();

const entrySchema = z.looseObject({
  input_cost_per_token: perToken,
  output_cost_per_token: perToken,
  cache_read_input_token_cost: perToken,
  cache_creation_input_token_cost: perToken,
  cache_creation_input_token_cost_above_1hr: perToken,
  input_cost_per_token_above_200k_tokens: perToken,
  output_cost_per_token_above_200k_tokens: perToken,
  cache_read_input_token_cost_above_200k_tokens: perToken,
  cache_creation_input_token_cost_above_200k_tokens: perToken,
  cache_creation_input_token_cost_above_1hr_above_200k_tokens: perToken,
  input_cost_per_token_batches: perToken,
  output_cost_per_token_batches: perToken,
  source: z.string().optional(),
});

type LiteLlmEntry = z.infer<typeof entrySchema>;

/**
 * Dollars per token → integer pico-dollars per token (× 10^12) on the number's decimal digits.
 * JSON.parse keeps the shortest decimal that reads back as the same double, so "3e-06" is exactly
 * 3 000 000. Digits below a pico-dollar (float artefacts such as 3.0000000000000004e-07) round half up.
 */
function pico(value: number | undefined, key: string, field: string): number | undefined {
  return value === undefined ? undefined : toSafeNumber(parseDecimalUnits(value, 12), `${key} ${field}`);
}

function toEntry(key: string, e: LiteLlmEntry): PriceEntry | undefined {
  const input = pico(e.input_cost_per_token, key, 'input_cost_per_token');
  const output = pico(e.output_cost_per_token, key, 'output_cost_per_token');
  if (input === undefined || output === undefined) return undefined;
  const tierInput = pico(e.input_cost_per_token_above_200k_tokens, key, 'input_cost_per_token_above_200k_tokens');
  const tierOutput = pico(e.output_cost_per_token_above_200k_tokens, key, 'output_cost_per_token_above_200k_tokens');
  const longContext: StatedLongContext | undefined =
    tierInput === undefined && tierOutput === undefined
      ? undefined
      : {
          thresholdTokens: LONG_CONTEXT_THRESHOLD,
          input: tierInput ?? input,
          output: tierOutput ?? output,
          cacheRead: pico(e.cache_read_input_token_cost_above_200k_tokens, key, 'cache_read_input_token_cost_above_200k_tokens'),
          cacheWrite5m: pico(e.cache_creation_input_token_cost_above_200k_tokens, key, 'cache_creation_input_token_cost_above_200k_tokens'),
          cacheWrite1h: pico(e.cache_creation_input_token_cost_above_1hr_above_200k_tokens, key, 'cache_creation_input_token_cost_above_1hr_above_200k_tokens'),
        };
  return {
    input,
    output,
    cacheRead: pico(e.cache_read_input_token_cost, key, 'cache_read_input_token_cost'),
    cacheWrite5m: pico(e.cache_creation_input_token_cost, key, 'cache_creation_input_token_cost'),
    cacheWrite1h: pico(e.cache_creation_input_token_cost_above_1hr, key, 'cache_creation_input_token_cost_above_1hr'),
    batchInput: pico(e.input_cost_per_token_batches, key, 'input_cost_per_token_batches'),
    batchOutput: pico(e.output_cost_per_token_batches, key, 'output_cost_per_token_batches'),
    longContext,
    sourceUrl: e.source,
  };
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(entry)'}: ${issue.message}`).join('; ');
}

/** Parses the file's text. Bad entries are reported with their key and left out; the rest are usable. */
export function parseLiteLlmPrices(text: string): PriceFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { entries: new Map(), problems: [{ key: '(file)', message: `not valid JSON: ${(error as Error).message}` }], skipped: 0 };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { entries: new Map(), problems: [{ key: '(file)', message: 'expected an object of model entries' }], skipped: 0 };
  }
  const entries = new Map<string, PriceEntry>();
  const problems: PriceFileProblem[] = [];
  let skipped = 0;
  for (const [key, raw] of Object.entries(json)) {
    if (key === 'sample_spec') {
      skipped++;
      continue;
    }
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      problems.push({ key, message: describe(parsed.error) });
      continue;
    }
    try {
      const entry = toEntry(key, parsed.data);
      if (entry) entries.set(key, entry);
      else skipped++;
    } catch (error) {
      problems.push({ key, message: (error as Error).message });
    }
  }
  return { entries, problems, skipped };
}
