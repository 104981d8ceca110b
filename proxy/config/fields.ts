// Leaf value readers for the config schema: each checks one kind of scalar and says what was expected.
import { z } from 'zod';
import { parsePeriod } from './period.js';
import { parseApiKeyRef, parseKeySecret, type Parsed } from './secrets.js';
import type { FallbackPolicy, KeySecret, Period, SecretRef } from './types.js';

export type Leaf<T> = (value: unknown) => Parsed<T>;

const MICROS_PER_DOLLAR = 1_000_000;

/** How a value looks in a message, without dumping long or structured values. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'string') return value.length > 40 ? `string "${value.slice(0, 37)}..."` : `string "${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

function fail<T>(message: string): Parsed<T> {
  return { ok: false, message };
}

function expected<T>(what: string, value: unknown): Parsed<T> {
  return fail(`expected ${what}, got ${describeValue(value)}`);
}

export const text: Leaf<string> = (v) =>
  typeof v === 'string' && v.trim() !== '' ? { ok: true, value: v } : expected('a non-empty string', v);

export const boolean: Leaf<boolean> = (v) => (typeof v === 'boolean' ? { ok: true, value: v } : expected('true or false', v));

export const positiveInt: Leaf<number> = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? { ok: true, value: v } : expected('a positive whole number', v);

/** An interval in milliseconds, or `off`. */
export const millisecondsOrOff: Leaf<number | 'off'> = (v) =>
  v === 'off' || v === false || (typeof v === 'number' && Number.isSafeInteger(v) && v > 0)
    ? { ok: true, value: v === false ? 'off' : v }
    : expected('off or a positive whole number of milliseconds', v);

export const nonNegativeInt: Leaf<number> = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? { ok: true, value: v } : expected('a whole number, 0 or more', v);

export const positiveNumber: Leaf<number> = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? { ok: true, value: v } : expected('a number greater than 0', v);

/** Prices in dollars per million tokens: free is allowed, negative is not. */
export const price: Leaf<number> = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0
    ? { ok: true, value: v }
    : expected('a price in US dollars per million tokens, 0 or more', v);

/** A US-dollar amount as integer micro-dollars; more than six decimals round to the nearest micro. */
export const dollarsAsMicros: Leaf<number> = (v) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return expected('an amount in US dollars such as 500 or 12.50', v);
  if (v <= 0) return fail(`an amount in US dollars must be greater than 0, got ${v}`);
  const micros = Math.round(v * MICROS_PER_DOLLAR);
  if (!Number.isSafeInteger(micros)) return fail(`${v} US dollars is too large to count exactly`);
  if (micros === 0) return fail(`${v} US dollars is less than one micro-dollar`);
  return { ok: true, value: micros };
};

export const period: Leaf<Period> = (v) => {
  if (typeof v !== 'string') return expected('a period such as 1h, 1d or 1M', v);
  const parsed = parsePeriod(v);
  return parsed.ok ? { ok: true, value: parsed.period } : fail(parsed.message);
};

/** A secret that may only come from the environment (`env.NAME`), never written in the file. */
export const envSecret: Leaf<{ readonly env: string }> = (v) => {
  if (typeof v !== 'string') return expected('env.NAME', v);
  const parsed = parseApiKeyRef(v);
  if (parsed.ok && 'env' in parsed.value) return { ok: true, value: { env: parsed.value.env } };
  if (v.startsWith('env.')) return parsed.ok ? expected('env.NAME', v) : fail(parsed.message);
  // Never echo the value: it is probably the real secret.
  return fail('a literal secret does not belong in a shared config file: put it in an environment variable and write env.NAME');
};

/** An alert threshold: a percentage of the tier's limit, above 0 and at most 100. */
export const percent: Leaf<number> = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 100
    ? { ok: true, value: v }
    : expected('a percentage greater than 0 and at most 100', v);

export const apiKeyRef: Leaf<SecretRef> = (v) => (typeof v === 'string' ? parseApiKeyRef(v) : expected('env.NAME', v));

