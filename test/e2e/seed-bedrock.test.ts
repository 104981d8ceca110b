// The published seed policy (examples/bifrost.yaml, unchanged) on Bedrock: a loopback Bedrock Runtime
// reached through AWS_ENDPOINT_URL_BEDROCK_RUNTIME with static credentials, the built-in price catalog.
import { getEventListeners } from 'node:events';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { ManualClock } from '../../proxy/core/clock.js';
import type { BudgetTierJson } from '../../proxy/api/wire/index.js';
import type { LogPageJson } from '../../proxy/api/wire/index.js';
import { seededRng } from '../../proxy/routing/weighted.js';
import { startGateway } from '../../proxy/server/gateway.js';
import { resolveServeOptions } from '../../proxy/server/options.js';
import { startBedrockUpstream } from '../upstreams/bedrock.js';
import { START } from './rig.js';

const SEED = resolve(__dirname, '..', '..', 'examples', 'bifrost.yaml');
const CLAUDE = 'anthropic.claude-sonnet-4-20250514-v1:0';
const MISTRAL = 'mistral.mistral-large-2407-v1:0';

/** Sum of dollar amounts in integer micro-dollars, so the comparison is exact. */
const micros = (dollars: number) => Math.round(dollars * 1_000_000);

describe('the seed policy on Bedrock', () => {
  test('examples/bifrost.yaml loads unchanged, routes 80/20 over Bedrock, charges all four tiers and stops the 101st request in the hour', async (t) => {
    const upstream = await startBedrockUpstream();
    const dir = await mkdtemp(join(tmpdir(), 'spendgate-e2e-seed-'));
    const env: NodeJS.ProcessEnv = {
      AWS_ACCESS_KEY_ID: 'AKIDTESTSPENDGATE',
      AWS_SECRET_ACCESS_KEY: 'test-secret-key',
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: upstream.url,
    };
    const events: Record<string, unknown>[] = [];
    const gateway = await startGateway(resolveServeOptions({ config: SEED, port: '0', 'data-dir': join(dir, 'data') }, env, dir), {
      clock: new ManualClock(START),
      rng: seededRng(1),
      env,
      log: (e) => events.push(e),
    });
    const api = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${gateway.adminToken}` } });
      assert.equal(res.status, 200, path);
      return (await res.json()) as T;
    };
    try {
      const client = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: 'staging-key', maxRetries: 0 });
      for (let i = 0; i < 100; i++) {
        const message = await client.messages.create({ model: 'auto', max_tokens: 50, messages: [{ role: 'user', content: `question ${i}` }] });
        assert.equal(message.type, 'message');
      }
      await assert.rejects(
        client.messages.create({ model: 'auto', max_tokens: 50, messages: [{ role: 'user', content: 'one too many' }] }),
        (err: unknown) => {
          assert.ok(err instanceof Anthropic.RateLimitError, `a 429 rate_limit_error: ${String(err)}`);
          assert.ok(Number(err.headers?.get('retry-after')) > 0, 'with retry-after');
          return true;
        },
      );

      assert.equal(upstream.requests.length, 100, 'the refused request never reached Bedrock');
      assert.ok(upstream.requests.every((r) => r.auth.scheme === 'sigv4' && r.auth.accessKeyId === 'AKIDTESTSPENDGATE'));
      const claude = upstream.requests.filter((r) => r.modelId === CLAUDE);
      const mistral = upstream.requests.filter((r) => r.modelId === MISTRAL);
      assert.equal(claude.length + mistral.length, 100);
      assert.ok(claude.length >= 70 && claude.length <= 90, `about 80 of 100 to claude, got ${claude.length}`);
      assert.ok(claude.every((r) => r.auth.scheme === 'sigv4' && r.auth.region === 'us-east-1'));
      assert.ok(mistral.every((r) => r.auth.scheme === 'sigv4' && r.auth.region === 'us-west-2'));

      const page = await api<LogPageJson>('/api/logs?virtual_key_ids=staging-key&status=200&limit=1000');
      assert.equal(page.logs.length, 100);
      assert.ok(page.logs.every((r) => r.cost !== null && r.cost.total > 0), 'both seed models have built-in prices');
      const total = page.logs.reduce((sum, r) => sum + micros(r.cost!.total), 0);
      const claudeTotal = page.logs.filter((r) => r.provider_config_id === 'bedrock-claude').reduce((sum, r) => sum + micros(r.cost!.total), 0);

      const { tiers } = await api<{ tiers: BudgetTierJson[] }>('/api/budgets');
      const tier = (kind: BudgetTierJson['tier'], id: string) => {
        const found = tiers.find((t) => t.tier === kind && t.id === id);
        assert.ok(found, `${kind} ${id} in /api/budgets`);
        return found;
      };
      const customer = tier('customer', 'acme-corp');
      const team = tier('team', 'ml-engineering');
      const key = tier('virtual_key', 'staging-key');
      const provider = tier('provider_config', 'bedrock-claude');
      assert.deepEqual([customer.limit, team.limit, key.limit, provider.limit], [5000, 2000, 500, 1000], 'the seed limits');
      assert.deepEqual([team.parent, key.parent], ['acme-corp', 'ml-engineering']);
      assert.deepEqual([customer.resets_at, team.resets_at, key.resets_at, provider.resets_at], [
        '2025-02-01T00:00:00Z',
        '2025-02-01T00:00:00Z',
        '2025-01-20T00:00:00Z',
        '2025-02-01T00:00:00Z',
      ]);
      for (const charged of [customer, team, key]) assert.equal(micros(charged.spent), total, `${charged.tier} is charged every request`);
      assert.equal(micros(provider.spent), claudeTotal, 'the provider tier is charged only what claude served');

      await t.test('finished Bedrock calls leave no abort listener on the gateway\'s shutdown signal', () => {
        assert.equal(getEventListeners(gateway.services.shutdown, 'abort').length, 0);
      });
    } finally {
      await gateway.close();
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
