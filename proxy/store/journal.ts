// The embedded store's write-ahead journal: one JSON line per entry, appended before the database applies it.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { LogRecord } from '../logs/record.js';
import type { AlertKey, DeliveryOutcome, QueuedDelivery } from './alert-outbox.js';
import { writeFileAtomic } from './atomic-file.js';
import type { Charge } from './store.js';

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

export class Journal {
  private constructor(
    private readonly path: string,
    private fh: FileHandle,
    /** Bytes known to end on a complete line; a failed append is cut back to here. */
    private size: number,
  ) {}

  /** Set when the journal could not be reopened after compaction; every later append fails with it. */
  private broken: Error | undefined;

  /**
   * Read every complete entry and open the file for appending. A torn last line (the process died
   * mid-write) is cut off with a warning so the next append starts on a clean line.
   */
  static async open(path: string, log: StoreLog): Promise<{ journal: Journal; entries: JournalEntry[] }> {
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
    return { journal: new Journal(path, fh, complete), entries };
  }

  /** Append the entries in one write. Resolves with the lines once the OS has them (they survive kill -9). */
  async append(entries: readonly JournalEntry[]): Promise<Buffer> {
    if (this.broken !== undefined) throw this.broken;
    const data = Buffer.from(entries.length === 1 ? `${JSON.stringify(entries[0])}\n` : entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    try {
      // One write(2) per batch in the usual case (the file is open for appending); loop on a short write.
      for (let at = 0; at < data.length; ) {
        const { bytesWritten } = await this.fh.write(data, at, data.length - at, null);
        at += bytesWritten;
      }
    } catch (err) {
      // A partial line would glue itself to the next append; cut it off.
      await this.fh.truncate(this.size).catch(() => undefined);
      throw err;
    }
    this.size += data.length;
    return data;
  }

  /** Bytes of complete entries appended so far: a snapshot taken now holds exactly these. */
  get length(): number {
    return this.size;
  }

  /**
   * Atomically drop the first `boundary` bytes (the entries a durable snapshot holds; `boundary` is
   * `length` as it was when the snapshot was taken). Copies the rest without parsing it. Call with
   * no append in flight.
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

  async close(): Promise<void> {
    await this.fh.close();
  }
}
