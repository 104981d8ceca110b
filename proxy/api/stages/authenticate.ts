// Stages 1 and 3: the virtual key, from the headers alone before any body byte is read (unknown or missing → 401),
// then, once the body named the model, whether the key may use it (403).
import { GatewayError } from '../../core/errors.js';
import { modelAllowed } from '../../governance/keys.js';
import type { Keyed, LifecycleContext, RequestContext } from '../context.js';

/** Checks the key against the keys of the request's snapshot (a key revoked by a later reload still had them). */
export function authenticate(ctx: LifecycleContext): void {
  if (ctx.presentedKey === undefined) {
    throw new GatewayError('authentication', 'no virtual key: send it in x-api-key, Authorization: Bearer, or x-bf-vk');
  }
  const key = ctx.snapshot.keys.authenticate(ctx.presentedKey);
  if (!key) throw new GatewayError('authentication', 'unknown virtual key');
  ctx.key = key;
}

export function authorize(ctx: Keyed<RequestContext>): void {
  if (!modelAllowed(ctx.key, ctx.request.model)) {
    throw new GatewayError('permission', `model "${ctx.request.model}" is not allowed for virtual key "${ctx.key.id}"`);
  }
}
