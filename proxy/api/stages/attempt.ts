// One attempt: call one target once and record what happened to its breaker, its traffic share and its rate limit.
import type { ProviderConfig } from '../../config/types.js';
import { isGatewayError, type GatewayError } from '../../core/errors.js';
import type { Usage } from '../../core/usage.js';
import type { Reservation } from '../../governance/ledger.js';
import type { Attempt, Routed } from '../context.js';
import { asGatewayError, internalErrorEvent } from '../internal-errors.js';
import type { Services } from '../services.js';
import { timeoutsFor, toTarget } from './targets.js';

/** What one attempt uses of the services. */
export type AttemptServices = Pick<Services, 'env' | 'providers' | 'limits' | 'breakers' | 'traffic' | 'clock' | 'shutdown' | 'log'>;

/**
 * Call `target` once under `reservation`. Resolves undefined when the upstream answered (any status: a 4xx is the
 * client's answer), or with the provider's failure for the retry loop to judge. Throws a gateway bug as an
 * `internal` error: it says nothing about the provider, so it is neither counted against it nor tried elsewhere.
 */
export async function attemptOnce(
  ctx: Routed,
  s: AttemptServices,
  target: ProviderConfig,
  reservation: Reservation,
  secrets: Iterable<string>,
): Promise<GatewayError | undefined> {
  const attempt: Attempt = { number: ctx.attempts.length + 1, target, reservation, startedAt: s.clock.now() };
  ctx.attempts.push(attempt);
  s.limits.countProviderRequest(target.id);
  s.breakers.begin(target.id);
  const callStart = performance.now();
  try {
    attempt.outcome = await s.providers[target.type].send(ctx.request, toTarget(target, s), ctx.sink, {
      timeouts: timeoutsFor(target, ctx.snapshot),
      signal: s.shutdown,
      secrets,
      ...attributedProfile(target, ctx),
      onUsage: (usage: Usage) => {
        attempt.usage = usage;
      },
      onFirstByte: () => {
        attempt.ttfbMs ??= performance.now() - callStart;
      },
    });
  } catch (thrown) {
    attempt.upstreamMs = performance.now() - callStart;
    return failed(ctx, s, attempt, thrown, attempt.upstreamMs);
  }
  attempt.upstreamMs = performance.now() - callStart;
  if (attempt.outcome.usage) attempt.usage = attempt.outcome.usage;
  if (attempt.outcome.status >= 500) s.breakers.failure(target.id);
  else s.breakers.success(target.id);
  s.traffic.record(target.id, attempt.outcome.status < 500 && !attempt.outcome.error, attempt.upstreamMs);
  return undefined;
}

function failed(ctx: Routed, s: AttemptServices, attempt: Attempt, thrown: unknown, upstreamMs: number): GatewayError {
  const id = attempt.target.id;
  if (!isGatewayError(thrown)) {
    // Providers report every upstream failure as a GatewayError; anything else is a bug in the gateway's own
    // code (a RangeError in a body rewrite, a TypeError in a translation).
    s.breakers.release(id);
    s.log(internalErrorEvent(thrown, { stage: 'upstream', request_id: ctx.requestId, provider_config: id }));
    attempt.error = asGatewayError(thrown);
    throw attempt.error;
  }
  attempt.error = thrown;
  const providerFault = thrown.retryable || thrown.status >= 500;
  if (providerFault) s.breakers.failure(id);
  else s.breakers.success(id);
  s.traffic.record(id, !providerFault, upstreamMs);
  return thrown;
}

/** The application inference profile the request's key (else its team) is mapped to on this provider config. */
function attributedProfile(p: ProviderConfig, ctx: Routed): { applicationInferenceProfile?: string } {
  const profiles = p.applicationInferenceProfiles;
  if (profiles === undefined || ctx.key === undefined) return {};
  const arn = profiles.virtualKey[ctx.key.id] ?? (ctx.key.teamId === undefined ? undefined : profiles.team[ctx.key.teamId]);
  return arn === undefined ? {} : { applicationInferenceProfile: arn };
}
