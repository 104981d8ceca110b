import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from '../../proxy/store/group-commit.js';

/** A write whose completion the test controls. */
function gatedWriter() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const writer = new GroupCommit<number>(async (batch) => {
    batches.push([...batch]);
    await new Promise<void>((resolve) => gates.push(resolve));
  });
  return { writer, batches, open: () => gates.shift()?.() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('items queued while a write is in flight go out together in the next write', async () => {
  const { writer, batches, open } = gatedWriter();
  const first = writer.submit(1);
  await tick();
  const rest = [writer.submit(2), writer.submit(3), writer.submit(4)];
  await tick();
  assert.deepEqual(batches, [[1]], 'only one write in flight');
  open();
  await first;
  await tick();
  assert.deepEqual(batches, [[1], [2, 3, 4]]);
  open();
  await Promise.all(rest);
});

test('a failed write rejects every item of its batch and the next batch still runs', async () => {
  const batches: number[][] = [];
  const writer = new GroupCommit<number>(async (batch) => {
    batches.push([...batch]);
    await tick();
    if (batches.length === 2) throw new Error('disk full');
  });
  const first = writer.submit(0);
  const results = await Promise.allSettled([writer.submit(1), writer.submit(2)]);
  await first;
  assert.deepEqual(batches, [[0], [1, 2]]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  await writer.submit(3);
  assert.deepEqual(batches, [[0], [1, 2], [3]]);
});

test('an exclusive task runs between writes, never during one', async () => {
  const { writer, batches, open } = gatedWriter();
  const log: string[] = [];
  const first = writer.submit(1);
  await tick();
  const task = writer.exclusive(async () => {
    log.push(`task after ${batches.length} writes`);
    return 42;
  });
  const later = writer.submit(2);
  await tick();
  assert.deepEqual(log, []);
  open();
  assert.equal(await task, 42);
  assert.deepEqual(log, ['task after 1 writes']);
  await tick();
  open();
  await Promise.all([first, later]);
  assert.deepEqual(batches, [[1], [2]]);
  await writer.idle();
});
