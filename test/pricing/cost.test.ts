// priceRequest, by hand-computed examples: cost in micro-dollars = tokens × rate in $/M tokens, each item rounded half up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PriceBook } from '../../proxy/pricing/catalog.js';
import { priceRequest } from '../../proxy/pricing/cost.js';
import type { Usage } from '../../proxy/core/usage.js';

const book = new PriceBook();

function usage(inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWrite5mTokens = 0, cacheWrite1hTokens = 0): Usage {
  return { inputTokens, outputTokens, cacheReadTokens, cacheWrite5mTokens, cacheWrite1hTokens };
}

interface Case {
  readonly name: string;
  readonly model: string;
  readonly usage: Usage;
  readonly batch?: boolean;
  /** [input, output, cacheRead, cacheWrite5m, cacheWrite1h] in micro-dollars. */
  readonly items: readonly [number, number, number, number, number];
  readonly total: number;
}

const SONNET_4 = 'anthropic.claude-sonnet-4-20250514-v1:0'; // 3 / 15 / read 0.30 / 5m 3.75 / 1h 6; >200k: 6 / 22.5 / 0.6 / 7.5 / 12
const SONNET_45_US = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'; // +10%: 3.3 / 16.5 / 0.33 / 4.125 / 6.6; >200k: 6.6 / 24.75
const MISTRAL = 'mistral.mistral-large-2407-v1:0'; // 2 / 6, no caching, batch 1 / 3

