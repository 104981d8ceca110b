// The embedded store's database thread. It owns the sql.js database, so applying log rows, /api/logs queries over
// a million rows and snapshot exports use the other core instead of blocking the gateway's event loop. Requests
// are handled strictly in arrival order: a query sees every entry the store sent before it.
import { parentPort } from 'node:worker_threads';
import { writeFileAtomicEagerly } from './atomic-file.js';
import { fullGarbageCollector } from './collect-garbage.js';
import { releaseArrayBuffer } from './release-buffer.js';
import type { JournalEntry } from './journal.js';
import type { AppliedEntries, DatabaseMessage, DatabaseRequest } from './sqlite-protocol.js';
import { SqliteDatabase } from './sqlite-db.js';
import { sqlJs } from './sqljs-runtime.js';

if (parentPort === null) throw new Error('sqlite-worker.ts runs as a worker thread of the embedded store');
const port = parentPort;

let db: SqliteDatabase | undefined;
let queue: Promise<void> = Promise.resolve();

const send = (message: DatabaseMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
const log = (event: Record<string, unknown>): void => send({ kind: 'log', event });

const collectGarbage = fullGarbageCollector();
/** How much the database file may grow before the copies sql.js left behind are collected. */
const COLLECT_AFTER_GROWTH_BYTES = 4 * 1024 * 1024;
let collectedAtBytes = 0;

/** Collects the file's left-behind copies once it has grown by COLLECT_AFTER_GROWTH_BYTES since the last time. */
function collectAfterGrowth(): void {
  const bytes = database().fileBytes();
  if (bytes - collectedAtBytes < COLLECT_AFTER_GROWTH_BYTES) return;
  collectedAtBytes = bytes;
  collectGarbage();
}

function database(): SqliteDatabase {
  if (db === undefined) throw new Error('the database is not open');
  return db;
}

/** Apply entries in one transaction; when the database refuses the batch, apply one by one and report the refused. */
function applyBatch(entries: readonly JournalEntry[], maxLogRecords: number | undefined): AppliedEntries {
  const target = database();
  try {
    return { applied: entries.length, ...target.apply(entries, maxLogRecords) };
  } catch {
    let applied = 0;
    let pruned = 0;
    let fired = 0;
    for (const entry of entries) {
      try {
        const result = target.apply([entry], maxLogRecords);
        pruned += result.pruned;
        fired += result.fired;
        applied++;
      } catch (err) {
        // Reported whole: the next snapshot drops the refused entry from the journal.
        log({ level: 'error', event: 'store_apply_failed', entry, message: (err as Error).message });
      }
    }
    return { applied, pruned, fired };
  }
}

function parseLines(bytes: Uint8Array): JournalEntry[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const entries: JournalEntry[] = [];
  for (let start = 0, nl = text.indexOf('\n'); nl !== -1; start = nl + 1, nl = text.indexOf('\n', start)) {
    entries.push(JSON.parse(text.slice(start, nl)) as JournalEntry);
  }
  return entries;
}

async function handle(req: DatabaseRequest): Promise<void> {
  switch (req.op) {
    case 'open': {
      const SQL = await sqlJs();
      db = SqliteDatabase.open(SQL, req.snapshot);
      // sql.js copied the image into its file system; the transferred original is not needed any more.
      if (req.snapshot !== undefined) releaseArrayBuffer(req.snapshot.buffer as ArrayBuffer);
      return send({ kind: 'result', id: req.id, value: { appliedSeq: db.appliedSeq() } });
    }
    case 'apply_lines': {
      applyBatch(parseLines(req.lines), req.maxLogRecords);
      collectAfterGrowth();
      return;
    }
    case 'apply_entries': {
      const from = database().appliedSeq();
      const fresh = req.entries.filter((e) => e.seq > from);
      return send({ kind: 'result', id: req.id, value: fresh.length === 0 ? { applied: 0, pruned: 0, fired: 0 } : applyBatch(fresh, req.maxLogRecords) });
    }
    case 'query':
      return send({ kind: 'result', id: req.id, value: database().query(req.sql, req.params) });
    case 'query_batches':
      database().queryBatches(req.sql, req.params, req.batchRows, (rows) => send({ kind: 'rows', id: req.id, rows }));
      return send({ kind: 'result', id: req.id, value: null });
    case 'load_spend':
      return send({ kind: 'result', id: req.id, value: database().loadSpend() });
    case 'write_snapshot': {
      // The image is the whole database (tens of MB with a full log table). Written here and freed as soon as its
      // bytes are in the file, it is resident only for the write: handed to the gateway's thread, it stayed there
      // until that thread's next full GC, next to the images of later snapshots. The fsyncs and the rename finish
      // while later requests are handled.
      const image = database().export();
      const bytes = image.byteLength;
      let durable: Promise<void>;
      try {
        durable = writeFileAtomicEagerly(req.path, image);
      } finally {
        releaseArrayBuffer(image.buffer as ArrayBuffer);
      }
      durable.then(
        () => send({ kind: 'result', id: req.id, value: bytes }),
        (err: unknown) => send({ kind: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) }),
      );
      return;
    }
    case 'close':
      db?.close();
      db = undefined;
      return send({ kind: 'result', id: req.id, value: null });
  }
}

port.on('message', (req: DatabaseRequest) => {
  queue = queue.then(() =>
    handle(req).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if ('id' in req) send({ kind: 'error', id: req.id, message });
      else log({ level: 'error', event: 'store_apply_failed', message });
    }),
  );
});
