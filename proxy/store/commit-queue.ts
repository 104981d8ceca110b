// The queue both commit writers share: items wait to go out in one batch, exclusive tasks run between batches.
// How a batch is written and when (one write in flight, or per callback and per event-loop iteration) is the writer's own.

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

/** The items submitted together (each answered once their batch is written or failed), or a task to run alone. */
export type NextWork<T> = { readonly task: () => Promise<void> } | { readonly batch: readonly Pending<T>[] };

export abstract class BatchQueue<T> implements CommitQueue<T> {
  private readonly queue: (Pending<T> | Exclusive)[] = [];

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'item', item, resolve, reject });
      this.kick();
    });
  }

  /** Run `task` with no write in flight, after everything submitted before it. */
  exclusive<R>(task: () => Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ kind: 'task', run: () => task().then(resolve, reject) });
      this.kick();
    });
  }

  /** Start writing what is queued, if the writer is not already on it. */
  protected abstract kick(): void;

  protected get queued(): boolean {
    return this.queue.length > 0;
  }

  /** The next task, or every item queued before it; undefined when nothing is queued. */
  protected next(): NextWork<T> | undefined {
    const head = this.queue[0];
    if (head === undefined) return undefined;
    if (head.kind === 'task') {
      this.queue.shift();
      return { task: head.run };
    }
    let n = 0;
    while (n < this.queue.length && this.queue[n].kind === 'item') n++;
    return { batch: this.queue.splice(0, n) as Pending<T>[] };
  }
}