const cases: readonly Case[] = [
  // Sonnet 4 on Bedrock (the seed's first provider)
  { name: 'Sonnet 4 plain', model: SONNET_4, usage: usage(1000, 500),
    items: [3000, 7500, 0, 0, 0], total: 10500 }, // 1000×3 = 3000; 500×15 = 7500
  { name: 'Sonnet 4 cache read', model: SONNET_4, usage: usage(100, 200, 50_000),
    items: [300, 3000, 15000, 0, 0], total: 18300 }, // 100×3; 200×15; 50000×0.3 = 15000
  { name: 'Sonnet 4 5-minute cache write', model: SONNET_4, usage: usage(10, 100, 0, 20_000),
    items: [30, 1500, 0, 75000, 0], total: 76530 }, // 10×3; 100×15; 20000×3.75 = 75000
  { name: 'Sonnet 4 1-hour cache write', model: SONNET_4, usage: usage(10, 100, 0, 0, 20_000),
    items: [30, 1500, 0, 0, 120000], total: 121530 }, // 20000×6 = 120000
  { name: 'Sonnet 4 mixed', model: SONNET_4, usage: usage(1234, 567, 89_012, 3456, 789),
    items: [3702, 8505, 26704, 12960, 4734], total: 56605 }, // 1234×3; 567×15; 89012×0.3 = 26703.6 → 26704; 3456×3.75; 789×6
  { name: 'Sonnet 4 rounds a half micro-dollar up', model: SONNET_4, usage: usage(1, 1, 5),
    items: [3, 15, 2, 0, 0], total: 20 }, // 5×0.3 = 1.5 → 2
  { name: 'Sonnet 4 rounds below a half down', model: SONNET_4, usage: usage(0, 0, 4),
    items: [0, 0, 1, 0, 0], total: 1 }, // 4×0.3 = 1.2 → 1
  { name: 'zero tokens cost nothing', model: SONNET_4, usage: usage(0, 0),
    items: [0, 0, 0, 0, 0], total: 0 },
  { name: 'Sonnet 4 batch', model: SONNET_4, usage: usage(1000, 1000), batch: true,
    items: [1500, 7500, 0, 0, 0], total: 9000 }, // 1000×1.5; 1000×7.5
  { name: 'Sonnet 4 batch cache read is half price too', model: SONNET_4, usage: usage(0, 0, 10_000), batch: true,
    items: [0, 0, 1500, 0, 0], total: 1500 }, // 10000×0.15
  { name: 'Sonnet 4 batch 5-minute write', model: SONNET_4, usage: usage(0, 0, 0, 1000), batch: true,
    items: [0, 0, 0, 1875, 0], total: 1875 }, // 1000×1.875
  { name: 'Sonnet 4 prompt of exactly 200k stays on the standard tier', model: SONNET_4, usage: usage(200_000, 1000),
    items: [600000, 15000, 0, 0, 0], total: 615000 }, // 200000×3; 1000×15
  { name: 'Sonnet 4 prompt above 200k bills every token at the long-context tier', model: SONNET_4, usage: usage(200_001, 1000),
    items: [1200006, 22500, 0, 0, 0], total: 1222506 }, // 200001×6; 1000×22.5
  { name: 'Sonnet 4 cache reads count toward the 200k threshold', model: SONNET_4, usage: usage(1000, 100, 199_001),
    items: [6000, 2250, 119401, 0, 0], total: 127651 }, // prompt 200001: 1000×6; 100×22.5; 199001×0.6 = 119400.6 → 119401
  { name: 'Sonnet 4 long context with cache writes', model: SONNET_4, usage: usage(150_000, 2000, 0, 40_000, 20_000),
    items: [900000, 45000, 0, 300000, 240000], total: 1485000 }, // prompt 210000: 150000×6; 2000×22.5; 40000×7.5; 20000×12
  { name: 'Sonnet 4 long context in batch', model: SONNET_4, usage: usage(300_000, 10_000), batch: true,
    items: [900000, 112500, 0, 0, 0], total: 1012500 }, // 300000×3 (6/2); 10000×11.25 (22.5/2)
  { name: 'Sonnet 4 arithmetic beyond 2^53 pico-dollars stays exact', model: SONNET_4, usage: usage(0, 1_000_000_000),
    items: [0, 15_000_000_000, 0, 0, 0], total: 15_000_000_000 }, // 1e9×15 (1.5e16 pico-dollars before rounding)
  { name: 'Sonnet 4 through an apac. profile bills the base rate', model: 'apac.anthropic.claude-sonnet-4-20250514-v1:0', usage: usage(1000, 1000),
    items: [3000, 15000, 0, 0, 0], total: 18000 },
  { name: 'Sonnet 4 first-party long-context 1-hour write', model: 'claude-sonnet-4-20250514', usage: usage(0, 0, 0, 0, 200_001),
    items: [0, 0, 0, 0, 2400012], total: 2400012 }, // 200001×12
  // Sonnet 4.5: regional profiles carry the 10% premium, global does not
  { name: 'Sonnet 4.5 us. profile', model: SONNET_45_US, usage: usage(1000, 1000),
    items: [3300, 16500, 0, 0, 0], total: 19800 }, // 1000×3.3; 1000×16.5
  { name: 'Sonnet 4.5 us. profile cache', model: SONNET_45_US, usage: usage(0, 0, 1000, 1000),
    items: [0, 0, 330, 4125, 0], total: 4455 }, // 1000×0.33; 1000×4.125
  { name: 'Sonnet 4.5 global. profile', model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', usage: usage(1000, 1000),
    items: [3000, 15000, 0, 0, 0], total: 18000 },
  { name: 'Sonnet 4.5 us. profile long context', model: SONNET_45_US, usage: usage(250_000, 100),
    items: [1650000, 2475, 0, 0, 0], total: 1652475 }, // 250000×6.6; 100×24.75
  { name: 'Sonnet 4.5 us. profile by inference-profile ARN', model: `arn:aws:bedrock:us-east-1:111122223333:inference-profile/${SONNET_45_US}`, usage: usage(1000, 0),
    items: [3300, 0, 0, 0, 0], total: 3300 },
  // Mistral Large 2407 on Bedrock (the seed's second provider)
  { name: 'Mistral Large 2407 plain', model: MISTRAL, usage: usage(1000, 1000),
    items: [2000, 6000, 0, 0, 0], total: 8000 },
  { name: 'Mistral Large 2407 odd counts', model: MISTRAL, usage: usage(12_345, 678),
    items: [24690, 4068, 0, 0, 0], total: 28758 }, // 12345×2; 678×6
  { name: 'Mistral Large 2407 batch', model: MISTRAL, usage: usage(1000, 1000), batch: true,
    items: [1000, 3000, 0, 0, 0], total: 4000 },
  { name: 'Mistral Large 2407 has no long-context tier', model: MISTRAL, usage: usage(300_000, 0),
    items: [600000, 0, 0, 0, 0], total: 600000 },
  // Anthropic first-party
  { name: 'Haiku 4.5 with cache read', model: 'claude-haiku-4-5-20251001', usage: usage(777, 333, 5555),
    items: [777, 1665, 556, 0, 0], total: 2998 }, // 777×1; 333×5; 5555×0.1 = 555.5 → 556
  { name: 'Haiku 4.5 alias, both cache writes', model: 'claude-haiku-4-5', usage: usage(0, 0, 0, 1001, 1001),
    items: [0, 0, 0, 1251, 2002], total: 3253 }, // 1001×1.25 = 1251.25 → 1251; 1001×2
  { name: 'Opus 4.5', model: 'claude-opus-4-5-20251101', usage: usage(2000, 1000, 0, 3),
    items: [10000, 25000, 0, 19, 0], total: 35019 }, // 2000×5; 1000×25; 3×6.25 = 18.75 → 19
  { name: 'Opus 4.1 every kind of token', model: 'claude-opus-4-1-20250805', usage: usage(100, 100, 100, 100, 100),
    items: [1500, 7500, 150, 1875, 3000], total: 14025 }, // ×15, ×75, ×1.5, ×18.75, ×30
  { name: 'Opus 4 batch 1-hour write', model: 'anthropic.claude-opus-4-20250514-v1:0', usage: usage(1000, 0, 0, 0, 1000), batch: true,
    items: [7500, 0, 0, 0, 15000], total: 22500 }, // 1000×7.5; 1000×15 (30/2)
  { name: 'Haiku 3.5 through a us. profile', model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', usage: usage(1000, 1000, 1000),
    items: [800, 4000, 80, 0, 0], total: 4880 }, // ×0.8, ×4, ×0.08
  // OpenAI: usage arrives normalised — prompt_tokens minus cached_tokens is inputTokens, cached_tokens is cacheReadTokens
  { name: 'gpt-4o with cached prompt tokens', model: 'gpt-4o', usage: usage(1000, 500, 2000),
    items: [2500, 5000, 2500, 0, 0], total: 10000 }, // prompt 3000 of which 2000 cached: 1000×2.5; 500×10; 2000×1.25
  { name: 'gpt-4o-mini with a cached 4096-token prefix', model: 'gpt-4o-mini', usage: usage(5904, 1000, 4096),
    items: [886, 600, 307, 0, 0], total: 1793 }, // 5904×0.15 = 885.6 → 886; 1000×0.6; 4096×0.075 = 307.2 → 307
  { name: 'gpt-5 tiny request', model: 'gpt-5', usage: usage(3, 1, 4),
    items: [4, 10, 1, 0, 0], total: 15 }, // 3×1.25 = 3.75 → 4; 1×10; 4×0.125 = 0.5 → 1
  { name: 'gpt-5-nano halves round up', model: 'gpt-5-nano', usage: usage(10, 10, 100),
    items: [1, 4, 1, 0, 0], total: 6 }, // 10×0.05 = 0.5 → 1; 10×0.4; 100×0.005 = 0.5 → 1
  { name: 'o4-mini', model: 'o4-mini', usage: usage(1, 1, 2),
    items: [1, 4, 1, 0, 0], total: 6 }, // 1.1 → 1; 4.4 → 4; 2×0.275 = 0.55 → 1
  // Amazon Nova
  { name: 'Nova Micro a million of each', model: 'amazon.nova-micro-v1:0', usage: usage(1_000_000, 1_000_000, 1_000_000),
    items: [35000, 140000, 8750, 0, 0], total: 183750 }, // ×0.035, ×0.14, ×0.00875
  { name: 'Nova Micro small request', model: 'us.amazon.nova-micro-v1:0', usage: usage(100, 10),
    items: [4, 1, 0, 0, 0], total: 5 }, // 100×0.035 = 3.5 → 4; 10×0.14 = 1.4 → 1
  { name: 'Nova Lite batch with cache read', model: 'amazon.nova-lite-v1:0', usage: usage(1000, 1000, 1000), batch: true,
    items: [30, 120, 8, 0, 0], total: 158 }, // ×0.03, ×0.12, 1000×0.0075 = 7.5 → 8
];

test('the table has at least 30 hand-computed cases', () => {
  assert.ok(cases.length >= 30);
});

for (const c of cases) {
  test(`priceRequest: ${c.name}`, () => {
    const price = book.lookup(c.model);
    assert.ok(price, `no price for ${c.model}`);
    const cost = priceRequest(price, c.usage, { batch: c.batch });
    const [input, output, cacheRead, cacheWrite5m, cacheWrite1h] = c.items;
    assert.deepEqual(cost, { input, output, cacheRead, cacheWrite5m, cacheWrite1h, total: c.total });
    assert.equal(c.total, input + output + cacheRead + cacheWrite5m + cacheWrite1h, 'the case itself sums its items');
  });
}

test('priceRequest refuses token counts that are not non-negative integers', () => {
  const price = book.lookup(SONNET_4);
  assert.ok(price);
  assert.throws(() => priceRequest(price, usage(-1, 0)), RangeError);
  assert.throws(() => priceRequest(price, usage(1.5, 0)), RangeError);
  assert.throws(() => priceRequest(price, usage(0, Number.NaN)), RangeError);
});
