// Bedrock failures ↔ GatewayError: SDK exceptions mapped to statuses and retryability, and the AWS wire error shape.
import { GatewayError } from '../../core/errors.js';
import { classifyFailure, describeFailure } from '../http/transport-errors.js';
import { redactCredentials } from '../redact.js';

/** The parts of an AWS SDK service exception the mapping reads. */
interface ServiceFault {
  readonly name: string;
  readonly message: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

function asServiceFault(err: unknown): ServiceFault | undefined {
  if (!(err instanceof Error)) return undefined;
  const metadata = (err as { $metadata?: unknown }).$metadata;
  const fault = (err as { $fault?: unknown }).$fault;
  // Exceptions thrown from a stream iterator carry $fault but no $metadata.
  if (metadata === undefined && fault === undefined) return undefined;
  return err as ServiceFault;
}

interface Mapping {
  readonly status: number;
  readonly retryable: boolean;
}

/** Statuses and retryability by Bedrock exception name. */
const BY_NAME: Readonly<Record<string, Mapping>> = {
  ThrottlingException: { status: 429, retryable: true },
  ServiceQuotaExceededException: { status: 429, retryable: true },
  TooManyRequestsException: { status: 429, retryable: true },
  ServiceUnavailableException: { status: 503, retryable: true },
  InternalServerException: { status: 500, retryable: true },
  ModelNotReadyException: { status: 503, retryable: true },
  ModelTimeoutException: { status: 504, retryable: true },
  ModelStreamErrorException: { status: 502, retryable: true },
  ModelErrorException: { status: 502, retryable: true },
  ValidationException: { status: 400, retryable: false },
  // Provider-side configuration faults: another provider config may still serve the request.
  AccessDeniedException: { status: 403, retryable: true },
  ResourceNotFoundException: { status: 404, retryable: true },
  UnrecognizedClientException: { status: 502, retryable: true },
  ExpiredTokenException: { status: 502, retryable: true },
  InvalidSignatureException: { status: 502, retryable: true },
  IncompleteSignatureException: { status: 502, retryable: true },
};

/** Context for messages: which provider config and model the call was for. */
export interface CallContext {
  readonly providerId: string;
  readonly modelId: string;
  readonly region: string;
  /** Credentials to scrub from Bedrock's error text (SendOptions.secrets). */
  readonly secrets?: Iterable<string>;
  /** An application inference profile ARN to call instead of `modelId`, which still decides the request's body. */
  readonly invokeAs?: string;
}

function explain(name: string, message: string, call: CallContext): string {
  switch (name) {
    case 'AccessDeniedException':
      return `Bedrock denied provider config ${call.providerId} access to ${call.modelId} in ${call.region}: ${message} ` +
        `(this is a permission of the gateway's AWS credentials — IAM policy or Bedrock model access — not of your key)`;
    case 'ResourceNotFoundException':
      return `Bedrock has no model ${call.modelId} in ${call.region} for provider config ${call.providerId}: ${message} ` +
        `(check the model id, and that the model is enabled in this region)`;
    case 'UnrecognizedClientException':
    case 'ExpiredTokenException':
    case 'InvalidSignatureException':
    case 'IncompleteSignatureException':
      return `Bedrock rejected the AWS credentials of provider config ${call.providerId} (${name}): ${message}`;
    default:
      return message || `Bedrock answered ${name}`;
  }
}

/** Credentials could not be resolved at all (no env keys, profile, role or API key). */
export function missingCredentialsError(call: CallContext, cause: unknown): GatewayError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new GatewayError(
    'upstream',
    `no AWS credentials for Bedrock provider config ${call.providerId}: ${detail} ` +
      '(set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a role, or AWS_BEARER_TOKEN_BEDROCK)',
    { status: 502, retryable: true, upstreamType: 'CredentialsProviderError', cause },
  );
}

function isCredentialsError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'CredentialsProviderError' || err.name === 'TokenProviderError');
}

/**
 * Any failure of a Bedrock call (SDK exception, credentials, network) as a GatewayError, its message scrubbed of
 * credentials: Bedrock and the credential chain quote access key ids and tokens in their messages.
 */
export function bedrockGatewayError(err: unknown, call: CallContext, signal: AbortSignal): GatewayError {
  if (err instanceof GatewayError) return err;
  const mapped = mapFailure(err, call, signal);
  const message = redactCredentials(mapped.message, call.secrets);
  if (message === mapped.message) return mapped;
  return new GatewayError(mapped.kind, message, {
    status: mapped.status,
    retryable: mapped.retryable,
    upstreamType: mapped.upstreamType,
    retryAfter: mapped.retryAfter,
    cause: err,
  });
}

function mapFailure(err: unknown, call: CallContext, signal: AbortSignal): GatewayError {
  if (isCredentialsError(err)) return missingCredentialsError(call, err);
  const fault = asServiceFault(err);
  if (fault !== undefined) {
    const known = BY_NAME[fault.name];
    const status = known?.status ?? fault.$metadata?.httpStatusCode ?? 502;
    const retryable = known?.retryable ?? status >= 500;
    return new GatewayError('upstream', explain(fault.name, fault.message, call), { status, retryable, upstreamType: fault.name, cause: err });
  }
  if (err instanceof Error && err.name === 'TimeoutError') {
    return new GatewayError('upstream', `bedrock upstream request failed: ${err.message}`, { status: 504, retryable: true, cause: err });
  }
  const kind = classifyFailure(err, signal);
  const message = `bedrock upstream request failed: ${describeFailure(err, signal)}`;
  if (kind === 'aborted') return new GatewayError('upstream', message, { status: 504, retryable: false, cause: err });
  if (kind === 'timeout') return new GatewayError('upstream', message, { status: 504, retryable: true, cause: err });
  return new GatewayError('upstream', message, { status: 502, retryable: true, cause: err });
}

/** The Bedrock exception name a GatewayError is reported as on the AWS wire. */
export function bedrockErrorType(err: GatewayError): string {
  if (err.upstreamType !== undefined && /^[A-Z][A-Za-z]+Exception$/.test(err.upstreamType)) return err.upstreamType;
  switch (err.kind) {
    case 'authentication':
      return 'UnrecognizedClientException';
    case 'permission':
      return 'AccessDeniedException';
    case 'budget':
      return 'ServiceQuotaExceededException';
    case 'request_limit':
    case 'token_limit':
    case 'guard_paused':
      return 'ThrottlingException';
    case 'invalid_request':
    case 'too_large':
      return 'ValidationException';
    case 'not_found':
      return 'ResourceNotFoundException';
    case 'overloaded':
      return 'ServiceUnavailableException';
    case 'upstream':
      break;
  }
  if (err.status === 429) return 'ThrottlingException';
  if (err.status === 400) return 'ValidationException';
  if (err.status === 403) return 'AccessDeniedException';
  if (err.status === 404) return 'ResourceNotFoundException';
  if (err.status === 503) return 'ServiceUnavailableException';
  if (err.status === 504) return 'ModelTimeoutException';
  return 'InternalServerException';
}

export interface BedrockWireError {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A GatewayError in the shape Bedrock Runtime answers errors: `{"message"}` and `x-amzn-errortype`. */
export function bedrockErrorResponse(err: GatewayError): BedrockWireError {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-errortype': bedrockErrorType(err),
  };
  if (err.retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfter)));
  return { status: err.status, headers, body: JSON.stringify({ message: err.message }) };
}

/** The event-stream member name of an exception (`ThrottlingException` → `throttlingException`). */
export function exceptionMemberName(type: string): string {
  return type.charAt(0).toLowerCase() + type.slice(1);
}
