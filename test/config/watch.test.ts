import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { watchConfig } from '../../proxy/config/watch.js';
import type { LoadResult } from '../../proxy/config/types.js';

const fixture = readFileSync(resolve(__dirname, '..', '..', 'examples', 'bifrost.yaml'), 'utf8');
/** A generous upper bound so a broken watcher fails the test instead of hanging it; not a latency assertion. */
const DEADLINE_MS = 10_000;

/** Collects watcher results and hands them out in order. */
class Results {
  private readonly queued: LoadResult[] = [];
  private waiter: ((r: LoadResult) => void) | undefined;

  readonly push = (r: LoadResult): void => {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(r);
    } else {
      this.queued.push(r);
    }
  };

  next(): Promise<LoadResult> {
    const queued = this.queued.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error('the watcher reported nothing')), DEADLINE_MS);
      this.waiter = (r) => {
        clearTimeout(timer);
        resolvePromise(r);
      };
    });
  }
}

function customerLimit(r: LoadResult): number {
  if (!r.ok) assert.fail(`expected a valid config, got ${JSON.stringify(r.problems)}`);
  return r.config.budgets.customer[0].limitMicros;
}

async function withWatchedFile(body: (file: string, results: Results) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'spendgate-watch-'));
  const file = join(dir, 'bifrost.yaml');
  writeFileSync(file, fixture);
  const results = new Results();
  const watcher = watchConfig(file, results.push, { debounceMs: 50 });
  try {
    await body(file, results);
  } finally {
    watcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a valid edit written in place is delivered as the new config', () =>
  withWatchedFile(async (file, results) => {
    writeFileSync(file, fixture.replace('limit: 5000\n', 'limit: 7500\n'));
    assert.equal(customerLimit(await results.next()), 7_500_000_000);
  }));

test('an invalid edit is reported with its line, then a fix is delivered', () =>
  withWatchedFile(async (file, results) => {
    writeFileSync(file, fixture.replace('period: "1w"', 'period: "3x"'));
    const broken = await results.next();
    assert.equal(broken.ok, false);
    if (!broken.ok) assert.deepEqual(broken.problems.map((p) => [p.line, p.col]), [[33, 15]]);
    writeFileSync(file, fixture.replace('limit: 5000\n', 'limit: 6000\n'));
    assert.equal(customerLimit(await results.next()), 6_000_000_000);
  }));

test('a file caught empty between truncate and write is refused, and the content written next is delivered', () =>
  withWatchedFile(async (file, results) => {
    // An editor or `git checkout` truncating first: the watcher may read the file in between.
    writeFileSync(file, '');
    const empty = await results.next();
    assert.equal(empty.ok, false);
    if (!empty.ok) assert.match(empty.problems[0].message, /the file is empty: the gateway keeps serving the previous config/);
    writeFileSync(file, fixture.replace('limit: 5000\n', 'limit: 5100\n'));
    assert.equal(customerLimit(await results.next()), 5_100_000_000);
  }));

test('an editor-style save (write a new file, rename it over the old) is seen', () =>
  withWatchedFile(async (file, results) => {
    const temp = `${file}.swp`;
    writeFileSync(temp, fixture.replace('limit: 5000\n', 'limit: 4200\n'));
    renameSync(temp, file);
    assert.equal(customerLimit(await results.next()), 4_200_000_000);
    writeFileSync(temp, fixture.replace('limit: 5000\n', 'limit: 4300\n'));
    renameSync(temp, file);
    assert.equal(customerLimit(await results.next()), 4_300_000_000);
  }));

test('rewriting the same content is not reported as a change', () =>
  withWatchedFile(async (file, results) => {
    writeFileSync(file, fixture);
    // Give the unchanged write time to be noticed (and ignored) before the real edit.
    await sleep(800);
    writeFileSync(file, fixture.replace('limit: 5000\n', 'limit: 5100\n'));
    assert.equal(customerLimit(await results.next()), 5_100_000_000);
  }));

test('a deleted file is reported once as unreadable, and its return is delivered', () =>
  withWatchedFile(async (file, results) => {
    rmSync(file);
    const gone = await results.next();
    assert.equal(gone.ok, false);
    if (!gone.ok) assert.match(gone.problems[0].message, /file not found/);
    writeFileSync(file, fixture);
    assert.equal(customerLimit(await results.next()), 5_000_000_000);
  }));
