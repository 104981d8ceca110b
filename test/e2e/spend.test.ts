// Money under pressure: concurrent admission against one budget, and a streaming client that walks away.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { eventually } from '../harness/eventually.js';
import { CLAUDE_MODEL, INPUT_TOKENS, OUTPUT_TOKENS, PROMPT, REQUEST_COST, startRig } from './rig.js';

/** Posts a streaming request and drops the connection once `events` SSE events have arrived. */
function streamAndDisconnect(url: string, key: string, body: unknown, events: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/anthropic/v1/messages`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if ((text.match(/\n\n/g) ?? []).length >= events) {
            req.destroy();
            resolve(text);
          }
        });
        res.on('end', () => reject(new Error(`the stream ended before ${events} events arrived: ${text}`)));
      },
    );
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end(JSON.stringify(body));
  });
}

describe('spend under concurrency and disconnects', () => {
  test('50 concurrent requests against a budget that fits 10: at most 11 admitted, spend over the limit by at most one request', async () => {
    const rig = await startRig({
      budgets: `  virtual_key:
    - id: staging-key
      limit: 50
      period: 1w`,
    });
    try {
      // Slow upstreams keep every admitted request in flight while the others arrive.
      rig.claude.setDefault({ inputTokens: INPUT_TOKENS, outputTokens: OUTPUT_TOKENS, latencyMs: 300 });
      rig.mistral.setDefault({ inputTokens: INPUT_TOKENS, outputTokens: OUTPUT_TOKENS, latencyMs: 300 });
      const answers = await Promise.all(Array.from({ length: 50 }, () => rig.send('staging-key')));
      const admitted = answers.filter((a) => a.status === 200).length;
      const refused = answers.filter((a) => a.status === 402 && a.body.error?.type === 'billing_error').length;
      assert.equal(admitted + refused, 50, `every request is either served or refused with billing_error: ${answers.map((a) => a.status).join(',')}`);
      assert.ok(admitted >= 1 && admitted <= 11, `admitted ${admitted}`);
      assert.equal(rig.claude.requests.length + rig.mistral.requests.length, admitted, 'only admitted requests reach a provider');

      const key = await rig.budget('virtual_key', 'staging-key');
      assert.equal(key.spent, admitted * REQUEST_COST);
      assert.ok(key.spent <= 50 + REQUEST_COST, `spend ${key.spent} exceeds $50 by at most one request`);
      assert.equal(key.reserved, 0, 'every reservation was settled');
      assert.equal((await rig.send('staging-key')).status, key.spent >= 50 ? 402 : 200);
    } finally {
      await rig.close();
    }
  });

  test('a streaming client that disconnects halfway is still charged what the upstream reported', async () => {
    const rig = await startRig({
      budgets: `  virtual_key:
    - id: staging-key
      limit: 50
      period: 1w`,
    });
    try {
      rig.claude.script({ inputTokens: INPUT_TOKENS, outputTokens: OUTPUT_TOKENS, text: 'word '.repeat(20), dripMs: 20 });
      const body = { model: 'bedrock-claude', max_tokens: OUTPUT_TOKENS, stream: true, messages: [{ role: 'user', content: PROMPT }] };
      const seen = await streamAndDisconnect(rig.gateway.url, 'staging-key', body, 6);
      assert.match(seen, /event: content_block_delta/, 'the client saw part of the answer');
      assert.doesNotMatch(seen, /event: message_stop/, 'and left before the end');

      const page = await eventually(async () => {
        const p = await rig.logs('virtual_key_ids=staging-key');
        return p.logs.length === 1 ? p : undefined;
      }, 5000, 'the log record of the abandoned stream');
      const record = page.logs[0];
      assert.equal(record.model_served, CLAUDE_MODEL);
      assert.equal(record.stream, true);
      assert.equal(record.input_tokens, INPUT_TOKENS);
      assert.equal(record.output_tokens, OUTPUT_TOKENS, 'the final usage event the upstream sent after the client left');
      assert.equal(record.cost?.total, REQUEST_COST);

      const key = await rig.budget('virtual_key', 'staging-key');
      assert.equal(key.spent, REQUEST_COST);
      assert.equal(key.reserved, 0);
    } finally {
      await rig.close();
    }
  });
});
