// OpenAI error bodies ↔ GatewayError: what the upstream said, kept so the client sees the same error shape.
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../core/clock.js';
import type { GatewayError } from '../../core/errors.js';
import { parseJsonObject } from '../http/json.js';
import { upstreamHttpError } from '../http/retry.js';

/** The error type OpenAI uses for a status, for bodies that do not name one. */
export function openaiErrorTypeFor(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 400 && status < 500) return 'invalid_request_error';
  return 'server_error';
}

export interface OpenAIErrorFields {
  readonly message: string;
  readonly type: string;
  readonly code: string | null;
}

/** `{message, type, code}` from `{"error":{...}}`, or null when the text is not that shape. */
export function parseOpenAIError(text: string): OpenAIErrorFields | null {
  const error = parseJsonObject(text)?.error;
  if (typeof error !== 'object' || error === null) return null;
  const { message, type, code } = error as { message?: unknown; type?: unknown; code?: unknown };
  if (typeof message !== 'string' && typeof type !== 'string') return null;
  return {
    message: typeof message === 'string' ? message : '',
    type: typeof type === 'string' ? type : '',
    code: typeof code === 'string' ? code : null,
  };
}

export function openaiHttpError(status: number, headers: IncomingHttpHeaders, body: string, clock: Clock): GatewayError {
  const parsed = parseOpenAIError(body);
  const type = parsed?.type || parsed?.code || openaiErrorTypeFor(status);
  return upstreamHttpError('openai', status, headers, { type, message: parsed?.message ?? '' }, body, clock);
}

/** The SSE event that ends a stream which failed after it started (the OpenAI SDK raises it as an APIError). */
export function openaiStreamErrorEvent(message: string, type = 'api_error'): string {
  return `data: ${JSON.stringify({ error: { message, type, code: null } })}\n\n`;
}
