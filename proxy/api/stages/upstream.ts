// Stage 4: the attempt loop — choose a target, reserve, attempt, then retry with backoff or fall back by weight.
// Never retries once a byte reached the client; never retries client errors (those reach the client as the
// upstream said them); when the targets run out, one error names each target tried and each one excluded.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderConfig } from '../../config/types.js';
import type { GatewayError } from '../../core/errors.js';
import { isBudgetRefusal, type Reservation, type TierRef } from '../../governance/ledger.js';
import { backoffDelay } from '../../routing/backoff.js';
import type { Routed } from '../context.js';
import type { Services } from '../services.js';
import { allAttemptsFailed } from './all-failed.js';
import { attemptOnce, type AttemptServices } from './attempt.js';
import { chooseTarget, eligibility, giveUpOnCurrent, recordExclusions, type EligibilityServices, type LoopState } from './choose.js';
import { estimateReservation, priceForTarget } from './estimate.js';
import { secretsFor } from './targets.js';

/** What the attempt loop uses of the services (a unit test builds exactly this). */
export type UpstreamServices = AttemptServices & EligibilityServices & Pick<Services, 'router' | 'rng'>;

export async function callUpstream(ctx: Routed, s: UpstreamServices): Promise<void> {
  const state: LoopState = { current: undefined, retriesHere: 0, tried: new Set(), lastError: undefined };
  const isEligible = eligibility(ctx, s);
  const secrets = secretsFor(ctx, s);
  const deadline = ctx.t0 + ctx.snapshot.config.routing.maxTotalMs;
  for (;;) {
    const target = chooseTarget(ctx, s, state, isEligible);
    const reservation = reserve(ctx, s, target);
    if (reservation === undefined) {
      giveUpOnCurrent(state);
      continue;
    }
    const failure = await attemptOnce(ctx, s, target, reservation, secrets);
    if (failure === undefined) return;
    state.lastError = failure;
    await afterFailure(ctx, s, state, failure, deadline);
  }
}

/**
 * Reserve the attempt's estimated cost on every tier of its path. A key, team or customer budget refuses the
 * request; a provider config's own budget only excludes that target (undefined: choose another).
 */
function reserve(ctx: Routed, s: Pick<Services, 'ledger'>, target: ProviderConfig): Reservation | undefined {
  const accountModels = ctx.plan.account.providers.map((p) => p.model);
  const { price } = priceForTarget(ctx.snapshot, target, accountModels);
  const tiers: TierRef[] = [...ctx.keyTiers, ...s.ledger.providerPath(target.id)];
  const reservation = s.ledger.reserve(tiers, estimateReservation(ctx.snapshot, ctx.request, price));
  if (!isBudgetRefusal(reservation)) return reservation;
  if (reservation.tier !== 'provider_config') throw reservation.toError();
  recordExclusions(ctx, [{ id: target.id, reason: reservation.toError().message }]);
  return undefined;
}

/**
 * After a provider failure: throw it when it may not be retried (not retryable, bytes already sent, client gone,
 * shutting down, out of time), wait and retry the same target while its retries last, then fall back to another.
 */
async function afterFailure(ctx: Routed, s: Pick<Services, 'shutdown' | 'rng'>, state: LoopState, err: GatewayError, deadline: number): Promise<void> {
  const routing = ctx.snapshot.config.routing;
  if (!err.retryable || ctx.sink.started || ctx.sink.clientGone || s.shutdown.aborted) throw err;
  if (performance.now() >= deadline) {
    throw allAttemptsFailed(ctx.attempts, ctx.excluded, err, `gave up at routing.max_total_ms (${routing.maxTotalMs} ms)`);
  }
  if (state.retriesHere < routing.retries) {
    state.retriesHere += 1;
    const delay = Math.min(backoffDelay(state.retriesHere, routing.backoffBaseMs, routing.backoffMaxMs, s.rng), deadline - performance.now());
    if (delay > 0) await sleep(delay);
    return;
  }
  if (routing.fallback === 'off') {
    recordExclusions(ctx, ctx.plan.fallbackExcluded);
    throw allAttemptsFailed(ctx.attempts, ctx.excluded, err);
  }
  giveUpOnCurrent(state);
}
