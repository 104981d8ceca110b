import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openStore } from '../../proxy/store/open.js';
import { PERIOD } from './records.js';

test('kill -9 during a stream of commits loses no commit that had resolved', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'spendgate-crash-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'crash-child.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const acknowledged = new Set<number>();
  // Kill once enough commits (and so several snapshots and journal rotations) have been acknowledged.
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'ready') continue;
    acknowledged.add(Number(line));
    if (acknowledged.size === 500) child.kill('SIGKILL');
  }
  assert.equal(await exited, 'SIGKILL');

  const store = await openStore({ dataDir: dir });
  t.after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const ids = new Set((await store.query<{ id: string }>('SELECT id FROM logs', [])).map((r) => r.id));
  const lost = [...acknowledged].filter((i) => !ids.has(`log-${i}`));
  assert.deepEqual(lost, [], 'every acknowledged commit is present');
  // Charges and records travel in one entry: the spend totals match the records exactly, nothing twice.
  const spend = await store.loadSpend();
  const team = spend.find((r) => r.tier === 'team' && r.id === 'platform' && r.periodStart === PERIOD);
  assert.equal(team?.spentMicros, ids.size * 1_000);
  const keys = spend.filter((r) => r.tier === 'virtual_key').reduce((sum, r) => sum + r.spentMicros, 0);
  assert.equal(keys, ids.size * 1_000);
});
