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
    while (i < buf.length) {
      const byte = buf[i];
      if (byte !== LF && byte !== CR) {
        this.lineIsEmpty = false;
        i++;
        continue;
      }
      let end = i + 1;
      if (byte === CR) {
        // A CR at the end of the buffer may be the first half of CRLF: decide when more bytes arrive.
        if (end === buf.length) break;
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

function parseEvent(raw: Buffer): SseEvent {
  let event: string | undefined;
  let data: string | undefined;
  for (const line of raw.toString('utf8').split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
  }
  return { event, data, raw };
}
