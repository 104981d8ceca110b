// An in-process gateway with a ManualClock and a seeded RNG in front of two loopback Anthropic upstreams
// that model the seed's two providers (bedrock-claude 80 / bedrock-mistral 20), priced so every request
// costs a known amount.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { ManualClock } from '../../proxy/core/clock.js';
import { seededRng } from '../../proxy/routing/weighted.js';
import { startGateway, type RunningGateway } from '../../proxy/server/gateway.js';
import { resolveServeOptions } from '../../proxy/server/options.js';
import type { BudgetTierJson, LogPageJson, ProviderRoutingJson, RateLimitJson } from '../../proxy/api/wire/index.js';
import type { ConfigStatus } from '../../proxy/config/types.js';
import { startAnthropicUpstream, type ReplyScript, type TestUpstream } from '../upstreams/anthropic.js';

export const CLAUDE_MODEL = 'claude-e2e-sonnet';
export const MISTRAL_MODEL = 'mistral-e2e-large';

/**
 * Every request the tests send: a 3,000-character prompt, max_tokens 100. The upstreams report
 * 1,000 input and 100 output tokens, so with the prices below every answered request costs exactly
 * $3 (input) + $2 (output) = $5, on either provider. The gateway's reservation (prompt bytes ÷ 3 at
 * the dearest input rate plus max_tokens at the output rate) is a little above $5, as it must be.
 */
export const INPUT_TOKENS = 1_000;
export const OUTPUT_TOKENS = 100;
export const REQUEST_COST = 5;
export const PROMPT = 'x'.repeat(3_000);
const PRICE = 'input: 3000, output: 20000, cache_read: 3000, cache_write_5m: 3000, cache_write_1h: 3000';

/** Scripted replies default to the fixed usage above. */
export const FIXED_USAGE: ReplyScript = { inputTokens: INPUT_TOKENS, outputTokens: OUTPUT_TOKENS };

/** Wednesday 2025-01-15 10:00 UTC: the week resets Monday 2025-01-20, the month 2025-02-01. */
export const START = Date.UTC(2025, 0, 15, 10, 0, 0);

export interface PolicyText {
  /** YAML lines of the `budgets:` section body (indented by two spaces), or ''. */
  readonly budgets?: string;
  readonly rateLimits?: string;
  readonly routing?: string;
  /** YAML lines of the `virtual_keys:` section body, or ''. */
  readonly virtualKeys?: string;
}

/** The seed's account and two providers, pointed at the upstreams, with the given policy sections. */
export function configText(claudeUrl: string, mistralUrl: string, policy: PolicyText): string {
  return `accounts:
  - id: ml-team
    providers:
      - id: bedrock-claude
        type: anthropic
        model: ${CLAUDE_MODEL}
        weight: 80
        base_url: ${claudeUrl}
        api_key: env.E2E_CLAUDE_KEY
      - id: bedrock-mistral
        type: anthropic
        model: ${MISTRAL_MODEL}
        weight: 20
        base_url: ${mistralUrl}
        api_key: env.E2E_MISTRAL_KEY
pricing:
  ${CLAUDE_MODEL}: {${PRICE}}
  ${MISTRAL_MODEL}: {${PRICE}}
${policy.virtualKeys ? `virtual_keys:\n${policy.virtualKeys}\n` : ''}${policy.budgets ? `budgets:\n${policy.budgets}\n` : ''}${policy.rateLimits ? `rate_limits:\n${policy.rateLimits}\n` : ''}routing:
${policy.routing ?? '  retries: 0\n  backoff_base_ms: 1\n  backoff_max_ms: 2'}
`;
}

