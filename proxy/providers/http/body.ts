// The upstream request body: the client's bytes untouched unless a field must change, then re-serialised once.

/**
 * `raw` unchanged when every override already holds in `body`; otherwise `body` with the overrides applied,
 * keeping the client's key order.
 */
export function upstreamBody(
  body: Readonly<Record<string, unknown>>,
  raw: Buffer,
  overrides: Readonly<Record<string, unknown>>,
): Buffer {
  const changed = Object.entries(overrides).some(([key, value]) => !sameJson(body[key], value));
  if (!changed) return raw;
  return Buffer.from(JSON.stringify({ ...body, ...overrides }), 'utf8');
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}
