// Choosing the target of the next attempt: the current one while it stays eligible, else a weighted choice among
// the plan's untried eligible targets; when none is left, the error says what was tried and what was left out.
import type { ProviderConfig } from '../../config/types.js';
import { unsetApiKeyMessage } from '../../config/secrets.js';
import { GatewayError } from '../../core/errors.js';
import type { RequestContext, Routed } from '../context.js';
import type { Services } from '../services.js';
import { allAttemptsFailed } from './all-failed.js';
import { toTarget, unsetKeyVariable } from './targets.js';

/** What the eligibility check reads: each exclusion a target can have. */
export type EligibilityServices = Pick<Services, 'env' | 'providers' | 'breakers' | 'limits' | 'ledger'>;

/** Why a target cannot take this request now (null: it can). */
export type Eligibility = (p: ProviderConfig) => string | null;

export function eligibility(ctx: Routed, s: EligibilityServices): Eligibility {
  const { config, prices } = ctx.snapshot;
  return (p) => {
    // Calling the upstream without the key the config names would only come back as its 401, or worse
    // succeed on some other credential; the variable is named so the fix is obvious.
    const target = toTarget(p, s);
    const unsetKey = unsetKeyVariable(target);
    if (unsetKey !== undefined) return `environment variable ${unsetKey} (api_key: env.${unsetKey}) is not set`;
    const unsupported = s.providers[p.type].unsupported(ctx.request, target);
    if (unsupported) return unsupported;
    const breaker = s.breakers.excluded(p.id);
    if (breaker) return breaker;
    const limited = s.limits.providerExcluded(p.id);
    if (limited) return limited;
    const overBudget = s.ledger.providerExcluded(p.id);
    if (overBudget) return overBudget;
    if (config.pricing.unknownModel === 'reject' && !prices.lookup(p.model)) return `model "${p.model}" has no price`;
    return null;
  };
}

/** Where the attempt loop stands: the target in use (undefined: choose one), its retries, what was given up on. */
export interface LoopState {
  current: ProviderConfig | undefined;
  retriesHere: number;
  readonly tried: Set<string>;
  lastError: GatewayError | undefined;
}

/** Stop using the current target: the next attempt chooses another. */
export function giveUpOnCurrent(state: LoopState): void {
  if (state.current) state.tried.add(state.current.id);
  state.current = undefined;
}

/** The target of the next attempt; throws the request's final error when no target is left. */
export function chooseTarget(ctx: Routed, s: Pick<Services, 'router' | 'env'>, state: LoopState, isEligible: Eligibility): ProviderConfig {
  if (state.current !== undefined && isEligible(state.current) === null) return state.current;
  giveUpOnCurrent(state);
  const choice = s.router.choose(ctx.plan, state.tried, isEligible);
  recordExclusions(ctx, choice.excluded);
  if (!choice.chosen) throw noProvider(ctx, s, state.lastError);
  state.current = choice.chosen;
  state.retriesHere = 0;
  return choice.chosen;
}

export function recordExclusions(ctx: RequestContext, exclusions: readonly { id: string; reason: string }[]): void {
  for (const e of exclusions) if (!ctx.excluded.some((x) => x.id === e.id)) ctx.excluded.push(e);
}

function noProvider(ctx: RequestContext, s: Pick<Services, 'env'>, last: GatewayError | undefined): GatewayError {
  if (last) return allAttemptsFailed(ctx.attempts, ctx.excluded, last);
  // Every candidate lacks its API key: a configuration fault of this gateway (502), not a busy upstream (503).
  const keyless = ctx.excluded.flatMap((e) => {
    const p = ctx.plan?.account.providers.find((q) => q.id === e.id);
    // The same reading eligibility excluded it on: the key as the target resolved it.
    const variable = p && unsetKeyVariable(toTarget(p, s));
    return variable ? [unsetApiKeyMessage(e.id, variable)] : [];
  });
  if (keyless.length > 0 && keyless.length === ctx.excluded.length) return new GatewayError('upstream', keyless.join('; '), { status: 502 });
  const reasons = ctx.excluded.map((e) => `${e.id}: ${e.reason}`).join('; ');
  return new GatewayError('upstream', `no provider can serve this request${reasons ? ` (${reasons})` : ''}`, {
    status: 503,
    upstreamType: 'overloaded_error',
  });
}
