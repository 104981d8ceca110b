// Money at the edges: micro-dollars to decimal text and back, exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dollarsToMicros, formatUsd, microsToDecimal, microsToDollars, parseUsd } from '../../proxy/pricing/money.js';

test('formatUsd shows cents, and finer digits only when the amount has them', () => {
  assert.equal(formatUsd(12_400_000), '$12.40');
  assert.equal(formatUsd(0), '$0.00');
  assert.equal(formatUsd(1), '$0.000001');
  assert.equal(formatUsd(12_300), '$0.0123');
  assert.equal(formatUsd(5_000_000_000), '$5,000.00');
  assert.equal(formatUsd(1_234_567_890_123), '$1,234,567.890123');
  assert.equal(formatUsd(-3_000_000), '-$3.00');
});

test('microsToDecimal is exact decimal dollars with trailing zeros trimmed', () => {
  assert.equal(microsToDecimal(12_400_000), '12.4');
  assert.equal(microsToDecimal(1), '0.000001');
  assert.equal(microsToDecimal(0), '0');
  assert.equal(microsToDecimal(5_000_000_000), '5000');
  assert.equal(microsToDecimal(-1_500_000), '-1.5');
  assert.equal(microsToDecimal(Number.MAX_SAFE_INTEGER), '9007199254.740991');
});

test('dollarsToMicros reads decimal text and numbers exactly', () => {
  assert.equal(dollarsToMicros('12.40'), 12_400_000);
  assert.equal(dollarsToMicros(0.1), 100_000);
  assert.equal(dollarsToMicros(5000), 5_000_000_000);
  assert.equal(dollarsToMicros('1e-6'), 1);
  assert.equal(dollarsToMicros('.5'), 500_000);
  assert.equal(dollarsToMicros('0.0000005'), 1); // half a micro-dollar rounds up
  assert.equal(dollarsToMicros('0.00000049'), 0);
  assert.throws(() => dollarsToMicros('twelve'), RangeError);
  assert.throws(() => dollarsToMicros(''), RangeError);
  assert.throws(() => dollarsToMicros(Number.NaN), RangeError);
  assert.throws(() => dollarsToMicros('1e999999'), RangeError);
});

test('parseUsd reads formatUsd output', () => {
  assert.equal(parseUsd('$1,234.50'), 1_234_500_000);
  assert.equal(parseUsd('-$3.00'), -3_000_000);
  assert.throws(() => parseUsd('$1,23.00'), RangeError);
});

test('every amount round-trips through decimal text and the display format', () => {
  fc.assert(
    fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (m) => {
      assert.equal(dollarsToMicros(microsToDecimal(m)), m);
      assert.equal(parseUsd(formatUsd(m)), m);
    }),
    { numRuns: 5000, seed: 42 },
  );
});

test('amounts below $1 billion round-trip through a JSON number', () => {
  const belowBillion = 999_999_999_999_999;
  fc.assert(
    fc.property(fc.integer({ min: -belowBillion, max: belowBillion }), (m) => {
      const viaJson = JSON.parse(JSON.stringify({ cost: microsToDollars(m) })) as { cost: number };
      assert.equal(String(viaJson.cost), microsToDecimal(m));
      assert.equal(dollarsToMicros(viaJson.cost), m);
    }),
    { numRuns: 5000, seed: 42 },
  );
});
