// Watches a Responses API SSE stream: the terminal event (completed, incomplete, failed) carries the usage and
// ends the stream; an `error` event ends it too. Every event is relayed unchanged.
import type { Usage } from '../../core/usage.js';
import type { StreamObserver } from '../http/relay.js';
import { parseJsonObject } from '../http/json.js';
import type { SseEvent } from '../http/sse.js';
import { responseStopReason, responsesUsage } from './responses-usage.js';

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);
/** The event type in the data, for upstreams that send no `event:` line. */
const TYPE_FIELD = /"type"\s*:\s*"([a-z_.]+)"/;
const SEQUENCE = /"sequence_number"\s*:\s*(\d+)/;

export class ResponsesStreamObserver implements StreamObserver {
  usage: Usage | null = null;
  stopReason: string | undefined;
  error: { type: string; message: string } | undefined;
  finished = false;
  /** The last `sequence_number` seen, so an error the gateway appends continues the sequence. */
  private lastSequence = -1;

  observe(event: SseEvent): boolean {
    const data = event.data;
    if (data === undefined) return true;
    const sequence = SEQUENCE.exec(data);
    if (sequence) this.lastSequence = Math.max(this.lastSequence, Number(sequence[1]));
    const type = event.event ?? TYPE_FIELD.exec(data)?.[1];
    // Deltas are most of a stream: only the terminal events and errors are parsed.
    if (type !== 'error' && (type === undefined || !TERMINAL.has(type))) return true;
    const payload = parseJsonObject(data);
    if (payload === null) return true;
    if (type === 'error') {
      this.error = errorFields(payload);
      return true;
    }
    const response = payload.response;
    if (typeof response !== 'object' || response === null) return true;
    const body = response as Record<string, unknown>;
    this.finished = true;
    this.stopReason = responseStopReason(body);
    const usage = responsesUsage(body.usage);
    if (usage !== null) this.usage = usage;
    if (type === 'response.failed') this.error = errorFields(body.error);
    return true;
  }

  /** The usage comes only in the terminal event: a cut stream has none to report. */
  finalUsage(): Usage | null {
    return this.usage;
  }

  /** An `error` event as the Responses API sends one, numbered after the last event the client saw. */
  failureEvent(message: string): string {
    const data = { type: 'error', code: 'upstream_error', message, param: null, sequence_number: this.lastSequence + 1 };
    return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
  }
}

/** `{code, message}` of an `error` event or a failed response's `error`. */
function errorFields(raw: unknown): { type: string; message: string } {
  const { code, type, message } = (typeof raw === 'object' && raw !== null ? raw : {}) as { code?: unknown; type?: unknown; message?: unknown };
  return {
    type: typeof code === 'string' ? code : typeof type === 'string' && type !== 'error' ? type : 'api_error',
    message: typeof message === 'string' ? message : '',
  };
}
