// POST /anthropic/v1/messages/count_tokens: forwarded to a provider that counts (free of charge),
// else estimated locally and marked with `x-spendgate-estimated: true`.
import type { RequestContext } from './context.js';
import { isGatewayError } from '../core/errors.js';
import { asGatewayError, internalErrorEvent } from './internal-errors.js';
import type { Services } from './services.js';
import { authenticate, authorize } from './stages/authenticate.js';
import { readRequest } from './stages/body.js';
import { route } from './stages/route.js';
import { timeoutsFor, toTarget } from './stages/upstream.js';
import { toWireError } from './wire-errors.js';

/** Roughly four characters of text per token: good enough for context-window decisions, and labelled as an estimate. */
function estimateInputTokens(body: Readonly<Record<string, unknown>>): number {
  const text = JSON.stringify({ system: body.system, messages: body.messages, tools: body.tools });
  return Math.max(1, Math.ceil(text.length / 4));
}

export async function countTokens(ctx: RequestContext, s: Services): Promise<void> {
  try {
    authenticate(ctx, s);
    await readRequest(ctx);
    authorize(ctx);
    route(ctx, s);
    const plan = ctx.plan!;
    const target = [...plan.preferred, ...plan.fallback].find((p) => s.providers[p.type].unsupported(ctx.request, toTarget(p, s)) === null);
    if (target) {
      await s.providers[target.type].send(ctx.request, toTarget(target, s), ctx.sink, { timeouts: timeoutsFor(target, s), signal: s.shutdown });
      ctx.sink.release();
      return;
    }
    ctx.sink.respond(
      200,
      { 'content-type': 'application/json', 'x-spendgate-estimated': 'true' },
      JSON.stringify({ input_tokens: estimateInputTokens(ctx.request.body) }),
    );
  } catch (err) {
    ctx.pendingBody.discard();
    if (!isGatewayError(err)) s.log(internalErrorEvent(err, { operation: 'count_tokens', request_id: ctx.requestId }));
    if (ctx.sink.started) return ctx.sink.release();
    const wire = toWireError(ctx.request.protocol, asGatewayError(err));
    ctx.sink.respond(wire.status, wire.headers, wire.body);
  }
}