/**
 * A header value sent to the telemetry collector: only `env.NAME`, since such headers carry credentials and the file
 * is meant to be shared.
 */
export const headerSecret: Leaf<SecretRef> = (v) => {
  if (typeof v !== 'string') return expected('env.NAME', v);
  const parsed = parseApiKeyRef(v);
  if (parsed.ok || v.startsWith('env.')) return parsed;
  // Never echo the value: it is probably a real token.
  return fail('a header value is a secret and does not belong in a shared config file: put it in an environment variable and write NAME: env.VAR');
};

export const keySecret: Leaf<KeySecret> = (v) =>
  typeof v === 'string' ? parseKeySecret(v) : expected('env.NAME, sha256:<hex> or a literal key', v);

export const httpUrl: Leaf<string> = (v) => {
  // A URL with user:password@ is not echoed back in any message: that is where its secret would be shown.
  const hidden = typeof v === 'string' && v.includes('@') ? 'a string' : v;
  if (typeof v !== 'string') return expected('an http(s) URL', v);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return expected('an http(s) URL', hidden);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return expected('an http(s) URL', hidden);
  if (url.username !== '' || url.password !== '') {
    return fail('a URL must not carry user:password@: it would show wherever the URL is shown (check output, /api/config, logs); put the key in api_key: env.NAME');
  }
  return { ok: true, value: v };
};

export function oneOf<T extends string>(values: readonly T[]): Leaf<T> {
  return (v) =>
    typeof v === 'string' && (values as readonly string[]).includes(v)
      ? { ok: true, value: v as T }
      : expected(`one of ${values.join(', ')}`, v);
}

/**
 * `routing.fallback`: `same_model` or `any`, or `false` for none. `true` was the only "on" before the
 * policies existed, so it keeps meaning the safe one, `same_model`.
 */
export const fallbackPolicy: Leaf<FallbackPolicy> = (v) => {
  if (v === 'same_model' || v === true) return { ok: true, value: 'same_model' };
  if (v === 'any') return { ok: true, value: 'any' };
  if (v === false) return { ok: true, value: 'off' };
  return expected('one of same_model, any, false (true means same_model)', v);
};

export function listOf<T>(leaf: Leaf<T>, what: string): Leaf<readonly T[]> {
  return (v) => {
    if (!Array.isArray(v)) return expected(`a list of ${what}`, v);
    const out: T[] = [];
    for (const item of v) {
      const r = leaf(item);
      if (!r.ok) return fail(`every entry must be ${what}: ${r.message}`);
      out.push(r.value);
    }
    return { ok: true, value: out };
  };
}

/** Marks the issue of a required key that is absent, so it can be reported at the enclosing mapping. */
export const MISSING_PARAM = 'missing';

function run<T>(leaf: Leaf<T>, value: unknown, ctx: z.RefinementCtx): T {
  const r = leaf(value);
  if (r.ok) return r.value;
  ctx.issues.push({ code: 'custom', message: r.message, input: value });
  return z.NEVER;
}

/** A key that must be present. */
export function required<T>(leaf: Leaf<T>) {
  return z.unknown().transform((value, ctx): T => {
    if (value === undefined || value === null) {
      ctx.issues.push({ code: 'custom', message: 'required', input: value, params: { [MISSING_PARAM]: true } });
      return z.NEVER;
    }
    return run(leaf, value, ctx);
  });
}

/** A key that may be absent; an empty value (`key:`) counts as absent. */
export function optional<T>(leaf: Leaf<T>) {
  return z
    .unknown()
    .transform((value, ctx): T | undefined => (value === null ? undefined : run(leaf, value, ctx)))
    .optional();
}

/** A key with a default used when it is absent or empty. */
export function withDefault<T>(leaf: Leaf<T>, fallback: T) {
  return z.preprocess(
    (value) => (value === undefined || value === null ? fallback : value),
    z.unknown().transform((value, ctx): T => run(leaf, value, ctx)),
  );
}
