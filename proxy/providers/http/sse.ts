// Incremental server-sent-events parser that keeps each event's exact bytes, so events can be relayed unchanged.

export interface SseEvent {
  /** The `event:` field, when present. */
  readonly event?: string;
  /** The `data:` lines joined with "\n"; undefined when the event had no data field. */
  readonly data?: string;
  /** The event's bytes exactly as received, including its terminating blank line. */
  readonly raw: Buffer;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const EMPTY = Buffer.alloc(0);

export class SseParser {
  private pending: Buffer = EMPTY;
  /** Offset into `pending` where scanning resumes. */
  private scanFrom = 0;
  /** True while the line being scanned has no characters yet (a line end now ends the event). */
  private lineIsEmpty = true;

  /** Feed bytes; returns the events completed by them, in order. */
  push(chunk: Uint8Array): SseEvent[] {
    const buf = this.pending.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.pending, chunk]);
    const events: SseEvent[] = [];
    let eventStart = 0;
    let i = this.scanFrom;
    // Line ends are found with indexOf (native), remembering the next LF and CR so each is searched once per line.
    let nextLf = -1;
    let nextCr = -1;
    while (i < buf.length) {
      if (nextLf < i) nextLf = indexOrEnd(buf, LF, i);
      if (nextCr < i) nextCr = indexOrEnd(buf, CR, i);
      const at = nextLf < nextCr ? nextLf : nextCr;
      if (at > i) this.lineIsEmpty = false;
      if (at === buf.length) {
        i = at;
        break;
      }
      let end = at + 1;
      if (at === nextCr) {
        // A CR at the end of the buffer may be the first half of CRLF: decide when more bytes arrive.
        if (end === buf.length) {
          i = at;
          break;
        }
        if (buf[end] === LF) end++;
      }
      if (this.lineIsEmpty) {
        events.push(parseEvent(buf.subarray(eventStart, end)));
        eventStart = end;
      }
      this.lineIsEmpty = true;
      i = end;
    }
    // Copy the tail so the parser never pins a large upstream chunk.
    this.pending = eventStart === buf.length ? EMPTY : Buffer.from(buf.subarray(eventStart));
    this.scanFrom = i - eventStart;
    return events;
  }

  /** Bytes received after the last complete event. */
  get tail(): Buffer {
    return this.pending;
  }

  /** End of input: returns an unterminated last event, so a relay never loses bytes. */
  finish(): SseEvent | undefined {
    if (this.pending.length === 0) return undefined;
    const event = parseEvent(this.pending);
    this.pending = EMPTY;
    this.scanFrom = 0;
    this.lineIsEmpty = true;
    return event;
  }
}

function indexOrEnd(buf: Buffer, byte: number, from: number): number {
  const at = buf.indexOf(byte, from);
  return at === -1 ? buf.length : at;
}

function parseEvent(raw: Buffer): SseEvent {
  let event: string | undefined;
  let data: string | undefined;
  const text = raw.toString('utf8');
  // Lines end in CRLF, LF or CR; scanned by hand (a regex split allocates an array per event).
  for (let start = 0; start < text.length; ) {
    let end = start;
    while (end < text.length && text.charCodeAt(end) !== LF && text.charCodeAt(end) !== CR) end++;
    const next = text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
    if (end > start && text.charCodeAt(start) !== COLON) {
      const colon = text.indexOf(':', start);
      const hasValue = colon !== -1 && colon < end;
      const field = text.slice(start, hasValue ? colon : end);
      if (field === 'event' || field === 'data') {
        let valueStart = hasValue ? colon + 1 : end;
        if (text.charCodeAt(valueStart) === SPACE && valueStart < end) valueStart++;
        const value = text.slice(valueStart, end);
        if (field === 'event') event = value;
        else data = data === undefined ? value : `${data}\n${value}`;
      }
    }
    start = next;
  }
  return { event, data, raw };
}
