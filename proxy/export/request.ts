// What `GET /api/export` and `spendgate export` ask for: a UTC time range, the groups and the format, validated once for both.
import { LogFilterError } from '../logs/filters.js';

/** One grouping dimension of the export (docs/export.md). */
export type ExportGroup =
  | { readonly kind: 'team' | 'virtual_key' | 'customer' | 'model' | 'provider_config' | 'provider' }
  | { readonly kind: 'tag'; readonly tag: string };

export type ExportFormat = 'csv' | 'json';

export interface ExportRequest {
  /** First millisecond included, ms since the epoch. */
  readonly from: number;
  /** Last millisecond included (a date means the whole UTC day), ms since the epoch. */
  readonly to: number;
  readonly groupBy: readonly ExportGroup[];
  readonly format: ExportFormat;
}

export const GROUP_KINDS = ['team', 'virtual_key', 'customer', 'model', 'provider_config', 'provider'] as const;
/** More dimensions than there are kinds only repeats tags; a cap keeps the GROUP BY and the header sane. */
export const MAX_GROUPS = 8;
const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A full timestamp must say its zone: a bare local time would mean different instants on different machines. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** The column name of a group: its kind, or `tag:NAME`. */
export function groupName(g: ExportGroup): string {
  return g.kind === 'tag' ? `tag:${g.tag}` : g.kind;
}

/** Midnight UTC of a YYYY-MM-DD that names a real calendar day, else undefined. */
export function utcDay(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === text ? ms : undefined;
}

/** A bound as ms: a date is its day's first millisecond (`from`) or last (`to`); a timestamp is itself. */
function parseBound(name: 'from' | 'to', text: string | null): number {
  if (text === null || text.trim() === '') throw new LogFilterError(name, 'required: a UTC date YYYY-MM-DD or an ISO 8601 timestamp with a zone');
  const value = text.trim();
  const day = utcDay(value);
  if (day !== undefined) return name === 'from' ? day : day + DAY_MS - 1;
  const ms = TIMESTAMP.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new LogFilterError(name, `"${value}" is not a UTC date YYYY-MM-DD or an ISO 8601 timestamp with a zone (2025-01-31T12:00:00Z)`);
  }
  return ms;
}

function parseGroups(text: string | null): ExportGroup[] {
  if (text === null || text.trim() === '') throw new LogFilterError('group_by', `required: one or more of ${GROUP_KINDS.join(', ')}, tag:NAME (comma-separated)`);
  const groups: ExportGroup[] = [];
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const name = part.trim();
    let group: ExportGroup;
    if (name.startsWith('tag:') && name.length > 4) group = { kind: 'tag', tag: name.slice(4) };
    else if ((GROUP_KINDS as readonly string[]).includes(name)) group = { kind: name as (typeof GROUP_KINDS)[number] };
    else throw new LogFilterError('group_by', `unknown group "${name}": expected ${GROUP_KINDS.join(', ')} or tag:NAME`);
    if (seen.has(groupName(group))) throw new LogFilterError('group_by', `"${name}" is listed twice`);
    seen.add(groupName(group));
    groups.push(group);
  }
  if (groups.length > MAX_GROUPS) throw new LogFilterError('group_by', `at most ${MAX_GROUPS} groups`);
  return groups;
}

const KNOWN = new Set(['from', 'to', 'group_by', 'format']);

/** Parses the export query. @throws LogFilterError naming the parameter (the API answers 400 `invalid_request`). */
export function parseExportRequest(params: URLSearchParams): ExportRequest {
  for (const key of params.keys()) {
    if (!KNOWN.has(key)) throw new LogFilterError(key, `unknown parameter (expected ${[...KNOWN].join(', ')})`);
  }
  const from = parseBound('from', params.get('from'));
  const to = parseBound('to', params.get('to'));
  if (to < from) throw new LogFilterError('to', 'the range ends before it starts');
  const groupBy = parseGroups(params.get('group_by'));
  const format = params.get('format') ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new LogFilterError('format', `"${format}" is not csv or json`);
  return { from, to, groupBy, format };
}
