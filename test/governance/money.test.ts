import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDollars, microsToDollars } from '../../proxy/governance/money.js';

describe('money at the edge', () => {
  it('micro-dollars become exact decimal dollars', () => {
    assert.equal(microsToDollars(12_400_000), 12.4);
    assert.equal(microsToDollars(1), 0.000001);
    assert.equal(microsToDollars(2_000_000_000), 2000);
    assert.equal(microsToDollars(-1_500_000), -1.5);
    assert.equal(JSON.stringify({ spent: microsToDollars(12_345_678) }), '{"spent":12.345678}');
  });

  it('the JSON number spells exactly the micro-dollar amount (up to $100 million: 15 significant digits)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e14 }), (micros) => {
        const whole = BigInt(micros) / 1_000_000n;
        const fraction = (BigInt(micros) % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
        const exact = fraction === '' ? `${whole}` : `${whole}.${fraction}`;
        assert.equal(JSON.stringify(microsToDollars(micros)), exact);
      }),
      { numRuns: 2000 },
    );
  });

  it('messages show grouped dollars with at least cents and at most micro-dollars', () => {
    assert.equal(formatDollars(2_000_000_000), '$2,000.00');
    assert.equal(formatDollars(12_400_000), '$12.40');
    assert.equal(formatDollars(12_500), '$0.0125');
    assert.equal(formatDollars(1_234_567_890_123), '$1,234,567.890123');
    assert.equal(formatDollars(0), '$0.00');
  });
});
