// Stage 2: the request body, read and validated only for a genuine key (docs/errors.md: 413 past the size limit,
// 400 for a body that is not the route's JSON or nests deeper than the gateway walks).
import { GatewayError, isGatewayError } from '../../core/errors.js';
import { withBody } from '../client-request.js';
import type { RequestContext } from '../context.js';
import type { Services } from '../services.js';

export async function readRequest(ctx: RequestContext, s: Pick<Services, 'providers'>): Promise<void> {
  let raw: Buffer;
  try {
    raw = await ctx.pendingBody.read();
  } catch (err) {
    if (isGatewayError(err)) throw err;
    // The client went away mid-upload: nobody reads the answer, nothing was spent; 499 is how proxies log this.
    throw new GatewayError('invalid_request', 'the client closed the connection before sending the whole body', { status: 499, cause: err });
  }
  // Scanning the body pays only when no target parses it whole anyway (bench/findings.md, round 3, fourth pass).
  const whole = ctx.snapshot.config.accounts.some((a) => a.providers.some((p) => s.providers[p.type].parsesWholeBody));
  ctx.request = withBody(ctx.request, ctx.route, raw, { whole });
}
