// Stage 4: the attempt loop — reserve, call the provider, retry with backoff, fall back by weight.
// Never retries once a byte reached the client; never retries client errors (those reach the client as the
// upstream said them); when the targets run out, one error names each target tried and each one excluded.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config, ProviderConfig } from '../../config/types.js';
import { resolveSecret } from '../../config/load.js';
import { unsetApiKeyMessage, unsetApiKeyVariable } from '../../config/secrets.js';
import { GatewayError, isGatewayError } from '../../core/errors.js';
import type { Usage } from '../../core/usage.js';
import { isBudgetRefusal, type TierRef } from '../../governance/ledger.js';
import type { ProviderTarget, Timeouts } from '../../providers/types.js';
import { backoffDelay } from '../../routing/backoff.js';
import type { Attempt, RequestContext, Routed } from '../context.js';
import type { ConfigSnapshot } from '../snapshot.js';
import type { Services } from '../services.js';
import { asGatewayError, internalErrorEvent } from '../internal-errors.js';
import { allAttemptsFailed } from './all-failed.js';
import { estimateReservation, priceForTarget } from './estimate.js';

/** What the attempt loop uses of the services (a unit test builds exactly this). */
export type UpstreamServices = Pick<
  Services,
  'env' | 'providers' | 'breakers' | 'limits' | 'ledger' | 'router' | 'traffic' | 'rng' | 'clock' | 'shutdown' | 'log'
>;

