import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '../../proxy/core/ids.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('ids are version-7 UUIDs carrying their creation time', () => {
  const at = Date.UTC(2026, 10, 29, 7, 30);
  const id = newId(at);
  assert.match(id, V7);
  assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), at);
  // Leading zeros in either 24-bit half of the time, and its extremes.
  for (const t of [0, 1, 0x000001000000, 0x123456000001, 0xabcdef00ffff, 2 ** 48 - 1]) {
    const hex = newId(t);
    assert.match(hex, V7);
    assert.equal(parseInt(hex.slice(0, 8) + hex.slice(9, 13), 16), t);
  }
});

test('ids sort by time across milliseconds and are unique within one', () => {
  const ids = Array.from({ length: 1_000 }, (_, i) => newId(1_700_000_000_000 + Math.floor(i / 10)));
  for (let i = 10; i < ids.length; i += 10) assert.ok(ids[i - 10] < ids[i], `${ids[i - 10]} sorts before ${ids[i]}`);
  const sameMs = Array.from({ length: 10_000 }, () => newId(1_700_000_000_000));
  assert.equal(new Set(sameMs).size, sameMs.length);
  for (const id of sameMs) assert.match(id, V7);
});
