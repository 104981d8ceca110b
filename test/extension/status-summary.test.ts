// The status bar's budget summary: which tiers count for the developer's key and how the tightest one is shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doublingDelay } from '../../extension/backoff.js';
import { summarizeBudgets, tiersOnPath } from '../../extension/status-summary.js';
import type { BudgetTierJson } from '../../proxy/api/wire/index.js';
import { loadFixture } from '../webview/fixture-server.js';

const tiers = loadFixture().budgets.tiers;
const key = { id: 'staging-key', team_id: 'ml-engineering', customer_id: 'acme-corp' };
const withPercent = (id: string, percent: number): BudgetTierJson[] => tiers.map((t) => (t.id === id ? { ...t, percent } : t));

test("the status bar shows the key's spend and the tightest tier on its path", () => {
  const s = summarizeBudgets(withPercent('bedrock-claude', 10), key);
  assert.equal(s.text, '$412.34 · key 82%');
  assert.equal(s.level, 'warning');
});

test('a provider config on the path can be the tightest tier, and over 90% is an error', () => {
  const s = summarizeBudgets(tiers, key);
  assert.equal(s.text, '$412.34 · provider 92%');
  assert.equal(s.level, 'error');
});

test('a tier at 100% reads as blocked and names the tier', () => {
  const s = summarizeBudgets(withPercent('ml-engineering', 100), key);
  assert.equal(s.text, '$412.34 · team ml-engineering blocked');
  assert.equal(s.level, 'blocked');
});

test('team 62% below the warning threshold is ok', () => {
  const calm = tiers.map((t) => (t.tier === 'virtual_key' || t.tier === 'provider_config' ? { ...t, percent: 10 } : t));
  const s = summarizeBudgets(calm, key);
  assert.equal(s.text, '$412.34 · team 62%');
  assert.equal(s.level, 'ok');
});

test('without a key the summary uses teams, customers and providers and asks for a key', () => {
  assert.deepEqual(
    tiersOnPath(tiers, undefined).map((t) => t.id),
    ['acme-corp', 'ml-engineering', 'bedrock-claude'],
  );
  assert.match(summarizeBudgets(tiers, undefined).text, /^set key · provider 92%$/);
});

test('a key with no budget of its own is named by id', () => {
  assert.equal(summarizeBudgets(tiers.filter((t) => t.tier !== 'virtual_key'), key).text, 'staging-key · provider 92%');
});

test('a key without a team answers only to its own and the provider tiers', () => {
  const path = tiersOnPath(tiers, { id: 'staging-key', team_id: null, customer_id: null });
  // the key's own tier names its team as parent, so the path still follows it
  assert.deepEqual(path.map((t) => t.id), ['staging-key', 'ml-engineering', 'acme-corp', 'bedrock-claude']);
  const lone = tiersOnPath(tiers.map((t) => (t.tier === 'virtual_key' ? { ...t, parent: null } : t)), { id: 'staging-key', team_id: null, customer_id: null });
  assert.deepEqual(lone.map((t) => t.id), ['staging-key', 'bedrock-claude']);
});

test('the tooltip lists every tier on the path with remaining money and reset time', () => {
  const { tooltip } = summarizeBudgets(tiers, key);
  assert.match(tooltip, /\| team ml\\-engineering \| \$1,234\.56 of \$2,000\.00 \| 61\.7% \| \$765\.44 \| 2025-12-01 00:00 UTC \|/);
  assert.match(tooltip, /\| key staging\\-key \| \$412\.34 of \$500\.00 \| 82\.5% \| \$87\.66 \| 2025-11-24 00:00 UTC \|/);
});

test('backoff doubles from the initial delay up to the cap', () => {
  const policy = { initialMs: 1000, maxMs: 60_000 };
  assert.deepEqual([0, 1, 2, 3, 6, 7, 100].map((n) => doublingDelay(n, policy)), [1000, 2000, 4000, 8000, 60_000, 60_000, 60_000]);
});
