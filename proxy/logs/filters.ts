// The one log filter schema: parses HTTP query strings, CLI flags and WebSocket subscriptions alike.
import { z } from 'zod';
import type { ProviderType } from '../config/types.js';
import { GatewayError } from '../core/errors.js';
import type { CacheStatus, LogRecord } from './record.js';
import { microsToDecimal, parseDollarAmount } from '../pricing/money.js';

/** One accepted value of the `status` filter: `success`, `error`, an exact code (`429`) or a class (`5xx`). */
export type StatusMatch =
  | { readonly kind: 'success' }
  | { readonly kind: 'error' }
  | { readonly kind: 'code'; readonly code: number }
  | { readonly kind: 'class'; readonly hundreds: number };

export interface TagMatch {
  readonly key: string;
  readonly value: string;
}

/** Which records to select. Every present field narrows the set; list fields match any of their values. */
export interface LogFilter {
  readonly providers?: readonly ProviderType[];
  /** Matches the requested or the served model. */
  readonly models?: readonly string[];
  readonly status?: readonly StatusMatch[];
  readonly virtualKeyIds?: readonly string[];
  readonly teamIds?: readonly string[];
  readonly customerIds?: readonly string[];
  readonly providerConfigIds?: readonly string[];
  /** Inclusive, ms since the epoch. */
  readonly startTime?: number;
  /** Inclusive, ms since the epoch. */
  readonly endTime?: number;
  readonly minLatency?: number;
  readonly maxLatency?: number;
  readonly minTokens?: number;
  readonly maxTokens?: number;
  /** Integer micro-dollars; records without a cost never match a cost bound. */
  readonly minCostMicros?: number;
  readonly maxCostMicros?: number;
  readonly stream?: boolean;
  readonly cache?: readonly CacheStatus[];
  readonly missingCostOnly?: boolean;
  readonly requestId?: string;
  /** Substring of the request body, response body or error message; ASCII letters match case-insensitively. */
  readonly contentSearch?: string;
  /** Every tag must be present with exactly this value. */
  readonly tags?: readonly TagMatch[];
}

export type LogSortKey = 'timestamp' | 'latency' | 'tokens' | 'cost';
export type SortOrder = 'asc' | 'desc';

/** A filter plus the page to return. */
export interface LogQuery extends LogFilter {
  readonly limit: number;
  readonly offset: number;
  readonly sortBy: LogSortKey;
  readonly order: SortOrder;
}

/** A filter parameter had an invalid value; the management API answers 400 naming `parameter`. */
export class LogFilterError extends GatewayError {
  readonly parameter: string;
  constructor(parameter: string, message: string) {
    super('invalid_request', `invalid ${parameter}: ${message}`);
    this.name = 'LogFilterError';
    this.parameter = parameter;
  }
}

/** Raw filter input: a query string, or an object from JSON / CLI flags (lists may be arrays or comma-separated). */
export type FilterInput = URLSearchParams | Readonly<Record<string, unknown>>;

export const PROVIDER_TYPES: readonly ProviderType[] = ['bedrock', 'anthropic', 'openai'];
export const CACHE_STATUSES: readonly CacheStatus[] = ['hit', 'write', 'none'];
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** A response the client got successfully (2xx/3xx). */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 400;
}

/** All tokens of a record, counted once each. */
export function recordTotalTokens(r: LogRecord): number {
  return r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens;
}

