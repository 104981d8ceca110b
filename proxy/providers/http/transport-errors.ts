// Maps network-level failures of an upstream call (refused, reset, timed out, aborted) to what the gateway reports.
import { GatewayError } from '../../core/errors.js';

type FailureClass = 'connect' | 'timeout' | 'aborted' | 'socket';

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined ? undefined : codeOf(cause);
}

export function classifyFailure(err: unknown, signal: AbortSignal): FailureClass {
  if (signal.aborted) return 'aborted';
  const code = codeOf(err);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  if (code === 'UND_ERR_ABORTED' || (err instanceof Error && err.name === 'AbortError')) return 'aborted';
  if (code !== undefined && CONNECT_CODES.has(code)) return 'connect';
  return 'socket';
}

/** A short human-readable reason, e.g. "connect ECONNREFUSED 127.0.0.1:9" or "idle timeout". */
export function describeFailure(err: unknown, signal: AbortSignal): string {
  switch (classifyFailure(err, signal)) {
    case 'aborted':
      return 'the gateway aborted the upstream request';
    case 'timeout': {
      const code = codeOf(err);
      if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
      if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'no response from the upstream within the first-byte timeout';
      return 'the upstream stream went idle past the idle timeout';
    }
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** The GatewayError for a call that failed before any response byte reached the client. */
export function transportError(providerName: string, err: unknown, signal: AbortSignal): GatewayError {
  const kind = classifyFailure(err, signal);
  const message = `${providerName} upstream request failed: ${describeFailure(err, signal)}`;
  switch (kind) {
    case 'timeout':
      return new GatewayError('upstream', message, { status: 504, retryable: true, cause: err });
    case 'aborted':
      return new GatewayError('upstream', message, { status: 504, retryable: false, cause: err });
    case 'connect':
    case 'socket':
      return new GatewayError('upstream', message, { status: 502, retryable: true, cause: err });
  }
}
