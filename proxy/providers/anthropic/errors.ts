// Anthropic error bodies ↔ GatewayError: what the upstream said, kept so the client sees the same error shape.
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../core/clock.js';
import type { GatewayError } from '../../core/errors.js';
import { parseJsonObject } from '../http/json.js';
import { upstreamHttpError } from '../http/retry.js';

/** Anthropic's documented error type for a status, for bodies that do not name one. */
export function anthropicErrorTypeFor(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

/** `{type, message}` from `{"type":"error","error":{...}}`, or null when the text is not that shape. */
export function parseAnthropicError(text: string): { type: string; message: string } | null {
  const error = parseJsonObject(text)?.error;
  if (typeof error !== 'object' || error === null) return null;
  const { type, message } = error as { type?: unknown; message?: unknown };
  if (typeof type !== 'string') return null;
  return { type, message: typeof message === 'string' ? message : '' };
}

/** A non-2xx Anthropic answer as the GatewayError the router retries (or not) and the api layer renders. */
export function anthropicHttpError(status: number, headers: IncomingHttpHeaders, body: string, clock: Clock): GatewayError {
  const said = parseAnthropicError(body) ?? { type: anthropicErrorTypeFor(status), message: '' };
  return upstreamHttpError('anthropic', status, headers, said, body, clock);
}

/** The SSE event that ends a stream which failed after it started. */
export function anthropicStreamErrorEvent(message: string, type = 'api_error'): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`;
}
