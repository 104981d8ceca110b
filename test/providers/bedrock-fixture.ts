// The seed config's two Bedrock provider configs, pointed at a loopback Bedrock upstream with static test credentials.
import { after, before } from 'node:test';
import OpenAI from 'openai';
import { BedrockProvider } from '../../proxy/providers/bedrock/index.js';
import type { ProviderTarget } from '../../proxy/providers/types.js';
import { startBedrockUpstream, type BedrockUpstream, type BedrockUpstreamOptions } from '../upstreams/bedrock.js';
import { startBedrockHarness, type BedrockHarness } from './bedrock-harness.js';

export const CLAUDE_MODEL = 'anthropic.claude-sonnet-4-20250514-v1:0';
export const MISTRAL_MODEL = 'mistral.mistral-large-2407-v1:0';

/** Static credentials as the test process's environment holds them (no bearer token unless a test adds one). */
export const TEST_ENV: NodeJS.ProcessEnv = {
  AWS_ACCESS_KEY_ID: 'AKIDTESTSPENDGATE',
  AWS_SECRET_ACCESS_KEY: 'test-secret-key',
};

export function claudeTarget(endpoint: string): ProviderTarget {
  return { id: 'bedrock-claude', accountId: 'ml-team', type: 'bedrock', region: 'us-east-1', model: CLAUDE_MODEL, weight: 80, endpoint };
}

export function mistralTarget(endpoint: string): ProviderTarget {
  return { id: 'bedrock-mistral', accountId: 'ml-team', type: 'bedrock', region: 'us-west-2', model: MISTRAL_MODEL, weight: 20, endpoint };
}

export interface Rig {
  readonly upstream: BedrockUpstream;
  readonly harness: BedrockHarness;
  readonly events: Record<string, unknown>[];
  close(): Promise<void>;
}

/** An upstream, a provider and a harness in front of one target. */
export async function startRig(
  makeTarget: (endpoint: string) => ProviderTarget,
  options: { env?: NodeJS.ProcessEnv; upstream?: BedrockUpstreamOptions; idleMs?: number } = {},
): Promise<Rig> {
  const upstream = await startBedrockUpstream(options.upstream);
  const events: Record<string, unknown>[] = [];
  const provider = new BedrockProvider({ env: options.env ?? TEST_ENV, log: (e) => events.push(e) });
  const harness = await startBedrockHarness(provider, makeTarget(upstream.url), {
    connectMs: 2_000,
    firstByteMs: 10_000,
    idleMs: options.idleMs ?? 10_000,
  });
  return {
    upstream,
    harness,
    events,
    close: async () => {
      try {
        await harness.close();
      } finally {
        await upstream.close();
      }
    },
  };
}

/** A rig and an openai SDK client on its `/openai/v1`, set up by the hooks openAiRig registers. */
export interface OpenAiRig {
  rig: Rig;
  client: OpenAI;
}

/**
 * Registers, in the describe block it is called in, a rig on `makeTarget` started before its tests (with an openai
 * SDK client that never retries) and closed after them; the returned object holds both once the tests run.
 */
export function openAiRig(makeTarget: (endpoint: string) => ProviderTarget): OpenAiRig {
  const on = {} as OpenAiRig;
  before(async () => {
    on.rig = await startRig(makeTarget);
    on.client = new OpenAI({ baseURL: `${on.rig.harness.url}/openai/v1`, apiKey: 'vk', maxRetries: 0 });
  });
  after(() => on.rig.close());
  return on;
}

/** Waits until the harness recorded `count` finished sends (the response may reach the client first). */
export async function sendsSettled(harness: BedrockHarness, count: number): Promise<void> {
  while (harness.sends.length < count) await new Promise((resolve) => setImmediate(resolve));
}
