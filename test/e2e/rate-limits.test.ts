// Rate limits end to end: a key's request and token windows, and a provider's request window that
// excludes it from routing while the other provider serves.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INPUT_TOKENS, OUTPUT_TOKENS, sendSequentially, servedBy, startRig, statuses, type Answer } from './rig.js';

const HOUR = 3_600_000;

function assertRateLimited(answer: Answer, code: string): number {
  assert.equal(answer.status, 429);
  assert.equal(answer.body.error?.type, 'rate_limit_error');
  assert.equal(answer.headers.get('x-spendgate-error-code'), code);
  const retryAfter = Number(answer.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 3600, `retry-after is whole seconds within the hour: ${retryAfter}`);
  return retryAfter;
}

describe('rate limits through the gateway', () => {
  test('the 101st request in an hour from a key limited to 100 requests gets 429 rate_limit_error with retry-after', async () => {
    const rig = await startRig({
      rateLimits: `  virtual_key:
    - id: staging-key
      requests:
        limit: 100
        duration: 1h`,
    });
    try {
      const first = await sendSequentially(rig, 100, 'staging-key');
      assert.deepEqual(new Set(statuses(first)), new Set([200]));
      const refused = await rig.send('staging-key');
      const retryAfter = assertRateLimited(refused, 'request_limited');
      assert.match(refused.body.error?.message ?? '', /request limit reached: virtual key "staging-key" used 100 of 100 requests per 1h/);
      assert.equal(rig.claude.requests.length + rig.mistral.requests.length, 100, 'the refused request never reached a provider');
      const status = await rig.rateLimit('virtual_key', 'staging-key', 'requests');
      assert.equal(status.used, 100);

      rig.clock.advance(retryAfter * 1000);
      assert.equal((await rig.send('staging-key')).status, 200, 'after retry-after seconds the key may send again');
      rig.clock.advance(HOUR);
      assert.equal((await rig.rateLimit('virtual_key', 'staging-key', 'requests')).used, 0, 'an hour later the window is empty');
    } finally {
      await rig.close();
    }
  });

  test('a token limit refuses the key once the tokens its answers used reach the limit', async () => {
    // Each answer uses 1,000 + 100 tokens: after five, 5,500 of 5,000 are used.
    const rig = await startRig({
      rateLimits: `  virtual_key:
    - id: staging-key
      tokens:
        limit: 5000
        duration: 1h`,
    });
    try {
      const answers = await sendSequentially(rig, 6, 'staging-key');
      assert.deepEqual(statuses(answers), [200, 200, 200, 200, 200, 429]);
      assertRateLimited(answers[5], 'token_limited');
      assert.match(answers[5].body.error?.message ?? '', /token limit reached: virtual key "staging-key" used 5,500 of 5,000 tokens per 1h/);
      assert.equal((await rig.rateLimit('virtual_key', 'staging-key', 'tokens')).used, 5 * (INPUT_TOKENS + OUTPUT_TOKENS));

      rig.clock.advance(HOUR);
      assert.equal((await rig.send('staging-key')).status, 200, 'the tokens leave the window after an hour');
    } finally {
      await rig.close();
    }
  });

  test('a provider at its request limit is excluded from routing and the other provider serves', async () => {
    const rig = await startRig({
      virtualKeys: '  - id: staging-key',
      rateLimits: `  provider_config:
    - id: bedrock-claude
      requests:
        limit: 5
        duration: 1h`,
    });
    try {
      const answers = await sendSequentially(rig, 40, 'staging-key');
      assert.deepEqual(new Set(statuses(answers)), new Set([200]), 'no client sees the provider limit');
      assert.equal(answers.filter((a) => servedBy(a) === 'bedrock-claude').length, 5);
      assert.equal(answers.filter((a) => servedBy(a) === 'bedrock-mistral').length, 35);
      assert.equal(rig.claude.requests.length, 5);

      const claude = await rig.provider('bedrock-claude');
      assert.equal(claude.state, 'excluded');
      assert.match(claude.reason ?? '', /request limit reached: provider config "bedrock-claude" used 5 of 5 requests per 1h/);

      rig.clock.advance(HOUR);
      assert.equal((await rig.provider('bedrock-claude')).state, 'eligible', 'the window empties after an hour');
    } finally {
      await rig.close();
    }
  });
});
