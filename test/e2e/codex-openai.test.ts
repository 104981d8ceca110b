// End to end: the real Codex CLI (`codex exec`) → a spawned `spendgate serve` → the loopback OpenAI upstream. A turn
// where the model calls Codex's shell tool and Codex sends the output back, billed and logged; and a spent budget
// reaching Codex as an error it shows and stops on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { bifrost } from '../harness/config-builder.js';
import { eventually } from '../harness/eventually.js';
import { codexInstalled, runCodex } from '../harness/codex.js';
import { startOpenAIUpstream } from '../upstreams/openai.js';
import type { TestUpstream } from '../upstreams/common.js';
import { functionCallOutputs, type LoggedRequest } from './codex-checks.js';

const MODEL = 'gpt-5.1-codex';
const PROOF = 'spendgate-was-here';
const FINAL_TEXT = `The file proof.txt now says ${PROOF}.`;

describe('Codex CLI through the gateway to an OpenAI upstream', { skip: !codexInstalled() && 'npm ci installs @openai/codex' }, () => {
  let upstream: TestUpstream;
  let gw: SpawnedGateway;

  before(async () => {
    upstream = await startOpenAIUpstream();
    gw = await spawnGateway({
      config: bifrost({
        accounts: [{ id: 'dev', providers: [{ id: 'openai-direct', type: 'openai', model: MODEL, base_url: `${upstream.url}/v1`, api_key: 'env.TEST_OPENAI_KEY' }] }],
        budgets: { virtual_key: [{ id: 'codex-key', limit: 10, period: '1d' }, { id: 'spent-key', limit: 1, period: '1d' }] },
        pricing: { models: { [MODEL]: { input: 1.25, output: 10, cache_read: 0.125 } } },
        routing: { retries: 0, backoff_base_ms: 1, backoff_max_ms: 2 },
      }),
      env: { TEST_OPENAI_KEY: 'sk-openai-upstream' },
    });
  });

  after(async () => {
    await gw.stop();
    await upstream.close();
  });

  test('codex exec runs the shell command the model asks for, sends its output back, and both calls are billed to the key', async () => {
    upstream.script(
      { text: '', toolUse: { name: 'exec_command', input: { cmd: `echo ${PROOF} > proof.txt && cat proof.txt` } }, inputTokens: 8000, outputTokens: 40 },
      { text: FINAL_TEXT, inputTokens: 8100, cacheReadTokens: 7000, outputTokens: 20 },
    );
    const cwd = mkdtempSync(join(tmpdir(), 'spendgate-codex-run-'));
    try {
      const run = await runCodex({ baseUrl: `${gw.url}/openai/v1`, apiKey: 'codex-key', model: MODEL, prompt: 'Write proof.txt and tell me what it says.', cwd });
      assert.equal(run.exitCode, 0, `codex failed:\n${run.stdout}\n${run.stderr}`);
      assert.equal(run.lastMessage?.trim(), FINAL_TEXT);
      assert.equal(readFileSync(join(cwd, 'proof.txt'), 'utf8').trim(), PROOF, 'the shell command really ran');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }

    const [first, second] = upstream.requests.slice(-2);
    assert.equal(first.path, '/v1/responses');
    const outputs = functionCallOutputs(second.json);
    assert.equal(outputs.length, 1, 'the second request carries the command\'s output');
    assert.equal(outputs[0].call_id, 'call_test1');
    assert.match(outputs[0].output, new RegExp(PROOF));

    const logs = await eventually(async () => {
      const page = await gw.api<{ logs: LoggedRequest[] }>('/api/logs?virtual_key_ids=codex-key&order=asc');
      return page.logs.length === 2 ? page.logs : undefined;
    });
    assert.deepEqual(logs.map((l) => [l.status, l.stream]), [[200, true], [200, true]]);
    // 8,000 × $1.25/M + 40 × $10/M, then 8,100 uncached × $1.25/M + 7,000 cached × $0.125/M + 20 × $10/M
    assert.deepEqual(logs.map((l) => l.cost?.total), [0.0104, 0.0112]);
    const { tiers } = await gw.api<{ tiers: { tier: string; id: string; spent: number }[] }>('/api/budgets');
    assert.equal(tiers.find((t) => t.tier === 'virtual_key' && t.id === 'codex-key')?.spent, 0.0216);
  });

  test('a spent budget reaches Codex as a 402 it shows and stops on; the upstream is never called', async () => {
    // $2.50 of input spends the $1 budget in one request.
    upstream.script({ inputTokens: 2_000_000, outputTokens: 1 });
    const spend = await fetch(`${gw.url}/openai/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer spent-key' },
      body: JSON.stringify({ model: MODEL, input: 'expensive' }),
    });
    assert.equal(spend.status, 200);
    await spend.text();
    const calls = upstream.requests.length;

    const run = await runCodex({ baseUrl: `${gw.url}/openai/v1`, apiKey: 'spent-key', model: MODEL, prompt: 'say hi' });
    assert.equal(run.timedOut, false, 'Codex gives up on its own');
    assert.equal(run.exitCode, 1);
    assert.match(`${run.stdout}\n${run.stderr}`, /402 Payment Required: budget exceeded: virtual key "spent-key" spent \$2\.5\d* of \$1\.00 .*resets/);
    assert.equal(upstream.requests.length, calls, 'no refused request reached the upstream');

    const refusals = async (count: number) =>
      eventually(async () => {
        const page = await gw.api<{ logs: LoggedRequest[] }>('/api/logs?virtual_key_ids=spent-key&status=402&limit=100');
        return page.logs.length >= count ? page.logs : undefined;
      }, 5000, `${count} refusals in the log`);
    // Codex reconnects stream_max_retries times (5 by default) on statuses other than 400 before it shows the error.
    const refused = await refusals(6);
    assert.equal(refused.length, 6, 'the first attempt and five reconnects');
    assert.ok(refused.every((l) => l.error_type === 'budget_exceeded' && l.cost === null));

    // With stream_max_retries = 0 (docs/codex.md) the refusal shows at once, after one request.
    const once = await runCodex({ baseUrl: `${gw.url}/openai/v1`, apiKey: 'spent-key', model: MODEL, prompt: 'say hi', streamMaxRetries: 0 });
    assert.equal(once.exitCode, 1);
    assert.match(`${once.stdout}\n${once.stderr}`, /402 Payment Required: budget exceeded/);
    assert.equal((await refusals(7)).length, 7, 'one more refusal, no reconnects');
  });
});
