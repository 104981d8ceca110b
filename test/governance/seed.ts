// The team's example policy (shared/fixtures/bifrost.yaml) as a typed Config, plus builders for variations.
import type { Config, Period, PeriodUnit, VirtualKeyDef } from '../../proxy/config/types.js';

export const DOLLAR = 1_000_000;

export function period(text: string): Period {
  const match = /^(\d+)([mhdwMY])$/.exec(text);
  if (match === null) throw new Error(`bad period ${text}`);
  return { count: Number(match[1]), unit: match[2] as PeriodUnit, text };
}

export function keyDef(id: string, extra: Partial<VirtualKeyDef> = {}): VirtualKeyDef {
  return { id, secret: { kind: 'literal', value: id }, ...extra };
}

/**
 * bifrost.yaml's numbers: acme-corp $5,000/1M ⊃ ml-engineering $2,000/1M ⊃ staging-key $500/1w;
 * bedrock-claude $1,000/1M; staging-key 100 requests and 50,000 tokens per hour; bedrock-claude
 * 500 requests per hour. `overrides` replaces whole sections.
 */
export function seedConfig(overrides: Partial<Config> = {}): Config {
  return {
    accounts: [
      {
        id: 'ml-team',
        providers: [
          { id: 'bedrock-claude', accountId: 'ml-team', type: 'bedrock', region: 'us-east-1', model: 'anthropic.claude-sonnet-4-20250514-v1:0', weight: 80 },
          { id: 'bedrock-mistral', accountId: 'ml-team', type: 'bedrock', region: 'us-west-2', model: 'mistral.mistral-large-2407-v1:0', weight: 20 },
        ],
      },
    ],
    budgets: {
      customer: [{ id: 'acme-corp', limitMicros: 5000 * DOLLAR, period: period('1M') }],
      team: [{ id: 'ml-engineering', customerId: 'acme-corp', limitMicros: 2000 * DOLLAR, period: period('1M') }],
      virtualKey: [{ id: 'staging-key', teamId: 'ml-engineering', limitMicros: 500 * DOLLAR, period: period('1w') }],
      providerConfig: [{ id: 'bedrock-claude', limitMicros: 1000 * DOLLAR, period: period('1M') }],
    },
    rateLimits: {
      virtualKey: [
        { id: 'staging-key', requests: { limit: 100, duration: period('1h') }, tokens: { limit: 50_000, duration: period('1h') } },
      ],
      providerConfig: [{ id: 'bedrock-claude', requests: { limit: 500, duration: period('1h') } }],
    },
    virtualKeys: [keyDef('staging-key')],
    pricing: { models: {}, unknownModel: 'serve' },
    store: { journalFsync: 1000 },
    logging: { retentionDays: 30, maxRecords: 50_000, captureBodies: false, maxBodyCaptureBytes: 256 * 1024 },
    routing: {
      retries: 0,
      fallback: 'same_model',
      backoffBaseMs: 100,
      backoffMaxMs: 1000,
      maxTotalMs: 30_000,
      breaker: { failures: 5, cooldownMs: 30_000 },
      timeouts: { connectMs: 5000, firstByteMs: 60_000, idleMs: 60_000 },
    },
    guards: [],
    ...overrides,
  };
}

/**
 * The seed policy with a second team under acme-corp and a second key in each team, for tests of
 * spend that adds up across keys and teams. Key budgets are large enough not to interfere.
 */
export function twoTeamConfig(): Config {
  const seed = seedConfig();
  return seedConfig({
    budgets: {
      ...seed.budgets,
      team: [
        ...seed.budgets.team,
        { id: 'platform', customerId: 'acme-corp', limitMicros: 4000 * DOLLAR, period: period('1M') },
      ],
      virtualKey: [
        ...seed.budgets.virtualKey,
        { id: 'dev-key', teamId: 'ml-engineering', limitMicros: 5000 * DOLLAR, period: period('1M') },
        { id: 'platform-key', teamId: 'platform', limitMicros: 5000 * DOLLAR, period: period('1M') },
      ],
    },
    virtualKeys: [keyDef('staging-key'), keyDef('dev-key'), keyDef('platform-key')],
  });
}
