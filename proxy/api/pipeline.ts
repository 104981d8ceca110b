// The request lifecycle as one ordered list of stages. Adding a stage is adding a line here.
import { isGatewayError } from '../core/errors.js';
import { asGatewayError, internalErrorEvent } from './internal-errors.js';
import type { RequestContext } from './context.js';
import type { Services } from './services.js';
import { toWireError } from './wire-errors.js';
import { authenticate, authorize } from './stages/authenticate.js';
import { readRequest } from './stages/body.js';
import { limit } from './stages/limit.js';
import { route } from './stages/route.js';
import { callUpstream } from './stages/upstream.js';
import { account } from './stages/account.js';
import { record } from './stages/record.js';

interface Stage {
  readonly name: string;
  readonly run: (ctx: RequestContext, s: Services) => void | Promise<void>;
  /** Runs even after an earlier stage failed (settling money and logging must never be skipped). */
  readonly always?: boolean;
}

/** Answer a failed request in the client's protocol, unless the response already started. */
function respond(ctx: RequestContext): void {
  // A request refused before its body was read (unknown key): let the rest of the upload drain unbuffered.
  ctx.pendingBody.discard();
  if (!ctx.error || ctx.sink.started) return;
  const wire = toWireError(ctx.request.protocol, ctx.error);
  ctx.sink.respond(wire.status, wire.headers, wire.body);
}

export const PIPELINE: readonly Stage[] = [
  // The key comes from the headers: an unknown one is refused before the gateway reads or parses a byte of the body.
  { name: 'authenticate', run: authenticate },
  { name: 'body', run: readRequest },
  { name: 'authorize', run: authorize },
  { name: 'limit', run: limit },
  { name: 'route', run: route },
  { name: 'upstream', run: callUpstream },
  { name: 'account', run: account, always: true },
  { name: 'respond', run: respond, always: true },
  { name: 'log', run: record, always: true },
];

export async function runPipeline(ctx: RequestContext, s: Services): Promise<void> {
  for (const stage of PIPELINE) {
    if (ctx.error && !stage.always) continue;
    try {
      await stage.run(ctx, s);
    } catch (err) {
      const error = asGatewayError(err);
      if (!isGatewayError(err)) s.log(internalErrorEvent(err, { stage: stage.name, request_id: ctx.requestId }));
      if (ctx.error) {
        // A failure while settling or logging: keep the first error for the client, report this one.
        s.log({ level: 'error', event: 'stage_failed', stage: stage.name, request_id: ctx.requestId, message: error.message });
      } else {
        ctx.error = error;
      }
    }
  }
}
