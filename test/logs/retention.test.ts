import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../proxy/core/clock.js';
import { LogRetention, type PrunableStore } from '../../proxy/logs/retention.js';

const NOW = Date.UTC(2025, 5, 10, 8, 0, 0);
const DAY = 86_400_000;

class RecordingStore implements PrunableStore {
  readonly cutoffs: number[] = [];
  failNext = false;
  async pruneLogs(before: number): Promise<number> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.cutoffs.push(before);
    return 0;
  }
}

test('retention prunes records older than retention_days, reading the setting on every run', async () => {
  const store = new RecordingStore();
  const clock = new ManualClock(NOW);
  let days = 30;
  const retention = new LogRetention(store, { retentionDays: () => days, clock, onError: (e) => assert.fail(String(e)) });
  await retention.runOnce(); // joins the first run started at construction
  assert.deepEqual(store.cutoffs, [NOW - 30 * DAY]);
  days = 7;
  clock.advance(3_600_000);
  await retention.runOnce();
  assert.deepEqual(store.cutoffs, [NOW - 30 * DAY, NOW + 3_600_000 - 7 * DAY]);
  await retention.stop();
});

test('retention of 0 days keeps everything; a failed prune is reported and the next run retries', async () => {
  const store = new RecordingStore();
  const errors: unknown[] = [];
  let days = 0;
  const retention = new LogRetention(store, { retentionDays: () => days, clock: new ManualClock(NOW), onError: (e) => errors.push(e) });
  await retention.runOnce();
  assert.deepEqual(store.cutoffs, []);
  days = 1;
  store.failNext = true;
  await retention.runOnce();
  assert.equal(errors.length, 1);
  await retention.runOnce();
  assert.deepEqual(store.cutoffs, [NOW - DAY]);
  await retention.stop();
  await retention.runOnce();
  assert.equal(store.cutoffs.length, 1, 'a stopped retention does nothing');
});
