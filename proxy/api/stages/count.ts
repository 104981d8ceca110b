// count_tokens' answer: forwarded to a provider that counts (free of charge), else estimated locally and
// marked with `x-spendgate-estimated: true`. No reservation, no attempt: nothing here is billed.
import type { JsonBody } from '../../core/json-body.js';
import type { Routed } from '../context.js';
import type { Services } from '../services.js';
import { timeoutsFor, toTarget } from './targets.js';

/** Roughly four characters of text per token: good enough for context-window decisions, and labelled as an estimate. */
function estimateInputTokens(body: JsonBody): number {
  const text = JSON.stringify({ system: body.get('system'), messages: body.get('messages'), tools: body.get('tools') });
  return Math.max(1, Math.ceil(text.length / 4));
}

export async function countTokens(ctx: Routed, s: Pick<Services, 'providers' | 'env' | 'shutdown'>): Promise<void> {
  const { plan, request } = ctx;
  const target = [...plan.preferred, ...plan.fallback].find((p) => s.providers[p.type].unsupported(request, toTarget(p, s)) === null);
  if (target) {
    const outcome = await s.providers[target.type].send(request, toTarget(target, s), ctx.sink, {
      timeouts: timeoutsFor(target, ctx.snapshot),
      signal: s.shutdown,
    });
    ctx.reply = { status: outcome.status, target };
    return;
  }
  ctx.sink.respond(
    200,
    { 'content-type': 'application/json', 'x-spendgate-estimated': 'true' },
    JSON.stringify({ input_tokens: estimateInputTokens(request.body) }),
  );
  ctx.reply = { status: 200 };
}
