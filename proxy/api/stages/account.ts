// Stage 5: turn usage into money and settle every attempt's reservation exactly once.
import { isApplicationProfileArn } from '../../core/model-id.js';
import { totalTokens } from '../../core/usage.js';
import type { SettledCharge } from '../../governance/ledger.js';
import { priceRequest } from '../../pricing/cost.js';
import type { Attempt, RequestContext } from '../context.js';
import type { Services } from '../services.js';
import { priceForTarget } from './estimate.js';

function noteUnpriced(s: Services, model: string): void {
  if (s.unpricedModels.has(model)) return;
  s.unpricedModels.add(model);
  s.log({ level: 'warn', event: 'missing_price', model, message: `no price for model "${model}": requests are logged with cost null and charged to budgets at the account's most expensive known price` });
}

function settleAttempt(ctx: RequestContext, s: Services, attempt: Attempt, accountModels: readonly string[]): SettledCharge[] {
  const usage = attempt.usage;
  if (!usage) {
    attempt.cost = null;
    attempt.chargedMicros = 0;
    return s.ledger.release(attempt.reservation);
  }
  const calledModel = attempt.outcome?.servedModel ?? attempt.target.model;
  // An application inference profile ARN names no model: it is priced as the provider config's model, which it runs.
  const servedModel = isApplicationProfileArn(calledModel) ? attempt.target.model : calledModel;
  // The request's own prices: a reload mid-stream does not reprice what it already started.
  const served = ctx.snapshot.prices.lookup(servedModel);
  // An unpriced model is logged with cost null but charged at the conservative fallback price
  // (the account's most expensive known model): never silently $0.
  const price = served ?? priceForTarget(ctx.snapshot, attempt.target, accountModels).price;
  if (!served) noteUnpriced(s, servedModel);
  const cost = price ? priceRequest(price, usage, { batch: false }) : null;
  attempt.cost = served ? cost : null;
  attempt.chargedMicros = cost?.total ?? 0;
  const tokens = totalTokens(usage);
  if (ctx.key) {
    s.limits.recordTokens('virtual_key', ctx.key.id, tokens);
    s.guards.observe(ctx.key.id, attempt.chargedMicros);
  }
  s.limits.recordTokens('provider_config', attempt.target.id, tokens);
  return s.ledger.settle(attempt.reservation, attempt.chargedMicros);
}

/** Settles every attempt (also after errors); the charges are journaled by the log stage. */
export function account(ctx: RequestContext, s: Services): void {
  const accountModels = ctx.plan?.account.providers.map((p) => p.model) ?? [];
  ctx.charges = ctx.attempts.flatMap((attempt) => settleAttempt(ctx, s, attempt, accountModels));
  if (ctx.charges.length > 0) s.burn.recordCharges(ctx.charges, s.clock.now());
}
