import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parsePeriod } from '../../proxy/config/period.js';
import { parseApiKeyRef, parseKeySecret, resolveSecret } from '../../proxy/config/secrets.js';
import { resolveSecret as resolveSecretFromLoad } from '../../proxy/config/load.js';
import { dollarsAsMicros } from '../../proxy/config/fields.js';

test('periods read as a count and a unit of m h d w M Y', () => {
  assert.deepEqual(parsePeriod('15m'), { ok: true, period: { count: 15, unit: 'm', text: '15m' } });
  assert.deepEqual(parsePeriod('1M'), { ok: true, period: { count: 1, unit: 'M', text: '1M' } });
  assert.deepEqual(parsePeriod('2Y'), { ok: true, period: { count: 2, unit: 'Y', text: '2Y' } });
});

test('a period with a wrong unit, no count or a zero count is refused with the allowed units', () => {
  for (const bad of ['3x', '1mo', 'h', '1.5h', '-1d', '']) {
    const r = parsePeriod(bad);
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.match(r.message, /m \(minute\)|at least one/, bad);
  }
  const zero = parsePeriod('0d');
  assert.deepEqual(zero, { ok: false, message: '"0d" must count at least one day' });
});

test('any positive count with a known unit round-trips through its text', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom('m', 'h', 'd', 'w', 'M', 'Y'), (count, unit) => {
      const r = parsePeriod(`${count}${unit}`);
      assert.deepEqual(r, { ok: true, period: { count, unit, text: `${count}${unit}` } });
    }),
  );
});

test('dollar amounts with at most six decimals convert to micro-dollars exactly', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 9_000_000_000_000 }), (micros) => {
      assert.deepEqual(dollarsAsMicros(micros / 1_000_000), { ok: true, value: micros });
    }),
  );
});

test('dollar amounts that are not positive finite numbers are refused', () => {
  for (const bad of [0, -1, Number.POSITIVE_INFINITY, Number.NaN, '5', null, 1e-7]) {
    assert.equal(dollarsAsMicros(bad).ok, false, String(bad));
  }
});

test('api_key accepts only env.NAME', () => {
  assert.deepEqual(parseApiKeyRef('env.ANTHROPIC_API_KEY'), { ok: true, value: { env: 'ANTHROPIC_API_KEY' } });
  assert.equal(parseApiKeyRef('sk-ant-api03-abc').ok, false);
  assert.equal(parseApiKeyRef('env.1BAD').ok, false);
  assert.equal(parseApiKeyRef('env.').ok, false);
});

test('a virtual key secret is env.NAME, sha256:<64 hex> (lower-cased) or a literal', () => {
  assert.deepEqual(parseKeySecret('env.CI_KEY'), { ok: true, value: { kind: 'env', name: 'CI_KEY' } });
  assert.deepEqual(parseKeySecret(`sha256:${'F'.repeat(64)}`), { ok: true, value: { kind: 'sha256', hex: 'f'.repeat(64) } });
  assert.deepEqual(parseKeySecret('sk-team-1'), { ok: true, value: { kind: 'literal', value: 'sk-team-1' } });
  assert.equal(parseKeySecret(`sha256:${'a'.repeat(63)}`).ok, false);
  assert.equal(parseKeySecret(`sha256:${'g'.repeat(64)}`).ok, false);
  assert.equal(parseKeySecret('').ok, false);
});

test('resolveSecret reads environment references and returns literals as they are', () => {
  const env = { OPENAI_API_KEY: 'sk-openai', EMPTY: '' };
  assert.equal(resolveSecret({ env: 'OPENAI_API_KEY' }, env), 'sk-openai');
  assert.equal(resolveSecret({ env: 'NOT_SET' }, env), undefined);
  assert.equal(resolveSecret({ env: 'EMPTY' }, env), undefined);
  assert.equal(resolveSecret({ literal: 'abc' }, env), 'abc');
  assert.equal(resolveSecretFromLoad, resolveSecret);
});
