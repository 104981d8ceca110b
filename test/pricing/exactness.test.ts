// Sums of costs are exact: 10 000 random requests priced by priceRequest agree with an independent BigInt computation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PriceBook } from '../../proxy/pricing/catalog.js';
import { priceRequest } from '../../proxy/pricing/cost.js';
import type { Usage } from '../../proxy/core/usage.js';

/** Rates in $/M tokens as decimal text: input, output, cache read, 5m write, 1h write. */
type Rates = readonly [string, string, string, string, string];

interface Reference {
  readonly standard: Rates;
  readonly longContext?: Rates;
}

// Written out from the published prices, independently of the catalog's code path.
const REFERENCE: Readonly<Record<string, Reference>> = {
  'anthropic.claude-sonnet-4-20250514-v1:0': { standard: ['3', '15', '0.3', '3.75', '6'], longContext: ['6', '22.5', '0.6', '7.5', '12'] },
  'us.anthropic.claude-sonnet-4-5-20250929-v1:0': { standard: ['3.3', '16.5', '0.33', '4.125', '6.6'], longContext: ['6.6', '24.75', '0.66', '8.25', '13.2'] },
  'mistral.mistral-large-2407-v1:0': { standard: ['2', '6', '2', '2', '2'] },
  'amazon.nova-micro-v1:0': { standard: ['0.035', '0.14', '0.00875', '0.035', '0.035'] },
  'gpt-5-nano': { standard: ['0.05', '0.4', '0.005', '0.05', '0.05'] },
  'claude-opus-4-5': { standard: ['5', '25', '0.5', '6.25', '10'] },
};

/** tokens × ($/M as decimal text) is micro-dollars; rounded half up with BigInt only. */
function referenceItem(tokens: number, dollarsPerMillion: string): bigint {
  const [whole, fraction = ''] = dollarsPerMillion.split('.');
  const numerator = BigInt(whole + fraction) * BigInt(tokens);
  const denominator = 10n ** BigInt(fraction.length);
  return (2n * numerator + denominator) / (2n * denominator);
}

function referenceTotal(model: string, u: Usage): bigint {
  const ref = REFERENCE[model];
  const prompt = u.inputTokens + u.cacheReadTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens;
  const rates = ref.longContext && prompt > 200_000 ? ref.longContext : ref.standard;
  const tokens = [u.inputTokens, u.outputTokens, u.cacheReadTokens, u.cacheWrite5mTokens, u.cacheWrite1hTokens];
  return tokens.reduce((sum, t, i) => sum + referenceItem(t, rates[i]), 0n);
}

const book = new PriceBook();
const count = fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 120_000 }));
const request = fc.record({
  model: fc.constantFrom(...Object.keys(REFERENCE)),
  usage: fc.record({ inputTokens: count, outputTokens: count, cacheReadTokens: count, cacheWrite5mTokens: count, cacheWrite1hTokens: count }),
});

test('10 000 random costs sum exactly to the sum of their totals and to an independent BigInt recomputation', () => {
  fc.assert(
    fc.property(fc.array(request, { minLength: 10_000, maxLength: 10_000 }), (requests) => {
      let sumOfTotals = 0;
      let sumOfItems = 0;
      let reference = 0n;
      for (const { model, usage } of requests) {
        const price = book.lookup(model);
        assert.ok(price, model);
        const cost = priceRequest(price, usage);
        assert.equal(cost.total, cost.input + cost.output + cost.cacheRead + cost.cacheWrite5m + cost.cacheWrite1h);
        assert.equal(BigInt(cost.total), referenceTotal(model, usage), `${model} ${JSON.stringify(usage)}`);
        sumOfTotals += cost.total;
        sumOfItems += cost.input + cost.output + cost.cacheRead + cost.cacheWrite5m + cost.cacheWrite1h;
        reference += referenceTotal(model, usage);
      }
      assert.ok(Number.isSafeInteger(sumOfTotals));
      assert.equal(sumOfTotals, sumOfItems);
      assert.equal(BigInt(sumOfTotals), reference);
    }),
    { numRuns: 3, seed: 7 },
  );
});
