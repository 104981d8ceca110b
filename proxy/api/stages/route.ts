// Stage 3: which provider configs may serve this request (the attempt loop picks among them).
import { GatewayError } from '../../core/errors.js';
import type { RequestContext } from '../context.js';
import type { Services } from '../services.js';

export function route(ctx: RequestContext, s: Services): void {
  const plan = s.router.plan(ctx.key!.accountId, ctx.request.model);
  if (!plan || plan.preferred.length + plan.fallback.length === 0) {
    throw new GatewayError('upstream', 'no provider is configured for this virtual key\'s account', { status: 503 });
  }
  ctx.plan = plan;
}