/** A parsed client-route answer. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: { type?: string; model?: string; error?: { type: string; message: string } } & Record<string, unknown>;
}

export interface Rig {
  readonly gateway: RunningGateway;
  readonly clock: ManualClock;
  readonly claude: TestUpstream;
  readonly mistral: TestUpstream;
  readonly configPath: string;
  /** Every event the gateway logged. */
  readonly events: Record<string, unknown>[];
  /** An Anthropic SDK client holding the virtual key. */
  client(key: string): Anthropic;
  /** POST /anthropic/v1/messages with the standard prompt; never throws on HTTP errors. */
  send(key: string, model?: string, extra?: Record<string, unknown>): Promise<Answer>;
  /** GET a management route with the admin token. */
  api<T>(path: string): Promise<T>;
  budget(tier: BudgetTierJson['tier'], id: string): Promise<BudgetTierJson>;
  provider(id: string): Promise<ProviderRoutingJson>;
  rateLimit(scope: RateLimitJson['scope'], id: string, kind: RateLimitJson['kind']): Promise<RateLimitJson>;
  logs(query: string): Promise<LogPageJson>;
  /** Rewrite the config file with a new policy (or raw text) and apply it. */
  reload(policy: PolicyText | string): Promise<ConfigStatus>;
  close(): Promise<void>;
}

export async function startRig(policy: PolicyText, start = START): Promise<Rig> {
  const claude = await startAnthropicUpstream();
  const mistral = await startAnthropicUpstream();
  claude.setDefault(FIXED_USAGE);
  mistral.setDefault(FIXED_USAGE);
  const dir = await mkdtemp(join(tmpdir(), 'spendgate-e2e-'));
  const configPath = join(dir, 'bifrost.yaml');
  await writeFile(configPath, configText(claude.url, mistral.url, policy));
  const env = { E2E_CLAUDE_KEY: 'sk-claude-upstream', E2E_MISTRAL_KEY: 'sk-mistral-upstream' };
  const clock = new ManualClock(start);
  const events: Record<string, unknown>[] = [];
  const options = resolveServeOptions({ config: configPath, port: '0', 'data-dir': join(dir, 'data') }, env, dir);
  const gateway = await startGateway(options, { clock, rng: seededRng(1), env, log: (e) => events.push(e) });
  const auth = { authorization: `Bearer ${gateway.adminToken}` };

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${gateway.url}${path}`, { headers: auth });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };

  return {
    gateway,
    clock,
    claude,
    mistral,
    configPath,
    events,
    client: (key) => new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: key, maxRetries: 0 }),
    async send(key, model = 'auto', extra = {}) {
      const res = await fetch(`${gateway.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model, max_tokens: OUTPUT_TOKENS, messages: [{ role: 'user', content: PROMPT }], ...extra }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
    },
    api,
    async budget(tier, id) {
      const { tiers } = await api<{ tiers: BudgetTierJson[] }>('/api/budgets');
      const found = tiers.find((t) => t.tier === tier && t.id === id);
      if (!found) throw new Error(`no ${tier} tier ${id} in /api/budgets`);
      return found;
    },
    async provider(id) {
      const view = await api<{ accounts: { providers: ProviderRoutingJson[] }[] }>('/api/routing');
      const found = view.accounts.flatMap((a) => a.providers).find((p) => p.id === id);
      if (!found) throw new Error(`no provider ${id} in /api/routing`);
      return found;
    },
    async rateLimit(scope, id, kind) {
      const { limits } = await api<{ limits: RateLimitJson[] }>('/api/rate-limits');
      const found = limits.find((l) => l.scope === scope && l.id === id && l.kind === kind);
      if (!found) throw new Error(`no ${scope} ${kind} limit ${id} in /api/rate-limits`);
      return found;
    },
    logs: (query) => api<LogPageJson>(`/api/logs?${query}`),
    async reload(next) {
      await writeFile(configPath, typeof next === 'string' ? next : configText(claude.url, mistral.url, next));
      return gateway.reload();
    },
    async close() {
      await gateway.close();
      await claude.close();
      await mistral.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Send `count` requests one after another; resolves to every answer in order. */
export async function sendSequentially(rig: Rig, count: number, key: string, model = 'auto'): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i++) answers.push(await rig.send(key, model));
  return answers;
}

/** Which provider served an answer, from the model the upstream echoed back. */
export function servedBy(answer: Answer): 'bedrock-claude' | 'bedrock-mistral' | undefined {
  if (answer.body.model === CLAUDE_MODEL) return 'bedrock-claude';
  if (answer.body.model === MISTRAL_MODEL) return 'bedrock-mistral';
  return undefined;
}

export function statuses(answers: readonly Answer[]): number[] {
  return answers.map((a) => a.status);
}