function eligibility(ctx: Routed, s: UpstreamServices) {
  const { config, prices } = ctx.snapshot;
  return (p: ProviderConfig): string | null => {
    // Calling the upstream without the key the config names would only come back as its 401, or worse
    // succeed on some other credential; the variable is named so the fix is obvious.
    const unsetKey = unsetApiKeyVariable(p.apiKey, s.env);
    if (unsetKey !== undefined) return `environment variable ${unsetKey} (api_key: env.${unsetKey}) is not set`;
    const unsupported = s.providers[p.type].unsupported(ctx.request, toTarget(p, s));
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

/** Resolved targets per environment and provider config (a reload brings new config objects). */
const targets = new WeakMap<NodeJS.ProcessEnv, WeakMap<ProviderConfig, ProviderTarget>>();

/** The provider config with its API key resolved from the environment; computed once per config. */
export function toTarget(p: ProviderConfig, s: Pick<Services, 'env'>): ProviderTarget {
  if (!p.apiKey) return p;
  let byConfig = targets.get(s.env);
  if (byConfig === undefined) targets.set(s.env, (byConfig = new WeakMap()));
  let target = byConfig.get(p);
  if (target === undefined) byConfig.set(p, (target = { ...p, resolvedApiKey: resolveSecret(p.apiKey, s.env) }));
  return target;
}

/** Credential variables of the AWS chain, whose values Bedrock errors may quote. */
const AWS_SECRET_VARIABLES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK'] as const;

const secretsByConfig = new WeakMap<NodeJS.ProcessEnv, WeakMap<Config, readonly string[]>>();

/**
 * Every credential the gateway can know in clear: resolved provider keys, the AWS chain's secrets from the
 * environment, and the virtual keys' literal or env secrets. Providers scrub them from upstream error text.
 * Computed once per config (a reload brings a new config object).
 */
function configuredSecrets(s: { readonly env: NodeJS.ProcessEnv; readonly config: Config }): readonly string[] {
  let byConfig = secretsByConfig.get(s.env);
  if (byConfig === undefined) secretsByConfig.set(s.env, (byConfig = new WeakMap()));
  let secrets = byConfig.get(s.config);
  if (secrets === undefined) {
    const found = new Set<string>();
    const add = (v: string | undefined) => {
      if (v !== undefined && v !== '') found.add(v);
    };
    for (const p of s.config.accounts.flatMap((a) => a.providers)) if (p.apiKey) add(resolveSecret(p.apiKey, s.env));
    for (const name of AWS_SECRET_VARIABLES) add(s.env[name]);
    for (const k of s.config.virtualKeys) {
      if (k.secret.kind === 'literal') add(k.secret.value);
      else if (k.secret.kind === 'env') add(s.env[k.secret.name]);
    }
    secrets = [...found];
    byConfig.set(s.config, secrets);
  }
  return secrets;
}

/** The configured secrets plus the one this client presented (the only clear form of a `sha256:` key). */
function secretsFor(ctx: RequestContext, s: Pick<Services, 'env'>): readonly string[] {
  const configured = configuredSecrets({ env: s.env, config: ctx.snapshot.config });
  return ctx.presentedKey ? [...configured, ctx.presentedKey] : configured;
}

export function timeoutsFor(p: ProviderConfig, snapshot: Pick<ConfigSnapshot, 'config'>): Timeouts {
  return { ...snapshot.config.routing.timeouts, ...p.timeouts };
}

function noProvider(ctx: RequestContext, s: Pick<Services, 'env'>, last: GatewayError | undefined): GatewayError {
  if (last) return allAttemptsFailed(ctx.attempts, ctx.excluded, last);
  // Every candidate lacks its API key: a configuration fault of this gateway (502), not a busy upstream (503).
  const keyless = ctx.excluded.flatMap((e) => {
    const p = ctx.plan?.account.providers.find((q) => q.id === e.id);
    const variable = p && unsetApiKeyVariable(p.apiKey, s.env);
    return variable ? [unsetApiKeyMessage(e.id, variable)] : [];
  });
  if (keyless.length > 0 && keyless.length === ctx.excluded.length) return new GatewayError('upstream', keyless.join('; '), { status: 502 });
  const reasons = ctx.excluded.map((e) => `${e.id}: ${e.reason}`).join('; ');
  return new GatewayError('upstream', `no provider can serve this request${reasons ? ` (${reasons})` : ''}`, {
    status: 503,
    upstreamType: 'overloaded_error',
  });
}

function recordExclusions(ctx: RequestContext, exclusions: readonly { id: string; reason: string }[]): void {
  for (const e of exclusions) if (!ctx.excluded.some((x) => x.id === e.id)) ctx.excluded.push(e);
}

/** The application inference profile the request's key (else its team) is mapped to on this provider config. */
function attributedProfile(p: ProviderConfig, ctx: RequestContext): { applicationInferenceProfile?: string } {
  const profiles = p.applicationInferenceProfiles;
  if (profiles === undefined || ctx.key === undefined) return {};
  const arn = profiles.virtualKey[ctx.key.id] ?? (ctx.key.teamId === undefined ? undefined : profiles.team[ctx.key.teamId]);
  return arn === undefined ? {} : { applicationInferenceProfile: arn };
}

export async function callUpstream(ctx: Routed, s: UpstreamServices): Promise<void> {
  const plan = ctx.plan;
  const routing = ctx.snapshot.config.routing;
  const accountModels = plan.account.providers.map((p) => p.model);
  const tried = new Set<string>();
  const deadline = ctx.t0 + routing.maxTotalMs;
  let current: ProviderConfig | undefined;
  let retriesHere = 0;
  let lastError: GatewayError | undefined;
  const isEligible = eligibility(ctx, s);
  const secrets = secretsFor(ctx, s);

  for (;;) {
    if (current === undefined || isEligible(current) !== null) {
      if (current) tried.add(current.id);
      const choice = s.router.choose(plan, tried, isEligible);
      recordExclusions(ctx, choice.excluded);
      if (!choice.chosen) throw noProvider(ctx, s, lastError);
      current = choice.chosen;
      retriesHere = 0;
    }
    const { price } = priceForTarget(ctx.snapshot, current, accountModels);
    const tiers: TierRef[] = [...ctx.keyTiers, ...s.ledger.providerPath(current.id)];
    const reservation = s.ledger.reserve(tiers, estimateReservation(ctx.snapshot, ctx.request, price));
    if (isBudgetRefusal(reservation)) {
      const refusal = reservation;
      if (refusal.tier !== 'provider_config') throw refusal.toError();
      recordExclusions(ctx, [{ id: current.id, reason: refusal.toError().message }]);
      tried.add(current.id);
      current = undefined;
      continue;
    }

    const attempt: Attempt = { number: ctx.attempts.length + 1, target: current, reservation, startedAt: s.clock.now() };
    ctx.attempts.push(attempt);
    s.limits.countProviderRequest(current.id);
    s.breakers.begin(current.id);
    const callStart = performance.now();
    try {
      attempt.outcome = await s.providers[current.type].send(ctx.request, toTarget(current, s), ctx.sink, {
        timeouts: timeoutsFor(current, ctx.snapshot),
        signal: s.shutdown,
        secrets,
        ...attributedProfile(current, ctx),
        onUsage: (usage: Usage) => {
          attempt.usage = usage;
        },
        onFirstByte: () => {
          attempt.ttfbMs ??= performance.now() - callStart;
        },
      });
      attempt.upstreamMs = performance.now() - callStart;
      if (attempt.outcome.usage) attempt.usage = attempt.outcome.usage;
      if (attempt.outcome.status >= 500) s.breakers.failure(current.id);
      else s.breakers.success(current.id);
      s.traffic.record(current.id, attempt.outcome.status < 500 && !attempt.outcome.error, attempt.upstreamMs);
      return;
    } catch (thrown) {
      attempt.upstreamMs = performance.now() - callStart;
      if (!isGatewayError(thrown)) {
        // Providers report every upstream failure as a GatewayError; anything else is a bug in the gateway's own
        // code (a RangeError in a body rewrite, a TypeError in a translation). It says nothing about the provider,
        // so it neither counts against its breaker nor is retried elsewhere, where it would only fail again.
        s.breakers.release(current.id);
        s.log(internalErrorEvent(thrown, { stage: 'upstream', request_id: ctx.requestId, provider_config: current.id }));
        attempt.error = asGatewayError(thrown);
        throw attempt.error;
      }
      const err = thrown;
      attempt.error = err;
      lastError = err;
      const providerFault = err.retryable || err.status >= 500;
      if (providerFault) s.breakers.failure(current.id);
      else s.breakers.success(current.id);
      s.traffic.record(current.id, !providerFault, attempt.upstreamMs);
      if (!err.retryable || ctx.sink.started || ctx.sink.clientGone || s.shutdown.aborted) throw err;
      if (performance.now() >= deadline) {
        throw allAttemptsFailed(ctx.attempts, ctx.excluded, err, `gave up at routing.max_total_ms (${routing.maxTotalMs} ms)`);
      }
      if (retriesHere < routing.retries) {
        retriesHere += 1;
        const delay = Math.min(backoffDelay(retriesHere, routing.backoffBaseMs, routing.backoffMaxMs, s.rng), deadline - performance.now());
        if (delay > 0) await sleep(delay);
        continue;
      }
      if (routing.fallback === 'off') {
        recordExclusions(ctx, plan.fallbackExcluded);
        throw allAttemptsFailed(ctx.attempts, ctx.excluded, err);
      }
      tried.add(current.id);
      current = undefined;
    }
  }
}
