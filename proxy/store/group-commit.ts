// Group commit: one write in flight at a time; whatever queues meanwhile goes out together in the next one.

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

/**
 * Serialises writes. `submit` resolves once the batch holding the item has been written; a failed
 * batch rejects every item in it. `exclusive` runs a task between batches, with no write in flight —
 * for work that must see a quiescent writer (journal rotation, lease bookkeeping).
 */
export class GroupCommit<T> {
  private readonly queue: (Pending<T> | Exclusive)[] = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly write: (batch: readonly T[]) => Promise<void>) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'item', item, resolve, reject });
      this.kick();
    });
  }

  exclusive<R>(task: () => Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ kind: 'task', run: () => task().then(resolve, reject) });
      this.kick();
    });
  }

  /** Resolves once everything submitted so far has been written or has failed. */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  private kick(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      // Items queued between the loop's last check and here would otherwise wait for the next submit.
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head.kind === 'task') {
        this.queue.shift();
        await head.run();
        continue;
      }
      let n = 0;
      while (n < this.queue.length && this.queue[n].kind === 'item') n++;
      const batch = this.queue.splice(0, n) as Pending<T>[];
      try {
        await this.write(batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
  }
}
