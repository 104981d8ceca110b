// Group commit per event-loop turn, the way Redis writes its append-only file: everything submitted during one turn
// is written with one synchronous write at the end of that turn (the check phase, after the turn's I/O callbacks),
// and only then are its submitters answered.

interface Pending<T> {
  readonly kind: 'item';
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

interface Exclusive {
  readonly kind: 'task';
  readonly run: () => Promise<void>;
}

/** What a store's commit path needs from its writer (GroupCommit and TurnCommit both provide it). */
export interface CommitQueue<T> {
  submit(item: T): Promise<void>;
}

/**
 * `submit` resolves once the turn's batch holding the item has been written; a failed write rejects every item of
 * that batch (later batches still run). `write` is synchronous: a write to a regular file lands in the page cache
 * in microseconds, where a round trip through libuv's thread pool costs a turn or more of waiting per batch.
 * `exclusive` runs an asynchronous task with nothing written meanwhile (journal compaction); items submitted while
 * it runs go out together in the turn after it ends.
 */
export class TurnCommit<T> implements CommitQueue<T> {
  private readonly queue: (Pending<T> | Exclusive)[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private task: Promise<void> | undefined;

  constructor(private readonly write: (batch: readonly T[]) => void) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'item', item, resolve, reject });
      this.schedule();
    });
  }

  exclusive<R>(task: () => Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ kind: 'task', run: () => task().then(resolve, reject) });
      this.schedule();
    });
  }

  /** Resolves once everything submitted so far has been written or has failed. */
  async idle(): Promise<void> {
    while (this.task !== undefined || this.scheduled !== undefined) {
      await (this.task ?? new Promise<void>((resolve) => setImmediate(resolve)));
    }
  }

  private schedule(): void {
    if (this.scheduled === undefined && this.task === undefined) this.scheduled = setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = undefined;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head.kind === 'task') {
        this.queue.shift();
        this.task = head.run().finally(() => {
          this.task = undefined;
          if (this.queue.length > 0) this.schedule();
        });
        return;
      }
      let n = 0;
      while (n < this.queue.length && this.queue[n].kind === 'item') n++;
      const batch = this.queue.splice(0, n) as Pending<T>[];
      try {
        this.write(batch.map((p) => p.item));
      } catch (err) {
        for (const p of batch) p.reject(err);
        continue;
      }
      for (const p of batch) p.resolve();
    }
  }
}
