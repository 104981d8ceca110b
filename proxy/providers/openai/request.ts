// Builds the OpenAI upstream request from a client's Chat Completions or Responses request: path, headers, body bytes.
import type { JsonBody } from '../../core/json-body.js';
import type { ClientRequest, Operation, ProviderTarget } from '../types.js';
import { upstreamPath, type Endpoint } from '../http/endpoint.js';
import type { UpstreamCall } from '../http/forward.js';
import { forwardableHeaders } from '../http/headers.js';

/** Headers tied to the client's own OpenAI credential; the target's key decides organisation and project. */
const CLIENT_ACCOUNT_HEADERS: ReadonlySet<string> = new Set(['openai-organization', 'openai-project']);

/** The path under `base_url` (which ends in `/v1`) of each operation the provider serves. */
const PATHS: Partial<Record<Operation, string>> = {
  chat_completions: '/chat/completions',
  responses: '/responses',
  responses_compact: '/responses/compact',
};

export function openaiPath(operation: Operation): string | undefined {
  return PATHS[operation];
}

export interface OpenAICall extends UpstreamCall {
  /** True when the gateway added `stream_options.include_usage`: the usage chunk is then not the client's to see. */
  readonly usageInjected: boolean;
}

/** Whether the client itself asked a stream for its final usage chunk. */
export function clientWantsStreamUsage(body: JsonBody): boolean {
  const options = body.get('stream_options');
  return typeof options === 'object' && options !== null && (options as { include_usage?: unknown }).include_usage === true;
}

/**
 * Chat Completions streams always ask for usage (the gateway bills from it; Responses streams carry it in their
 * final event unasked); everything else in the body is the client's, byte for byte when the model already matches
 * and usage was already requested.
 */
export function buildOpenAICall(request: ClientRequest, target: ProviderTarget, endpoint: Endpoint): OpenAICall {
  const path = openaiPath(request.operation);
  if (path === undefined) throw new Error(`the openai provider cannot serve operation ${request.operation}`);
  const usageInjected = request.operation === 'chat_completions' && request.stream && !clientWantsStreamUsage(request.body);
  const overrides: Record<string, unknown> = { model: target.model };
  if (usageInjected) {
    const options = request.body.get('stream_options');
    const existing = typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {};
    overrides.stream_options = { ...existing, include_usage: true };
  }
  const headers = forwardableHeaders(request.headers, CLIENT_ACCOUNT_HEADERS);
  headers['content-type'] ??= 'application/json';
  if (target.resolvedApiKey !== undefined) headers.authorization = `Bearer ${target.resolvedApiKey}`;
  return {
    origin: endpoint.origin,
    path: upstreamPath(endpoint, path, request.query),
    headers,
    body: request.body.with(overrides),
    model: target.model,
    usageInjected,
  };
}
