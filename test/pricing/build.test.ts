// buildPriceBook: the price book for a config's pricing settings, reading its LiteLLM price file from disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPriceBook } from '../../proxy/pricing/catalog.js';

test('buildPriceBook reads the price file and layers config over it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'spendgate-pricing-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'model_prices_and_context_window.json');
  await writeFile(file, JSON.stringify({
    'team-model': { input_cost_per_token: 4e-6, output_cost_per_token: 1.6e-5 },
    'broken': { input_cost_per_token: true },
  }));
  const book = await buildPriceBook({ models: { 'gpt-4o': { input: 1, output: 1 } }, file, unknownModel: 'serve' });
  assert.equal(book.lookup('team-model')?.origin, 'price_file');
  assert.equal(book.lookup('team-model')?.standard.output, 16_000_000);
  assert.equal(book.lookup('gpt-4o')?.origin, 'config');
  assert.equal(book.lookup('claude-opus-4-5')?.origin, 'catalog');
  assert.deepEqual(book.problems.map((p) => p.key), ['broken']);
});

test('buildPriceBook without a price file uses config and the catalog', async () => {
  const book = await buildPriceBook({ models: {}, unknownModel: 'serve' });
  assert.equal(book.lookup('mistral.mistral-large-2407-v1:0')?.origin, 'catalog');
  assert.deepEqual(book.problems, []);
});

test('buildPriceBook rejects when the price file cannot be read, naming it', async () => {
  const missing = join(tmpdir(), 'spendgate-no-such-dir', 'prices.json');
  await assert.rejects(buildPriceBook({ models: {}, file: missing, unknownModel: 'serve' }), (error: Error) => error.message.includes(missing));
});
