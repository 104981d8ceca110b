// Group commit per JavaScript turn, the way Redis writes its append-only file once per loop iteration: everything
// submitted while one event-loop callback and the promise jobs it started run is written with one synchronous
// write at the end of that turn, and only then are its submitters answered (docs/configuration.md, store).
import { BatchQueue } from './commit-queue.js';

export type { CommitQueue } from './commit-queue.js';

/**
 * `submit` resolves once the turn's batch holding the item has been written; a failed write rejects every item of
 * that batch (later batches still run). `write` is synchronous: a write to a regular file lands in the page cache
 * in microseconds, where a round trip through libuv's thread pool costs a turn or more of waiting per batch.
 * `exclusive` runs an asynchronous task with nothing written meanwhile (journal compaction); items submitted while
 * it runs go out together in the turn after it ends.
 *
 * Where the turn ends: Node runs each I/O callback as its own turn (the callback, then every promise job it
 * queued) and sends a response's bytes from inside that turn. Redis can write once per whole loop iteration because
 * it also sends its replies only at the end of the iteration; here, holding a finished response until every other
 * callback of the iteration has run would make it wait for its neighbours' work, not for the journal. So the
 * batch goes out when the submitting turn's promise jobs have drained: the flush is a promise job that queues a
 * `process.nextTick`, and Node runs ticks only once the promise-job queue is empty.
 */
export class TurnCommit<T> extends BatchQueue<T> {
  private scheduled = false;
  private task: Promise<void> | undefined;

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
    // From synchronous code the promise job runs when the callback returns; from a promise job it runs after the
    // jobs queued before it. Either way the tick it queues runs once no promise job is left in this turn.
    queueMicrotask(() => process.nextTick(() => this.flush()));
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
