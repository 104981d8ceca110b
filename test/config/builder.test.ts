// The tests' typed config builder (harness/config-builder.ts) writes texts the loader reads back as written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfigText } from '../../proxy/config/load.js';
import { bifrost } from '../harness/config-builder.js';

test('a builder text using every section loads without problems or warnings, pricing models beside unknown_model', () => {
  const text = bifrost({
    accounts: [
      {
        id: 'direct',
        providers: [
          { id: 'claude', type: 'anthropic', model: 'claude-sonnet-4-20250514', base_url: 'https://api.anthropic.com', api_key: 'env.ANTHROPIC_API_KEY', timeouts: { first_byte_ms: 30000 } },
          { id: 'br', type: 'bedrock', model: 'anthropic.claude-3-haiku-20240307-v1:0', region: 'us-east-1', weight: 2, credentials: { profile: 'dev', role_arn: 'arn:aws:iam::1:role/x' } },
        ],
      },
    ],
    budgets: {
      customer: [{ id: 'acme', limit: 5000, period: '1M' }],
      team: [{ id: 'ml', customer_id: 'acme', limit: 2000, period: '1M' }],
      virtual_key: [{ id: 'alice', team_id: 'ml', limit: 12.5, period: '1w' }],
      provider_config: [{ id: 'claude', limit: 1000, period: '1M' }],
    },
    rate_limits: { virtual_key: [{ id: 'alice', requests: { limit: 100, duration: '1h' }, tokens: { limit: 50000, duration: '1h' } }] },
    virtual_keys: [{ id: 'alice', key: 'env.ALICE_KEY', account: 'direct', allowed_models: ['claude-sonnet-4-20250514'], description: "Alice's laptop" }],
    pricing: { unknown_model: 'reject', models: { 'my-model': { input: 3, output: 15, cache_read: 0.3 } } },
    logging: { retention_days: 7, capture_bodies: true },
    routing: { retries: 1, fallback: false, breaker: { failures: 3 } },
    guards: [{ virtual_key_id: 'alice', max_requests: 50, window: '10m' }],
  });
  assert.match(text, /^pricing:\n {2}unknown_model: reject\n {2}my-model:\n/m);
  const result = loadConfigText(text, '/builder/bifrost.yaml');
  assert.ok(result.ok, JSON.stringify(result));
  assert.deepEqual(result.warnings, []);
  assert.equal(result.config.budgets.virtualKey[0]?.limitMicros, 12_500_000);
  assert.equal(result.config.pricing.unknownModel, 'reject');
  assert.equal(result.config.routing.fallback, 'off');
});
