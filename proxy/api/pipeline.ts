// The request lifecycles, each one ordered list of stages. Adding a stage is adding a line to a list.
import { isGatewayError } from '../core/errors.js';
import { asGatewayError, internalErrorEvent } from './internal-errors.js';
import type { Keyed, LifecycleContext, RequestContext, Routed } from './context.js';
import { sendClientError } from './respond.js';
import type { Services } from './services.js';
import { authenticate, authorize } from './stages/authenticate.js';
import { readRequest } from './stages/body.js';
import { limit, limitRate } from './stages/limit.js';
import { route } from './stages/route.js';
import { callUpstream } from './stages/upstream.js';
import { account } from './stages/account.js';
import { record } from './stages/record.js';
import { countTokens } from './stages/count.js';
import { listModels } from './stages/list-models.js';

export interface Stage<C extends LifecycleContext> {
  readonly name: string;
  readonly run: (ctx: C, s: Services) => void | Promise<void>;
  /** Runs even after an earlier stage failed (settling money and logging must never be skipped). */
  readonly always?: boolean;
}

type StageRun<C> = (ctx: C, s: Services) => void | Promise<void>;

/**
 * A stage that needs the key, placed after authenticate. The list's order is what guarantees the key; this
 * turns a list put in the wrong order into a logged internal error (500) instead of a stage reading `undefined`.
 */
function keyed<C extends LifecycleContext>(run: StageRun<Keyed<C>>): StageRun<C> {
  return (ctx, s) => {
    const key = ctx.key;
    if (key === undefined) throw new Error('pipeline order: a stage needing the key ran before authenticate');
    return run(Object.assign(ctx, { key }), s);
  };
}

/** A stage that needs the key and the route plan, placed after route. */
function routed(run: StageRun<Routed>): StageRun<RequestContext> {
  return keyed<RequestContext>((ctx, s) => {
    const plan = ctx.plan;
    if (plan === undefined) throw new Error('pipeline order: a stage needing the route plan ran before route');
    return run(Object.assign(ctx, { plan }), s);
  });
}

/** Answer a failed request in the client's protocol, unless the response already started. */
function respond(ctx: LifecycleContext): void {
  // A request refused before its body was read (unknown key): let the rest of the upload drain unbuffered.
  ctx.pendingBody.discard();
  if (!ctx.error || ctx.sink.started) return;
  sendClientError(ctx.sink, ctx.protocol, ctx.error);
}

export const MESSAGE_STAGES: readonly Stage<RequestContext>[] = [
  // The key comes from the headers: an unknown one is refused before the gateway reads or parses a byte of the body.
  { name: 'authenticate', run: authenticate },
  { name: 'body', run: readRequest },
  { name: 'authorize', run: keyed(authorize) },
  { name: 'limit', run: keyed(limit) },
  { name: 'route', run: keyed(route) },
  { name: 'upstream', run: routed(callUpstream) },
  { name: 'account', run: account, always: true },
  { name: 'respond', run: respond, always: true },
  { name: 'log', run: record, always: true },
];

/** Free of charge, so no budget is checked or reserved; still rate-limited and logged like any request. */
export const COUNT_TOKENS_STAGES: readonly Stage<RequestContext>[] = [
  { name: 'authenticate', run: authenticate },
  { name: 'body', run: readRequest },
  { name: 'authorize', run: keyed(authorize) },
  { name: 'limit', run: keyed(limitRate) },
  { name: 'route', run: keyed(route) },
  { name: 'count', run: routed(countTokens) },
  { name: 'respond', run: respond, always: true },
  { name: 'log', run: record, always: true },
];

/**
 * Not logged: listing models reads the gateway's own config, reaches no provider and spends nothing, and a
 * client polling it (editors do, on every start) would fill the request log and its metrics with non-requests.
 */
export const MODELS_STAGES: readonly Stage<LifecycleContext>[] = [
  { name: 'authenticate', run: authenticate },
  { name: 'list', run: keyed(listModels) },
  { name: 'respond', run: respond, always: true },
];

export async function runPipeline<C extends LifecycleContext>(stages: readonly Stage<C>[], ctx: C, s: Services): Promise<void> {
  for (const stage of stages) {
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
