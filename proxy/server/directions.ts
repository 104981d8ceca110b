// Answers for requests that reached the gateway at the wrong place: `GET /` and client routes without their prefix.
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/errors.js';
import { toWireError, type WireError } from '../api/wire-errors.js';
import type { ClientProtocol } from '../providers/types.js';
import type { ServiceIndexJson } from '../api/wire/index.js';

/** Where the gateway answers, as a client on this connection reaches it (the Host it used, already vetted by the origin policy). */
export function baseUrl(headers: IncomingHttpHeaders, localAddress: string | undefined, localPort: number | undefined): string {
  const authority = headers.host ?? (headers[':authority'] as string | undefined);
  if (authority) return `http://${authority}`;
  const host = localAddress?.includes(':') ? `[${localAddress}]` : (localAddress ?? '127.0.0.1');
  return `http://${host}:${localPort ?? 8080}`;
}

/** The body of `GET /`: what lives where, so someone who opens the bare URL knows what to do next. */
export function rootIndex(base: string, version: string): ServiceIndexJson {
  return {
    service: 'spendgate',
    version,
    dashboard: `${base}/ui (open the login URL spendgate printed at start)`,
    clients: {
      anthropic: { base_url: `${base}/anthropic`, set: 'ANTHROPIC_BASE_URL' },
      openai: { base_url: `${base}/openai/v1`, set: 'OPENAI_BASE_URL' },
      bedrock: { endpoint: `${base}/bedrock`, set: 'the Bedrock Runtime client endpoint' },
    },
    health: `${base}/health`,
    metrics: `${base}/metrics`,
    docs: 'README.md and docs/configuration.md in the spendgate package',
  };
}

/** The protocol a prefix-less client path belongs to, judged from the path each SDK appends to its base URL. */
function unprefixedProtocol(path: string, headers: IncomingHttpHeaders): ClientProtocol | undefined {
  if (path.startsWith('/v1/messages')) return 'anthropic';
  if (/^\/(v1\/)?(chat\/completions|completions|embeddings|responses)(\/|$)/.test(path)) return 'openai';
  // Both SDKs list models at /v1/models; only Anthropic's sends anthropic-version.
  if (path === '/v1/models' || path.startsWith('/v1/models/')) return headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
  if (path.startsWith('/model/')) return 'bedrock';
  return undefined;
}

const PREFIX: Record<ClientProtocol, { readonly prefix: string; readonly setting: string }> = {
  anthropic: { prefix: '/anthropic', setting: 'ANTHROPIC_BASE_URL' },
  openai: { prefix: '/openai/v1', setting: 'OPENAI_BASE_URL' },
  bedrock: { prefix: '/bedrock', setting: 'the Bedrock Runtime endpoint (endpoint override)' },
};

/** A 404 in the client's own protocol naming the prefix it forgot, or undefined when the path is no client route. */
export function missingPrefix(method: string, path: string, headers: IncomingHttpHeaders, base: string): WireError | undefined {
  const protocol = unprefixedProtocol(path, headers);
  if (protocol === undefined) return undefined;
  const { prefix, setting } = PREFIX[protocol];
  const message = `spendgate serves this API under ${prefix}: use ${base}${prefix} as ${setting} (got ${method} ${path})`;
  return toWireError(protocol, new GatewayError('not_found', message));
}
