// The embedded store's side of its database thread: starts the worker, sends requests, matches the answers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { exposeGarbageCollector } from './collect-garbage.js';
import type { JournalEntry, StoreLog } from './journal.js';
import type { AppliedEntries, DatabaseMessage, DatabaseRequest, ResultTypes } from './sqlite-protocol.js';
import type { SpendRow } from './store.js';

/**
 * The thread's young generation is capped well below V8's default (which grows to 16-24 MB under a stream of journal
 * batches): what it allocates is short-lived (parsed batches, bound values, result rows), and its scavenges run off
 * the request path.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 6 } as const;

/**
 * The worker: bundled next to the CLI (dist/proxy/sqlite-worker.js), or the TypeScript source when the engine
 * itself runs from sources under tsx (tests, benchmarks), which the worker then loads with tsx too.
 */
function startWorker(): Worker {
  // The thread collects its garbage itself (sqlite-worker.ts); V8's flag for that is set here, before it runs.
  exposeGarbageCollector();
  const bundled = join(__dirname, 'sqlite-worker.js');
  if (existsSync(bundled)) return new Worker(bundled, { resourceLimits: RESOURCE_LIMITS });
  // Node 20 does not apply `--import tsx` hooks to a worker's own entry file, so register tsx's CommonJS hook first.
  const source = join(__dirname, 'sqlite-worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true, resourceLimits: RESOURCE_LIMITS });
}

/** `bytes` as a view of a whole ArrayBuffer of its own, which can be transferred (a pooled Buffer is copied out). */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void; onRows?: (rows: unknown[]) => void };
type AnsweredRequest = Exclude<DatabaseRequest, { op: 'apply_lines' }>;
type Op = AnsweredRequest['op'];
type RequestBody<O extends Op> = Omit<Extract<AnsweredRequest, { op: O }>, 'op' | 'id'>;

export class DatabaseThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Set once the worker died: every later request fails with it. */
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly log: StoreLog,
  ) {
    worker.on('message', (message: DatabaseMessage) => this.receive(message));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the database thread exited with code ${code}`)));
    // Requests in flight keep their promises; an idle database thread must not keep the process alive.
    worker.unref();
  }

  /** Start the thread and open the snapshot (or an empty database) in it. */
  static async start(snapshot: Uint8Array | undefined, log: StoreLog): Promise<{ thread: DatabaseThread; appliedSeq: number }> {
    const thread = new DatabaseThread(startWorker(), log);
    try {
      // Moved, not copied: the image can be as large as the database, and the thread frees it once it is open.
      const image = snapshot === undefined ? undefined : ownBuffer(snapshot);
      const { appliedSeq } = await thread.request('open', { snapshot: image }, image === undefined ? [] : [image.buffer as ArrayBuffer]);
      return { thread, appliedSeq };
    } catch (err) {
      await thread.worker.terminate();
      throw err;
    }
  }

  /** Apply journal lines in order, without waiting; a later request's answer implies they were applied. */
  applyLines(lines: Uint8Array, maxLogRecords?: number): void {
    if (this.failure !== undefined) return;
    this.worker.postMessage({ op: 'apply_lines', lines, maxLogRecords } satisfies DatabaseRequest, [lines.buffer as ArrayBuffer]);
  }

  /** Apply the entries the database does not hold yet (seq above its position), one transaction when possible. */
  applyEntries(entries: readonly JournalEntry[], maxLogRecords?: number): Promise<AppliedEntries> {
    return this.request('apply_entries', { entries, maxLogRecords });
  }

  query<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    return this.request('query', { sql, params }) as Promise<T[]>;
  }

  /** Runs a read-only statement; its rows reach `onRows` in batches, in order, before the promise resolves. */
  queryBatches(sql: string, params: readonly unknown[], batchRows: number, onRows: (rows: unknown[]) => void): Promise<void> {
    return this.request('query_batches', { sql, params, batchRows }, [], onRows).then(() => undefined);
  }

  loadSpend(): Promise<SpendRow[]> {
    return this.request('load_spend', {});
  }

  /** Export the database and write it atomically to `path`; resolves with the image's size once it is durable. */
  writeSnapshot(path: string): Promise<number> {
    return this.request('write_snapshot', { path });
  }

  /** Close the database and end the thread. */
  async close(): Promise<void> {
    try {
      if (this.failure === undefined) await this.request('close', {});
    } finally {
      this.failure ??= new Error('the database is closed');
      await this.worker.terminate();
    }
  }

  private request<O extends Op>(op: O, body: RequestBody<O>, transfer: ArrayBuffer[] = [], onRows?: (rows: unknown[]) => void): Promise<ResultTypes[O]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<ResultTypes[O]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onRows });
      this.worker.ref();
      this.worker.postMessage({ ...body, op, id } as DatabaseRequest, transfer);
    });
  }

  private receive(message: DatabaseMessage): void {
    if (message.kind === 'log') return this.log(message.event);
    const waiting = this.pending.get(message.id);
    if (waiting === undefined) return;
    if (message.kind === 'rows') return waiting.onRows?.(message.rows);
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.kind === 'result') waiting.resolve(message.value);
    else waiting.reject(new Error(message.message));
  }

  private fail(err: Error): void {
    if (this.failure === undefined) {
      this.failure = err;
      this.log({ level: 'error', event: 'store_database_failed', message: err.message });
    }
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}
