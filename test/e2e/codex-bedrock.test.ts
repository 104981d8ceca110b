// End to end: the real Codex CLI (`codex exec`) → a spawned `spendgate serve` → Claude on the strict loopback Bedrock
// (which refuses whatever real Bedrock refuses). A turn where the model calls Codex's shell tool and Codex sends the
// output back; both model calls in /api/logs with their cost, counted against the key's budget.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { bifrost } from '../harness/config-builder.js';
import { eventually } from '../harness/eventually.js';
import { codexInstalled, runCodex } from '../harness/codex.js';
import { startBedrockUpstream, type BedrockRecordedRequest, type BedrockUpstream } from '../upstreams/bedrock.js';
import type { LoggedRequest } from './codex-checks.js';

/** The Anthropic name Codex is configured with; the account serves it from its Bedrock inference profile. */
const MODEL = 'claude-sonnet-4-5-20250929';
const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const PROOF = 'spendgate-was-here';
const FINAL_TEXT = `The file proof.txt now says ${PROOF}.`;

/** The text of the tool results in the last message of a Converse request. */
function toolResultTexts(call: BedrockRecordedRequest | undefined): string[] {
  const messages = (call?.json?.messages ?? []) as { content?: { toolResult?: { content?: { text?: string }[] } }[] }[];
  const last = messages[messages.length - 1];
  return (last?.content ?? []).flatMap((block) => (block.toolResult?.content ?? []).map((c) => c.text ?? ''));
}

describe('Codex CLI through the gateway to Claude on Bedrock', { skip: !codexInstalled() && 'npm ci installs @openai/codex' }, () => {
  let bedrock: BedrockUpstream;
  let gw: SpawnedGateway;

  before(async () => {
    bedrock = await startBedrockUpstream();
    gw = await spawnGateway({
      config: bifrost({
        accounts: [{ id: 'dev', providers: [{ id: 'bedrock-sonnet', type: 'bedrock', region: 'us-east-1', model: BEDROCK_MODEL, endpoint: bedrock.url }] }],
        budgets: { virtual_key: [{ id: 'codex-key', limit: 10, period: '1d' }] },
        routing: { retries: 0, backoff_base_ms: 1, backoff_max_ms: 2 },
      }),
      env: { AWS_ACCESS_KEY_ID: 'AKIDCODEXTEST', AWS_SECRET_ACCESS_KEY: 'test-secret-key', AWS_SESSION_TOKEN: '', AWS_BEARER_TOKEN_BEDROCK: '', AWS_REGION: 'us-east-1' },
    });
  });

  after(async () => {
    await gw.stop();
    await bedrock.close();
  });

  test('codex exec runs the shell command Claude asks for, sends its output back, and both calls are billed to the key', async () => {
    bedrock.script(
      { text: 'I will write the file.', toolUse: { name: 'exec_command', input: { cmd: `echo ${PROOF} > proof.txt && cat proof.txt` } }, inputTokens: 9000, outputTokens: 60 },
      { text: FINAL_TEXT, inputTokens: 9200, outputTokens: 20 },
    );
    const cwd = mkdtempSync(join(tmpdir(), 'spendgate-codex-run-'));
    try {
      const run = await runCodex({ baseUrl: `${gw.url}/openai/v1`, apiKey: 'codex-key', model: MODEL, prompt: 'Write proof.txt and tell me what it says.', cwd });
      assert.equal(run.exitCode, 0, `codex failed:\n${run.stdout}\n${run.stderr}\n${gw.output.join('\n')}`);
      assert.equal(run.lastMessage?.trim(), FINAL_TEXT);
      assert.equal(readFileSync(join(cwd, 'proof.txt'), 'utf8').trim(), PROOF, 'the shell command really ran');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }

    const calls = bedrock.requests.slice(-2);
    assert.deepEqual(calls.map((c) => [c.operation, c.modelId]), [['converse-stream', BEDROCK_MODEL], ['converse-stream', BEDROCK_MODEL]]);
    assert.ok(toolResultTexts(calls[1]).some((text) => text.includes(PROOF)), 'the command\'s output went back to Claude as a toolResult');

    const logs = await eventually(async () => {
      const page = await gw.api<{ logs: LoggedRequest[] }>('/api/logs?virtual_key_ids=codex-key&order=asc');
      return page.logs.length === 2 ? page.logs : undefined;
    });
    assert.deepEqual(logs.map((l) => [l.status, l.stream, l.provider_config_id]), [[200, true, 'bedrock-sonnet'], [200, true, 'bedrock-sonnet']]);
    // Sonnet 4.5's built-in Bedrock price through a `us.` profile, $3.30/M input and $16.50/M output (the 10% regional
    // premium): 9,000 × 3.3 + 60 × 16.5, then 9,200 × 3.3 + 20 × 16.5 micro-dollars.
    assert.deepEqual(logs.map((l) => l.cost?.total), [0.03069, 0.03069]);
    const { tiers } = await gw.api<{ tiers: { tier: string; id: string; spent: number }[] }>('/api/budgets');
    assert.equal(tiers.find((t) => t.tier === 'virtual_key' && t.id === 'codex-key')?.spent, 0.06138);
  });
});
