import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TurnCommit } from '../../proxy/store/turn-commit.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test('everything one callback submits goes out in one write once its promise jobs have run', async () => {
  const batches: number[][] = [];
  const writer = new TurnCommit<number>((batch) => void batches.push([...batch]));
  const waits = [1, 2, 3, 4, 5].map((n) => writer.submit(n));
  assert.deepEqual(batches, [], 'nothing is written while the callback still runs');
  await Promise.all(waits);
  assert.deepEqual(batches, [[1, 2, 3, 4, 5]]);
});

test('items submitted from promise jobs of one callback, however deep, share one write', async () => {
  const batches: number[][] = [];
  const writer = new TurnCommit<number>((batch) => void batches.push([...batch]));
  const deep = async (n: number, depth: number): Promise<void> => {
    for (let i = 0; i < depth; i++) await Promise.resolve();
    await writer.submit(n);
  };
  await Promise.all([writer.submit(1), deep(2, 1), deep(3, 5), deep(4, 20)]);
  assert.deepEqual(batches, [[1, 2, 3, 4]]);
});

test('a callback committing alone in its loop iteration is written before the next callback of that iteration runs', async () => {
  const order: string[] = [];
  const writer = new TurnCommit<number>((batch) => void order.push(`write ${batch.join(',')}`));
  await nextTurn();
  const answered = new Promise<void>((resolve) => {
    setImmediate(() => {
      void writer.submit(1).then(resolve);
    });
    setImmediate(() => order.push('next callback'));
  });
  await answered;
  await nextTurn();
  assert.deepEqual(order, ['write 1', 'next callback']);
});

test('what later callbacks of the same iteration commit waits for the iteration to end and goes out in one write', async () => {
  const batches: number[][] = [];
  const writer = new TurnCommit<number>((batch) => void batches.push([...batch]));
  await nextTurn();
  const waits: Promise<void>[] = [];
  const later: number[][] = [];
  await new Promise<void>((resolve) => {
    setImmediate(() => waits.push(writer.submit(1)));
    setImmediate(() => waits.push(writer.submit(2)));
    setImmediate(() => {
      waits.push(writer.submit(3));
      later.push(...batches.map((b) => [...b]));
      resolve();
    });
  });
  await Promise.all(waits);
  assert.deepEqual(later, [[1]], 'the first callback was written at once, the later ones not yet');
  assert.deepEqual(batches, [[1], [2, 3]]);
  // The next iteration starts afresh: its first committing callback is written at once again.
  await nextTurn();
  await writer.submit(4);
  assert.deepEqual(batches, [[1], [2, 3], [4]]);
});

test('a submitter is answered only after the write that holds its item', async () => {
  const order: string[] = [];
  const writer = new TurnCommit<string>((batch) => void order.push(`write ${batch.join(',')}`));
  await Promise.all(['a', 'b'].map((x) => writer.submit(x).then(() => order.push(`answered ${x}`))));
  assert.deepEqual(order, ['write a,b', 'answered a', 'answered b']);
});

test('submissions of a later turn go out in their own write', async () => {
  const batches: number[][] = [];
  const writer = new TurnCommit<number>((batch) => void batches.push([...batch]));
  const first = writer.submit(1);
  await nextTurn();
  await Promise.all([first, writer.submit(2), writer.submit(3)]);
  assert.deepEqual(batches, [[1], [2, 3]]);
});

test('a failed write rejects every item of its batch and the next turn still writes', async () => {
  const batches: number[][] = [];
  const writer = new TurnCommit<number>((batch) => {
    batches.push([...batch]);
    if (batches.length === 1) throw new Error('ENOSPC: no space left on device');
  });
  const results = await Promise.allSettled([writer.submit(1), writer.submit(2)]);
  assert.deepEqual(
    results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok')),
    ['ENOSPC: no space left on device', 'ENOSPC: no space left on device'],
  );
  await writer.submit(3);
  assert.deepEqual(batches, [[1, 2], [3]]);
});

test('an exclusive task runs with nothing written meanwhile; what queued during it goes out together after it', async () => {
  const log: string[] = [];
  const writer = new TurnCommit<number>((batch) => void log.push(`write ${batch.join(',')}`));
  let finishTask!: () => void;
  const before = writer.submit(1);
  const task = writer.exclusive(async () => {
    log.push('task start');
    await new Promise<void>((resolve) => (finishTask = resolve));
    log.push('task end');
    return 'compacted';
  });
  await before;
  const during = [writer.submit(2), writer.submit(3)];
  for (let i = 0; i < 3; i++) await nextTurn();
  assert.deepEqual(log, ['write 1', 'task start'], 'no write while the task runs');
  finishTask();
  assert.equal(await task, 'compacted');
  await Promise.all(during);
  assert.deepEqual(log, ['write 1', 'task start', 'task end', 'write 2,3']);
});

test('idle waits for the pending turn and a running task', async () => {
  const batches: number[][] = [];
  const writer = new TurnCommit<number>((batch) => void batches.push([...batch]));
  void writer.submit(1);
  void writer.exclusive(async () => {
    await nextTurn();
  });
  void writer.submit(2);
  await writer.idle();
  assert.deepEqual(batches, [[1], [2]]);
});
