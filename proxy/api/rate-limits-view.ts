// GET /api/rate-limits: each windowed limit's use on the wire.
import type { RateLimitStatus } from '../governance/ratelimits.js';
import type { RateLimitsJson } from './wire/index.js';

export function rateLimitsJson(limits: readonly RateLimitStatus[]): RateLimitsJson {
  return {
    limits: limits.map((l) => ({
      scope: l.scope,
      id: l.id,
      kind: l.kind,
      limit: l.limit,
      used: l.used,
      duration: l.duration,
      // Whole seconds, rounded up: a client that waits this long finds the oldest use gone.
      resets_in_seconds: Math.ceil(l.resetsInMs / 1000),
    })),
  };
}
