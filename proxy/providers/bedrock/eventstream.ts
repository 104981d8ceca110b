// Bedrock's application/vnd.amazon.eventstream framing: events and exceptions as binary messages an AWS SDK parses.
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { exceptionMemberName } from './errors.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export const EVENTSTREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

/** One event message: `:event-type` names the union member, the payload is its JSON. */
export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/** An exception message as Bedrock sends it mid-stream (e.g. `ThrottlingException` → `:exception-type throttlingException`). */
export function exceptionFrame(type: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionMemberName(type) },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Decodes frames from a byte stream (for tests and the test upstream). */
export class EventFrameReader {
  private pending = Buffer.alloc(0);

  push(chunk: Uint8Array): { headers: Record<string, string>; payload: string }[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: { headers: Record<string, string>; payload: string }[] = [];
    while (this.pending.length >= 4) {
      const total = this.pending.readUInt32BE(0);
      if (this.pending.length < total) break;
      const message = codec.decode(this.pending.subarray(0, total));
      this.pending = this.pending.subarray(total);
      const headers: Record<string, string> = {};
      for (const [name, header] of Object.entries(message.headers)) headers[name] = String(header.value);
      out.push({ headers, payload: toUtf8(message.body) });
    }
    return out;
  }
}
