// Config reload end to end: a valid edit applies without resetting any counter; an invalid edit changes nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { REQUEST_COST, sendSequentially, startRig, statuses } from './rig.js';

const budgets = (keyLimit: number) => `  virtual_key:
    - id: staging-key
      team_id: ml-engineering
      limit: ${keyLimit}
      period: 1w
  team:
    - id: ml-engineering
      limit: 500
      period: 1M`;

const rateLimits = (requests: number) => `  virtual_key:
    - id: staging-key
      requests:
        limit: ${requests}
        duration: 1h`;

describe('config reload through the gateway', () => {
  test('a valid reload keeps spend and rate-limit counters; an invalid one is reported and changes nothing', async () => {
    const rig = await startRig({ budgets: budgets(50), rateLimits: rateLimits(100) });
    try {
      assert.deepEqual(statuses(await sendSequentially(rig, 4, 'staging-key')), [200, 200, 200, 200]);

      const applied = await rig.reload({ budgets: budgets(100), rateLimits: rateLimits(6) });
      assert.equal(applied.ok, true, JSON.stringify(applied.problems));
      const key = await rig.budget('virtual_key', 'staging-key');
      assert.equal(key.limit, 100, 'the new limit applies');
      assert.equal(key.spent, 4 * REQUEST_COST, 'spend survives the reload');
      assert.equal((await rig.budget('team', 'ml-engineering')).spent, 4 * REQUEST_COST);
      const window = await rig.rateLimit('virtual_key', 'staging-key', 'requests');
      assert.equal(window.limit, 6);
      assert.equal(window.used, 4, 'the request window survives the reload');
      assert.deepEqual(statuses(await sendSequentially(rig, 3, 'staging-key')), [200, 200, 429], 'the new request limit counts the old requests');

      const validText = await readFile(rig.configPath, 'utf8');
      const invalidText = validText.replace('team_id: ml-engineering', 'team_id: no-such-team').replace('limit: 100', 'limit: 5');
      const rejected = await rig.reload(invalidText);
      assert.equal(rejected.ok, false);
      const problem = rejected.problems.find((p) => p.severity === 'error');
      assert.ok(problem, 'the reload reports an error');
      assert.match(problem.message, /no-such-team/);
      assert.ok(problem.line > 0 && problem.col > 0, 'at a line and column');

      const status = await rig.api<{ config: { ok: boolean } }>('/api/status');
      assert.equal(status.config.ok, false, '/api/status shows the rejected edit');
      const kept = await rig.budget('virtual_key', 'staging-key');
      assert.equal(kept.limit, 100, 'the previous config keeps serving');
      assert.equal(kept.spent, 6 * REQUEST_COST);
      assert.equal(kept.parent, 'ml-engineering');
      assert.equal((await rig.rateLimit('virtual_key', 'staging-key', 'requests')).limit, 6);

      rig.clock.advance(3_600_000);
      assert.equal((await rig.send('staging-key')).status, 200, 'requests are still served under the previous config');
      assert.equal((await rig.budget('virtual_key', 'staging-key')).spent, 7 * REQUEST_COST);
    } finally {
      await rig.close();
    }
  });
});
