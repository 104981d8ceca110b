// Group commit per event-loop turn, the way Redis writes its append-only file: everything submitted during one turn
// is written with one synchronous write at the end of that turn (the check phase, after the turn's I/O callbacks),
// and only then are its submitters answered.
import { BatchQueue } from './commit-queue.js';

export type { CommitQueue } from './commit-queue.js';

/**
 * `submit` resolves once the turn's batch holding the item has been written; a failed write rejects every item of
 * that batch (later batches still run). `write` is synchronous: a write to a regular file lands in the page cache
 * in microseconds, where a round trip through libuv's thread pool costs a turn or more of waiting per batch.
 * `exclusive` runs an asynchronous task with nothing written meanwhile (journal compaction); items submitted while
 * it runs go out together in the turn after it ends.
 *
 * Why the end of the loop iteration and not the end of each callback: a commit then waits for the rest of its
 * iteration (under load, other requests' callbacks), which is most of `spendgate_journal_wait_seconds`. Writing
 * at the end of each callback instead (a promise job queueing a `process.nextTick`) brought the wait's p50 to
 * about 16 µs and the time in the gateway from 518 to 102 µs at 500 requests/s, but cost a `write(2)` per request
 * instead of one per turn, and measured worse for clients in the same interleaved run: added p50 +0.15 ms for a
 * one-word prompt, +0.6 ms for Claude Code's 90 KB request, 4% less throughput (bench/findings.md). The requests
 * a commit waits for would have held the event loop anyway.
 */
export class TurnCommit<T> extends BatchQueue<T> {
  private scheduled: NodeJS.Immediate | undefined;
  private task: Promise<void> | undefined;

  constructor(private readonly write: (batch: readonly T[]) => void) {
    super();
  }

  /** Resolves once everything submitted so far has been written or has failed. */
  async idle(): Promise<void> {
    while (this.task !== undefined || this.scheduled !== undefined) {
      await (this.task ?? new Promise<void>((resolve) => setImmediate(resolve)));
    }
  }

  protected kick(): void {
    if (this.scheduled === undefined && this.task === undefined) this.scheduled = setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = undefined;
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
