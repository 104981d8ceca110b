// Self-healing for refusals the capability table did not foresee: read what Bedrock's 400 names, remove it, retry once,
// and remember the change for that model for the life of the process (shown in GET /api/routing).
import { baseModelId } from '../../core/model-id.js';
import type { ProviderLog } from './call.js';
import { isRecord } from './converse-parts.js';

export type Adjustment =
  /** Remove a field wherever the path matches; `*` stands for any array index. */
  | { readonly kind: 'drop_field'; readonly path: readonly string[] }
  | { readonly kind: 'drop_betas'; readonly betas: readonly string[] }
  | { readonly kind: 'fold_system' };

export interface LearnedAdjustment {
  readonly adjustment: Adjustment;
  /** What the gateway now does for this model, in words. */
  readonly change: string;
  /** Bedrock's refusal that taught it. */
  readonly reason: string;
  readonly learnedAt: string;
}

/** A pydantic-style location (`tools.10.custom.defer_loading`) or JSON pointer (`/messages/1`) as path segments. */
function segments(parts: readonly string[]): string[] {
  return parts.filter((p) => p !== '' && p !== '#').map((p) => (/^\d+$/.test(p) ? '*' : p));
}

/**
 * The adjustments a Bedrock ValidationException message asks for, or [] when it names nothing the gateway can remove.
 * `sentBetas` are the betas of the refused body that no earlier success on this model confirmed.
 */
export function adjustmentsFor(message: string, unconfirmedBetas: readonly string[]): Adjustment[] {
  const found: Adjustment[] = [];
  for (const m of message.matchAll(/#((?:\/[^\s:/]+)*): extraneous key \[([^\]]+)\] is not permitted/g)) {
    found.push({ kind: 'drop_field', path: [...segments(m[1].split('/')), m[2]] });
  }
  for (const m of message.matchAll(/([A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*): Extra inputs are not permitted/g)) {
    found.push({ kind: 'drop_field', path: segments(m[1].split('.')) });
  }
  if (/invalid beta flag/i.test(message) && unconfirmedBetas.length > 0) found.push({ kind: 'drop_betas', betas: [...unconfirmedBetas] });
  if (/Unexpected role "system"/.test(message)) found.push({ kind: 'fold_system' });
  return found;
}

export function describe(adjustment: Adjustment): string {
  switch (adjustment.kind) {
    case 'drop_field':
      return `remove ${adjustment.path.join('.')}`;
    case 'drop_betas':
      return `do not send anthropic_beta ${adjustment.betas.join(', ')}`;
    case 'fold_system':
      return 'fold role "system" messages into the adjacent user turn';
  }
}

/**
 * `node` without the field at `path` (copy on write: untouched branches are shared, the input is never mutated).
 * A segment that is not a key of the JSON (a union tag in a validator's path, `custom` in `tools.3.custom.x`) is skipped.
 */
export function withoutPath(node: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return node;
  const [head, ...rest] = path;
  if (Array.isArray(node)) {
    if (head !== '*') return node;
    let changed = false;
    const items = node.map((item: unknown) => {
      const next = withoutPath(item, rest);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? items : node;
  }
  if (!isRecord(node)) return node;
  if (!(head in node)) return rest.length === 0 ? node : withoutPath(node, rest);
  if (rest.length === 0) {
    const { [head]: _removed, ...kept } = node;
    return kept;
  }
  const child = withoutPath(node[head], rest);
  return child === node[head] ? node : { ...node, [head]: child };
}

/** Adjustments learned per model (base id, so a profile and its bare id share them), and betas a success confirmed. */
export class LearnedAdjustments {
  private readonly byModel = new Map<string, LearnedAdjustment[]>();
  private readonly confirmed = new Map<string, Set<string>>();

  constructor(private readonly log: ProviderLog, private readonly now: () => number) {}

  for(modelId: string): readonly LearnedAdjustment[] {
    return this.byModel.get(baseModelId(modelId)) ?? [];
  }

  /** Remember adjustments for a model; each new one is reported once as an event. Returns the ones that were new. */
  learn(providerId: string, modelId: string, adjustments: readonly Adjustment[], reason: string): Adjustment[] {
    const model = baseModelId(modelId);
    const list = this.byModel.get(model) ?? [];
    const added: Adjustment[] = [];
    for (const adjustment of adjustments) {
      const change = describe(adjustment);
      if (list.some((l) => l.change === change)) continue;
      list.push({ adjustment, change, reason, learnedAt: new Date(this.now()).toISOString() });
      added.push(adjustment);
      this.log({ level: 'warn', event: 'bedrock_request_healed', provider_config: providerId, model, change, reason,
        message: `Bedrock refused a request to ${model} (${reason}); the gateway now will ${change} for this model and retried once` });
    }
    this.byModel.set(model, list);
    return added;
  }

  confirmBetas(modelId: string, betas: readonly string[]): void {
    if (betas.length === 0) return;
    const model = baseModelId(modelId);
    const set = this.confirmed.get(model) ?? new Set<string>();
    for (const beta of betas) set.add(beta);
    this.confirmed.set(model, set);
  }

  unconfirmedBetas(modelId: string, betas: readonly string[]): string[] {
    const set = this.confirmed.get(baseModelId(modelId));
    return betas.filter((b) => set === undefined || !set.has(b));
  }
}
