// Typed gateway errors. Each protocol maps them to its own wire shape in exactly one place (api/wire-errors.ts).

export type GatewayErrorKind =
  | 'authentication' // no or unknown virtual key → 401 virtual_key_not_found
  | 'permission' // model not allowed for key → 403 model_blocked
  | 'budget' // a budget tier exhausted → 402 budget_exceeded
  | 'request_limit' // rate limit on requests → 429 request_limited
  | 'token_limit' // rate limit on tokens → 429 token_limited
  | 'guard_paused' // runaway-agent guard paused the key → 429 guard_paused
  | 'invalid_request' // malformed request → 400 invalid_request
  | 'not_found' // unknown route → 404
  | 'too_large' // body too large → 413 request_too_large
  | 'overloaded' // gateway in-flight cap → 503 overloaded_error
  | 'upstream' // provider failed → 4xx/5xx from the provider, upstream_error
  | 'internal'; // a bug in the gateway's own code → 500 internal_error; never counted against a provider

export interface GatewayErrorInit {
  /** HTTP status to answer with; defaults per kind. */
  readonly status?: number;
  /** Seconds, for `retry-after`. */
  readonly retryAfter?: number;
  /** True when another attempt (same or other provider) may succeed. */
  readonly retryable?: boolean;
  /** Provider-side error type as the upstream named it (e.g. ThrottlingException, overloaded_error). */
  readonly upstreamType?: string;
  /** The request field at fault, for protocols whose errors name it (OpenAI's `param`). */
  readonly param?: string;
  readonly cause?: unknown;
}

const DEFAULT_STATUS: Record<GatewayErrorKind, number> = {
  authentication: 401,
  permission: 403,
  budget: 402,
  request_limit: 429,
  token_limit: 429,
  guard_paused: 429,
  invalid_request: 400,
  not_found: 404,
  too_large: 413,
  overloaded: 503,
  upstream: 502,
  internal: 500,
};

export class GatewayError extends Error {
  readonly kind: GatewayErrorKind;
  readonly status: number;
  readonly retryAfter?: number;
  readonly retryable: boolean;
  readonly upstreamType?: string;
  readonly param?: string;

  constructor(kind: GatewayErrorKind, message: string, init: GatewayErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GatewayError';
    this.kind = kind;
    this.status = init.status ?? DEFAULT_STATUS[kind];
    this.retryAfter = init.retryAfter;
    this.retryable = init.retryable ?? false;
    this.upstreamType = init.upstreamType;
    this.param = init.param;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
