// Bugs in the gateway's own code: how a thrown non-GatewayError reaches the client (500) and the event log (with its stack).
import { GatewayError, isGatewayError } from '../core/errors.js';

/** A thrown value that is not a GatewayError is a bug in the gateway's own code: `internal`, never a provider's fault. */
export function asGatewayError(err: unknown): GatewayError {
  if (isGatewayError(err)) return err;
  return new GatewayError('internal', `internal error: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** The event-log entry for a gateway bug: with the stack, which the client never sees. */
export function internalErrorEvent(err: unknown, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    level: 'error',
    event: 'internal_error',
    ...fields,
    message: err instanceof Error ? err.message : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  };
}
