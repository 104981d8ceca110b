// Relays an upstream SSE stream to the client event by event while an observer extracts usage and stop reason.
import type { Usage } from '../../core/usage.js';
import type { ResponseSink } from '../types.js';
import { SseParser, type SseEvent } from './sse.js';
import { redactBytes, redactCredentials } from '../redact.js';

/** What a protocol knows about its own stream: usage, stop reason, which events the client sees, how failure reads. */
export interface StreamObserver {
  /** Observe one complete event; return false to withhold it from the client. */
  observe(event: SseEvent): boolean;
  /** Usage as known so far (a new object each time it changes), or null. */
  readonly usage: Usage | null;
  /** Usage to bill once the stream is over; `complete` is false when it ended early. */
  finalUsage(complete: boolean): Usage | null;
  readonly stopReason: string | undefined;
  /** An error the upstream itself reported inside the stream. */
  readonly error: { readonly type: string; readonly message: string } | undefined;
  /** True once the protocol's end-of-stream marker was seen. */
  readonly finished: boolean;
  /** The SSE bytes that tell this protocol's clients the stream failed. */
  failureEvent(message: string): string;
}

export interface RelayResult {
  readonly usage: Usage | null;
  readonly stopReason?: string;
  readonly error?: { readonly type: string; readonly message: string };
}

/**
 * Copies complete events to the sink as they arrive (a partial event is held until its end, so a failure never
 * leaves a torn event before the error event). When the client went away, keeps reading to learn the billed usage.
 * `describe` turns a read failure into the message the client sees. An error event the upstream sends is scrubbed of
 * `secrets` and credential-shaped tokens (only rewritten when it carries one); every other event passes unchanged.
 */
export async function relayStream(
  body: AsyncIterable<Uint8Array>,
  sink: ResponseSink,
  observer: StreamObserver,
  onUsage: ((usage: Usage) => void) | undefined,
  describe: (err: unknown) => string,
  secrets: Iterable<string> = [],
): Promise<RelayResult> {
  const parser = new SseParser();
  let reported: Usage | null = null;
  const report = (usage: Usage | null) => {
    if (usage === null || usage === reported) return;
    reported = usage;
    onUsage?.(usage);
  };
  const forward = async (events: readonly SseEvent[]) => {
    const kept: Buffer[] = [];
    for (const event of events) {
      const errorBefore = observer.error;
      if (!observer.observe(event)) continue;
      const isError = event.event === 'error' || observer.error !== errorBefore;
      kept.push(isError ? redactBytes(event.raw, secrets) : event.raw);
    }
    report(observer.usage);
    if (kept.length === 0 || sink.clientGone) return;
    await sink.write(kept.length === 1 ? kept[0] : Buffer.concat(kept));
  };

  const fail = async (message: string): Promise<RelayResult> => {
    if (!sink.clientGone) await sink.write(observer.failureEvent(message));
    sink.end();
    const usage = observer.finalUsage(false);
    report(usage);
    return { usage, stopReason: observer.stopReason, error: { type: 'api_error', message } };
  };

  try {
    for await (const chunk of body) await forward(parser.push(chunk));
    const last = parser.finish();
    if (last !== undefined) await forward([last]);
  } catch (err) {
    return fail(describe(err));
  }
  if (!observer.finished && observer.error === undefined) {
    return fail('the upstream stream ended before its final event');
  }
  sink.end();
  const usage = observer.finalUsage(observer.finished);
  report(usage);
  const error = observer.error && { type: observer.error.type, message: redactCredentials(observer.error.message, secrets) };
  return { usage, stopReason: observer.stopReason, error };
}