/** Lower-cases ASCII letters only, so JS, SQLite and PostgreSQL agree on what matches. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

// ---- field schemas: each accepts a string (query/CLI) or its JSON-native form (WebSocket) ----

const list = z
  .union([z.string(), z.array(z.union([z.string(), z.number()]))])
  .transform((v) => (Array.isArray(v) ? v.map(String) : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()))
  .transform((v) => v.filter((s) => s.length > 0))
  .refine((v) => v.length > 0, 'expected at least one value');

const oneOf = <T extends string>(allowed: readonly T[]) =>
  list.refine((v): v is T[] => v.every((s) => (allowed as readonly string[]).includes(s)), {
    message: `expected values among ${allowed.join(', ')}`,
  }).transform((v) => [...new Set(v)] as T[]);

const nonNegativeInt = z
  .union([z.string().trim().regex(/^\d+$/, 'expected a non-negative integer'), z.number().int().nonnegative()])
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n), 'too large');

const time = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v.trim()) : isoToMs(v.trim());
  if (ms === undefined || !Number.isSafeInteger(ms) || ms < 0) {
    ctx.addIssue({ code: 'custom', message: 'expected ISO 8601 or milliseconds since the epoch' });
    return z.NEVER;
  }
  return ms;
});

const dollars = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const micros = parseDollarAmount(v);
  if (micros === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a non-negative amount in dollars' });
    return z.NEVER;
  }
  return micros;
});

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');

const text = z.string().min(1, 'expected a non-empty value');

const status = list.transform((v, ctx) => {
  const out: StatusMatch[] = [];
  for (const s of v) {
    const m = parseStatus(s);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `expected success, error, a status code or a class like 5xx; got ${s}` });
      return z.NEVER;
    }
    out.push(m);
  }
  return out;
});

const tags = list.transform((v, ctx) => {
  const out: TagMatch[] = [];
  for (const s of v) {
    const eq = s.indexOf('=');
    if (eq <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected key=value; got ${s}` });
      return z.NEVER;
    }
    out.push({ key: s.slice(0, eq).trim(), value: s.slice(eq + 1).trim() });
  }
  return out;
});

const limit = nonNegativeInt.refine((n) => n >= 1 && n <= MAX_LIMIT, `expected 1 to ${MAX_LIMIT}`);

/** Wire parameter name → schema and the LogQuery field it fills. */
const PARAMS = {
  providers: ['providers', oneOf(PROVIDER_TYPES)],
  models: ['models', list],
  status: ['status', status],
  virtual_key_ids: ['virtualKeyIds', list],
  team_ids: ['teamIds', list],
  customer_ids: ['customerIds', list],
  provider_config_ids: ['providerConfigIds', list],
  start_time: ['startTime', time],
  end_time: ['endTime', time],
  min_latency: ['minLatency', nonNegativeInt],
  max_latency: ['maxLatency', nonNegativeInt],
  min_tokens: ['minTokens', nonNegativeInt],
  max_tokens: ['maxTokens', nonNegativeInt],
  min_cost: ['minCostMicros', dollars],
  max_cost: ['maxCostMicros', dollars],
  stream: ['stream', bool],
  cache: ['cache', oneOf(CACHE_STATUSES)],
  missing_cost_only: ['missingCostOnly', bool],
  request_id: ['requestId', text],
  content_search: ['contentSearch', text],
  tags: ['tags', tags],
  limit: ['limit', limit],
  offset: ['offset', nonNegativeInt],
  sort_by: ['sortBy', z.enum(['timestamp', 'latency', 'tokens', 'cost'])],
  order: ['order', z.enum(['asc', 'desc'])],
} as const satisfies Record<string, readonly [keyof LogQuery, z.ZodType]>;

export type FilterParam = keyof typeof PARAMS;
export const FILTER_PARAMS = Object.keys(PARAMS) as FilterParam[];

export interface ParseOptions {
  /** Extra parameter names the caller handles itself (e.g. `interval` for stats); left out of the result. */
  readonly passThrough?: readonly string[];
}

/**
 * Parses and validates a filter with its page settings. Unknown parameters are rejected so a typo
 * (`model=` for `models=`) is an error, not a silently unfiltered answer.
 * @throws LogFilterError naming the first invalid parameter.
 */
export function parseLogQuery(input: FilterInput, options: ParseOptions = {}): LogQuery {
  const raw = toRecord(input);
  const out: Record<string, unknown> = { limit: DEFAULT_LIMIT, offset: 0, sortBy: 'timestamp', order: 'desc' };
  for (const [name, value] of Object.entries(raw)) {
    if (options.passThrough?.includes(name)) continue;
    if (!Object.hasOwn(PARAMS, name)) throw new LogFilterError(name, 'unknown parameter');
    if (value === undefined || value === null) continue;
    const [field, schema] = PARAMS[name as FilterParam];
    const parsed = (schema as z.ZodType).safeParse(Array.isArray(value) && !isListParam(name) ? value.at(-1) : value);
    if (!parsed.success) throw new LogFilterError(name, parsed.error.issues[0]?.message ?? 'invalid value');
    out[field] = parsed.data;
  }
  const q = out as unknown as LogQuery;
  checkRange(q.startTime, q.endTime, 'end_time', 'end_time is before start_time');
  checkRange(q.minLatency, q.maxLatency, 'max_latency', 'max_latency is below min_latency');
  checkRange(q.minTokens, q.maxTokens, 'max_tokens', 'max_tokens is below min_tokens');
  checkRange(q.minCostMicros, q.maxCostMicros, 'max_cost', 'max_cost is below min_cost');
  return q;
}

/** The filter part of a query (what a WebSocket subscription keeps). */
export function parseLogFilter(input: FilterInput, options: ParseOptions = {}): LogFilter {
  const { limit: _l, offset: _o, sortBy: _s, order: _d, ...filter } = parseLogQuery(input, options);
  return filter;
}

