// Stage 2: the request body, read and validated only for a genuine key (docs/errors.md: 413 past the size limit,
// 400 for a body that is not the route's JSON or nests deeper than the gateway walks).
import { GatewayError, isGatewayError } from '../../core/errors.js';
import { withBody } from '../client-request.js';
import type { RequestContext } from '../context.js';

export async function readRequest(ctx: RequestContext): Promise<void> {
  let raw: Buffer;
  try {
    raw = await ctx.pendingBody.read();
  } catch (err) {
    if (isGatewayError(err)) throw err;
    // The client went away mid-upload: nobody reads the answer, nothing was spent; 499 is how proxies log this.
    throw new GatewayError('invalid_request', 'the client closed the connection before sending the whole body', { status: 499, cause: err });
  }
  ctx.request = withBody(ctx.request, ctx.route, raw);
}
