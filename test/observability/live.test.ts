// Live view over /ws: every answered request is pushed as a log record, spend changes push budgets,
// a subscription filter narrows the stream, and config edits are announced.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import type { TestUpstream } from '../upstreams/common.js';
import type { SpawnedGateway } from '../harness/gateway.js';
import { LiveClient, type LiveMessage } from './live-client.js';
import { startLoopbackGateway, type LoopbackGateway } from '../harness/loopback.js';

/** The contract's promise is "within 1 s of the response"; each wait allows that and no more. */
const PUSH_TIMEOUT_MS = 1_000;

function configFor(anthropicUrl: string, openaiUrl: string, extraKey = ''): string {
  return `accounts:
  - id: dev
    providers:
      - id: anthropic-direct
        type: anthropic
        model: claude-sonnet-4-20250514
        base_url: ${anthropicUrl}
        api_key: env.TEST_ANTHROPIC_KEY
      - id: openai-direct
        type: openai
        model: gpt-4o-mini
        base_url: ${openaiUrl}/v1
        api_key: env.TEST_OPENAI_KEY
budgets:
  virtual_key:
    - id: alice
      limit: 50
      period: 1d
    - id: bob
      limit: 50
      period: 1d${extraKey}
`;
}

interface LogPayload {
  readonly request_id: string;
  readonly virtual_key_id: string | null;
  readonly model_requested: string;
  readonly model_served: string | null;
  readonly provider_config_id: string | null;
  readonly status: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cost: { readonly total: number } | null;
}

interface BudgetsPayload {
  readonly tiers: readonly { readonly tier: string; readonly id: string; readonly spent: number; readonly remaining: number }[];
}

const isLogCreate = (m: LiveMessage) => m.type === 'log' && m.operation === 'create';
const isBudgets = (m: LiveMessage) => m.type === 'budgets';

