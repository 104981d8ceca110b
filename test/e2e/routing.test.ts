// Routing and resilience end to end: the weighted split, retries, the circuit breaker, mid-stream
// failures and first-byte timeouts, seen by a real client and through /api/routing and /api/logs.
// The rig's two targets serve different models, so the tests of falling back between them say `fallback: any`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXED_USAGE, INPUT_TOKENS, OUTPUT_TOKENS, PROMPT, REQUEST_COST, servedBy, startRig, type Answer, type Rig } from './rig.js';

const KEY = '  - id: staging-key';

async function logsOf(rig: Rig, answer: Answer) {
  const requestId = answer.headers.get('x-request-id');
  assert.ok(requestId, 'every answer carries x-request-id');
  const page = await rig.logs(`request_id=${requestId}&sort_by=timestamp&order=asc`);
  return [...page.logs].sort((a, b) => a.attempt - b.attempt);
}

describe('routing and resilience through the gateway', () => {
  test('2,000 auto requests split 80/20 within ±3 points', async () => {
    const rig = await startRig({ virtualKeys: KEY });
    try {
      const answers: Answer[] = [];
      let started = 0;
      const worker = async () => {
        while (started < 2_000) {
          const slot = started++;
          answers[slot] = await rig.send('staging-key');
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      assert.equal(answers.length, 2_000);
      assert.ok(answers.every((a) => a.status === 200), 'every request is served');
      const claude = answers.filter((a) => servedBy(a) === 'bedrock-claude').length;
      const share = claude / answers.length;
      assert.ok(Math.abs(share - 0.8) <= 0.03, `bedrock-claude served ${(share * 100).toFixed(1)}%`);
      assert.equal(rig.claude.requests.length, claude);
      assert.equal(rig.mistral.requests.length, 2_000 - claude);

      const view = await rig.provider('bedrock-claude');
      assert.equal(view.configured_share, 0.8);
      assert.equal(view.requests_1h, claude);
      assert.ok(Math.abs(view.actual_share_1h - 0.8) <= 0.03);
    } finally {
      await rig.close();
    }
  });

  test('503 twice then 200: the client gets one 200 and /api/logs shows three attempts under one request_id', async () => {
    const rig = await startRig({ virtualKeys: KEY, routing: '  retries: 2\n  backoff_base_ms: 1\n  backoff_max_ms: 2' });
    try {
      rig.claude.script({ status: 503, error: { type: 'overloaded_error', message: 'busy' } }, { status: 503, error: { type: 'overloaded_error', message: 'busy' } });
      const answer = await rig.send('staging-key', 'bedrock-claude');
      assert.equal(answer.status, 200);
      assert.equal(servedBy(answer), 'bedrock-claude', 'retries stay on the same provider');
      assert.equal(rig.claude.requests.length, 3);
      assert.equal(rig.mistral.requests.length, 0);

      const attempts = await logsOf(rig, answer);
      assert.deepEqual(attempts.map((r) => r.attempt), [1, 2, 3]);
      assert.deepEqual(attempts.map((r) => r.status), [503, 503, 200]);
      assert.deepEqual(attempts.map((r) => r.provider_config_id), ['bedrock-claude', 'bedrock-claude', 'bedrock-claude']);
      assert.equal(new Set(attempts.map((r) => r.request_id)).size, 1);
      assert.deepEqual(attempts.map((r) => r.cost?.total ?? 0), [0, 0, REQUEST_COST], 'only the answered attempt costs money');
    } finally {
      await rig.close();
    }
  });

  test('a provider failing every call trips the breaker; after the cooldown exactly one probe goes through', async () => {
    const rig = await startRig({
      virtualKeys: KEY,
      routing: '  retries: 0\n  fallback: any\n  breaker:\n    failures: 3\n    cooldown_ms: 30000',
    });
    try {
      rig.claude.setDefault({ status: 500, error: { type: 'api_error', message: 'internal' } });
      for (let i = 0; i < 3; i++) {
        const answer = await rig.send('staging-key', 'bedrock-claude');
        assert.equal(answer.status, 200, 'each failure falls back to mistral');
        assert.equal(servedBy(answer), 'bedrock-mistral');
      }
      assert.equal(rig.claude.requests.length, 3);

      const open = await rig.provider('bedrock-claude');
      assert.equal(open.state, 'cooldown');
      assert.equal(open.cooldown_until, new Date(rig.clock.now() + 30_000).toISOString());
      assert.match(open.reason ?? '', /circuit open/);

      for (let i = 0; i < 5; i++) assert.equal(servedBy(await rig.send('staging-key', 'bedrock-claude')), 'bedrock-mistral');
      assert.equal(rig.claude.requests.length, 3, 'an open breaker sends nothing to the provider');

      // The cooldown ends; the provider has recovered but answers slowly, so concurrent requests overlap the probe
      // (slow enough that all five are routed while it is in flight, even on a loaded machine).
      rig.clock.advance(30_000);
      rig.claude.setDefault({ ...FIXED_USAGE, latencyMs: 1500 });
      const during = await Promise.all(Array.from({ length: 5 }, () => rig.send('staging-key', 'bedrock-claude')));
      assert.ok(during.every((a) => a.status === 200));
      assert.equal(rig.claude.requests.length, 4, 'exactly one probe reached the provider');
      assert.equal(during.filter((a) => servedBy(a) === 'bedrock-claude').length, 1);
      assert.equal(during.filter((a) => servedBy(a) === 'bedrock-mistral').length, 4);

      assert.equal((await rig.provider('bedrock-claude')).state, 'eligible', 'a successful probe closes the breaker');
      assert.equal(servedBy(await rig.send('staging-key', 'bedrock-claude')), 'bedrock-claude');
    } finally {
      await rig.close();
    }
  });

  test('a stream that fails mid-way is not retried: the client gets an SSE error event and the partial usage is charged', async () => {
    const rig = await startRig({
      budgets: '  virtual_key:\n    - id: staging-key\n      limit: 50\n      period: 1w',
      routing: '  retries: 2\n  fallback: any\n  backoff_base_ms: 1\n  backoff_max_ms: 2',
    });
    try {
      // message_start, content_block_start, ping and three text deltas, then the connection drops.
      rig.claude.script({ inputTokens: INPUT_TOKENS, outputTokens: OUTPUT_TOKENS, text: 'abcdefg '.repeat(20), resetAfterEvents: 6 });
      const res = await fetch(`${rig.gateway.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'staging-key', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'bedrock-claude', max_tokens: OUTPUT_TOKENS, stream: true, messages: [{ role: 'user', content: PROMPT }] }),
      });
      assert.equal(res.status, 200, 'the stream had started');
      const text = await res.text();
      assert.equal((text.match(/event: content_block_delta/g) ?? []).length, 3);
      assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"[a-z_]+","message":"[^"]+"\}\}/);
      assert.doesNotMatch(text, /event: message_stop/);
      assert.equal(rig.claude.requests.length, 1, 'not retried');
      assert.equal(rig.mistral.requests.length, 0, 'no fallback after the first byte');

      const requestId = res.headers.get('x-request-id');
      const [record, ...more] = (await rig.logs(`request_id=${requestId}`)).logs;
      assert.equal(more.length, 0, 'one attempt');
      assert.equal(record.input_tokens, INPUT_TOKENS, 'the prompt was billed by the provider');
      assert.ok(record.output_tokens >= 1 && record.output_tokens < OUTPUT_TOKENS, `partial output: ${record.output_tokens}`);
      const cost = record.cost?.total ?? 0;
      assert.ok(cost > 3 && cost < REQUEST_COST, `partial cost ${cost}`);
      assert.notEqual(record.error_message, null);
      assert.equal((await rig.budget('virtual_key', 'staging-key')).spent, cost, 'the budget is charged the partial cost');
    } finally {
      await rig.close();
    }
  });

  test('an upstream that never answers is cut by the first-byte timeout and the fallback serves', async () => {
    const rig = await startRig({
      virtualKeys: KEY,
      routing: '  retries: 0\n  fallback: any\n  timeouts:\n    first_byte_ms: 300',
    });
    try {
      rig.claude.script({ hang: true });
      const answer = await rig.send('staging-key', 'bedrock-claude');
      assert.equal(answer.status, 200);
      assert.equal(servedBy(answer), 'bedrock-mistral');

      const attempts = await logsOf(rig, answer);
      assert.deepEqual(attempts.map((r) => r.provider_config_id), ['bedrock-claude', 'bedrock-mistral']);
      assert.ok(attempts[0].status >= 500, `the timed-out attempt is logged as a gateway-side failure: ${attempts[0].status}`);
      assert.match(attempts[0].error_message ?? '', /time|first byte/i);
      assert.equal(attempts[0].cost, null);
      assert.equal(attempts[1].status, 200);
    } finally {
      await rig.close();
    }
  });
});
