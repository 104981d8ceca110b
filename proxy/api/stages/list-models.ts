// The models of the key's account (those the key may use), in the route's own list shape.
import { modelAllowed } from '../../governance/keys.js';
import { anthropicModelList } from '../../providers/anthropic/index.js';
import { openaiModelList } from '../../providers/openai/index.js';
import { findAccount } from '../../routing/router.js';
import type { Keyed, LifecycleContext } from '../context.js';

export function listModels(ctx: Keyed<LifecycleContext>): void {
  const account = findAccount(ctx.snapshot.config.accounts, ctx.key.accountId);
  const models = [...new Set((account?.providers ?? []).map((p) => p.model))].filter((m) => modelAllowed(ctx.key, m));
  const list = ctx.protocol === 'openai' ? openaiModelList(models) : anthropicModelList(models);
  ctx.sink.respond(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, JSON.stringify(list));
}
