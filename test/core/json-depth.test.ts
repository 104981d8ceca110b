// The nesting scan that runs before JSON.parse: it must agree with the parsed structure on every JSON text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nestsDeeperThan } from '../../proxy/core/json-depth.js';

/** Depth of arrays/objects in a parsed value, walked the slow recursive way (fine for the small values generated). */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0);
}

const bytes = (text: string) => Buffer.from(text, 'utf8');

test('the scan agrees with the parsed depth for any JSON value, at every limit around it', () => {
  // Strings full of quotes, backslashes and brackets, short and past the 64-byte inline window.
  const tricky = fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', 'a', 'é'), maxLength: 150 });
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, tricky, fc.integer(), fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(tricky, tie('node'), { maxKeys: 3 })),
  })).node;
  fc.assert(
    fc.property(value, (v) => {
      const text = bytes(JSON.stringify(v));
      const depth = depthOf(v);
      for (const limit of [Math.max(0, depth - 1), depth, depth + 1]) assert.equal(nestsDeeperThan(text, limit), depth > limit, `limit ${limit}: ${text}`);
    }),
    { numRuns: 500 },
  );
});

test('brackets inside strings, escaped quotes and runs of backslashes do not count', () => {
  assert.equal(nestsDeeperThan(bytes(JSON.stringify({ a: '[[[[{{{{' })), 1), false);
  assert.equal(nestsDeeperThan(bytes(JSON.stringify({ a: '\\"[[[[' })), 1), false);
  assert.equal(nestsDeeperThan(bytes(JSON.stringify({ a: '\\\\' + 'x'.repeat(100) + '\\"[[[' })), 1), false);
  assert.equal(nestsDeeperThan(bytes(`{"a":"${'x'.repeat(63)}\\"[[[[","b":[[1]]}`), 2), true, 'an escaped quote across the inline window');
});

test('a body exactly at the limit passes and one level more does not', () => {
  assert.equal(nestsDeeperThan(bytes('['.repeat(256) + ']'.repeat(256)), 256), false);
  assert.equal(nestsDeeperThan(bytes('['.repeat(257) + ']'.repeat(257)), 256), true);
  assert.equal(nestsDeeperThan(bytes('['.repeat(30_000_000)), 256), true, 'an unterminated flood stops at the limit');
});
