// Builds the Anthropic upstream request from a client's Messages request: path, headers, body bytes.
import type { ClientRequest, Operation, ProviderTarget } from '../types.js';
import { upstreamPath, type Endpoint } from '../http/endpoint.js';
import type { UpstreamCall } from '../http/forward.js';
import { forwardableHeaders } from '../http/headers.js';

/** The API version sent when the client named none (the only stable version of the Messages API). */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

const PATHS: Partial<Record<Operation, string>> = {
  messages: '/v1/messages',
  count_tokens: '/v1/messages/count_tokens',
};

export function anthropicPath(operation: Operation): string | undefined {
  return PATHS[operation];
}

/**
 * The client's body bytes go through unchanged when it already names the target's model; the client's query
 * string and `anthropic-*` headers (unknown betas included) pass through; the credential is the target's key.
 */
export function buildAnthropicCall(request: ClientRequest, target: ProviderTarget, endpoint: Endpoint): UpstreamCall {
  const path = anthropicPath(request.operation);
  if (path === undefined) throw new Error(`the anthropic provider cannot serve operation ${request.operation}`);
  const headers = forwardableHeaders(request.headers);
  headers['content-type'] ??= 'application/json';
  headers['anthropic-version'] ??= DEFAULT_ANTHROPIC_VERSION;
  if (target.resolvedApiKey !== undefined) headers['x-api-key'] = target.resolvedApiKey;
  return {
    origin: endpoint.origin,
    path: upstreamPath(endpoint, path, request.query),
    headers,
    body: request.body.with({ model: target.model }),
    model: target.model,
  };
}
