// Retry signals from an upstream's HTTP answer: which statuses are worth another attempt, and `retry-after`.
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../core/clock.js';
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
