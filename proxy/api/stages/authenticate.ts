// Stage 1: the virtual key. Unknown or missing → 401; a model the key may not use → 403.
import { GatewayError } from '../../core/errors.js';
import { modelAllowed } from '../../governance/keys.js';
import type { RequestContext } from '../context.js';
import type { Services } from '../services.js';

export function authenticate(ctx: RequestContext, s: Services): void {
  if (ctx.presentedKey === undefined) {
    throw new GatewayError('authentication', 'no virtual key: send it in x-api-key, Authorization: Bearer, or x-bf-vk');
  }
  const key = s.keys.authenticate(ctx.presentedKey);
  if (!key) throw new GatewayError('authentication', 'unknown virtual key');
  ctx.key = key;
  if (!modelAllowed(key, ctx.request.model)) {
    throw new GatewayError('permission', `model "${ctx.request.model}" is not allowed for virtual key "${key.id}"`);
  }
}
