// Governance end to end: the seed's four budget tiers (scaled so one request costs exactly $5) enforced
// by a real gateway in front of two loopback providers, with the clock moved across period boundaries.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REQUEST_COST, sendSequentially, servedBy, startRig, statuses, type Answer } from './rig.js';

function assertRefusedBy(answer: Answer, tier: string, id: string, resetsAt: string): void {
  assert.equal(answer.status, 402);
  assert.equal(answer.headers.get('x-spendgate-error-code'), 'budget_exceeded');
  assert.equal(answer.body.type, 'error');
  assert.equal(answer.body.error?.type, 'billing_error');
  const message = answer.body.error?.message ?? '';
  assert.ok(message.includes(`${tier} "${id}"`), `the message names the ${tier} ${id}: ${message}`);
  assert.ok(message.includes(`resets ${resetsAt}`), `the message says when it resets (${resetsAt}): ${message}`);
}

const count = (answers: readonly Answer[], provider: string) => answers.filter((a) => servedBy(a) === provider).length;

describe('budgets through the gateway', () => {
  test('a virtual key stops at its weekly limit with a 402 naming the key and Monday 00:00 UTC, then resets on Monday', async () => {
    // Seed: staging-key $500 per 1w; scaled to $50 = ten $5 requests.
    const rig = await startRig({
      budgets: `  virtual_key:
    - id: staging-key
      limit: 50
      period: 1w`,
    });
    try {
      const answers = await sendSequentially(rig, 11, 'staging-key');
      assert.deepEqual(statuses(answers), [...Array(10).fill(200), 402]);
      assertRefusedBy(answers[10], 'virtual key', 'staging-key', '2025-01-20T00:00:00Z');
      const key = await rig.budget('virtual_key', 'staging-key');
      assert.equal(key.spent, 50);
      assert.equal(key.remaining, 0);
      assert.equal(key.reserved, 0);
      assert.equal(key.resets_at, '2025-01-20T00:00:00Z');
      assert.equal(rig.claude.requests.length + rig.mistral.requests.length, 10, 'the refused request never reached a provider');

      rig.clock.set(Date.UTC(2025, 0, 19, 23, 59, 59));
      assert.equal((await rig.send('staging-key')).status, 402, 'still refused one second before Monday');
      rig.clock.set(Date.UTC(2025, 0, 20, 0, 0, 0));
      assert.equal((await rig.send('staging-key')).status, 200, 'Monday 00:00 UTC starts a new week');
      const after = await rig.budget('virtual_key', 'staging-key');
      assert.equal(after.spent, REQUEST_COST);
      assert.equal(after.period_start, '2025-01-20T00:00:00Z');
    } finally {
      await rig.close();
    }
  });

  test('a team budget is shared by its two keys: the second key is refused by the team', async () => {
    const rig = await startRig({
      budgets: `  team:
    - id: ml-engineering
      limit: 50
      period: 1M
  virtual_key:
    - id: staging-key
      team_id: ml-engineering
      limit: 40
      period: 1w
    - id: dev-key
      team_id: ml-engineering
      limit: 40
      period: 1w`,
    });
    try {
      const staging = await sendSequentially(rig, 9, 'staging-key');
      assert.deepEqual(statuses(staging), [...Array(8).fill(200), 402]);
      assertRefusedBy(staging[8], 'virtual key', 'staging-key', '2025-01-20T00:00:00Z');

      const dev = await sendSequentially(rig, 3, 'dev-key');
      assert.deepEqual(statuses(dev), [200, 200, 402], 'dev-key has $30 of its own left but the team only $10');
      assertRefusedBy(dev[2], 'team', 'ml-engineering', '2025-02-01T00:00:00Z');

      const team = await rig.budget('team', 'ml-engineering');
      assert.equal(team.spent, 50);
      assert.equal((await rig.budget('virtual_key', 'dev-key')).spent, 10);
      assert.equal((await rig.budget('virtual_key', 'staging-key')).spent, 40);
    } finally {
      await rig.close();
    }
  });

  test('a customer budget is shared by its two teams: a key of the second team is refused by the customer', async () => {
    const rig = await startRig({
      budgets: `  customer:
    - id: acme-corp
      limit: 50
      period: 1M
  team:
    - id: ml-engineering
      customer_id: acme-corp
      limit: 40
      period: 1M
    - id: data-science
      customer_id: acme-corp
      limit: 40
      period: 1M
  virtual_key:
    - id: staging-key
      team_id: ml-engineering
      limit: 100
      period: 1w
    - id: analyst-key
      team_id: data-science
      limit: 100
      period: 1w`,
    });
    try {
      const ml = await sendSequentially(rig, 9, 'staging-key');
      assert.deepEqual(statuses(ml), [...Array(8).fill(200), 402]);
      assertRefusedBy(ml[8], 'team', 'ml-engineering', '2025-02-01T00:00:00Z');

      const ds = await sendSequentially(rig, 3, 'analyst-key');
      assert.deepEqual(statuses(ds), [200, 200, 402]);
      assertRefusedBy(ds[2], 'customer', 'acme-corp', '2025-02-01T00:00:00Z');

      assert.equal((await rig.budget('customer', 'acme-corp')).spent, 50);
      assert.equal((await rig.budget('team', 'data-science')).spent, 10);

      // Monday resets the weekly keys but not the monthly customer.
      rig.clock.set(Date.UTC(2025, 0, 20, 0, 0, 0));
      assert.equal((await rig.budget('virtual_key', 'analyst-key')).spent, 0);
      assertRefusedBy(await rig.send('analyst-key'), 'customer', 'acme-corp', '2025-02-01T00:00:00Z');

      // The 1st resets the customer and both teams.
      rig.clock.set(Date.UTC(2025, 1, 1, 0, 0, 0));
      assert.equal((await rig.send('analyst-key')).status, 200);
      assert.equal((await rig.send('staging-key')).status, 200);
      const customer = await rig.budget('customer', 'acme-corp');
      assert.equal(customer.spent, 2 * REQUEST_COST);
      assert.equal(customer.period_start, '2025-02-01T00:00:00Z');
      assert.equal(customer.resets_at, '2025-03-01T00:00:00Z');
      assert.equal((await rig.budget('team', 'ml-engineering')).spent, REQUEST_COST);
    } finally {
      await rig.close();
    }
  });

  test('an exhausted provider budget moves traffic to the other provider while the key has budget; the 1st restores the 80/20 split', async () => {
    // bedrock-claude may spend $250 a month (fifty $5 requests); the key $1,000 a week.
    const rig = await startRig({
      budgets: `  virtual_key:
    - id: staging-key
      limit: 1000
      period: 1w
  provider_config:
    - id: bedrock-claude
      limit: 250
      period: 1M`,
    });
    try {
      const january = await sendSequentially(rig, 100, 'staging-key');
      assert.deepEqual(new Set(statuses(january)), new Set([200]), 'every request is served');
      assert.equal(count(january, 'bedrock-claude'), 50, 'claude serves until its $250 is spent');
      assert.equal(count(january, 'bedrock-mistral'), 50);
      const lastTwenty = january.slice(-20);
      assert.equal(count(lastTwenty, 'bedrock-mistral'), 20, 'after exhaustion only mistral serves');

      const claude = await rig.provider('bedrock-claude');
      assert.equal(claude.state, 'excluded');
      assert.match(claude.reason ?? '', /budget exceeded: provider config "bedrock-claude" spent \$250\.00 of \$250\.00 .*resets 2025-02-01T00:00:00Z/);
      assert.equal((await rig.provider('bedrock-mistral')).state, 'eligible');
      assert.equal((await rig.budget('provider_config', 'bedrock-claude')).spent, 250);
      const key = await rig.budget('virtual_key', 'staging-key');
      assert.equal(key.spent, 500);
      assert.equal(key.remaining, 500, 'the key still had budget');

      const page = await rig.logs('provider_config_ids=bedrock-mistral&sort_by=timestamp&order=desc&limit=1');
      const excluded = page.logs[0].routing?.excluded ?? [];
      assert.ok(
        excluded.some((e) => e.id === 'bedrock-claude' && e.reason.includes('budget exceeded')),
        `the log record says why claude was skipped: ${JSON.stringify(excluded)}`,
      );

      // Monday: the weekly key budget starts over, the monthly provider budget does not.
      rig.clock.set(Date.UTC(2025, 0, 20, 0, 0, 0));
      assert.equal((await rig.budget('virtual_key', 'staging-key')).spent, 0);
      const monday = await sendSequentially(rig, 10, 'staging-key');
      assert.equal(count(monday, 'bedrock-mistral'), 10, 'claude stays excluded until the 1st');

      // The 1st of the month: claude's budget is back and the split returns to its weights.
      rig.clock.set(Date.UTC(2025, 1, 1, 0, 0, 0));
      assert.equal((await rig.provider('bedrock-claude')).state, 'eligible');
      assert.equal((await rig.budget('provider_config', 'bedrock-claude')).spent, 0);
      const february = await sendSequentially(rig, 50, 'staging-key');
      assert.deepEqual(new Set(statuses(february)), new Set([200]));
      const share = count(february, 'bedrock-claude') / february.length;
      assert.ok(share >= 0.66 && share <= 0.94, `claude serves about 80% again, got ${share}`);
      const routed = await rig.provider('bedrock-claude');
      assert.equal(routed.actual_share_1h, share, '/api/routing reports the same share for the last hour');
    } finally {
      await rig.close();
    }
  });
});
