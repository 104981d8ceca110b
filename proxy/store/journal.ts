// The embedded store's write-ahead journal: one JSON line per entry, appended before the database applies it.
import { createReadStream, ftruncateSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { LogRecord } from '../logs/record.js';
import type { AlertKey, DeliveryOutcome, QueuedDelivery } from './alert-outbox.js';
import { writeFileAtomic } from './atomic-file.js';
import type { Charge, CommitEntry } from './store.js';

/** An alert that fired, with the deliveries to queue if its key is new (applying it twice changes nothing). */
export interface FiredAlertChange {
  readonly key: AlertKey;
  readonly deliveries: readonly QueuedDelivery[];
  readonly at: number;
}

/** An outbox row's state after a delivery attempt. */
export interface SettledDeliveryChange {
  readonly outboxId: string;
  readonly outcome: DeliveryOutcome;
  readonly at: number;
}

/** One journaled change. `seq` increases by one per entry across the store's whole life. */
export type JournalEntry =
  | { readonly seq: number; readonly charges: readonly Charge[]; readonly logs: readonly LogRecord[] }
  | { readonly seq: number; readonly pruneBefore: number }
  | { readonly seq: number; readonly alertFired: FiredAlertChange }
  | { readonly seq: number; readonly alertSettled: SettledDeliveryChange };

export type StoreLog = (event: Record<string, unknown>) => void;

function parseEntry(line: string): JournalEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const e = v as Record<string, unknown>;
  if (!Number.isSafeInteger(e.seq)) return undefined;
  if (Array.isArray(e.charges) && Array.isArray(e.logs)) return e as unknown as JournalEntry;
  if (typeof e.pruneBefore === 'number') return e as unknown as JournalEntry;
  if (typeof e.alertFired === 'object' && e.alertFired !== null) return e as unknown as JournalEntry;
  if (typeof e.alertSettled === 'object' && e.alertSettled !== null) return e as unknown as JournalEntry;
  return undefined;
}

/**
 * Streams a file line by line (a journal may outgrow the longest string V8 can hold). Returns the
 * byte length of the complete lines, the bytes of a torn last line, and how many lines were read.
 */
async function readLines(path: string, onLine: (line: string, n: number) => void): Promise<{ complete: number; tail: number; lines: number }> {
  let complete = 0;
  let lines = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, nl);
        const line = pendingBytes > 0 ? Buffer.concat([...pending, piece]) : piece;
        complete += line.length + 1;
        lines += 1;
        onLine(line.toString('utf8'), lines);
        pending = [];
        pendingBytes = 0;
        start = nl + 1;
      }
      if (start < chunk.length) {
        pending.push(chunk.subarray(start));
        pendingBytes += chunk.length - start;
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { complete, tail: pendingBytes, lines };
}

/** How the journal reaches the disk beyond the page cache, and how its writes are observed. */
export interface JournalOptions {
  /**
   * `fdatasync` the journal this often (ms) while it has unsynced writes, on libuv's thread pool, one at a time;
   * `off` leaves it to the operating system. A write alone already survives kill -9; the sync covers power loss.
   */
  readonly sync?: number | 'off';
  /** Observes the duration of each journal write, in seconds (spendgate_journal_write_seconds). */
  readonly onWrite?: (seconds: number) => void;
}

