// Messages between the embedded store and its database thread (proxy/store/sqlite-worker.ts).
import type { JournalEntry } from './journal.js';
import type { SpendRow } from './store.js';

/**
 * What the store asks of the database thread. Requests with an `id` are answered; `apply_lines` is not.
 * `maxLogRecords` is logging.max_records at the time of sending: the oldest records beyond it are dropped.
 */
export type DatabaseRequest =
  | { readonly op: 'open'; readonly id: number; readonly snapshot: Uint8Array | undefined }
  /** Journal lines (newline-terminated JSON entries) to apply in one transaction, in order. */
  | { readonly op: 'apply_lines'; readonly lines: Uint8Array; readonly maxLogRecords?: number }
  /** Entries to apply one by one (start-up replay, prunes); answered with what happened. */
  | { readonly op: 'apply_entries'; readonly id: number; readonly entries: readonly JournalEntry[]; readonly maxLogRecords?: number }
  | { readonly op: 'query'; readonly id: number; readonly sql: string; readonly params: readonly unknown[] }
  /** Like `query`, but the rows arrive as `rows` messages of at most `batchRows` each before the (null) result. */
  | { readonly op: 'query_batches'; readonly id: number; readonly sql: string; readonly params: readonly unknown[]; readonly batchRows: number }
  | { readonly op: 'load_spend'; readonly id: number }
  /** Export the database and write it atomically to `path` (the snapshot file); answered with the image's size. */
  | { readonly op: 'write_snapshot'; readonly id: number; readonly path: string }
  | { readonly op: 'close'; readonly id: number };

/** `applied`/`pruned` answer `apply_entries`; `open` answers with the journal position the snapshot holds. */
export interface AppliedEntries {
  readonly applied: number;
  readonly pruned: number;
  /** Alert entries whose key was new (their deliveries were queued). */
  readonly fired: number;
}

export interface ResultTypes {
  open: { readonly appliedSeq: number };
  apply_entries: AppliedEntries;
  query: unknown[];
  query_batches: null;
  load_spend: SpendRow[];
  write_snapshot: number;
  close: null;
}

/** What the database thread sends back: an answer (or part of one) to a request, or an event for the gateway's log. */
export type DatabaseMessage =
  | { readonly kind: 'result'; readonly id: number; readonly value: unknown }
  /** One batch of a `query_batches` answer, in order. */
  | { readonly kind: 'rows'; readonly id: number; readonly rows: unknown[] }
  | { readonly kind: 'error'; readonly id: number; readonly message: string }
  | { readonly kind: 'log'; readonly event: Record<string, unknown> };
