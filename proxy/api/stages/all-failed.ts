// The client's error once a request has run out of targets: each target tried and why, then those left out.
import { GatewayError } from '../../core/errors.js';
import type { Exclusion } from '../../routing/router.js';
import type { Attempt } from '../context.js';

/** An upstream message can be long (raw bodies up to 500 characters); several of them must stay readable. */
const MAX_MESSAGE_CHARS = 200;

/** `503 overloaded_error: busy` — the status, the type the upstream named (if any), and its message. */
export function failureReason(err: GatewayError): string {
  const message = err.message.length > MAX_MESSAGE_CHARS ? `${err.message.slice(0, MAX_MESSAGE_CHARS - 3)}...` : err.message;
  return `${err.status}${err.upstreamType ? ` ${err.upstreamType}` : ''}: ${message}`;
}

/**
 * One error naming every target tried (its last failure, and how many attempts it took) and every target
 * excluded. Status, type and retry-after are the last failure's, so each protocol maps it as it would that
 * failure (docs/errors.md, "every provider failed").
 */
export function allAttemptsFailed(
  attempts: readonly Attempt[],
  excluded: readonly Exclusion[],
  last: GatewayError,
  headline = 'all providers failed',
): GatewayError {
  const byTarget = new Map<string, { count: number; error: GatewayError }>();
  for (const attempt of attempts) {
    if (attempt.error === undefined) continue;
    const seen = byTarget.get(attempt.target.id);
    byTarget.set(attempt.target.id, { count: (seen?.count ?? 0) + 1, error: attempt.error });
  }
  const tried = [...byTarget].map(([id, { count, error }]) => `${id} (${count > 1 ? `${count} attempts, last ` : ''}${failureReason(error)})`);
  const left = excluded.filter((e) => !byTarget.has(e.id)).map((e) => `${e.id} (${e.reason})`);
  const parts = [tried.join('; '), ...(left.length > 0 ? [`excluded: ${left.join('; ')}`] : [])];
  return new GatewayError('upstream', `${headline}: ${parts.join('; ')}`, {
    status: last.status,
    upstreamType: last.upstreamType,
    retryAfter: last.retryAfter,
    retryable: last.retryable,
    cause: last,
  });
}