/** The wire form of a filter, for the CLI and clients building a query string; parses back to the same filter. */
export function filterToParams(q: LogFilter & Partial<LogQuery>): URLSearchParams {
  const p = new URLSearchParams();
  const lists: [FilterParam, readonly string[] | undefined][] = [
    ['providers', q.providers],
    ['models', q.models],
    ['status', q.status?.map(statusToText)],
    ['virtual_key_ids', q.virtualKeyIds],
    ['team_ids', q.teamIds],
    ['customer_ids', q.customerIds],
    ['provider_config_ids', q.providerConfigIds],
    ['cache', q.cache],
    ['tags', q.tags?.map((t) => `${t.key}=${t.value}`)],
  ];
  for (const [name, values] of lists) for (const v of values ?? []) p.append(name, v);
  const scalars: [FilterParam, string | number | boolean | undefined][] = [
    ['start_time', q.startTime],
    ['end_time', q.endTime],
    ['min_latency', q.minLatency],
    ['max_latency', q.maxLatency],
    ['min_tokens', q.minTokens],
    ['max_tokens', q.maxTokens],
    ['min_cost', q.minCostMicros === undefined ? undefined : microsToDecimal(q.minCostMicros)],
    ['max_cost', q.maxCostMicros === undefined ? undefined : microsToDecimal(q.maxCostMicros)],
    ['stream', q.stream],
    ['missing_cost_only', q.missingCostOnly],
    ['request_id', q.requestId],
    ['content_search', q.contentSearch],
    ['limit', q.limit],
    ['offset', q.offset],
    ['sort_by', q.sortBy],
    ['order', q.order],
  ];
  for (const [name, v] of scalars) if (v !== undefined) p.set(name, String(v));
  return p;
}

/** True when the record passes the filter: the reference semantics the SQL builder must reproduce. */
export function matches(f: LogFilter, r: LogRecord): boolean {
  const inList = (values: readonly string[] | undefined, v: string | undefined) =>
    values === undefined || (v !== undefined && values.includes(v));
  if (!inList(f.providers, r.providerType)) return false;
  if (f.models && !f.models.includes(r.modelRequested) && !(r.modelServed !== undefined && f.models.includes(r.modelServed))) {
    return false;
  }
  if (f.status && !f.status.some((s) => statusMatches(s, r.status))) return false;
  if (!inList(f.virtualKeyIds, r.virtualKeyId)) return false;
  if (!inList(f.teamIds, r.teamId)) return false;
  if (!inList(f.customerIds, r.customerId)) return false;
  if (!inList(f.providerConfigIds, r.providerConfigId)) return false;
  if (f.startTime !== undefined && r.timestamp < f.startTime) return false;
  if (f.endTime !== undefined && r.timestamp > f.endTime) return false;
  if (f.minLatency !== undefined && r.latencyMs < f.minLatency) return false;
  if (f.maxLatency !== undefined && r.latencyMs > f.maxLatency) return false;
  const tokens = recordTotalTokens(r);
  if (f.minTokens !== undefined && tokens < f.minTokens) return false;
  if (f.maxTokens !== undefined && tokens > f.maxTokens) return false;
  if (f.minCostMicros !== undefined && (r.cost === null || r.cost.total < f.minCostMicros)) return false;
  if (f.maxCostMicros !== undefined && (r.cost === null || r.cost.total > f.maxCostMicros)) return false;
  if (f.stream !== undefined && r.stream !== f.stream) return false;
  if (!inList(f.cache, r.cache)) return false;
  if (f.missingCostOnly === true && !r.missingCost) return false;
  if (f.requestId !== undefined && r.requestId !== f.requestId) return false;
  if (f.contentSearch !== undefined) {
    const needle = asciiLower(f.contentSearch);
    const found = [r.requestBody, r.responseBody, r.errorMessage].some((h) => h !== undefined && asciiLower(h).includes(needle));
    if (!found) return false;
  }
  if (f.tags && !f.tags.every((t) => r.tags !== undefined && Object.hasOwn(r.tags, t.key) && r.tags[t.key] === t.value)) {
    return false;
  }
  return true;
}

export function statusMatches(s: StatusMatch, status: number): boolean {
  switch (s.kind) {
    case 'success':
      return isSuccessStatus(status);
    case 'error':
      return !isSuccessStatus(status);
    case 'code':
      return status === s.code;
    case 'class':
      return status >= s.hundreds * 100 && status < s.hundreds * 100 + 100;
  }
}

function parseStatus(s: string): StatusMatch | undefined {
  const t = s.toLowerCase();
  if (t === 'success') return { kind: 'success' };
  if (t === 'error') return { kind: 'error' };
  if (/^[1-5]\d\d$/.test(t)) return { kind: 'code', code: Number(t) };
  if (/^[1-5]xx$/.test(t)) return { kind: 'class', hundreds: Number(t[0]) };
  return undefined;
}

function statusToText(s: StatusMatch): string {
  return s.kind === 'code' ? String(s.code) : s.kind === 'class' ? `${s.hundreds}xx` : s.kind;
}

const LIST_PARAMS = new Set<string>([
  'providers', 'models', 'status', 'virtual_key_ids', 'team_ids', 'customer_ids', 'provider_config_ids', 'cache', 'tags',
]);

function isListParam(name: string): boolean {
  return LIST_PARAMS.has(name);
}

function toRecord(input: FilterInput): Record<string, unknown> {
  if (!(input instanceof URLSearchParams)) return { ...input };
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(input.keys())) {
    const all = input.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

function checkRange(lo: number | undefined, hi: number | undefined, param: string, message: string): void {
  if (lo !== undefined && hi !== undefined && hi < lo) throw new LogFilterError(param, message);
}

function isoToMs(s: string): number | undefined {
  // Date-only or date-time with an explicit zone; a zone-less date-time would depend on the host's zone.
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i.test(s)) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}
