// The built-in catalog: it parses, covers the models spendgate promises, and states the published anchors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import catalogJson from '../../proxy/pricing/catalog.json';
import { builtinCatalog, parseCatalog } from '../../proxy/pricing/builtin.js';
import { PriceBook } from '../../proxy/pricing/catalog.js';

const book = new PriceBook();

test('every catalog model states a source URL and an as-of date', () => {
  for (const [id, model] of Object.entries(catalogJson.models)) {
    assert.match(model.source, /^https:\/\//, id);
    assert.match(model.as_of, /^\d{4}-\d{2}-\d{2}$/, id);
  }
});

test('the catalog prices every model spendgate documents', () => {
  const ids = [
    'anthropic.claude-sonnet-4-20250514-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-opus-4-20250514-v1:0',
    'anthropic.claude-opus-4-1-20250805-v1:0', 'anthropic.claude-opus-4-5-20251101-v1:0', 'anthropic.claude-3-5-haiku-20241022-v1:0',
    'anthropic.claude-haiku-4-5-20251001-v1:0', 'anthropic.claude-3-7-sonnet-20250219-v1:0', 'anthropic.claude-3-5-sonnet-20241022-v2:0',
    'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0', 'apac.anthropic.claude-sonnet-4-20250514-v1:0',
    'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'mistral.mistral-large-2407-v1:0', 'meta.llama3-3-70b-instruct-v1:0',
    'us.meta.llama4-maverick-17b-instruct-v1:0', 'amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0', 'amazon.nova-pro-v1:0', 'amazon.nova-premier-v1:0',
    'claude-sonnet-4-20250514', 'claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001',
    'claude-3-5-haiku-20241022', 'claude-sonnet-4-5', 'gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'o3', 'o4-mini',
    'gpt-5', 'gpt-5-mini', 'gpt-5-nano',
  ];
  for (const id of ids) assert.ok(book.lookup(id), id);
});

test('published anchors: dollars per million tokens as pico-dollars per token', () => {
  const M = 1_000_000;
  const rates = (id: string): number[] => {
    const s = book.lookup(id)?.standard;
    assert.ok(s, id);
    return [s.input, s.output, s.cacheRead, s.cacheWrite5m, s.cacheWrite1h];
  };
  assert.deepEqual(rates('anthropic.claude-sonnet-4-20250514-v1:0'), [3 * M, 15 * M, 0.3 * M, 3.75 * M, 6 * M]);
  assert.deepEqual(rates('claude-sonnet-4-5'), [3 * M, 15 * M, 0.3 * M, 3.75 * M, 6 * M]);
  assert.deepEqual(rates('claude-haiku-4-5-20251001').slice(0, 2), [1 * M, 5 * M]);
  assert.deepEqual(rates('claude-opus-4-5-20251101').slice(0, 2), [5 * M, 25 * M]);
  assert.deepEqual(rates('anthropic.claude-opus-4-1-20250805-v1:0').slice(0, 2), [15 * M, 75 * M]);
  assert.deepEqual(rates('mistral.mistral-large-2407-v1:0').slice(0, 2), [2 * M, 6 * M]);
  const sonnet = book.lookup('anthropic.claude-sonnet-4-20250514-v1:0');
  assert.deepEqual(sonnet?.batch && [sonnet.batch.input, sonnet.batch.output], [1.5 * M, 7.5 * M]);
  assert.equal(sonnet?.longContext?.thresholdTokens, 200_000);
});

test('regional profiles of the 4.5 models carry the 10% premium over base and global', () => {
  for (const model of ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-opus-4-5-20251101']) {
    const base = book.lookup(`anthropic.${model}-v1:0`);
    const global = book.lookup(`global.anthropic.${model}-v1:0`);
    assert.ok(base && global);
    assert.deepEqual(global.standard, base.standard);
    for (const geo of ['us', 'eu', 'jp', 'au']) {
      const regional = book.lookup(`${geo}.anthropic.${model}-v1:0`)?.standard;
      assert.ok(regional, `${geo}.${model}`);
      assert.equal(regional.input * 10, base.standard.input * 11);
      assert.equal(regional.output * 10, base.standard.output * 11);
      assert.equal(regional.cacheWrite5m * 10, base.standard.cacheWrite5m * 11);
    }
  }
});

test('the shipped catalog parses, and a malformed one is refused', () => {
  assert.ok(builtinCatalog().size > Object.keys(catalogJson.models).length, 'aliases and regional profiles add ids');
  assert.throws(() => parseCatalog({ ...catalogJson, schema: 2 }), /invalid price catalog/);
  const model = { input: 1, output: 2, source: 'https://example.com/', as_of: '2025-01-01' };
  assert.throws(() => parseCatalog({ ...catalogJson, models: { a: { ...model, aliases: ['b'] }, b: model } }), /listed twice/);
  assert.throws(() => parseCatalog({ ...catalogJson, models: { a: { ...model, input: -1 } } }), /invalid price catalog/);
  assert.throws(() => parseCatalog({ ...catalogJson, models: { a: { ...model, inptu: 1 } } }), /invalid price catalog/);
});
