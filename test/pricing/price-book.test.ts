// PriceBook: which price a model id gets, from which source, and the admission estimate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PriceBook, approxInputTokens } from '../../proxy/pricing/catalog.js';
import { priceRequest } from '../../proxy/pricing/cost.js';
import type { PriceEntry } from '../../proxy/pricing/rates.js';

const book = new PriceBook();
const SONNET_4 = 'anthropic.claude-sonnet-4-20250514-v1:0';

function entry(input: number, output: number): PriceEntry {
  return { input, output };
}

test('an unknown model has no price', () => {
  assert.equal(book.lookup('no-such-model'), undefined);
  assert.equal(book.lookup('us.no-such-model'), undefined);
  assert.equal(book.lookup(''), undefined);
  // A snapshot with its own (different) price is not guessed from the undated name.
  assert.equal(book.lookup('gpt-4o-2024-05-13'), undefined);
});

test('a listed inference-profile id keeps its own price; an unlisted one falls back to the base model', () => {
  const regional = book.lookup('eu.anthropic.claude-haiku-4-5-20251001-v1:0');
  const global = book.lookup('global.anthropic.claude-haiku-4-5-20251001-v1:0');
  assert.equal(regional?.modelId, 'eu.anthropic.claude-haiku-4-5-20251001-v1:0');
  assert.equal(regional?.standard.input, 1_100_000); // $1.10 / M: the 10% geo premium
  assert.equal(global?.modelId, 'anthropic.claude-haiku-4-5-20251001-v1:0');
  assert.equal(global?.standard.input, 1_000_000);
  for (const prefix of ['us', 'eu', 'apac', 'global', 'us-gov']) {
    assert.equal(book.lookup(`${prefix}.${SONNET_4}`)?.modelId, SONNET_4, prefix);
  }
});

test('inference-profile and foundation-model ARNs resolve to the model they end in', () => {
  const profile = book.lookup('arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0');
  const foundation = book.lookup('arn:aws:bedrock:us-west-2::foundation-model/mistral.mistral-large-2407-v1:0');
  assert.equal(profile?.modelId, SONNET_4);
  assert.equal(foundation?.modelId, 'mistral.mistral-large-2407-v1:0');
  // An application inference profile's ARN does not name its model.
  assert.equal(book.lookup('arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123'), undefined);
});

test('Anthropic first-party names and Bedrock ids find each other', () => {
  const bedrockOnly = new PriceBook({ catalog: new Map([['anthropic.claude-test-20250101-v2:0', entry(7_000_000, 9_000_000)]]) });
  assert.equal(bedrockOnly.lookup('claude-test-20250101')?.modelId, 'anthropic.claude-test-20250101-v2:0');
  const firstPartyOnly = new PriceBook({ catalog: new Map([['claude-test-20250101', entry(7_000_000, 9_000_000)]]) });
  assert.equal(firstPartyOnly.lookup('anthropic.claude-test-20250101-v1:0')?.modelId, 'claude-test-20250101');
  assert.equal(firstPartyOnly.lookup('us.anthropic.claude-test-20250101-v1:0')?.modelId, 'claude-test-20250101');
  // Only Claude names cross over.
  assert.equal(firstPartyOnly.lookup('meta.claude-test-20250101-v1:0'), undefined);
});

test('a LiteLLM price file overrides the catalog, and config beats both', () => {
  const file = JSON.stringify({
    sample_spec: { input_cost_per_token: 0, litellm_provider: 'one of …' },
    [SONNET_4]: { input_cost_per_token: 2.5e-6, output_cost_per_token: 1.25e-5, litellm_provider: 'bedrock' },
    'gpt-4o': { input_cost_per_token: 2e-6, output_cost_per_token: 8e-6 },
  });
  const withFile = PriceBook.fromSettings({ models: {}, unknownModel: 'serve' }, file);
  assert.equal(withFile.lookup(SONNET_4)?.origin, 'price_file');
  assert.equal(withFile.lookup(SONNET_4)?.standard.input, 2_500_000);
  assert.equal(withFile.lookup('gpt-4o')?.standard.output, 8_000_000);
  assert.equal(withFile.lookup('claude-opus-4-5')?.origin, 'catalog');

  const withConfig = PriceBook.fromSettings(
    { models: { [SONNET_4]: { input: 1, output: 2 }, 'gpt-4o': { input: 0.5, output: 1.5, cache_read: 0.25 } }, unknownModel: 'serve' },
    file,
  );
  const sonnet = withConfig.lookup(SONNET_4);
  assert.equal(sonnet?.origin, 'config');
  assert.deepEqual(sonnet?.standard, { input: 1_000_000, output: 2_000_000, cacheRead: 1_000_000, cacheWrite5m: 1_000_000, cacheWrite1h: 1_000_000 });
  assert.equal(sonnet?.longContext, undefined, 'a config price replaces the whole catalog price');
  assert.equal(withConfig.lookup('gpt-4o')?.standard.cacheRead, 250_000);
  // Config precedence holds through id matching too: a profile id finds the config's base model first.
  assert.equal(withConfig.lookup(`us.${SONNET_4}`)?.origin, 'config');
});

