import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveHub, type Timers } from '../../proxy/logs/hub.js';
import { generateRecords } from './records.js';

/** Timers fired by hand. */
class ManualTimers implements Timers {
  private pending: (() => void)[] = [];
  setTimeout(fn: () => void): object {
    this.pending.push(fn);
    return fn;
  }
  clearTimeout(handle: object): void {
    this.pending = this.pending.filter((f) => f !== handle);
  }
  fire(): void {
    const due = this.pending;
    this.pending = [];
    due.forEach((f) => f());
  }
  get count(): number {
    return this.pending.length;
  }
}

test('the first budget change is pushed at once and later ones in the window coalesce into the latest', () => {
  const timers = new ManualTimers();
  const hub = new LiveHub<number>({ timers });
  const seen: number[] = [];
  hub.subscribe({ budgets: (b) => seen.push(b) });
  hub.publishBudgets(() => 1);
  hub.publishBudgets(() => 2);
  hub.publishBudgets(() => 3);
  assert.deepEqual(seen, [1]);
  timers.fire();
  assert.deepEqual(seen, [1, 3]);
  timers.fire(); // nothing new in this window: nothing sent, and the window closes
  assert.deepEqual(seen, [1, 3]);
  assert.equal(timers.count, 0);
  hub.publishBudgets(() => 4);
  assert.deepEqual(seen, [1, 3, 4]);
  assert.equal(hub.budgets, 4);
});

test('the budgets snapshot is built only when someone listens, once per push however many listen', () => {
  const timers = new ManualTimers();
  const hub = new LiveHub<number>({ timers });
  let builds = 0;
  const snapshot = (): number => ++builds;
  hub.publishBudgets(snapshot);
  timers.fire();
  hub.publishBudgets(snapshot);
  assert.equal(builds, 0, 'no listener: no snapshot built');
  let watching = false;
  const relay: number[] = [];
  hub.subscribe({ budgets: (b) => relay.push(b), wantsBudgets: () => watching });
  hub.publishBudgets(snapshot);
  timers.fire();
  assert.equal(builds, 0, 'a relay with nobody to relay to: no snapshot built');
  watching = true;
  const seen: number[][] = [[], []];
  hub.subscribe({ budgets: (b) => seen[0].push(b) });
  hub.subscribe({ budgets: (b) => seen[1].push(b) });
  hub.publishBudgets(snapshot); // inside the open window: goes out when it closes
  timers.fire();
  assert.equal(builds, 1);
  assert.deepEqual([relay, ...seen], [[1], [1], [1]]);
  // A client that connects now gets a freshly built snapshot.
  assert.equal(hub.budgets, 2);
});

test('log records reach every listener; a throwing listener does not stop the others', () => {
  const errors: unknown[] = [];
  const hub = new LiveHub({ onListenerError: (e) => errors.push(e) });
  const got: string[] = [];
  hub.subscribe({ log: () => { throw new Error('boom'); } });
  const off = hub.subscribe({ log: (op, r) => got.push(`${op}:${r.id}`) });
  const [r] = generateRecords(1, 2);
  hub.publish('create', r);
  off();
  hub.publish('update', r);
  assert.deepEqual(got, [`create:${r.id}`]);
  assert.equal(errors.length, 2);
});

test('a closed hub publishes nothing and holds no timer', () => {
  const timers = new ManualTimers();
  const hub = new LiveHub<number>({ timers });
  const seen: number[] = [];
  hub.subscribe({ budgets: (b) => seen.push(b) });
  hub.publishBudgets(() => 1);
  hub.close();
  assert.equal(timers.count, 0);
  hub.publishBudgets(() => 2);
  assert.deepEqual(seen, [1]);
});
