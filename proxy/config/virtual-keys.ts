// The set of virtual keys a file defines: every key named in any section, with its secret defaulted.
import type { ConfigPath } from './positions.js';
import type { FileConfig } from './schema.js';
import type { VirtualKeyDef } from './types.js';

export interface NamedVirtualKey {
  readonly def: VirtualKeyDef;
  /** Where the key is first named, for messages about it. */
  readonly path: ConfigPath;
}

/**
 * Keys in order of first mention: the virtual_keys section, then budgets, rate limits and guards.
 * A key not declared in virtual_keys presents its own id as its secret.
 */
export function collectVirtualKeys(file: FileConfig): NamedVirtualKey[] {
  const byId = new Map<string, NamedVirtualKey>();
  file.virtual_keys.forEach((vk, i) => {
    if (byId.has(vk.id)) return;
    const def: VirtualKeyDef = {
      id: vk.id,
      secret: vk.key ?? { kind: 'literal', value: vk.id },
      ...(vk.account !== undefined && { accountId: vk.account }),
      ...(vk.allowed_models !== undefined && { allowedModels: vk.allowed_models }),
      ...(vk.description !== undefined && { description: vk.description }),
    };
    byId.set(vk.id, { def, path: ['virtual_keys', i, 'id'] });
  });
  const mention = (id: string, path: ConfigPath): void => {
    if (!byId.has(id)) byId.set(id, { def: { id, secret: { kind: 'literal', value: id } }, path });
  };
  file.budgets.virtual_key.forEach((b, i) => mention(b.id, ['budgets', 'virtual_key', i, 'id']));
  file.rate_limits.virtual_key.forEach((r, i) => mention(r.id, ['rate_limits', 'virtual_key', i, 'id']));
  file.guards.forEach((g, i) => mention(g.virtual_key_id, ['guards', i, 'virtual_key_id']));
  return [...byId.values()];
}
