// Group commit the way Redis writes its append-only file: a synchronous write(2) before the answer, batched by
// event-loop iteration once more than one callback of an iteration commits.
import { BatchQueue } from './commit-queue.js';

export type { CommitQueue } from './commit-queue.js';

/**
 * `submit` resolves once the write holding the item is done; a failed write rejects every item of that batch
 * (later batches still run). `write` is synchronous: a write to a regular file lands in the page cache in
 * microseconds, where a round trip through libuv's thread pool costs a turn or more of waiting per batch.
 * `exclusive` runs an asynchronous task with nothing written meanwhile (journal compaction); items submitted while
 * it runs go out together in the turn after it ends.
 *
 * When a batch is written: the first callback of a loop iteration to commit has its commits written as soon as its
 * promise jobs have run (a promise job queueing a `process.nextTick`), so a request that finishes alone does not wait
 * for the rest of the iteration. Once that has happened, what later callbacks of the same iteration commit waits
 * for the iteration's end (the check phase, after its I/O callbacks) and goes out in one write, the way Redis
 * flushes its append-only file before it sleeps. A busy iteration therefore costs at most two `write(2)`s, however
 * many requests finish in it, and a quiet one answers its request as soon as its own write is done. Writing only
 * at the end of each iteration made a lone request wait for undici's and the HTTP server's own end-of-response
 * callbacks too (journal wait about 57 µs p50 at 500 evenly spaced requests a second, against 38 µs this way, of
 * which the write is about 20); writing at the end of every callback cost a `write(2)` per request under saturation
 * (bench/findings.md).
 */
export class TurnCommit<T> extends BatchQueue<T> {
  private scheduled = false;
  private task: Promise<void> | undefined;
  /** A callback of the current loop iteration has already had its commits written. */
  private wroteThisIteration = false;

  constructor(private readonly write: (batch: readonly T[]) => void) {
    super();
  }

  /** Resolves once everything submitted so far has been written or has failed. */
  async idle(): Promise<void> {
    while (this.task !== undefined || this.scheduled) {
      await (this.task ?? new Promise<void>((resolve) => setImmediate(resolve)));
    }
  }

  protected kick(): void {
    if (this.scheduled || this.task !== undefined) return;
    this.scheduled = true;
    if (this.wroteThisIteration) {
      setImmediate(() => this.flush());
      return;
    }
    // Runs once every promise job already queued (and those they queue) has run: the end of this callback.
    queueMicrotask(() => process.nextTick(() => this.flushCallback()));
  }

  private flushCallback(): void {
    this.wroteThisIteration = true;
    setImmediate(() => (this.wroteThisIteration = false));
    this.flush();
  }

  private flush(): void {
    this.scheduled = false;
    for (let work = this.next(); work !== undefined; work = this.next()) {
      if ('task' in work) {
        this.task = work.task().finally(() => {
          this.task = undefined;
          if (this.queued) this.kick();
        });
        return;
      }
      try {
        this.write(work.batch.map((p) => p.item));
      } catch (err) {
        for (const p of work.batch) p.reject(err);
        continue;
      }
      for (const p of work.batch) p.resolve();
    }
  }
}
