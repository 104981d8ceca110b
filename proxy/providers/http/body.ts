// The upstream request body: the client's bytes untouched unless a field must change, then re-serialised once.
import { MAX_JSON_NESTING, nestsDeeperThan, tooDeeplyNested } from '../../core/json-depth.js';

/**
 * `raw` unchanged when every override already holds in `body`; otherwise `body` with the overrides applied,
 * keeping the client's key order.
 */
export function upstreamBody(
  body: Readonly<Record<string, unknown>>,
  raw: Buffer,
  overrides: Readonly<Record<string, unknown>>,
): Buffer {
  const entries = Object.entries(overrides);
  if (entries.every(([key, value]) => body[key] === value)) return raw;
  // Comparing and re-serialising walk the client's values recursively, once per level: the edge refuses bodies
  // this deep already, but the rewrite must not rely on every caller having come through the edge.
  if (nestsDeeperThan(raw, MAX_JSON_NESTING)) throw tooDeeplyNested();
  if (entries.every(([key, value]) => sameJson(body[key], value))) return raw;
  return Buffer.from(JSON.stringify({ ...body, ...overrides }), 'utf8');
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}