test('config prices are read as exact decimals', () => {
  const configured = new PriceBook({ config: { 'my-model': { input: 0.035, output: 4.125, batch_input: 0.0175 } } });
  const price = configured.lookup('my-model');
  assert.equal(price?.standard.input, 35_000);
  assert.equal(price?.standard.output, 4_125_000);
  assert.equal(price?.batch.input, 17_500);
  assert.equal(price?.batch.output, 2_062_500); // unstated batch output: 50%
});

test('fromSettings reports bad price-file entries and still uses the good ones', () => {
  const file = JSON.stringify({ good: { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 }, bad: { input_cost_per_token: 'cheap' } });
  const b = PriceBook.fromSettings({ models: {}, unknownModel: 'serve' }, file);
  assert.equal(b.lookup('good')?.standard.output, 2_000_000);
  assert.deepEqual(b.problems.map((p) => p.key), ['bad']);
});

test('mostExpensive picks the dearest priced model and ignores unpriced ones', () => {
  assert.equal(book.mostExpensive(['gpt-4o-mini', 'claude-opus-4-1-20250805', 'unknown', SONNET_4])?.modelId, 'claude-opus-4-1-20250805');
  assert.equal(book.mostExpensive([SONNET_4, 'mistral.mistral-large-2407-v1:0'])?.modelId, SONNET_4);
  assert.equal(book.mostExpensive(['unknown']), undefined);
  assert.equal(book.mostExpensive([]), undefined);
});

test('estimateMicros: prompt at the dearest input-side rate plus the whole output cap', () => {
  const sonnet = book.lookup(SONNET_4);
  const mistral = book.lookup('mistral.mistral-large-2407-v1:0');
  const nova = book.lookup('amazon.nova-micro-v1:0');
  assert.ok(sonnet && mistral && nova);
  // 1000 × $6 (1-hour write) = 6000, + 3 split-rounding, + 4096 × $15 = 61440
  assert.equal(book.estimateMicros(sonnet, { inputTokens: 1000, maxOutputTokens: 4096 }), 67_443);
  // long-context tier: 300000 × $12 = 3 600 000, + 3, + 1000 × $22.5 = 22 500
  assert.equal(book.estimateMicros(sonnet, { inputTokens: 300_000, maxOutputTokens: 1000 }), 3_622_503);
  // 1000 × $2 = 2000, + 3, + 100 × $6 = 600
  assert.equal(book.estimateMicros(mistral, { inputTokens: 1000, maxOutputTokens: 100 }), 2603);
  // ceil(100 × 0.035 = 3.5) = 4, + 3, + ceil(10 × 0.14 = 1.4) = 2
  assert.equal(book.estimateMicros(nova, { inputTokens: 100, maxOutputTokens: 10 }), 9);
  assert.equal(book.estimateMicros(nova, { inputTokens: 0, maxOutputTokens: 0 }), 0);
});

test('estimateMicros is never below the actual cost of a request within its bounds', () => {
  const models = [SONNET_4, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'amazon.nova-micro-v1:0', 'gpt-5-nano', 'mistral.mistral-large-2407-v1:0'];
  const count = fc.integer({ min: 0, max: 150_000 });
  fc.assert(
    fc.property(fc.constantFrom(...models), count, count, count, count, count, (model, input, output, read, write5m, write1h) => {
      const price = book.lookup(model);
      assert.ok(price);
      const usage = { inputTokens: input, outputTokens: output, cacheReadTokens: read, cacheWrite5mTokens: write5m, cacheWrite1hTokens: write1h };
      const estimate = book.estimateMicros(price, { inputTokens: input + read + write5m + write1h, maxOutputTokens: output });
      return estimate >= priceRequest(price, usage).total;
    }),
    { numRuns: 2000, seed: 20251201 },
  );
});

test('approxInputTokens is a generous bytes ÷ 3', () => {
  assert.equal(approxInputTokens(0), 0);
  assert.equal(approxInputTokens(1), 1);
  assert.equal(approxInputTokens(3), 1);
  assert.equal(approxInputTokens(4), 2);
  assert.equal(approxInputTokens(300_000), 100_000);
  assert.equal(approxInputTokens(-5), 0);
});
