// Watches an OpenAI Chat Completions SSE stream: the usage chunk, finish reason, errors and `[DONE]`.
import type { Usage } from '../../core/usage.js';
import type { StreamObserver } from '../http/relay.js';
import { parseJsonObject } from '../http/json.js';
import type { SseEvent } from '../http/sse.js';
import { openaiStreamErrorEvent } from './errors.js';
import { firstFinishReason, openaiUsage } from './usage.js';

/** A usage object, a non-null finish reason, or an error. */
const MAY_MATTER = /"(?:usage|finish_reason)"\s*:\s*[{"]|"error"\s*:/;

export class OpenAIStreamObserver implements StreamObserver {
  usage: Usage | null = null;
  stopReason: string | undefined;
  error: { type: string; message: string } | undefined;
  finished = false;

  /** @param withholdUsageChunk the client did not ask for the usage chunk; the gateway did, for billing. */
  constructor(private readonly withholdUsageChunk: boolean) {}

  observe(event: SseEvent): boolean {
    const data = event.data;
    if (data === undefined) return true;
    if (data.trim() === '[DONE]') {
      this.finished = true;
      return true;
    }
    // Most chunks are plain content deltas: parse only those that can carry usage, a finish reason or an error.
    if (!MAY_MATTER.test(data)) return true;
    const chunk = parseJsonObject(data);
    if (chunk === null) return true;
    if (typeof chunk.error === 'object' && chunk.error !== null) {
      const { type, message } = chunk.error as { type?: unknown; message?: unknown };
      this.error = {
        type: typeof type === 'string' ? type : 'api_error',
        message: typeof message === 'string' ? message : '',
      };
      return true;
    }
    this.stopReason = firstFinishReason(chunk.choices) ?? this.stopReason;
    const usage = openaiUsage(chunk.usage);
    if (usage === null) return true;
    this.usage = usage;
    const usageOnly = !Array.isArray(chunk.choices) || chunk.choices.length === 0;
    return !(this.withholdUsageChunk && usageOnly);
  }

  /** OpenAI reports usage only at the end: a cut stream has none to report. */
  finalUsage(): Usage | null {
    return this.usage;
  }

  failureEvent(message: string): string {
    return openaiStreamErrorEvent(message);
  }
}
