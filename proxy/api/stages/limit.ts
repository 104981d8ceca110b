// Stage 2: the key's own limits — runaway guard, rate limits, and the budgets on its path (key, team, customer).
import type { RequestContext } from '../context.js';
import type { Services } from '../services.js';

export function limit(ctx: RequestContext, s: Services): void {
  const key = ctx.key!;
  const paused = s.guards.check(key.id);
  if (paused) throw paused;
  ctx.keyTiers = s.ledger.path(key);
  const refusal = s.ledger.check(ctx.keyTiers);
  if (refusal) throw refusal.toError();
  const limited = s.limits.admitKey(key.id);
  if (limited) throw limited;
}
