import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { needsRenewal, sliceSize } from '../../proxy/store/lease-math.js';

const opts = { fraction: 0.02, floorMicros: 50_000 };

test('a slice is 2% of the limit while plenty is left', () => {
  assert.equal(sliceSize({ limitMicros: 100_000_000, spentMicros: 0, leasedMicros: 0, otherHolders: 3 }, opts), 2_000_000);
});

test('a slice is never below the floor unless less than the floor is left', () => {
  assert.equal(sliceSize({ limitMicros: 1_000_000, spentMicros: 0, leasedMicros: 0, otherHolders: 0 }, opts), 50_000);
  assert.equal(sliceSize({ limitMicros: 1_000_000, spentMicros: 980_000, leasedMicros: 0, otherHolders: 0 }, opts), 20_000);
});

test('near the limit the slice shrinks to an even share among the competing gateways', () => {
  // 3 000 000 left, two others holding leases: a third each rather than the normal 4 000 000.
  assert.equal(sliceSize({ limitMicros: 200_000_000, spentMicros: 190_000_000, leasedMicros: 7_000_000, otherHolders: 2 }, opts), 1_000_000);
});

test('nothing is granted once spend and live leases reach the limit', () => {
  assert.equal(sliceSize({ limitMicros: 1_000_000, spentMicros: 600_000, leasedMicros: 400_000, otherHolders: 1 }, opts), 0);
  assert.equal(sliceSize({ limitMicros: 1_000_000, spentMicros: 1_200_000, leasedMicros: 0, otherHolders: 0 }, opts), 0);
});

test('claims keep spent plus leased within the limit', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e12 }),
      fc.integer({ min: 0, max: 1e12 }),
      fc.integer({ min: 0, max: 1e12 }),
      fc.integer({ min: 0, max: 50 }),
      fc.double({ min: 0.001, max: 1, noNaN: true }),
      fc.integer({ min: 1, max: 1e7 }),
      (limit, spent, leased, holders, fraction, floor) => {
        const slice = sliceSize({ limitMicros: limit, spentMicros: spent, leasedMicros: leased, otherHolders: holders }, { fraction, floorMicros: floor });
        assert.ok(Number.isSafeInteger(slice) && slice >= 0);
        if (slice > 0) assert.ok(spent + leased + slice <= limit);
      },
    ),
  );
});

test('a lease is renewed once less than half of the last slice is left', () => {
  assert.equal(needsRenewal(0, 0), true);
  assert.equal(needsRenewal(60, 100), false);
  assert.equal(needsRenewal(49, 100), true);
  assert.equal(needsRenewal(-5, 100), true);
});