describe('live request log over /ws', () => {
  let rig: LoopbackGateway;
  let anthropicUp: TestUpstream;
  let openaiUp: TestUpstream;
  let gw: SpawnedGateway;

  before(async () => {
    rig = await startLoopbackGateway(configFor, { TEST_ANTHROPIC_KEY: 'sk-ant-upstream-secret', TEST_OPENAI_KEY: 'sk-openai-upstream-secret' });
    ({ anthropicUp, openaiUp, gw } = rig);
  });

  after(async () => {
    await rig.close();
  });

  async function anthropicMessage(key: string, usage: { input: number; output: number }): Promise<void> {
    anthropicUp.script({ inputTokens: usage.input, outputTokens: usage.output });
    const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    await res.arrayBuffer();
  }

  async function openaiCompletion(key: string, usage: { input: number; output: number }): Promise<void> {
    openaiUp.script({ inputTokens: usage.input, outputTokens: usage.output });
    const res = await fetch(`${gw.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    await res.arrayBuffer();
  }

  test('each answered request arrives as a log create message with its key, model and cost', async () => {
    const live = await LiveClient.connect(gw.url, gw.adminToken);
    try {
      // claude-sonnet-4 is $3 in / $15 out per million tokens; gpt-4o-mini $0.15 / $0.60.
      const requests = [
        { send: () => anthropicMessage('alice', { input: 1000, output: 200 }), key: 'alice', model: 'claude-sonnet-4-20250514', total: 0.006 },
        { send: () => openaiCompletion('bob', { input: 2000, output: 500 }), key: 'bob', model: 'gpt-4o-mini', total: 0.0006 },
        { send: () => anthropicMessage('bob', { input: 10, output: 1 }), key: 'bob', model: 'claude-sonnet-4-20250514', total: 0.000045 },
        { send: () => openaiCompletion('alice', { input: 20, output: 5 }), key: 'alice', model: 'gpt-4o-mini', total: 0.000006 },
        { send: () => anthropicMessage('alice', { input: 333, output: 77 }), key: 'alice', model: 'claude-sonnet-4-20250514', total: 0.002154 },
      ];
      for (const r of requests) {
        await r.send();
        // Requests go one at a time, so the next record pushed is this request's.
        const message = await live.next(isLogCreate, PUSH_TIMEOUT_MS, `log create for ${r.key} on ${r.model}`);
        const log = message.payload as LogPayload;
        assert.equal(log.status, 200);
        assert.equal(log.virtual_key_id, r.key);
        assert.equal(log.model_requested, r.model);
        assert.equal(log.model_served, r.model);
        assert.ok(log.cost !== null, 'a priced model has a cost');
        assert.equal(log.cost.total, r.total, `${r.model} cost`);
      }
      const page = await gw.api<{ pagination: { total_count: number } }>('/api/logs?limit=100');
      assert.equal(page.pagination.total_count, requests.length, 'one pushed record per stored record');
    } finally {
      await live.close();
    }
  });

  test('a budgets message follows a spend change and shows the new spend', async () => {
    const live = await LiveClient.connect(gw.url, gw.adminToken);
    try {
      // A client that connects gets the latest snapshot at once; take it as the baseline.
      const first = await live.next(isBudgets, PUSH_TIMEOUT_MS, 'initial budgets');
      const spentBefore = (first.payload as BudgetsPayload).tiers.find((t) => t.tier === 'virtual_key' && t.id === 'bob')!.spent;
      live.discard(isBudgets);
      await anthropicMessage('bob', { input: 1000, output: 1000 }); // $0.003 + $0.015
      const expected = Number((spentBefore + 0.018).toFixed(6));
      const message = await live.next(
        (m) => isBudgets(m) && (m.payload as BudgetsPayload).tiers.some((t) => t.tier === 'virtual_key' && t.id === 'bob' && t.spent === expected),
        PUSH_TIMEOUT_MS + 500, // one coalescing window (250 ms) on top of the push itself
        `budgets with bob at $${expected}`,
      );
      const bob = (message.payload as BudgetsPayload).tiers.find((t) => t.tier === 'virtual_key' && t.id === 'bob')!;
      assert.equal(bob.remaining, Number((50 - expected).toFixed(6)));
      const api = await gw.api<BudgetsPayload>('/api/budgets');
      assert.equal(api.tiers.find((t) => t.tier === 'virtual_key' && t.id === 'bob')!.spent, expected, 'the push agrees with /api/budgets');
    } finally {
      await live.close();
    }
  });

  test('a subscription filter narrows the log messages to the matching model', async () => {
    const live = await LiveClient.connect(gw.url, gw.adminToken);
    try {
      live.send({ type: 'subscribe', filter: { models: 'gpt-4o-mini' } });
      await live.next((m) => m.type === 'subscribed', PUSH_TIMEOUT_MS, 'subscribed');
      await anthropicMessage('alice', { input: 5, output: 5 });
      await openaiCompletion('alice', { input: 6, output: 5 });
      const message = await live.next(isLogCreate, PUSH_TIMEOUT_MS, 'the gpt-4o-mini record');
      assert.equal((message.payload as LogPayload).model_requested, 'gpt-4o-mini');
      assert.equal((message.payload as LogPayload).input_tokens, 6);
      // The Anthropic record was published before the OpenAI one, so had it passed the filter it would have come first.
      assert.deepEqual(live.peek(isLogCreate), []);

      live.send({ type: 'subscribe', filter: { models: 'gpt-4o-mini', virtual_key_ids: 'bob' } });
      await live.next((m) => m.type === 'subscribed', PUSH_TIMEOUT_MS, 'subscribed');
      await openaiCompletion('alice', { input: 5, output: 5 });
      await openaiCompletion('bob', { input: 7, output: 5 });
      const narrowed = await live.next(isLogCreate, PUSH_TIMEOUT_MS, "bob's gpt-4o-mini record");
      assert.equal((narrowed.payload as LogPayload).virtual_key_id, 'bob');
      assert.equal((narrowed.payload as LogPayload).input_tokens, 7);
      assert.equal(live.peek(isLogCreate).length, 0);
    } finally {
      await live.close();
    }
  });

  test('an invalid subscription is answered with an error naming the parameter', async () => {
    const live = await LiveClient.connect(gw.url, gw.adminToken);
    try {
      live.send({ type: 'subscribe', filter: { min_cost: 'cheap' } });
      const reply = await live.next((m) => m.type === 'error', PUSH_TIMEOUT_MS, 'error');
      assert.equal(reply.error?.type, 'invalid_request');
      assert.equal(reply.error?.parameter, 'min_cost');
    } finally {
      await live.close();
    }
  });

  test('a config message arrives after the config file is edited', async () => {
    const live = await LiveClient.connect(gw.url, gw.adminToken);
    try {
      await writeFile(gw.configPath, configFor(anthropicUp.url, openaiUp.url, '\n    - id: carol\n      limit: 3\n      period: 1d'));
      const message = await live.next((m) => m.type === 'config', 3_000, 'config');
      const status = message.payload as { ok: boolean; path: string; problems: unknown[] };
      assert.equal(status.ok, true);
      assert.equal(status.path, gw.configPath);
      const budgets = await gw.api<BudgetsPayload>('/api/budgets');
      assert.ok(budgets.tiers.some((t) => t.tier === 'virtual_key' && t.id === 'carol'), 'the edit applied');

      await writeFile(gw.configPath, 'budgets: [\n  broken');
      const rejected = await live.next((m) => m.type === 'config', 3_000, 'config rejection');
      const problems = rejected.payload as { ok: boolean; problems: { line: number; message: string }[] };
      assert.equal(problems.ok, false);
      assert.ok(problems.problems.length > 0 && problems.problems[0].line >= 1);
    } finally {
      await live.close();
    }
  });

  test('/ws refuses a connection without the admin token', async () => {
    await assert.rejects(LiveClient.connect(gw.url, 'not-the-token'), /401/);
  });
});
