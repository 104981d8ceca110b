// Group commit: one write in flight at a time; whatever queues meanwhile goes out together in the next one.
import { BatchQueue } from './commit-queue.js';

/**
 * Serialises writes. `submit` resolves once the batch holding the item has been written; a failed
 * batch rejects every item in it. `exclusive` runs a task between batches, with no write in flight —
 * for work that must see a quiescent writer (journal rotation, lease bookkeeping).
 */
export class GroupCommit<T> extends BatchQueue<T> {
  private draining: Promise<void> | undefined;

  constructor(private readonly write: (batch: readonly T[]) => Promise<void>) {
    super();
  }

  /** Resolves once everything submitted so far has been written or has failed. */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  protected kick(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      // Items queued between the loop's last check and here would otherwise wait for the next submit.
      if (this.queued) this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (let work = this.next(); work !== undefined; work = this.next()) {
      if ('task' in work) {
        await work.task();
        continue;
      }
      try {
        await this.write(work.batch.map((p) => p.item));
        for (const p of work.batch) p.resolve();
      } catch (err) {
        for (const p of work.batch) p.reject(err);
      }
    }
  }
}
