// Stage 3: which provider configs may serve this request (the attempt loop picks among them).
import { GatewayError } from '../../core/errors.js';
import type { Keyed, RequestContext } from '../context.js';
import type { Services } from '../services.js';

export function route(ctx: Keyed<RequestContext>, s: Pick<Services, 'router'>): void {
  // Planned from the snapshot's accounts: a reload after arrival does not reroute this request.
  const plan = s.router.plan(ctx.key.accountId, ctx.request.model, ctx.snapshot.config);
  if (!plan || plan.preferred.length + plan.fallback.length === 0) {
    throw new GatewayError('upstream', 'no provider is configured for this virtual key\'s account', { status: 503 });
  }
  ctx.plan = plan;
}
