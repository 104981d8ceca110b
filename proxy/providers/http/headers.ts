// Which headers cross the gateway: client → upstream (minus hop-by-hop and credentials) and upstream → client.
import type { IncomingHttpHeaders } from 'node:http';

/** Hop-by-hop headers, client credentials and gateway-only headers never forwarded upstream. */
const NEVER_FORWARDED = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'content-length',
  // The gateway parses responses for usage; ask for identity encoding.
  'accept-encoding',
  'authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'x-bf-vk',
  'forwarded',
  'via',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'origin',
  'referer',
]);

const NONE: ReadonlySet<string> = new Set();

/**
 * The client's headers that should reach the upstream. `extraDropped` names provider-specific headers that
 * belong to the client's own credential (e.g. `openai-organization`).
 */
export function forwardableHeaders(
  clientHeaders: Readonly<Record<string, string>>,
  extraDropped: ReadonlySet<string> = NONE,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(clientHeaders)) {
    const lower = name.toLowerCase();
    if (NEVER_FORWARDED.has(lower) || extraDropped.has(lower)) continue;
    if (lower.startsWith('x-spendgate-') || lower.startsWith(':')) continue;
    out[lower] = value;
  }
  return out;
}

/**
 * Response headers worth passing back to the client, under the name the client sees: the body's
 * type and the upstream's request id. `x-request-id` is the gateway's own (the id in /api/logs),
 * so the upstream's travels as `x-upstream-request-id`.
 */
const RESPONSE_KEPT: readonly (readonly [upstream: string, client: string])[] = [
  ['content-type', 'content-type'],
  ['request-id', 'request-id'],
  ['x-request-id', 'x-upstream-request-id'],
];

export function clientResponseHeaders(upstream: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, clientName] of RESPONSE_KEPT) {
    const value = headerValue(upstream, name);
    if (value !== undefined) out[clientName] = value;
  }
  return out;
}

/** A single header value (the first when repeated). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function isEventStream(headers: IncomingHttpHeaders): boolean {
  return (headerValue(headers, 'content-type') ?? '').toLowerCase().startsWith('text/event-stream');
}
