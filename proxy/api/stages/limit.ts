// Stage 2: the key's own limits — runaway guard, rate limits, and the budgets on its path (key, team, customer).
import type { Keyed, RequestContext } from '../context.js';
import type { Services } from '../services.js';

export function limit(ctx: Keyed<RequestContext>, s: Pick<Services, 'guards' | 'ledger' | 'limits'>): void {
  const paused = s.guards.check(ctx.key.id);
  if (paused) throw paused;
  ctx.keyTiers = s.ledger.path(ctx.key);
  const refusal = s.ledger.check(ctx.keyTiers);
  if (refusal) throw refusal.toError();
  const limited = s.limits.admitKey(ctx.key.id);
  if (limited) throw limited;
}

/**
 * The key's rate limits only, for a request that costs nothing (count_tokens): it counts against the request
 * limit, but an exhausted budget or a paused guard has no spend to protect here, so neither refuses it.
 */
export function limitRate(ctx: Keyed<RequestContext>, s: Pick<Services, 'limits'>): void {
  const limited = s.limits.admitKey(ctx.key.id);
  if (limited) throw limited;
}
