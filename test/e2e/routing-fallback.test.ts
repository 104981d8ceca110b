// No silent model swap, end to end on a spawned `spendgate serve`: a request naming Claude falls back to a
// Mistral target only under `routing.fallback: any`; under the default it fails naming what was tried and what was
// kept out. Two loopback Bedrock Runtimes, one per target, so each target's traffic is counted apart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { removeDir, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { startBedrockUpstream, type BedrockUpstream } from '../upstreams/bedrock.js';
import { bifrost, type RoutingSection } from '../harness/config-builder.js';

const REQUESTED = 'claude-sonnet-4-20250514';
const CLAUDE_ID = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const MISTRAL_ID = 'mistral.mistral-large-2407-v1:0';
const AWS_SECRET = 'secret-key-never-in-an-answer';
const OUTAGE = { type: 'ServiceUnavailableException', status: 503, message: 'Bedrock is unavailable in us-east-1' };

/** `fallback` undefined leaves the key out (the default, same_model). */
function configText(claudeUrl: string, mistralUrl: string, fallback?: RoutingSection['fallback']): string {
  return bifrost({
    accounts: [
      {
        id: 'ml-team',
        providers: [
          { id: 'bedrock-claude', type: 'bedrock', region: 'us-east-1', model: CLAUDE_ID, weight: 80, endpoint: claudeUrl },
          { id: 'bedrock-mistral', type: 'bedrock', region: 'us-east-1', model: MISTRAL_ID, weight: 20, endpoint: mistralUrl },
        ],
      },
    ],
    virtual_keys: [{ id: 'dev-key', account: 'ml-team' }],
    routing: { retries: 1, backoff_base_ms: 1, backoff_max_ms: 2, breaker: { failures: 1000, cooldown_ms: 1 }, fallback },
  });
}

interface AnthropicAnswer {
  readonly status: number;
  readonly requestId: string | null;
  readonly body: { type?: string; model?: string; error?: { type: string; message: string } };
}

interface LogRow {
  readonly attempt: number;
  readonly provider_config_id: string | null;
  readonly status: number;
  readonly routing: { readonly excluded: readonly { id: string; reason: string }[] } | null;
}

describe('routing.fallback end to end (spawned gateway)', () => {
  let claude: BedrockUpstream;
  let mistral: BedrockUpstream;
  let gw: SpawnedGateway;

  const send = async (model = REQUESTED): Promise<AnthropicAnswer> => {
    const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-key', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model, max_tokens: 32, messages: [{ role: 'user', content: 'hello' }] }),
    });
    return { status: res.status, requestId: res.headers.get('x-request-id'), body: (await res.json()) as AnthropicAnswer['body'] };
  };

  const logsOf = async (requestId: string | null): Promise<LogRow[]> => {
    assert.ok(requestId, 'every answer carries x-request-id');
    const { logs } = await gw.api<{ logs: LogRow[] }>(`/api/logs?request_id=${requestId}&sort_by=timestamp&order=asc`);
    return [...logs].sort((a, b) => a.attempt - b.attempt);
  };

  const useFallback = async (fallback: RoutingSection['fallback']): Promise<void> => {
    await writeFile(gw.configPath, configText(claude.url, mistral.url, fallback));
    await gw.api('/api/config/reload', { method: 'POST' });
  };

  before(async () => {
    claude = await startBedrockUpstream();
    mistral = await startBedrockUpstream();
    claude.setDefault({ error: OUTAGE });
    mistral.setDefault({ text: 'mistral answered', inputTokens: 5, outputTokens: 2 });
    gw = await spawnGateway({
      config: configText(claude.url, mistral.url),
      env: { AWS_ACCESS_KEY_ID: 'AKIDFALLBACKTEST', AWS_SECRET_ACCESS_KEY: AWS_SECRET, AWS_REGION: 'us-east-1' },
    });
  });

  after(async () => {
    assert.equal(await gw.stop(), 0);
    await Promise.all([claude.close(), mistral.close()]);
    await removeDir(gw.dataDir);
  });

  test('by default (same_model) a Claude request never reaches Mistral; the error names the target tried and the one excluded', async () => {
    const answer = await send();
    assert.equal(answer.status, 503, 'the status of the last failure');
    assert.equal(answer.body.type, 'error');
    assert.equal(answer.body.error?.type, 'overloaded_error', "Anthropic's own type for a 503");
    const message = answer.body.error?.message ?? '';
    assert.equal(
      message,
      `all providers failed: bedrock-claude (2 attempts, last 503 ServiceUnavailableException: ${OUTAGE.message}); ` +
        `excluded: bedrock-mistral (fallback: serves ${MISTRAL_ID}, not a model compatible with ${REQUESTED} — set routing.fallback: any to allow)`,
    );
    assert.doesNotMatch(message, new RegExp(`${AWS_SECRET}|AKIDFALLBACKTEST|dev-key`), 'no credentials or keys in the message');
    assert.equal(claude.requests.length, 2, 'one call and one retry');
    assert.equal(mistral.requests.length, 0, 'no silent model swap');

    const attempts = await logsOf(answer.requestId);
    assert.deepEqual(attempts.map((r) => [r.provider_config_id, r.status]), [['bedrock-claude', 503], ['bedrock-claude', 503]]);
    assert.deepEqual(attempts.at(-1)?.routing?.excluded, [
      { id: 'bedrock-mistral', reason: `fallback: serves ${MISTRAL_ID}, not a model compatible with ${REQUESTED} — set routing.fallback: any to allow` },
    ]);
  });

  test('a single client error from the upstream reaches the client as the upstream said it', async () => {
    claude.script({ error: { type: 'ValidationException', status: 400, message: 'max_tokens exceeds the model limit' } });
    const answer = await send();
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error?.type, 'invalid_request_error');
    assert.equal(answer.body.error?.message, 'max_tokens exceeds the model limit', 'not wrapped');
  });

  test('with routing.fallback: any the same request is served by the Mistral target', async () => {
    const before = { claude: claude.requests.length, mistral: mistral.requests.length };
    await useFallback('any');
    const answer = await send();
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.type, 'message');
    assert.equal(claude.requests.length - before.claude, 2, 'Claude is still tried first, with its retry');
    assert.equal(mistral.requests.length - before.mistral, 1);
    assert.equal(mistral.requests.at(-1)?.modelId, MISTRAL_ID);

    const attempts = await logsOf(answer.requestId);
    assert.deepEqual(attempts.map((r) => [r.provider_config_id, r.status]), [['bedrock-claude', 503], ['bedrock-claude', 503], ['bedrock-mistral', 200]]);
  });

  test('with routing.fallback: false the error still says why Mistral was not tried', async () => {
    await useFallback(false);
    const answer = await send();
    assert.equal(answer.status, 503);
    assert.match(answer.body.error?.message ?? '', /^all providers failed: bedrock-claude \(2 attempts, last 503 ServiceUnavailableException: .*\); excluded: bedrock-mistral \(fallback: off \(routing\.fallback: false\)\)$/);
  });
});
