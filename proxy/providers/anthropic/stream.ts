// Watches an Anthropic Messages SSE stream: usage from message_start and message_delta, stop reason, errors.
import type { Usage } from '../../core/usage.js';
import type { StreamObserver } from '../http/relay.js';
import { parseJsonObject } from '../http/json.js';
import type { SseEvent } from '../http/sse.js';
import { anthropicStreamErrorEvent } from './errors.js';
import { anthropicUsage } from './usage.js';

/** Rough characters per token, only for estimating output billed on a stream cut before its final usage. */
const CHARS_PER_TOKEN = 4;

/** Events that carry nothing the gateway needs; skipped without parsing. */
const IGNORED = new Set(['ping', 'content_block_start', 'content_block_stop']);

/**
 * Content deltas are only measured when a stream is cut before its final usage, so their payloads are kept
 * unparsed and measured on demand (or once this many characters are waiting, bounding memory).
 */
const UNMEASURED_DELTA_LIMIT = 256 * 1024;

export class AnthropicStreamObserver implements StreamObserver {
  usage: Usage | null = null;
  stopReason: string | undefined;
  error: { type: string; message: string } | undefined;
  finished = false;
  private sawFinalUsage = false;
  /** Characters of generated content measured so far (text, thinking, tool input JSON). */
  private generatedChars = 0;
  /** `content_block_delta` payloads not measured yet, and their total length. */
  private unmeasured: string[] = [];
  private unmeasuredChars = 0;

  observe(event: SseEvent): boolean {
    if (event.data === undefined || (event.event !== undefined && IGNORED.has(event.event))) return true;
    if (event.event === 'content_block_delta') {
      this.unmeasured.push(event.data);
      this.unmeasuredChars += event.data.length;
      if (this.unmeasuredChars > UNMEASURED_DELTA_LIMIT) this.measureDeltas();
      return true;
    }
    // A payload that is not JSON is not ours to judge: the client's SDK sees the same bytes.
    const payload = parseJsonObject(event.data);
    if (payload === null) return true;
    switch (payload.type) {
      case 'message_start': {
        const message = payload.message as { usage?: unknown } | undefined;
        this.usage = anthropicUsage(message?.usage);
        break;
      }
      case 'content_block_delta':
        // Only reached for a delta sent without its `event:` line.
        this.generatedChars += deltaLength(payload.delta);
        break;
      case 'message_delta': {
        this.usage = anthropicUsage(payload.usage, this.usage ?? undefined);
        this.sawFinalUsage = true;
        const delta = payload.delta as { stop_reason?: unknown } | undefined;
        if (typeof delta?.stop_reason === 'string') this.stopReason = delta.stop_reason;
        break;
      }
      case 'message_stop':
        this.finished = true;
        break;
      case 'error': {
        const error = payload.error as { type?: unknown; message?: unknown } | undefined;
        this.error = {
          type: typeof error?.type === 'string' ? error.type : 'api_error',
          message: typeof error?.message === 'string' ? error.message : '',
        };
        break;
      }
    }
    return true;
  }

  /**
   * A stream cut before `message_delta` still cost the output generated so far: bill at least an estimate from
   * the streamed characters rather than the placeholder count in `message_start`.
   */
  finalUsage(complete: boolean): Usage | null {
    if (this.usage === null || complete || this.sawFinalUsage) return this.usage;
    this.measureDeltas();
    const estimated = Math.ceil(this.generatedChars / CHARS_PER_TOKEN);
    if (estimated <= this.usage.outputTokens) return this.usage;
    return { ...this.usage, outputTokens: estimated };
  }

  private measureDeltas(): void {
    for (const data of this.unmeasured) {
      const payload = parseJsonObject(data);
      if (payload !== null) this.generatedChars += deltaLength(payload.delta);
    }
    this.unmeasured = [];
    this.unmeasuredChars = 0;
  }

  failureEvent(message: string): string {
    return anthropicStreamErrorEvent(message);
  }
}

function deltaLength(delta: unknown): number {
  if (typeof delta !== 'object' || delta === null) return 0;
  const { text, partial_json: partialJson, thinking } = delta as Record<string, unknown>;
  for (const value of [text, partialJson, thinking]) if (typeof value === 'string') return value.length;
  return 0;
}
