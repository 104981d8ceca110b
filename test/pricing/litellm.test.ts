// LiteLLM's price file: per-token float prices become exact pico-dollar rates; bad entries are named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLiteLlmPrices } from '../../proxy/pricing/litellm.js';
import { resolvePrice } from '../../proxy/pricing/rates.js';

// Written as LiteLLM writes it (Python's json.dumps of floats).
const FILE = `{
  "sample_spec": { "input_cost_per_token": 0.0, "output_cost_per_token": 0.0, "litellm_provider": "one of https://docs.litellm.ai/docs/providers" },
  "anthropic.claude-sonnet-4-5-20250929-v1:0": {
    "cache_creation_input_token_cost": 3.75e-06,
    "cache_creation_input_token_cost_above_1hr": 6e-06,
    "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06,
    "cache_read_input_token_cost": 3e-07,
    "cache_read_input_token_cost_above_200k_tokens": 6e-07,
    "input_cost_per_token": 3e-06,
    "input_cost_per_token_above_200k_tokens": 6e-06,
    "input_cost_per_token_batches": 1.5e-06,
    "litellm_provider": "bedrock_converse",
    "max_input_tokens": 200000,
    "mode": "chat",
    "output_cost_per_token": 1.5e-05,
    "output_cost_per_token_above_200k_tokens": 2.25e-05,
    "output_cost_per_token_batches": 7.5e-06,
    "supports_prompt_caching": true
  },
  "amazon.nova-2-pro-preview-20251202-v1:0": { "cache_read_input_token_cost": 5.46875e-07, "input_cost_per_token": 2.1875e-06, "output_cost_per_token": 1.75e-05 },
  "amazon.nova-micro-v1:0": { "input_cost_per_token": 3.5e-08, "output_cost_per_token": 1.4e-07 },
  "float-artefact": { "input_cost_per_token": 3.0000000000000004e-07, "output_cost_per_token": 1.2e-06 },
  "1024-x-1024/dall-e-2": { "input_cost_per_pixel": 1.9e-08, "litellm_provider": "openai", "mode": "image_generation", "output_cost_per_pixel": 0.0 },
  "broken-string": { "input_cost_per_token": "3e-06", "output_cost_per_token": 1.5e-05 },
  "broken-negative": { "input_cost_per_token": -1e-06, "output_cost_per_token": 1e-06 },
  "broken-shape": [1, 2, 3]
}`;

const parsed = parseLiteLlmPrices(FILE);

test('per-token dollars become integer pico-dollars per token exactly', () => {
  const sonnet = parsed.entries.get('anthropic.claude-sonnet-4-5-20250929-v1:0');
  assert.deepEqual(sonnet, {
    input: 3_000_000,
    output: 15_000_000,
    cacheRead: 300_000,
    cacheWrite5m: 3_750_000,
    cacheWrite1h: 6_000_000,
    batchInput: 1_500_000,
    batchOutput: 7_500_000,
    longContext: { thresholdTokens: 200_000, input: 6_000_000, output: 22_500_000, cacheRead: 600_000, cacheWrite5m: 7_500_000, cacheWrite1h: undefined },
    sourceUrl: undefined,
  });
  // 2.1875e-06 $/token is 2.1875 $/M: a float multiplication would give 2187499.9999999995
  assert.equal(parsed.entries.get('amazon.nova-2-pro-preview-20251202-v1:0')?.input, 2_187_500);
  assert.equal(parsed.entries.get('amazon.nova-2-pro-preview-20251202-v1:0')?.cacheRead, 546_875);
  assert.equal(parsed.entries.get('amazon.nova-micro-v1:0')?.input, 35_000);
  // digits below a pico-dollar are float noise and round away
  assert.equal(parsed.entries.get('float-artefact')?.input, 300_000);
});

test('a long-context tier without its own 1-hour write rate scales the base one', () => {
  const entry = parsed.entries.get('anthropic.claude-sonnet-4-5-20250929-v1:0');
  assert.ok(entry);
  const price = resolvePrice('anthropic.claude-sonnet-4-5-20250929-v1:0', 'price_file', entry);
  assert.equal(price.longContext?.standard.cacheWrite1h, 12_000_000); // 6 × (6 / 3)
});

test('sample_spec and entries without per-token chat prices are skipped, not reported', () => {
  assert.equal(parsed.entries.has('sample_spec'), false);
  assert.equal(parsed.entries.has('1024-x-1024/dall-e-2'), false);
  assert.equal(parsed.skipped, 2);
});

test('bad entries are reported with their key and left out', () => {
  assert.deepEqual(parsed.problems.map((p) => p.key).sort(), ['broken-negative', 'broken-shape', 'broken-string']);
  assert.match(parsed.problems.find((p) => p.key === 'broken-string')?.message ?? '', /input_cost_per_token/);
  assert.equal(parsed.entries.size, 4);
});

test('a file that is not a JSON object is one problem', () => {
  assert.deepEqual(parseLiteLlmPrices('{not json').problems.map((p) => p.key), ['(file)']);
  assert.deepEqual(parseLiteLlmPrices('[1]').problems.map((p) => p.key), ['(file)']);
  assert.equal(parseLiteLlmPrices('[1]').entries.size, 0);
});
