import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { openStore } from '../../proxy/store/open.js';
import type { LeaseOptions } from '../../proxy/store/lease-math.js';
import type { TierPeriod } from '../../proxy/store/quota.js';
import type { LeaseQuota, Store } from '../../proxy/store/store.js';
import { createSchema, type TestSchema } from './pg-schema.js';
import { charge, PERIOD } from './records.js';

const TEAM = (limitMicros: number): TierPeriod => ({ tier: 'team', id: 'platform', periodStart: PERIOD, limitMicros });

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const schema = await createSchema();
  const stores: Store[] = [];
  t.after(async () => {
    for (const s of stores.reverse()) await s.close();
    await schema.drop();
  });
  const open = async (gatewayId: string, lease: Partial<LeaseOptions> = {}) => {
    const s = await openStore({ url: schema.url, dataDir: '/unused', gatewayId, lease });
    stores.push(s);
    return s;
  };
  return { schema, open };
}

function quotaOf(store: Store): LeaseQuota {
  assert.ok(store.quota, 'the PostgreSQL store has a shared quota');
  return store.quota;
}

/**
 * A gateway's admission loop as the budget ledger runs it: admit while reservations are below the
 * unspent lease, settle the actual cost against the lease, journal the charge. Stops when the team
 * ledger has nothing more to give.
 */
async function spendUntilRefused(store: Store, t: TierPeriod, cost: number, workers: number): Promise<number> {
  const quota = quotaOf(store);
  let reserved = 0;
  let spent = 0;
  const worker = async () => {
    for (;;) {
      if (reserved >= (quota.available(t) ?? 0)) {
        const after = (await quota.ready(t)) ?? 0;
        if (after === 0) return;
        if (after <= reserved) await delay(1);
        continue;
      }
      reserved += cost;
      await delay(0); // the upstream call
      reserved -= cost;
      quota.spend(t, cost);
      spent += cost;
      await store.commit({ charges: [charge(t.tier, t.id, cost, t.periodStart)], logs: [] });
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return spent;
}

test('two gateways spending one team budget stop within one request each of the limit', async (t) => {
  const { schema, open } = await setup(t);
  const limit = 1_000_000;
  const cost = 7_000;
  const lease = { fraction: 0.02, floorMicros: 10_000 };
  const a = await open('gw-a', lease);
  const b = await open('gw-b', lease);
  const [spentA, spentB] = await Promise.all([spendUntilRefused(a, TEAM(limit), cost, 4), spendUntilRefused(b, TEAM(limit), cost, 4)]);

  const total = spentA + spentB;
  assert.ok(total <= limit + 2 * cost, `spent ${total} with limit ${limit}`);
  assert.ok(total >= limit - 2 * cost, `the budget is used up, not stranded in leases (spent ${total})`);
  assert.ok(spentA > 0 && spentB > 0, 'both gateways got a share');
  const [row] = await schema.sql<{ spent_micros: string }>(`SELECT spent_micros FROM spend WHERE tier = 'team' AND id = 'platform'`);
  assert.equal(Number(row.spent_micros), total, 'every settled charge is in the ledger');
  assert.equal(quotaOf(a).globalSpent(TEAM(limit)) !== null, true);
});

test('a lease returned at close is immediately claimable by another gateway', async (t) => {
  const { schema, open } = await setup(t);
  const whole = { fraction: 1, floorMicros: 1 };
  const a = await open('gw-a', whole);
  const b = await open('gw-b', whole);
  assert.equal(await quotaOf(a).ready(TEAM(500_000)), 500_000);
  assert.equal(await quotaOf(b).ready(TEAM(500_000)), 0, 'all of it is leased to gateway a');
  quotaOf(a).spend(TEAM(500_000), 120_000);
  await a.commit({ charges: [charge('team', 'platform', 120_000)], logs: [] });
  await a.close();
  assert.equal(await quotaOf(b).ready(TEAM(500_000)), 380_000);
  assert.equal(quotaOf(b).available(TEAM(500_000)), 380_000);
  assert.equal(quotaOf(b).globalSpent(TEAM(500_000)), 120_000);
  const state = await schema.sql<{ limit_micros: string; spent_micros: string; leased_micros: string }>('SELECT * FROM budget_state');
  assert.deepEqual(state.map((s) => [Number(s.limit_micros), Number(s.spent_micros), Number(s.leased_micros)]), [[500_000, 120_000, 380_000]]);
});

test('tiers that are not shared are left to the local limit', async (t) => {
  const { open } = await setup(t);
  const quota = quotaOf(await open('gw-a'));
  const key: TierPeriod = { tier: 'virtual_key', id: 'vk-alice', periodStart: PERIOD, limitMicros: 10 };
  assert.equal(quota.available(key), null);
  assert.equal(await quota.ready(key), null);
  assert.equal(quota.globalSpent(key), null);
});

test('a slice is claimed in the background on first use; available never waits for it', async (t) => {
  const { open } = await setup(t);
  const quota = quotaOf(await open('gw-a', { fraction: 0.1, floorMicros: 1 }));
  assert.equal(quota.available(TEAM(1_000_000)), 0, 'nothing is leased before the first claim finishes');
  assert.equal(await quota.ready(TEAM(1_000_000)), 100_000);
});

test('the unspent lease of a gateway that died is reclaimed once it expires', async (t) => {
  const { schema, open } = await setup(t);
  const limit = 300_000;
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'lease-child.ts'), schema.url, String(limit)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  t.after(() => {
    child.kill('SIGKILL');
    return exited;
  });
  const [first] = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
  assert.equal(Number(first), limit, 'the doomed gateway holds the whole budget');

  const survivor = quotaOf(await open('survivor', { fraction: 1, floorMicros: 1, retryMs: 50 }));
  assert.equal(await survivor.ready(TEAM(limit)), 0, 'a live lease is not taken away');
  child.kill('SIGKILL');
  await exited;

  let reclaimed = 0;
  for (let attempt = 0; attempt < 200 && reclaimed === 0; attempt++) {
    await delay(50);
    reclaimed = (await survivor.ready(TEAM(limit))) ?? 0;
  }
  assert.equal(reclaimed, limit);
  const leases = await schema.sql<{ gateway_id: string }>('SELECT gateway_id FROM leases');
  assert.deepEqual(leases.map((l) => l.gateway_id), ['survivor'], "the dead gateway's expired lease is gone");
});
