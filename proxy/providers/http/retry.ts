// Retry signals from an upstream's HTTP error answer, and the GatewayError that carries them to the router.
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../core/clock.js';
import { GatewayError } from '../../core/errors.js';
import { headerValue } from './headers.js';

/** 408, 429 and every 5xx (Anthropic's 529 overloaded included) may succeed on another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Anthropic and OpenAI tell their own SDKs whether to retry (`x-should-retry`); that wins over the status rule. */
export function upstreamRetryable(status: number, headers: IncomingHttpHeaders): boolean {
  const shouldRetry = headerValue(headers, 'x-should-retry');
  if (shouldRetry === 'true') return true;
  if (shouldRetry === 'false') return false;
  return isRetryableStatus(status);
}

/** An upstream `retry-after` header (delta-seconds or an HTTP date) as whole seconds. */
export function retryAfterSeconds(value: string | undefined, clock: Clock): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed));
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - clock.now()) / 1000));
}

/**
 * A non-2xx upstream answer as the GatewayError the router retries (or not) and the api layer renders with the
 * upstream's own type and message. `body` is the raw text, used as the message when the protocol parse found none.
 */
export function upstreamHttpError(
  provider: string,
  status: number,
  headers: IncomingHttpHeaders,
  said: { readonly type: string; readonly message: string },
  body: string,
  clock: Clock,
): GatewayError {
  const message = said.message || body.trim().slice(0, 500) || `${provider} upstream answered HTTP ${status}`;
  return new GatewayError('upstream', message, {
    status,
    upstreamType: said.type,
    retryable: upstreamRetryable(status, headers),
    retryAfter: retryAfterSeconds(headerValue(headers, 'retry-after'), clock),
  });
}
