// Ids and references read straight from the file's data, so they can be checked even when other parts of it
// failed the schema: a list that is itself malformed, or has an item without an id, is marked incomplete.
import type { ConfigPath } from './positions.js';

/** One list item: where it is and its fields as written. */
export interface ListItem {
  readonly path: ConfigPath;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The items of one list, and whether every id in it is known (only then can "no such id" be said). */
export interface ItemList {
  readonly items: readonly ListItem[];
  readonly complete: boolean;
}

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A non-blank string: what the schema accepts as an id or a reference. Anything else is the schema's problem. */
export function textField(item: ListItem, name: string): string | undefined {
  const v = item.fields[name];
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function listAt(value: unknown, path: ConfigPath): ItemList {
  // An absent section is an empty list, as the schema defaults it.
  if (value === undefined || value === null) return { items: [], complete: true };
  if (!Array.isArray(value)) return { items: [], complete: false };
  const items: ListItem[] = [];
  let complete = true;
  value.forEach((v: unknown, i) => {
    if (!isRecord(v)) complete = false;
    else {
      const item = { path: [...path, i], fields: v };
      if (textField(item, 'id') === undefined) complete = false;
      items.push(item);
    }
  });
  return { items, complete };
}

function section(root: unknown, key: string): unknown {
  return isRecord(root) ? root[key] : undefined;
}

/** The list at `section.key` (e.g. budgets.team), or at `section` itself when `key` is omitted. */
export function listOf(root: unknown, name: string, key?: string): ItemList {
  const top = section(root, name);
  if (key === undefined) return listAt(top, [name]);
  if (top !== undefined && top !== null && !isRecord(top)) return { items: [], complete: false };
  return listAt(section(top, key), [name, key]);
}

/** Every accounts[].providers[] item, one list across accounts. */
export function providerList(root: unknown): ItemList {
  const accounts = listOf(root, 'accounts');
  let complete = accounts.complete;
  const items: ListItem[] = [];
  for (const account of accounts.items) {
    const providers = listAt(account.fields.providers, [...account.path, 'providers']);
    complete &&= providers.complete;
    items.push(...providers.items);
  }
  return { items, complete };
}

/** The ids of a list (blank or missing ones left out). */
export function idsOf(list: ItemList): Set<string> {
  return new Set(list.items.flatMap((item) => textField(item, 'id') ?? []));
}
