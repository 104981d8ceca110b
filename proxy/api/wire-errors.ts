// The one place a GatewayError becomes bytes on the wire, in the client's own protocol (docs/errors.md).
import type { GatewayError, GatewayErrorKind } from '../core/errors.js';
import type { ClientProtocol } from '../providers/types.js';

export interface WireError {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const ANTHROPIC_TYPE: Record<GatewayErrorKind, string> = {
  authentication: 'authentication_error',
  permission: 'permission_error',
  budget: 'billing_error',
  request_limit: 'rate_limit_error',
  token_limit: 'rate_limit_error',
  guard_paused: 'rate_limit_error',
  invalid_request: 'invalid_request_error',
  not_found: 'not_found_error',
  too_large: 'request_too_large',
  overloaded: 'overloaded_error',
  upstream: 'api_error',
  internal: 'api_error',
};

const CODE: Record<GatewayErrorKind, string> = {
  authentication: 'virtual_key_not_found',
  permission: 'model_blocked',
  budget: 'budget_exceeded',
  request_limit: 'request_limited',
  token_limit: 'token_limited',
  guard_paused: 'guard_paused',
  invalid_request: 'invalid_request',
  not_found: 'not_found',
  too_large: 'request_too_large',
  overloaded: 'overloaded',
  upstream: 'upstream_error',
  internal: 'internal_error',
};

const BEDROCK_TYPE: Record<GatewayErrorKind, string> = {
  authentication: 'UnrecognizedClientException',
  permission: 'AccessDeniedException',
  budget: 'ServiceQuotaExceededException',
  request_limit: 'ThrottlingException',
  token_limit: 'ThrottlingException',
  guard_paused: 'ThrottlingException',
  invalid_request: 'ValidationException',
  not_found: 'ResourceNotFoundException',
  too_large: 'ValidationException',
  overloaded: 'ServiceUnavailableException',
  upstream: 'InternalServerException',
  internal: 'InternalServerException',
};

const ANTHROPIC_TYPES = new Set(Object.values(ANTHROPIC_TYPE));
const BEDROCK_UPSTREAM_TYPE = /^[A-Z][A-Za-z]+Exception$/;

/** The Anthropic error type: upstream errors keep the provider's type when it is one of Anthropic's. */
export function anthropicErrorType(err: GatewayError): string {
  if (err.kind !== 'upstream') return ANTHROPIC_TYPE[err.kind];
  if (err.upstreamType && ANTHROPIC_TYPES.has(err.upstreamType)) return err.upstreamType;
  if (err.status === 429) return 'rate_limit_error';
  if (err.status === 503 || err.status === 529) return 'overloaded_error';
  if (err.status === 400) return 'invalid_request_error';
  if (err.status === 401) return 'authentication_error';
  if (err.status === 403) return 'permission_error';
  if (err.status === 404) return 'not_found_error';
  return 'api_error';
}

/** OpenAI's error type: Anthropic's, except where OpenAI has its own word for the same thing. */
function openaiErrorType(err: GatewayError): string {
  return err.kind === 'internal' ? 'server_error' : anthropicErrorType(err);
}

/**
 * An upstream's refusal of a prompt longer than the model's context, in the words Bedrock (Converse: "Input is too
 * long for requested model."; Claude: "prompt is too long: N tokens > M maximum") and Anthropic use. OpenAI clients
 * know it by the code `context_length_exceeded` (Codex stops the turn and tells the user to compact).
 */
const CONTEXT_TOO_LONG = /\b(input is too long|prompt is too long|too many (input )?tokens|context (length|window))\b/i;

export function errorCode(err: GatewayError): string {
  return CODE[err.kind];
}

/** The `code` of OpenAI's error body: spendgate's code, or OpenAI's own where the client acts on it. */
function openaiErrorCode(err: GatewayError): string {
  if (err.kind === 'upstream' && err.status === 400 && CONTEXT_TOO_LONG.test(err.message)) return 'context_length_exceeded';
  return errorCode(err);
}

function bedrockErrorType(err: GatewayError): string {
  if (err.kind === 'upstream') {
    if (err.upstreamType && BEDROCK_UPSTREAM_TYPE.test(err.upstreamType)) return err.upstreamType;
    if (err.status === 429) return 'ThrottlingException';
    if (err.status === 503) return 'ServiceUnavailableException';
    if (err.status === 504) return 'ModelTimeoutException';
    if (err.status === 400) return 'ValidationException';
    if (err.status === 403) return 'AccessDeniedException';
  }
  return BEDROCK_TYPE[err.kind];
}

export function toWireError(protocol: ClientProtocol, err: GatewayError): WireError {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-spendgate-error-code': errorCode(err),
  };
  if (err.retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfter)));
  let body: unknown;
  switch (protocol) {
    case 'anthropic':
      body = { type: 'error', error: { type: anthropicErrorType(err), message: err.message } };
      break;
    case 'openai':
      body = { error: { message: err.message, type: openaiErrorType(err), param: err.param ?? null, code: openaiErrorCode(err) } };
      break;
    case 'bedrock':
      headers['x-amzn-errortype'] = bedrockErrorType(err);
      body = { message: err.message };
      break;
  }
  return { status: err.status, headers, body: JSON.stringify(body) };
}
