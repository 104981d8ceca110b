// Config texts shared by end-to-end suites: the seed policy's four tiers in front of a loopback Anthropic upstream.
import { bifrost, type BifrostFile } from './config-builder.js';

/**
 * The example bifrost.yaml's customer → team → key → provider tiers (same ids and limits), served by
 * one `anthropic` provider config at `anthropicUrl` whose key is read from TEST_ANTHROPIC_KEY.
 * `extra` adds further sections (e.g. rate_limits) after those two.
 */
export function fourTierConfig(anthropicUrl: string, extra: Omit<BifrostFile, 'accounts' | 'budgets'> = {}): string {
  return bifrost({
    accounts: [
      {
        id: 'dev',
        providers: [
          { id: 'anthropic-direct', type: 'anthropic', model: 'claude-sonnet-4-20250514', base_url: anthropicUrl, api_key: 'env.TEST_ANTHROPIC_KEY' },
        ],
      },
    ],
    budgets: {
      customer: [{ id: 'acme-corp', limit: 5000, period: '1M' }],
      team: [{ id: 'ml-engineering', customer_id: 'acme-corp', limit: 2000, period: '1M' }],
      virtual_key: [{ id: 'staging-key', team_id: 'ml-engineering', limit: 500, period: '1w' }],
      provider_config: [{ id: 'anthropic-direct', limit: 1000, period: '1M' }],
    },
    ...extra,
  });
}
