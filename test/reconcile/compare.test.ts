// The comparison as a table of cases: what each kind of drift is called, and what it costs at spendgate's prices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PriceBook } from '../../proxy/pricing/catalog.js';
import { modelKey, type BedrockMeters } from '../../proxy/reconcile/cloudwatch.js';
import { compare, pricingChecks, type ServedModel } from '../../proxy/reconcile/compare.js';
import type { LoggedDay, Meter } from '../../proxy/reconcile/ledger.js';

const DAY = Date.UTC(2026, 10, 2);
const MODEL = 'us.test.priced-model';
const PROFILE = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123';
const PRICES = new PriceBook({ config: { [MODEL]: { input: 2, output: 10, cache_read: 0.2, cache_write_5m: 2.5, cache_write_1h: 4 } } });
const SERVED: ServedModel[] = [{ providerConfigId: 'p', region: 'us-east-1', model: MODEL, modelIds: [MODEL, PROFILE] }];

function meter(m: Partial<Meter>): Meter {
  return { invocations: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, ...m };
}

function logged(modelId: string, m: Partial<Meter>, cacheWrite1hTokens = 0): LoggedDay {
  return { day: DAY, providerConfigId: 'p', modelId, meter: meter(m), cacheWrite1hTokens };
}

function meters(entries: [string, Partial<Meter>][], unavailable: [string, string][] = []): BedrockMeters {
  return {
    days: new Map(entries.map(([id, m]) => [modelKey('us-east-1', id), new Map([[DAY, meter(m)]])])),
    unavailable: new Map(unavailable.map(([id, why]) => [modelKey('us-east-1', id), why])),
  };
}

test('spendgate counting more than Bedrock metered reads as charged but not billed, with the dollars', () => {
  const [row] = compare([logged(MODEL, { invocations: 3, inputTokens: 300, outputTokens: 30 })], meters([[MODEL, { invocations: 2, inputTokens: 200, outputTokens: 20 }]]), SERVED, ['us-east-1'], PRICES);
  assert.equal(row.verdict, 'not_billed');
  assert.deepEqual(row.drift, meter({ invocations: -1, inputTokens: -100, outputTokens: -10 }));
  // 100 × $2/M + 10 × $10/M
  assert.equal(row.driftMicros, -300);
  assert.match(row.explanation, /^spendgate counted 1 invocations and 110 tokens \(\$0\.0003 at spendgate's prices\) that Bedrock did not meter/);
});

test('only the number of calls differing (a call Bedrock accepted, then failed) is no money drift', () => {
  const [row] = compare([logged(MODEL, { invocations: 2, inputTokens: 50 })], meters([[MODEL, { invocations: 3, inputTokens: 50 }]]), SERVED, ['us-east-1'], PRICES);
  assert.equal(row.verdict, 'calls_only');
  assert.equal(row.driftMicros, 0);
  assert.match(row.explanation, /^the tokens and dollars agree; only the number of calls differs by 1/);
});

test('the same calls counted differently (cache reads as input) are told apart from missing traffic', () => {
  const [row] = compare([logged(MODEL, { invocations: 1, inputTokens: 1_000 })], meters([[MODEL, { invocations: 1, inputTokens: 100, cacheReadTokens: 900 }]]), SERVED, ['us-east-1'], PRICES);
  assert.equal(row.verdict, 'mixed');
  assert.match(row.explanation, /cache reads counted as input/);
  // 900 input tokens at $2/M became cache reads at $0.2/M: Bedrock's count is $0.00162 cheaper.
  assert.equal(row.driftMicros, -1_620);
});

test("1-hour cache writes are priced at their own rate on both sides; an application profile is priced as its provider config's model", () => {
  const [row] = compare([logged(PROFILE, { invocations: 1, cacheWriteTokens: 1_000 }, 1_000)], meters([[PROFILE, { invocations: 1, cacheWriteTokens: 1_000 }]]), SERVED, ['us-east-1'], PRICES);
  assert.equal(row.pricedModel, MODEL);
  assert.equal(row.verdict, 'match');
  assert.equal(row.spendgateMicros, 4_000, '1000 × $4/M');
  assert.equal(row.cloudwatchMicros, 4_000);
});

test('an unpriced model still compares tokens, with no dollar figure; regions not asked for are left out', () => {
  const rows = compare(
    [logged('us.test.unpriced', { invocations: 1, inputTokens: 5 })],
    meters([['us.test.unpriced', { invocations: 2, inputTokens: 9 }]]),
    [{ providerConfigId: 'p', region: 'us-east-1', model: 'us.test.unpriced', modelIds: ['us.test.unpriced'] }],
    ['us-east-1'],
    PRICES,
  );
  assert.equal(rows[0].verdict, 'outside_traffic');
  assert.equal(rows[0].driftMicros, null);
  assert.match(rows[0].explanation, /unpriced model: no dollar figure/);
  assert.deepEqual(compare([logged(MODEL, { invocations: 1 })], meters([]), SERVED, ['us-west-2'], PRICES), []);
});

test('a model CloudWatch could not answer for has no drift, only the reason', () => {
  const [row] = compare([logged(MODEL, { invocations: 1 })], meters([], [[MODEL, 'AccessDenied: not authorized to perform cloudwatch:GetMetricData']]), SERVED, ['us-east-1'], PRICES);
  assert.equal(row.verdict, 'cloudwatch_unavailable');
  assert.equal(row.drift, null);
  assert.equal(row.explanation, 'no CloudWatch figures: AccessDenied: not authorized to perform cloudwatch:GetMetricData');
});

test("the pricing check names a config price that differs from AWS's catalog, an unpriced model, and a catalog match", () => {
  const sonnet = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
  const book = new PriceBook({ config: { [MODEL]: { input: 2, output: 10 }, 'anthropic.claude-3-5-haiku-20241022-v1:0': { input: 1, output: 5 } } });
  const checks = pricingChecks([sonnet, 'anthropic.claude-3-5-haiku-20241022-v1:0', 'us.test.unpriced', MODEL], book, new PriceBook());
  const problem = (model: string) => checks.find((c) => c.model === model)?.problem;
  assert.equal(problem(sonnet), null);
  assert.match(problem('anthropic.claude-3-5-haiku-20241022-v1:0') ?? '', /^pricing mismatch: spendgate prices .* from its config at \$1\/\$5 per million input\/output tokens .* AWS's catalog at \$0\.8\/\$4/);
  assert.match(problem('us.test.unpriced') ?? '', /spendgate has no price for us\.test\.unpriced/);
  assert.match(problem(MODEL) ?? '', /the built-in catalog has no AWS price for us\.test\.priced-model/);
});
