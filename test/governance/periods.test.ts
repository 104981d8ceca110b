import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isoSeconds, periodEnd, periodStart, windowMs } from '../../proxy/governance/periods.js';
import { period } from './seed.js';

const iso = (s: string) => Date.parse(s);
const at = (p: string, t: string) => ({ start: isoSeconds(periodStart(period(p), iso(t))), end: isoSeconds(periodEnd(period(p), iso(t))) });

// Instants from 1970 to 2200, biased towards the edges that calendar code gets wrong.
const edgeInstant = fc.oneof(
  fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }),
  fc
    .record({
      year: fc.integer({ min: 1970, max: 2199 }),
      month: fc.integer({ min: 0, max: 11 }),
      edge: fc.constantFrom('first', 'last', 'feb29', 'newYear'),
      offset: fc.integer({ min: -2, max: 2 }),
    })
    .map(({ year, month, edge, offset }) => {
      const base =
        edge === 'first' ? Date.UTC(year, month, 1)
        : edge === 'last' ? Date.UTC(year, month + 1, 1) - 1
        : edge === 'feb29' ? Date.UTC(year - (year % 4), 1, 29, 12)
        : Date.UTC(year, 0, 1);
      return Math.max(0, base + offset);
    }),
);

const anyPeriod = fc
  .record({ count: fc.integer({ min: 1, max: 6 }), unit: fc.constantFrom('m', 'h', 'd', 'w', 'M', 'Y') })
  .map(({ count, unit }) => period(`${count}${unit}`));

describe('period boundaries (UTC)', () => {
  it('1d starts at 00:00 UTC', () => {
    assert.deepEqual(at('1d', '2026-03-14T23:59:59.999Z'), { start: '2026-03-14T00:00:00Z', end: '2026-03-15T00:00:00Z' });
  });

  it('1w starts on Monday 00:00 UTC', () => {
    // 2026-11-15 is a Sunday; its week began Monday 2026-11-09.
    assert.deepEqual(at('1w', '2026-11-15T22:00:00Z'), { start: '2026-11-09T00:00:00Z', end: '2026-11-16T00:00:00Z' });
    assert.deepEqual(at('1w', '2026-11-16T00:00:00Z'), { start: '2026-11-16T00:00:00Z', end: '2026-11-23T00:00:00Z' });
  });

  it('1M starts on the 1st, including across February of a leap year', () => {
    assert.deepEqual(at('1M', '2028-02-29T18:00:00Z'), { start: '2028-02-01T00:00:00Z', end: '2028-03-01T00:00:00Z' });
    assert.deepEqual(at('1M', '2026-12-31T23:59:59Z'), { start: '2026-12-01T00:00:00Z', end: '2027-01-01T00:00:00Z' });
  });

  it('1Y starts on January 1st', () => {
    assert.deepEqual(at('1Y', '2026-07-04T00:00:00Z'), { start: '2026-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z' });
  });

  it('counts above one align to the epoch: 2M by months since January 1970, 2w by weeks since Monday 1970-01-05', () => {
    // 2026-05 is month 676 since 1970-01, an even number: 2M periods run May–June.
    assert.deepEqual(at('2M', '2026-06-20T00:00:00Z'), { start: '2026-05-01T00:00:00Z', end: '2026-07-01T00:00:00Z' });
    // 2026-11-09 is 2966 weeks after 1970-01-05: 2w periods start on it.
    assert.deepEqual(at('2w', '2026-11-20T00:00:00Z'), { start: '2026-11-09T00:00:00Z', end: '2026-11-23T00:00:00Z' });
    // 2026 is 56 years after 1970: 3Y periods run 2024–2026.
    assert.deepEqual(at('3Y', '2026-07-04T00:00:00Z'), { start: '2024-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z' });
  });

  it('minute and hour periods are multiples since the epoch', () => {
    assert.deepEqual(at('15m', '2026-03-14T10:44:00Z'), { start: '2026-03-14T10:30:00Z', end: '2026-03-14T10:45:00Z' });
    assert.deepEqual(at('5h', '1970-01-01T07:00:00Z'), { start: '1970-01-01T05:00:00Z', end: '1970-01-01T10:00:00Z' });
  });

  it('a sliding window of calendar units uses 30-day months and 365-day years', () => {
    assert.equal(windowMs(period('1h')), 3_600_000);
    assert.equal(windowMs(period('1M')), 30 * 86_400_000);
  });
});

describe('period properties over random instants', () => {
  it('start ≤ t < end, and the end is the start of the next period', () => {
    fc.assert(
      fc.property(anyPeriod, edgeInstant, (p, t) => {
        const start = periodStart(p, t);
        const end = periodEnd(p, t);
        assert.ok(start <= t && t < end, `${p.text} ${isoSeconds(t)}: [${isoSeconds(start)}, ${isoSeconds(end)})`);
        assert.equal(periodStart(p, end), end);
        assert.equal(periodStart(p, end - 1), start);
        assert.equal(periodStart(p, start), start);
      }),
      { numRuns: 3000 },
    );
  });

  it('starts are aligned to their unit and count', () => {
    fc.assert(
      fc.property(anyPeriod, edgeInstant, (p, t) => {
        const start = new Date(periodStart(p, t));
        const ms = start.getTime();
        const months = (start.getUTCFullYear() - 1970) * 12 + start.getUTCMonth();
        switch (p.unit) {
          case 'm':
          case 'h':
          case 'd':
            assert.equal(ms % windowMs(p), 0);
            break;
          case 'w':
            assert.equal(start.getUTCDay(), 1, 'a Monday');
            // The week containing the epoch began on Monday 1969-12-29, before the origin.
            assert.equal(Math.abs((ms - Date.UTC(1970, 0, 5)) % windowMs(p)), 0);
            break;
          case 'M':
            assert.equal(start.getUTCDate(), 1);
            assert.equal(months % p.count, 0);
            assert.equal(ms % 86_400_000, 0);
            break;
          case 'Y':
            assert.equal(start.getUTCMonth(), 0);
            assert.equal(start.getUTCDate(), 1);
            assert.equal((start.getUTCFullYear() - 1970) % p.count, 0);
            assert.equal(ms % 86_400_000, 0);
            break;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('end − start is the calendar length: fixed units exactly, months and years by the calendar', () => {
    fc.assert(
      fc.property(anyPeriod, edgeInstant, (p, t) => {
        const start = new Date(periodStart(p, t));
        const end = periodEnd(p, t);
        const expected =
          p.unit === 'M' ? Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + p.count, 1)
          : p.unit === 'Y' ? Date.UTC(start.getUTCFullYear() + p.count, 0, 1)
          : start.getTime() + windowMs(p);
        assert.equal(end, expected);
      }),
      { numRuns: 3000 },
    );
  });
});