/** Serialise entries as journal lines. */
function journalLines(entries: readonly JournalEntry[]): Buffer {
  return Buffer.from(entries.length === 1 ? `${JSON.stringify(entries[0])}\n` : entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
}

/**
 * The width reserved for a commit's sequence number: the digits of Number.MAX_SAFE_INTEGER. JSON allows the spaces
 * left after a shorter number.
 */
const SEQ_WIDTH = 16;
/** Where the sequence number goes in a prepared line: right after `{"seq":`. */
const SEQ_AT = Buffer.byteLength('{"seq":');
const SEQ_ROOM = ' '.repeat(SEQ_WIDTH);

/**
 * A commit's whole journal line, `{"seq":<room>,"charges":[…],"logs":[…]}\n` as UTF-8, serialised when the commit is
 * submitted, so the wait for the write carries only the write. Its number is written into the room when the line is
 * written, since only then is the commit's place in the journal known; the line itself is never copied to do so.
 */
export interface PreparedCommit {
  readonly line: Buffer;
}

export function prepareCommit({ charges, logs }: CommitEntry): PreparedCommit {
  const members = JSON.stringify({ charges, logs });
  return { line: Buffer.from(`{"seq":${SEQ_ROOM},${members.slice(1)}\n`) };
}

/** The prepared commits numbered from `firstSeq`, as the bytes to write: the one line itself, or the lines joined. */
function commitLines(firstSeq: number, commits: readonly PreparedCommit[]): Buffer {
  for (let i = 0; i < commits.length; i++) commits[i].line.write(String(firstSeq + i), SEQ_AT, SEQ_WIDTH, 'latin1');
  return commits.length === 1 ? commits[0].line : Buffer.concat(commits.map((c) => c.line));
}

export class Journal {
  private constructor(
    private readonly path: string,
    private fh: FileHandle,
    /** Bytes known to end on a complete line; a failed append is cut back to here. */
    private size: number,
    private readonly log: StoreLog,
    private readonly options: JournalOptions,
  ) {
    const every = options.sync ?? 1000;
    if (every !== 'off') {
      this.syncTimer = setInterval(() => void this.syncNow(), every);
      this.syncTimer.unref();
    }
  }

  /** Set when the journal could not be reopened after compaction; every later append fails with it. */
  private broken: Error | undefined;
  private readonly syncTimer: NodeJS.Timeout | undefined;
  /** Bytes written since the last fdatasync started. */
  private unsynced = false;
  private syncing: Promise<void> | undefined;

  /**
   * Read every complete entry and open the file for appending. A torn last line (the process died
   * mid-write) is cut off with a warning so the next append starts on a clean line.
   */
  static async open(path: string, log: StoreLog, options: JournalOptions = {}): Promise<{ journal: Journal; entries: JournalEntry[] }> {
    const entries: JournalEntry[] = [];
    const { complete, tail, lines } = await readLines(path, (line, n) => {
      const entry = parseEntry(line);
      if (entry === undefined) log({ level: 'warn', event: 'journal_line_skipped', path, line: n, reason: 'unreadable' });
      else entries.push(entry);
    });
    if (tail > 0) log({ level: 'warn', event: 'journal_torn_tail', path, line: lines + 1, bytes: tail });
    const fh = await open(path, 'a', 0o600);
    // open's mode only applies to a new file: an existing journal (copied, restored, older umask) may be readable by
    // other users, and it holds every request's spend; tighten it now rather than at the next compaction.
    await fh.chmod(0o600);
    if (tail > 0) await fh.truncate(complete);
    return { journal: new Journal(path, fh, complete, log, options), entries };
  }

  /**
   * Append the entries with synchronous write(2)s (one, unless the kernel takes part of it) and return the lines.
   * Once this returns the lines are in the page cache: they survive kill -9 of this process.
   */
  appendSync(entries: readonly JournalEntry[]): Buffer {
    return this.writeLines(journalLines(entries));
  }

  /** Append prepared commits numbered from `firstSeq` (see appendSync); returns the lines written. */
  appendCommits(firstSeq: number, commits: readonly PreparedCommit[]): Buffer {
    return this.writeLines(commitLines(firstSeq, commits));
  }

  private writeLines(data: Buffer): Buffer {
    if (this.broken !== undefined) throw this.broken;
    const started = performance.now();
    try {
      // The file is open for appending; a short write (a full disk, a signal) continues where it stopped.
      for (let at = 0; at < data.length; ) at += writeSync(this.fh.fd, data, at, data.length - at);
    } catch (err) {
      // A partial line would glue itself to the next append; cut it off.
      try {
        ftruncateSync(this.fh.fd, this.size);
      } catch (cut) {
        this.log({ level: 'error', event: 'journal_truncate_failed', path: this.path, message: (cut as Error).message });
      }
      throw err;
    }
    this.options.onWrite?.((performance.now() - started) / 1000);
    this.size += data.length;
    this.unsynced = true;
    return data;
  }

  /** One fdatasync of what was written so far, unless one is already running. Failures are logged; the next interval retries. */
  syncNow(): Promise<void> {
    if (this.syncing !== undefined || !this.unsynced) return this.syncing ?? Promise.resolve();
    this.unsynced = false;
    const fh = this.fh;
    this.syncing = fh
      .datasync()
      .catch((err: unknown) => {
        this.unsynced = true;
        this.log({ level: 'error', event: 'journal_sync_failed', path: this.path, message: (err as Error).message });
      })
      .finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /** Bytes of complete entries appended so far: a snapshot taken now holds exactly these. */
  get length(): number {
    return this.size;
  }

  /**
   * Atomically drop the first `boundary` bytes (the entries a durable snapshot holds; `boundary` is
   * `length` as it was when the snapshot was taken). Copies the rest without parsing it. Call from the
   * writer's exclusive task: an append made during the copy would be lost.
   */
  async compact(boundary: number): Promise<void> {
    if (boundary < 0 || boundary > this.size) throw new RangeError(`compaction boundary ${boundary} is outside the journal (0..${this.size})`);
    const kept = Buffer.alloc(this.size - boundary);
    const reader = await open(this.path, 'r');
    try {
      for (let at = 0; at < kept.length; ) {
        const { bytesRead } = await reader.read(kept, at, kept.length - at, boundary + at);
        if (bytesRead === 0) throw new Error(`journal ${this.path} is shorter than the ${this.size} bytes appended to it`);
        at += bytesRead;
      }
    } finally {
      await reader.close();
    }
    await writeFileAtomic(this.path, kept);
    // The new file was synced by writeFileAtomic; a sync still running on the old one must finish before it closes.
    await this.syncing;
    const old = this.fh;
    try {
      this.fh = await open(this.path, 'a', 0o600);
    } catch (err) {
      // The old handle now points at the replaced file: appending there would lose entries.
      this.broken = new Error(`journal ${this.path} could not be reopened after compaction: ${(err as Error).message}`);
      throw this.broken;
    } finally {
      await old.close();
    }
    this.size = kept.length;
  }

  /** Stop the sync interval, sync what is unsynced (unless syncing is off) and close the file. */
  async close(): Promise<void> {
    clearInterval(this.syncTimer);
    await this.syncing;
    if (this.syncTimer !== undefined) await this.syncNow();
    await this.fh.close();
  }
}
